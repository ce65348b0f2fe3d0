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
 * Reading is bounded (read-file.ts): no link followed, no FIFO waited on, never more
 * than the limit + 1 bytes read. What is left out, and why, is told by left-out.ts.
 *
 * Everything below is deterministic: files are sorted by path (UTF-16 code unit
 * order, not locale order), and `maxTotalBytes` keeps a prefix of that order.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import ignore, { type Ignore } from 'ignore';
import {
  type IgnoreScope, expandBraces, gitIgnoredBy, holdsPrivateKey, isIgnoredName, isPrunedDir, isSecretDir, isSecretName,
  relativeForIgnore, withGitignore,
} from './skip-rules';
import {
  describeExclusions, describeSkips, EXCLUDED_BY, formatBytes, type ExcludedPath, type SkippedPath, type SkipReason,
} from './left-out';
import { failure, readText } from './read-file';
import type { TextEncoding } from './text-decoding';

export type { TextEncoding } from './text-decoding';

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

/** Where each file's text starts in a corpus's text, in code points (one Vocab id each). */
export function documentStarts(files: readonly { chars: number }[]): number[] {
  const starts: number[] = [];
  let at = 0;
  for (const f of files) {
    starts.push(at);
    at += f.chars + SEPARATOR_CHARS;
  }
  return starts;
}

const SEPARATOR_CHARS = [...FILE_SEPARATOR].length;

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
  const empty: string[] = [];
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
    // Nothing to learn from; only named when nothing else was read.
    if (text.length === 0) { empty.push(candidate.path); continue; }
    totalBytes += bytes;
    files.push({ path: candidate.path, chars: countCodePoints(text), encoding });
    parts.push(text, FILE_SEPARATOR);
  }
  skipped.sort((a, b) => compareStrings(a.path, b.path));
  excluded.sort((a, b) => compareStrings(a.path, b.path));

  if (files.length === 0) {
    // One skip is named with its detail: "skipped 1 file: 1 too large; huge.txt: 600 MiB > 64 MiB total limit".
    const only = skipped.length === 1 && skipped[0].detail !== undefined ? `${path.basename(skipped[0].path)}: ${skipped[0].detail}` : '';
    const why = [describeEmpty(empty), empty.length > 0 && skipped.length === 0 ? '' : describeSkips(skipped), only,
      describeExclusions(excluded)].filter((part) => part !== '').join('; ');
    throw new CorpusError(`No text files found under ${inputs.join(', ')} (${why})`);
  }
  return { files, skipped, excluded, text: parts.join('') };
}

/** "notes.txt is empty", "3 files are empty"; '' for none. */
function describeEmpty(empty: readonly string[]): string {
  if (empty.length === 0) return '';
  return empty.length === 1 ? `${path.basename(empty[0])} is empty` : `${empty.length} files are empty`;
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
