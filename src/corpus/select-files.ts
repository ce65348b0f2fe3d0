/**
 * Which of a package's files enter the corpus: the recipe's globs, then the rules Train on
 * Workspace applies (pruned build folders, binary and secret names, encodings), then the
 * machine-made check, then a byte budget filled in a seeded order. `.gz` files (Debian's
 * compressed docs) are read decompressed, under their inner name.
 */
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { gunzipSync } from 'zlib';
import ignore from 'ignore';
import { isIgnoredName, isPrunedDir, isSecretName, holdsPrivateKey } from '../core/data/skip-rules';
import { decodeBytes } from '../core/data/text-decoding';
import { machineMade } from './machine-made';
import type { Source } from './sources';

/** Larger files are left out (bytes): as in a workspace, they are mostly data and bundles. */
export const MAX_FILE_BYTES = 1_000_000;

export interface PickedFile {
  /** Relative to the package root, `.gz` removed. */
  path: string;
  text: string;
}

export interface Selection {
  files: PickedFile[];
  /** Counts of files left out, by why. */
  left: Record<string, number>;
}

export async function selectFiles(source: Source, root: string, seed: number): Promise<Selection> {
  const wanted = ignore().add(source.include);
  const unwanted = ignore().add(source.exclude ?? []);
  const left: Record<string, number> = {};
  const leave = (why: string): void => { left[why] = (left[why] ?? 0) + 1; };
  const picked: PickedFile[] = [];
  // A file named by the recipe is wanted whatever its size, as a file named on the command line is.
  const named = source.origin.kind === 'file' ? source.origin.path : null;
  for (const rel of named !== null ? [named] : await listFiles(root)) {
    const name = rel.endsWith('.gz') ? rel.slice(0, -3) : rel;
    if (!wanted.ignores(name) || unwanted.ignores(name)) continue;
    const parts = name.split('/');
    if (parts.slice(0, -1).some(isPrunedDir)) { leave('build or dependency folder'); continue; }
    const base = parts[parts.length - 1];
    if (isSecretName(base)) { leave('secret'); continue; }
    if (isIgnoredName(base)) { leave('ignored name (binary, minified, lock file)'); continue; }
    const raw = await fs.readFile(path.join(root, rel));
    const bytes = rel.endsWith('.gz') ? gunzipSync(raw) : raw;
    if (named === null && bytes.length > MAX_FILE_BYTES) { leave('over 1 MB'); continue; }
    const decoded = decodeBytes(bytes);
    if ('reason' in decoded) { leave(decoded.reason); continue; }
    if (holdsPrivateKey(decoded.text)) { leave('secret'); continue; }
    const made = machineMade(decoded.text);
    if (made !== null) { leave(made.replace(/ \(.*/, '')); continue; }
    if (decoded.text.trim().length === 0) { leave('empty'); continue; }
    picked.push({ path: name, text: decoded.text.replace(/\r\n?/g, '\n') });
  }
  return { files: withinBudget(picked, source.maxBytes, seed, leave), left };
}

/** Whole files in an order fixed by the seed and each path, until the next would pass `maxBytes`. */
function withinBudget(files: PickedFile[], maxBytes: number | undefined, seed: number, leave: (why: string) => void): PickedFile[] {
  if (maxBytes === undefined) return files;
  const order = files.map((f) => ({ f, key: createHash('sha256').update(`${seed}:${f.path}`).digest('hex') }))
    .sort((a, b) => (a.key < b.key ? -1 : 1));
  const kept: PickedFile[] = [];
  let total = 0;
  for (const { f } of order) {
    const bytes = Buffer.byteLength(f.text);
    if (total + bytes > maxBytes) { leave('over the source\'s byte budget'); continue; }
    total += bytes;
    kept.push(f);
  }
  return kept.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Every regular file under `root`, relative with `/`, sorted; links are not followed. */
async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(path.join(root, dir), { withFileTypes: true })) {
      const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) await walk(rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  await walk('');
  return out.sort();
}
