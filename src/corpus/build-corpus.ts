/**
 * Builds the pretraining corpus from a recipe: fetch each pinned source, keep it only under a
 * permissive licence, select its files, drop exact duplicates (first source wins, so a held-out
 * file that also trains is dropped from validation), hold out whole sources for validation,
 * shuffle documents with a seed and write them a file each, which Train on Workspace and
 * `char-lstm train` read like any folder. The manifest says what came from where.
 */
import { createHash } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { seededRandom } from '../core/math/random';
import type { Fetcher } from './fetch-package';
import { languageOf } from './language';
import { isPermissive, readLicence } from './licence';
import { selectFiles } from './select-files';
import type { Origin, Source } from './sources';

/** Documents longer than this are cut at blank lines (characters): long prose spreads through the shuffle. */
const MAX_DOCUMENT = 100_000;
const PIECE = 50_000;

interface Document { source: string; language: string; text: string }

export interface SourceReport {
  id: string;
  package: string;
  version: string;
  licence: string | null;
  split: 'train' | 'valid' | 'train+valid';
  /** Bytes taken (UTF-8, before any repeat). */
  bytes: number;
  files: { path: string; bytes: number }[];
  left: Record<string, number>;
  duplicates: number;
  repeat?: number;
}

export interface Manifest {
  seed: number;
  sources: SourceReport[];
  /** Sources left out whole, and why. */
  refused: { id: string; package: string; version: string; licence: string | null }[];
  train: SplitReport;
  valid: SplitReport;
}

interface SplitReport { bytes: number; documents: number; languages: Record<string, number> }

export interface BuildOptions {
  sources: Source[];
  fetch: Fetcher;
  out: string;
  seed: number;
  log?: (line: string) => void;
}

export async function buildCorpus({ sources, fetch, out, seed, log = () => {} }: BuildOptions): Promise<Manifest> {
  const seen = new Set<string>();
  const train: Document[] = [], valid: Document[] = [];
  const reports: SourceReport[] = [];
  const refused: Manifest['refused'] = [];
  for (const source of sources) {
    const root = await fetch(source.origin);
    const licence = await readLicence(source.origin, root, (name) => fetch({ ...source.origin, name } as Origin));
    const { pkg, version } = describeOrigin(source.origin);
    if (!isPermissive(licence)) {
      refused.push({ id: source.id, package: pkg, version, licence });
      log(`${source.id}: left out, licence ${licence ?? 'not stated'} is not on the permissive list`);
      continue;
    }
    const { files, left } = await selectFiles(source, root, seed);
    const report: SourceReport = { id: source.id, package: pkg, version, licence, bytes: 0, files: [], left, duplicates: 0,
      split: source.valid ? 'valid' : source.validTail ? 'train+valid' : 'train', ...(source.repeat ? { repeat: source.repeat } : {}) };
    for (const file of files) {
      const key = createHash('sha256').update(file.text.replace(/[ \t]+$/gm, '').trim()).digest('hex');
      if (seen.has(key)) { report.duplicates++; continue; }
      seen.add(key);
      const bytes = Buffer.byteLength(file.text);
      report.files.push({ path: file.path, bytes });
      report.bytes += bytes;
      const doc = (text: string): Document => ({ source: source.id, language: languageOf(file.path, text), text });
      if (source.valid) { valid.push(...pieces(file.text).map(doc)); continue; }
      const cut = source.validTail ? tailCut(file.text, source.validTail) : file.text.length;
      for (let r = 0; r < (source.repeat ?? 1); r++) train.push(...pieces(file.text.slice(0, cut)).map(doc));
      if (cut < file.text.length) valid.push(...pieces(file.text.slice(cut)).map(doc));
    }
    log(`${source.id}: ${report.files.length} files, ${formatMB(report.bytes)} (${licence})`);
    reports.push(report);
  }
  await fs.rm(out, { recursive: true, force: true });
  const manifest: Manifest = {
    seed, sources: reports, refused,
    train: await writeSplit(out, 'train', shuffled(train, seed)),
    valid: await writeSplit(out, 'valid', shuffled(valid, seed + 1)),
  };
  await fs.writeFile(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

function describeOrigin(origin: Origin): { pkg: string; version: string } {
  if (origin.kind === 'file') return { pkg: origin.path, version: 'this repository' };
  return { pkg: `${origin.kind}:${origin.name}`, version: origin.version };
}

/** Where the last `fraction` of `text` starts, moved back to a line start. */
function tailCut(text: string, fraction: number): number {
  const cut = Math.round(text.length * (1 - fraction));
  const line = text.lastIndexOf('\n', cut);
  return line < 0 ? cut : line + 1;
}

/** `text` whole, or cut at blank lines into pieces of about PIECE characters. */
function pieces(text: string): string[] {
  if (text.length <= MAX_DOCUMENT) return [text];
  const out: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + PIECE);
    const blank = text.indexOf('\n\n', end);
    end = blank < 0 || blank - start > MAX_DOCUMENT ? Math.min(text.length, start + MAX_DOCUMENT) : blank + 2;
    out.push(text.slice(start, end));
    start = end;
  }
  return out;
}

/** Fisher-Yates with the seeded generator: the same seed, the same order. */
function shuffled<T>(items: T[], seed: number): T[] {
  const rng = seededRandom(seed);
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * One file per document, numbered in the shuffled order (readers take files in path order and
 * put FILE_SEPARATOR after each, as they do for a workspace). A file per document, not shards of
 * many: the document cache forgets at each file, as it does at each file in the editor, so a
 * mixture fitted on the corpus weighs the cache as completions will use it.
 */
async function writeSplit(out: string, split: string, docs: Document[]): Promise<SplitReport> {
  await fs.mkdir(path.join(out, split), { recursive: true });
  const report: SplitReport = { bytes: 0, documents: docs.length, languages: {} };
  const digits = Math.max(5, String(docs.length).length);
  for (const [i, doc] of docs.entries()) {
    await fs.writeFile(path.join(out, split, `${String(i).padStart(digits, '0')}.txt`), doc.text);
    const bytes = Buffer.byteLength(doc.text);
    report.bytes += bytes;
    report.languages[doc.language] = (report.languages[doc.language] ?? 0) + bytes;
  }
  return report;
}

export function formatMB(bytes: number): string {
  return `${(bytes / 1e6).toFixed(2)} MB`;
}
