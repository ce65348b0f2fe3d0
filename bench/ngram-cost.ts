// `npm run bench -- --only ngram-cost`: the workspace n-gram (order chosen, validation scored with
// the document cache, the whole text counted: what Train on Workspace and `train` build before
// training) on a CJK text of 20,000 distinct characters beside English of the same length. Its
// cost follows the text, not text × vocabulary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitCorpus } from '../src/core/data/corpus';
import { Vocab } from '../src/core/data/vocab';
import { corpusMixtureBasis } from '../src/core/train/workspace-mixture-fit';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import { cjkText } from './cjk-text';

export interface NgramCostRow {
  text: string;
  chars: number;
  vocabulary: number;
  order: number;
  seconds: number;
}

/** Characters of each text: the size of the CJK workspace in issue 17. */
export const NGRAM_COST_CHARS = 120_000;

/** The build on each text, best of `repeats` (the machine's other work only slows a run). */
export async function benchNgramCost(repeats = 3): Promise<NgramCostRow[]> {
  const english = readFileSync(join(__dirname, '..', 'data', 'tinyshakespeare.txt'), 'utf8').slice(0, NGRAM_COST_CHARS);
  const texts: [string, string][] = [
    ['English (tinyshakespeare)', english],
    ['CJK, 20,000 distinct characters', cjkText(NGRAM_COST_CHARS, 20_000)],
  ];
  const rows: NgramCostRow[] = [];
  for (const [name, text] of texts) {
    const vocab = Vocab.fromText(text);
    let best = Infinity, order = 0;
    for (let r = 0; r < repeats; r++) {
      const started = performance.now();
      const basis = await corpusMixtureBasis(vocab, splitCorpus(text), [0], DEFAULT_TRAIN_CONFIG.maxValidChars);
      best = Math.min(best, (performance.now() - started) / 1000);
      order = basis.order;
    }
    rows.push({ text: name, chars: [...text].length, vocabulary: vocab.size, order, seconds: best });
  }
  return rows;
}

export function printNgramCostTable(rows: NgramCostRow[]): void {
  console.log('| text | chars | vocabulary | order chosen | n-gram build, s |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.text} | ${r.chars.toLocaleString('en')} | ${r.vocabulary.toLocaleString('en')} | ${r.order} | ${r.seconds.toFixed(2)} |`);
}
