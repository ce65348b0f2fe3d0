/**
 * What gathering a corpus leaves out, and how that is told: the kinds of skip and exclusion,
 * one-line summaries for messages, and the per-path list of the training report.
 */
import * as path from 'path';
import type { Corpus } from './corpus';
import { ENCODING_LABELS, type TextEncoding } from './text-decoding';

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
    rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
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
