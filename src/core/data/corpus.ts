/**
 * Gathers the training text from files and folders, and reports everything it left out and why.
 *
 * What is read, in order of precedence:
 * - Folders are walked recursively. Symlinks met during the walk are never
 *   followed (as git stores them: as links, not content), so link loops cannot
 *   hang the walk and a link cannot pull in files from outside the tree. FIFOs,
 *   sockets and devices are never opened during a walk.
 * - Secrets are never read: files named like keys, certificates and credentials,
 *   folders such as `.ssh` and `.aws` (skip-rules.ts), and any file whose text holds
 *   a PEM private key. This check comes first, so a gitignored `.env` is reported
 *   as a secret, not as ignored.
 * - `.gitignore` files apply at every level of a walked folder, each relative to
 *   its own folder, deeper files overriding shallower ones (git's precedence).
 *   The exclude settings (`files.exclude`, `charLstm.exclude`) apply on top, each
 *   set on its own: a `.gitignore`'s `!` re-include cannot undo them.
 *   What these rules and the pruned folders (`node_modules`, `dist`, …) leave out
 *   is listed in `Corpus.excluded`, one entry per file or folder not entered.
 * - A file named explicitly as an input bypasses `.gitignore`, the exclude settings
 *   and the binary-ish-name list (the user asked for it), but never the secret check,
 *   the binary check or the size limits.
 * - Bytes become text as text-decoding.ts decides (UTF-8, UTF-16/32 with a
 *   byte-order mark, legacy Windows-1252); each file's encoding is in `Corpus.files`.
 * - Empty files contribute nothing and are left out silently.
 *
 * Reading is bounded: a file is opened without following a link or blocking (a FIFO
 * that replaced a file after the walk is refused, not waited on), its size comes from
 * the open handle before anything is read, and no more than the limit + 1 bytes are
 * ever read, so a file that grows while being read is 'too-large', not a memory spike.
 *
 * Everything below is deterministic: files are sorted by path (UTF-16 code unit
 * order, not locale order), and `maxTotalBytes` keeps a prefix of that order.
 */
import { constants, promises as fs, type Stats } from 'fs';
import * as path from 'path';
import ignore, { type Ignore } from 'ignore';
import {
  type IgnoreScope, expandBraces, gitIgnoredBy, holdsPrivateKey, isIgnoredName, isPrunedDir, isSecretDir, isSecretName,
  relativeForIgnore, withGitignore,
} from './skip-rules';
import { decodeBytes, ENCODING_LABELS, type TextEncoding } from './text-decoding';

export type { TextEncoding } from './text-decoding';

export type SkipReason =
  | 'binary' | 'unknown-encoding' | 'too-large' | 'secret' | 'ignored-name' | 'unreadable' | 'vanished' | 'total-limit';

/** A file (or, for 'secret' and 'unreadable', a folder) considered and rejected. */
export interface SkippedPath {
  path: string;
  reason: SkipReason;
  /** What a person needs beyond the reason, e.g. "600 MiB > 1 MiB limit", "EACCES", "holds a private key". */
  detail?: string;
}

/** A file or folder the walk did not enter, and which rule left it out. */
export interface ExcludedPath {
  path: string;
  folder: boolean;
  /**
   * The `.gitignore` that ignores it, relative to its input folder ('.gitignore', 'sub/.gitignore');
   * the `source` of the exclude set that matched ('files.exclude', 'charLstm.exclude');
   * or one of EXCLUDED_BY's values.
   */
  by: string;
}

/** `ExcludedPath.by` for what no rule set names. */
export const EXCLUDED_BY = {
  /** A dependency, build or cache folder (node_modules, dist, .git, …), never walked. */
  pruned: 'pruned folder',
  /** A symbolic link met during a walk, never followed. */
  symlink: 'symlink',
  /** A FIFO, socket or device met during a walk, never opened. */
  special: 'special file',
} as const;

export interface Corpus {
  /** Files whose text is in `text`, in that order; `chars` counts code points (not UTF-16 units). */
  files: { path: string; chars: number; encoding: TextEncoding }[];
  /** Files considered and rejected, in path order. */
  skipped: SkippedPath[];
  /** Files and folders left out by rules before any reading, in path order. */
  excluded: ExcludedPath[];
  /** Each file's text followed by FILE_SEPARATOR. */
  text: string;
}

/** Gitignore-style patterns (with `{a,b}` alternatives), relative to each input folder, and where they came from. */
export interface ExcludeRules {
  /** Named in the report, e.g. 'files.exclude', 'charLstm.exclude'. */
  source: string;
  patterns: readonly string[];
}

export interface GatherOptions {
  /** Larger files are skipped as 'too-large'. Bytes; default 1 MiB. */
  maxFileBytes?: number;
  /** Once the next file would push the total past this, it and every later file are 'total-limit'. Bytes; default 64 MiB. */
  maxTotalBytes?: number;
  signal?: AbortSignal;
  /** Rule sets that leave paths out of walked folders (the editor's `files.exclude`, `charLstm.exclude`). */
  exclude?: readonly ExcludeRules[];
}

/**
 * Appended after every file. A blank line is how most text already marks a
 * break, so the model learns "end of one document, start of another" from
 * characters it knows instead of a new reserved id, and no file's last line
 * runs into the next file's first.
 */
export const FILE_SEPARATOR = '\n\n';

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
export const DEFAULT_MAX_TOTAL_BYTES = 64 * 1024 * 1024;

/** Nothing usable was found, or an input does not exist. The message is meant for the user. */
export class CorpusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorpusError';
  }
}

interface Candidate {
  path: string;
  explicit: boolean;
}

interface ExcludeSet {
  source: string;
  rules: Ignore;
}

interface WalkContext {
  /** The input folder being walked: exclude sets and `.gitignore` names are relative to it. */
  root: string;
  settings: readonly ExcludeSet[];
  out: Candidate[];
  skipped: SkippedPath[];
  excluded: ExcludedPath[];
  signal: AbortSignal | undefined;
}

export async function gatherCorpus(inputs: string[], options: GatherOptions = {}): Promise<Corpus> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxTotalBytes = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  const signal = options.signal;
  if (inputs.length === 0) throw new CorpusError('No inputs given: name at least one file or folder');

  const settings: ExcludeSet[] = (options.exclude ?? [])
    .filter((set) => set.patterns.length > 0)
    .map((set) => ({ source: set.source, rules: ignore().add(set.patterns.flatMap(expandBraces)) }));
  const skipped: SkippedPath[] = [];
  const excluded: ExcludedPath[] = [];
  const candidates: Candidate[] = [];
  for (const input of inputs) {
    signal?.throwIfAborted();
    const stat = await statInput(input);
    if (stat.isDirectory()) {
      if (isSecretDir(path.basename(path.resolve(input)))) skipped.push({ path: input, reason: 'secret', detail: 'a folder of keys or credentials' });
      else await walk(input, [], { root: input, settings, out: candidates, skipped, excluded, signal });
    } else if (stat.isFile()) {
      candidates.push({ path: input, explicit: true });
    } else {
      throw new CorpusError(`Input is neither a file nor a folder: ${input}`);
    }
  }

  const files: Corpus['files'] = [];
  const parts: string[] = [];
  let totalBytes = 0;
  let totalReached = false;
  const totalDetail = `the ${formatBytes(maxTotalBytes)} total limit was reached`;
  for (const candidate of await dedupeAndSort(candidates)) {
    signal?.throwIfAborted();
    const name = path.basename(candidate.path);
    const skip = (reason: SkipReason, detail?: string) =>
      skipped.push(detail === undefined ? { path: candidate.path, reason } : { path: candidate.path, reason, detail });
    if (isSecretName(name)) { skip('secret'); continue; }
    if (!candidate.explicit && isIgnoredName(name)) { skip('ignored-name'); continue; }
    if (totalReached) { skip('total-limit', totalDetail); continue; }

    // A file named on purpose is wanted whatever its size; the per-file cap is for what a walk
    // stumbles on (minified bundles, logs, dumps). The total cap still bounds memory.
    const read = candidate.explicit
      ? await readText(candidate.path, maxTotalBytes, 'total limit', true)
      : await readText(candidate.path, maxFileBytes, 'limit', false);
    if ('reason' in read) { skip(read.reason, read.detail); continue; }
    const { text, encoding } = read;
    if (holdsPrivateKey(text)) { skip('secret', 'holds a private key'); continue; }
    const bytes = Buffer.byteLength(text, 'utf8');
    if (totalBytes + bytes > maxTotalBytes) { totalReached = true; skip('total-limit', totalDetail); continue; }
    if (text.length === 0) continue;
    totalBytes += bytes;
    files.push({ path: candidate.path, chars: countCodePoints(text), encoding });
    parts.push(text, FILE_SEPARATOR);
  }
  skipped.sort((a, b) => compareStrings(a.path, b.path));
  excluded.sort((a, b) => compareStrings(a.path, b.path));

  if (files.length === 0) {
    // One skip is named with its detail: "skipped 1 file: 1 too large; huge.txt: 600 MiB > 64 MiB total limit".
    const only = skipped.length === 1 && skipped[0].detail !== undefined ? `${path.basename(skipped[0].path)}: ${skipped[0].detail}` : '';
    const why = [describeSkips(skipped), only, describeExclusions(excluded)].filter((part) => part !== '').join('; ');
    throw new CorpusError(`No text files found under ${inputs.join(', ')} (${why})`);
  }
  return { files, skipped, excluded, text: parts.join('') };
}

/**
 * Splits BY POSITION: the first `1 - validFraction` of the text trains, the
 * rest validates. The validation text is a contiguous tail the model never
 * sees while training, so there is no leakage (a random split of windows
 * would put overlapping text on both sides). The cut is in UTF-16 units and
 * moves back one unit rather than split a surrogate pair.
 */
export function splitCorpus(text: string, validFraction = 0.1): { train: string; valid: string } {
  if (!(validFraction >= 0 && validFraction <= 1)) {
    throw new RangeError(`validFraction must be between 0 and 1, got ${validFraction}`);
  }
  let cut = text.length - Math.round(text.length * validFraction);
  if (cut > 0 && cut < text.length && isHighSurrogate(text.charCodeAt(cut - 1)) && isLowSurrogate(text.charCodeAt(cut))) {
    cut--;
  }
  return { train: text.slice(0, cut), valid: text.slice(cut) };
}

const REASON_LABELS: Record<SkipReason, string> = {
  'binary': 'binary',
  'unknown-encoding': 'in an unknown encoding',
  'too-large': 'too large',
  'secret': 'secret',
  'ignored-name': 'ignored by name',
  'unreadable': 'unreadable',
  'vanished': 'gone before it was read',
  'total-limit': 'over the total size limit',
};

/** One line for the user, e.g. "skipped 3 files: 2 binary, 1 secret"; "no files skipped" when empty. */
export function describeSkips(skipped: readonly { reason: SkipReason }[]): string {
  if (skipped.length === 0) return 'no files skipped';
  const counts = new Map<SkipReason, number>();
  for (const { reason } of skipped) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  // Fixed reason order (the label table's), so the line does not depend on the walk order.
  const details = (Object.keys(REASON_LABELS) as SkipReason[])
    .filter((reason) => counts.has(reason))
    .map((reason) => `${counts.get(reason)} ${REASON_LABELS[reason]}`);
  return `skipped ${plural(skipped.length, 'file')}: ${details.join(', ')}`;
}

/** Why one path was skipped, e.g. "too large (600 MiB > 1 MiB limit)", "secret". */
export function describeSkip(skip: Pick<SkippedPath, 'reason' | 'detail'>): string {
  return skip.detail === undefined ? REASON_LABELS[skip.reason] : `${REASON_LABELS[skip.reason]} (${skip.detail})`;
}

/**
 * One line for the user, e.g. "14 paths excluded: 10 by .gitignore, 2 by files.exclude, 1 pruned
 * folder, 1 symlink not followed"; '' when nothing was excluded. Every `.gitignore` counts as one source.
 */
export function describeExclusions(excluded: readonly Pick<ExcludedPath, 'by'>[]): string {
  if (excluded.length === 0) return '';
  const counts = new Map<string, number>();
  for (const { by } of excluded) {
    const key = isGitignoreSource(by) ? '.gitignore' : by;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const special: Record<string, [string, string]> = {
    [EXCLUDED_BY.pruned]: ['pruned folder', 'pruned folders'],
    [EXCLUDED_BY.symlink]: ['symlink not followed', 'symlinks not followed'],
    [EXCLUDED_BY.special]: ['special file', 'special files'],
  };
  // Rule sets first (.gitignore, then the settings in name order), then the fixed kinds.
  const keys = [...counts.keys()].sort((a, b) =>
    rank(a) - rank(b) || compareStrings(a, b));
  function rank(key: string): number {
    return key === '.gitignore' ? 0 : key in special ? 2 + Object.keys(special).indexOf(key) : 1;
  }
  const details = keys.map((key) => {
    const n = counts.get(key)!;
    return key in special ? `${n} ${special[key][n === 1 ? 0 : 1]}` : `${n} by ${key}`;
  });
  return `${plural(excluded.length, 'path')} excluded: ${details.join(', ')}`;
}

/** Why one path was left out, e.g. "excluded by sub/.gitignore", "symlink, not followed". */
export function describeExclusion(by: string): string {
  switch (by) {
    case EXCLUDED_BY.pruned: return 'not walked (dependency, build or version-control folder)';
    case EXCLUDED_BY.symlink: return 'symlink, not followed';
    case EXCLUDED_BY.special: return 'not a regular file (FIFO, socket or device)';
    default: return `excluded by ${by}`;
  }
}

/**
 * One line for the user about files not read as plain UTF-8, e.g. "3 files read as Windows-1252,
 * 1 as UTF-16LE"; '' when every file was UTF-8.
 */
export function describeEncodings(files: readonly { encoding: TextEncoding }[]): string {
  const counts = new Map<TextEncoding, number>();
  for (const { encoding } of files) if (encoding !== 'utf-8') counts.set(encoding, (counts.get(encoding) ?? 0) + 1);
  const details = (Object.keys(ENCODING_LABELS) as TextEncoding[])
    .filter((encoding) => counts.has(encoding))
    .map((encoding, i) => i === 0
      ? `${plural(counts.get(encoding)!, 'file')} read as ${ENCODING_LABELS[encoding]}`
      : `${counts.get(encoding)} as ${ENCODING_LABELS[encoding]}`);
  return details.join(', ');
}

/** Entries of listSkippedPaths. */
export interface SkippedPathLine {
  /** Relative to its input folder, '/'-separated, folders ending in '/'; prefixed by the folder's name when there are several. */
  path: string;
  /** describeSkip's or describeExclusion's text. */
  reason: string;
}

/**
 * Everything left out, for a report to list: the skipped files first (what a person most needs to
 * see: secrets, binaries, files too large), then the excluded paths, each in path order; at most
 * `limit` lines, and how many more there were.
 */
export function listSkippedPaths(
  corpus: Pick<Corpus, 'skipped' | 'excluded'>, inputs: readonly string[], limit = 500,
): { lines: SkippedPathLine[]; more: number } {
  const all = corpus.skipped.length + corpus.excluded.length;
  const lines: SkippedPathLine[] = [];
  for (const skip of corpus.skipped) {
    if (lines.length >= limit) break;
    lines.push({ path: displayPath(skip.path, false, inputs), reason: describeSkip(skip) });
  }
  for (const exclusion of corpus.excluded) {
    if (lines.length >= limit) break;
    lines.push({ path: displayPath(exclusion.path, exclusion.folder, inputs), reason: describeExclusion(exclusion.by) });
  }
  return { lines, more: all - lines.length };
}

/** `file` relative to the input folder holding it ('/'-separated), prefixed by that folder's name when there are several. */
function displayPath(file: string, folder: boolean, inputs: readonly string[]): string {
  const resolved = path.resolve(file);
  let best: string | null = null;
  for (const input of inputs) {
    const root = path.resolve(input);
    if ((resolved === root || resolved.startsWith(root.endsWith(path.sep) ? root : root + path.sep))
      && (best === null || root.length > best.length)) best = root;
  }
  if (best === null) return file.split(path.sep).join('/') + (folder ? '/' : '');
  const relative = path.relative(best, resolved).split(path.sep).join('/');
  const shown = inputs.length > 1 || relative === '' ? [path.basename(best), relative].filter(Boolean).join('/') : relative;
  return shown + (folder ? '/' : '');
}

/** "1 MiB", "600 MiB", "1.5 KiB", "12 bytes": binary units, as the limits are. */
export function formatBytes(n: number): string {
  if (n < 1024) return plural(n, 'byte');
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024, unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
  return `${value < 10 && !Number.isInteger(value) ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function isGitignoreSource(by: string): boolean {
  return by === '.gitignore' || by.endsWith('/.gitignore');
}

async function statInput(input: string) {
  try {
    return await fs.stat(input);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CorpusError(`Input not found: ${input}`);
    if (code === 'ELOOP') throw new CorpusError(`Input is a loop of symbolic links: ${input}`);
    throw new CorpusError(`Cannot read input ${input}: ${code ?? String(error)}`);
  }
}

async function walk(dir: string, parentScopes: readonly IgnoreScope[], ctx: WalkContext): Promise<void> {
  ctx.signal?.throwIfAborted();
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    ctx.skipped.push({ path: dir, ...failure(error) });
    return;
  }
  const hasGitignore = entries.some((e) => e.name === '.gitignore' && e.isFile());
  const scopes = hasGitignore
    ? await withGitignore(dir, parentScopes, relativeForIgnore(ctx.root, path.join(dir, '.gitignore'), false))
    : parentScopes;
  entries.sort((a, b) => compareStrings(a.name, b.name));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    const isDir = entry.isDirectory();
    const exclude = (by: string) => ctx.excluded.push({ path: full, folder: isDir, by });
    if (isDir && isSecretDir(entry.name)) {
      ctx.skipped.push({ path: full, reason: 'secret', detail: 'a folder of keys or credentials' });
      continue;
    }
    if (isDir && isPrunedDir(entry.name)) { exclude(EXCLUDED_BY.pruned); continue; }
    // A secret-named file is a candidate whatever the rules say, to be reported as a secret.
    const by = entry.isFile() && isSecretName(entry.name) ? null : excludedBy(full, isDir, scopes, ctx);
    if (by !== null) exclude(by);
    else if (isDir) await walk(full, scopes, ctx);
    else if (entry.isFile()) ctx.out.push({ path: full, explicit: false });
    else if (entry.isSymbolicLink()) exclude(EXCLUDED_BY.symlink);
    else exclude(EXCLUDED_BY.special); // FIFOs, sockets and devices are never opened during a walk
  }
}

/** The `.gitignore` or exclude set that leaves `full` out, or null. */
function excludedBy(full: string, isDir: boolean, scopes: readonly IgnoreScope[], ctx: WalkContext): string | null {
  const gitignore = gitIgnoredBy(full, isDir, scopes);
  if (gitignore !== null) return gitignore;
  if (ctx.settings.length === 0) return null;
  const relative = relativeForIgnore(ctx.root, full, isDir);
  return ctx.settings.find((set) => set.rules.ignores(relative))?.source ?? null;
}

/** One entry per real file (an explicit input beats the same file found by a walk), sorted by path. */
async function dedupeAndSort(candidates: Candidate[]): Promise<Candidate[]> {
  const byRealPath = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const key = await fs.realpath(candidate.path).catch(() => path.resolve(candidate.path));
    const existing = byRealPath.get(key);
    if (!existing || (candidate.explicit && !existing.explicit)) byRealPath.set(key, candidate);
  }
  return [...byRealPath.values()].sort((a, b) => compareStrings(a.path, b.path));
}

/**
 * Opening never blocks (a FIFO would wait for a writer) and, for a walked file, never follows a
 * link that replaced it after the walk. Where a flag does not exist (Windows) it is 0.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

type ReadResult = { text: string; encoding: TextEncoding } | { reason: SkipReason; detail?: string };

/** The file's text, or why it cannot be used. `limitName` names `limit` in the report ("limit", "total limit"). */
async function readText(file: string, limit: number, limitName: string, followLinks: boolean): Promise<ReadResult> {
  let bytes: Buffer;
  try {
    const handle = await fs.open(file, OPEN_FLAGS | (followLinks ? 0 : NO_FOLLOW));
    try {
      // From the open handle: what is read is what was checked, even if the path changed since the walk.
      const stat = await handle.stat();
      if (!stat.isFile()) return { reason: 'unreadable', detail: `no longer a file: now ${kindOf(stat)}` };
      if (stat.size > limit) return { reason: 'too-large', detail: `${formatBytes(stat.size)} > ${formatBytes(limit)} ${limitName}` };
      const read = await readAtMost(handle, stat.size, limit);
      if (read === null) return { reason: 'too-large', detail: `grew past the ${formatBytes(limit)} ${limitName} while being read` };
      bytes = read;
    } finally {
      await handle.close().catch(() => undefined);
    }
  } catch (error) {
    return failure(error);
  }
  return decodeBytes(bytes);
}

/** The handle's bytes, or null if there are more than `limit` (never reading more than limit + 1). */
async function readAtMost(handle: fs.FileHandle, statSize: number, limit: number): Promise<Buffer | null> {
  // One byte more than the stat said, to see growth; grown by doubling, up to limit + 1.
  let buffer = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(statSize + 1, 4096)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > limit) return null;
      const bigger = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return length > limit ? null : buffer.subarray(0, length);
}

/** Why a path that was there during the walk could not be read. */
function failure(error: unknown): { reason: SkipReason; detail: string } {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return { reason: 'vanished', detail: 'deleted after the folder was listed' };
    case 'ELOOP': return { reason: 'unreadable', detail: 'replaced by a symlink, not followed' };
    case 'EISDIR': return { reason: 'unreadable', detail: 'no longer a file: now a folder' };
    case 'ENOTDIR': return { reason: 'unreadable', detail: 'no longer a folder' };
    default: return { reason: 'unreadable', detail: code ?? String((error as Error)?.message ?? error) };
  }
}

function kindOf(stat: Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

function countCodePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    if (isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))) {
      count--;
      i++;
    }
  }
  return count;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isHighSurrogate(u: number): boolean {
  return u >= 0xd800 && u <= 0xdbff;
}

function isLowSurrogate(u: number): boolean {
  return u >= 0xdc00 && u <= 0xdfff;
}
