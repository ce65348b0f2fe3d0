/**
 * Gathers the training text from files and folders.
 *
 * What is read, in order of precedence:
 * - Folders are walked recursively. Symlinks met during the walk are never
 *   followed (as git stores them: as links, not content), so link loops cannot
 *   hang the walk and a link cannot pull in files from outside the tree.
 * - `.gitignore` files apply at every level of a walked folder, each relative to
 *   its own folder, deeper files overriding shallower ones (git's precedence).
 *   Paths excluded by them, and pruned folders (`node_modules`, `dist`, …), are
 *   left out silently: they are not "skipped files" the user needs to hear about.
 * - A file named explicitly as an input bypasses `.gitignore` and the
 *   binary-ish-name list (the user asked for it), but never the secret check,
 *   the binary check or the size limits.
 * - Empty files contribute nothing and are left out silently.
 *
 * Everything below is deterministic: files are sorted by path (UTF-16 code unit
 * order, not locale order), and `maxTotalBytes` keeps a prefix of that order.
 */
import { promises as fs } from 'fs';
import * as path from 'path';
import ignore from 'ignore';
import { type IgnoreScope, isGitIgnored, isIgnoredName, isPrunedDir, isSecretName, withGitignore } from './skip-rules';

export type SkipReason = 'binary' | 'too-large' | 'secret' | 'ignored-name' | 'unreadable' | 'total-limit';

export interface Corpus {
  /** Files whose text is in `text`, in that order; `chars` counts code points (not UTF-16 units). */
  files: { path: string; chars: number }[];
  /** Files considered and rejected, in path order. */
  skipped: { path: string; reason: SkipReason }[];
  /** Each file's text followed by FILE_SEPARATOR. */
  text: string;
}

export interface GatherOptions {
  /** Larger files are skipped as 'too-large'. Bytes; default 1 MiB. */
  maxFileBytes?: number;
  /** Once the next file would push the total past this, it and every later file are 'total-limit'. Bytes; default 64 MiB. */
  maxTotalBytes?: number;
  signal?: AbortSignal;
  /**
   * Extra gitignore-style patterns, relative to each input folder (the editor's `files.exclude`),
   * applied below every `.gitignore` of the walk.
   */
  exclude?: readonly string[];
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

/** The binary check looks for a NUL byte in this many leading bytes, as git does. */
const BINARY_SNIFF_BYTES = 8 * 1024;

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

export async function gatherCorpus(inputs: string[], options: GatherOptions = {}): Promise<Corpus> {
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxTotalBytes = options.maxTotalBytes ?? DEFAULT_MAX_TOTAL_BYTES;
  const signal = options.signal;
  if (inputs.length === 0) throw new CorpusError('No inputs given: name at least one file or folder');

  const skipped: Corpus['skipped'] = [];
  const candidates: Candidate[] = [];
  for (const input of inputs) {
    signal?.throwIfAborted();
    const stat = await statInput(input);
    if (stat.isDirectory()) await walk(input, excludeScope(input, options.exclude), candidates, skipped, signal);
    else if (stat.isFile()) candidates.push({ path: input, explicit: true });
    else throw new CorpusError(`Input is neither a file nor a folder: ${input}`);
  }

  const files: Corpus['files'] = [];
  const parts: string[] = [];
  let totalBytes = 0;
  let totalReached = false;
  for (const candidate of await dedupeAndSort(candidates)) {
    signal?.throwIfAborted();
    const name = path.basename(candidate.path);
    const skip = (reason: SkipReason) => skipped.push({ path: candidate.path, reason });
    if (isSecretName(name)) { skip('secret'); continue; }
    if (!candidate.explicit && isIgnoredName(name)) { skip('ignored-name'); continue; }
    if (totalReached) { skip('total-limit'); continue; }

    // A file named on purpose is wanted whatever its size; the per-file cap is for what a walk
    // stumbles on (minified bundles, logs, dumps). The total cap still bounds memory.
    const text = await readText(candidate.path, candidate.explicit ? maxTotalBytes : maxFileBytes);
    if (typeof text !== 'string') { skip(text.reason); continue; }
    const bytes = Buffer.byteLength(text, 'utf8');
    if (totalBytes + bytes > maxTotalBytes) { totalReached = true; skip('total-limit'); continue; }
    if (text.length === 0) continue;
    totalBytes += bytes;
    files.push({ path: candidate.path, chars: countCodePoints(text) });
    parts.push(text, FILE_SEPARATOR);
  }
  skipped.sort((a, b) => compareStrings(a.path, b.path));

  if (files.length === 0) {
    throw new CorpusError(`No text files found under ${inputs.join(', ')} (${describeSkips(skipped)})`);
  }
  return { files, skipped, text: parts.join('') };
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
  'too-large': 'too large',
  'secret': 'secret',
  'ignored-name': 'ignored by name',
  'unreadable': 'unreadable',
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
  return `skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'}: ${details.join(', ')}`;
}

async function statInput(input: string) {
  try {
    return await fs.stat(input);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new CorpusError(`Input not found: ${input}`);
    throw new CorpusError(`Cannot read input ${input}: ${code ?? String(error)}`);
  }
}

function excludeScope(dir: string, patterns: readonly string[] | undefined): IgnoreScope[] {
  return patterns && patterns.length > 0 ? [{ dir, rules: ignore().add([...patterns]) }] : [];
}

async function walk(
  dir: string,
  parentScopes: readonly IgnoreScope[],
  out: Candidate[],
  skipped: Corpus['skipped'],
  signal: AbortSignal | undefined,
): Promise<void> {
  signal?.throwIfAborted();
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    skipped.push({ path: dir, reason: 'unreadable' });
    return;
  }
  const hasGitignore = entries.some((e) => e.name === '.gitignore' && e.isFile());
  const scopes = hasGitignore ? await withGitignore(dir, parentScopes) : parentScopes;
  entries.sort((a, b) => compareStrings(a.name, b.name));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!isPrunedDir(entry.name) && !isGitIgnored(full, true, scopes)) {
        await walk(full, scopes, out, skipped, signal);
      }
    } else if (entry.isFile()) {
      if (!isGitIgnored(full, false, scopes)) out.push({ path: full, explicit: false });
    }
    // Symlinks, sockets, FIFOs and devices are never read during a walk.
  }
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

/** The file's text, or why it cannot be used. */
async function readText(file: string, maxFileBytes: number): Promise<string | { reason: SkipReason }> {
  let bytes: Buffer;
  try {
    const handle = await fs.open(file, 'r');
    try {
      // Size from the open handle, so the limit is checked before anything is read.
      if ((await handle.stat()).size > maxFileBytes) return { reason: 'too-large' };
      bytes = await handle.readFile();
    } finally {
      await handle.close();
    }
  } catch {
    return { reason: 'unreadable' };
  }
  if (bytes.length > maxFileBytes) return { reason: 'too-large' }; // grew after the stat
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { reason: 'binary' };
  try {
    // fatal: invalid UTF-8 means binary (or a legacy encoding we would only garble); a BOM is dropped.
    // Line ends become \n: the editor hands completions \n-joined lines whatever the file uses.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/\r\n?/g, '\n');
  } catch {
    return { reason: 'binary' };
  }
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
