// What completions are worth, measured on two held-out sets (issue 8): tinyshakespeare's last
// 10% with the default model (trained on the first 90%), and this project's own TypeScript split
// 90/10 by file with a model the CLI trains on the 90% for `minutes`. For each: the LSTM, a
// Kneser-Ney n-gram trained on the same training text (order chosen on its last 10%), and their
// mixture (weights cross-fitted on the held-out halves), in nats/char read as one stream, and the
// completion figures of `char-lstm eval` (top-1, word match, characters saved); and the mixture with
// a cache of the held-out document read so far; and both again with the LSTM dynamically
// evaluated (its weights adapted on the held-out text before each position, frozen in the ghost
// text's rollout: src/core/dynamic/dynamic-reader.ts). Where the model's own saved mixture never
// saw the held-out text (the source set's), also the model as completions use it, measured as
// `char-lstm eval` measures it (src/cli/eval-as-completed.ts): its saved n-gram and weights and
// a cache of each held-out file, nothing fitted on the held-out text.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { documentStarts, gatherCorpus, splitCorpus } from '../src/core/data/corpus';
import type { Vocab } from '../src/core/data/vocab';
import type { CharModel } from '../src/core/model/char-model';
import { loadModel } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';
import { lstmMetrics, metricsJson, ngramBaseline, type NgramBaseline } from '../src/cli/eval-measures';
import { mixtureMeasures, mixtureTargets } from '../src/cli/eval-mixture';
import { evaluateLstm, measureAsCompleted } from '../src/cli/eval-as-completed';
import { crossFitMixture, DocumentCache, mixtureBuckets, MixturePredictor, slicePositions, type CrossFit } from '../src/core/mix';
import { completionMetrics, METRICS_DEFAULTS, sliceText, type CompletionMetrics } from '../src/core/eval/completion-metrics';
import { NgramPredictor } from '../src/core/ngram/ngram-predictor';
import { DYNAMIC_DEFAULTS, DynamicAdapter, DynamicReader, evaluateDynamic } from '../src/core/dynamic';
import { run } from './quality';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'cli.js');

/** One predictor's figures on one held-out set. */
export interface Row {
  natsPerChar: number;
  top1: number | null;
  wordMatch: number | null;
  charsSaved: number | null;
}

export interface HeldOutFigures {
  set: string;
  trainChars: number;
  testChars: number;
  model: string;
  ngramOrder: number;
  /**
   * 'as completed': the model file's own mixture (`char-lstm eval`'s row of that name; its loss
   * over the positions of the LSTM's batched evaluation, the others' read as one stream).
   */
  rows: { lstm: Row; 'lstm dynamic': Row; ngram: Row; mixture: Row; 'mixture+cache': Row; 'mix+cache dyn': Row; 'as completed'?: Row };
}

/** Both sets; the source model trains for `minutes` (CLI defaults otherwise: model M). */
export async function completionTable(minutes: number, metricsChars: number, log: (line: string) => void): Promise<HeldOutFigures[]> {
  log('completion figures: tinyshakespeare, default model ...');
  const text = readFileSync(join(ROOT, 'data', 'tinyshakespeare.txt'), 'utf8');
  const { train, valid } = splitCorpus(text);
  // No 'as completed' row: the default model's saved n-gram counted all of tinyshakespeare, the held-out 10% too.
  const shakespeare = await measureSet('tinyshakespeare, last 10%', join(ROOT, 'models', 'default.safetensors'), train, valid, [0],
    metricsChars, false);
  const source = await sourceSet(minutes, metricsChars, log);
  return [shakespeare, source];
}

/** This project's .ts files (src, webview, bench, test) in path order; the last 10% of their text, at a file boundary, held out. */
async function sourceSet(minutes: number, metricsChars: number, log: (line: string) => void): Promise<HeldOutFigures> {
  const corpus = await gatherCorpus(['src', 'webview', 'bench', 'test'].map((d) => join(ROOT, d)));
  const files = corpus.files.filter((f) => f.path.endsWith('.ts') && !relative(ROOT, f.path).startsWith(join('test', 'fixtures')));
  const total = files.reduce((n, f) => n + f.chars, 0);
  let cut = 0, sum = 0;
  while (cut < files.length && sum + files[cut].chars <= 0.9 * total) sum += files[cut++].chars;
  const trainFiles = files.slice(0, cut).map((f) => f.path), testFiles = files.slice(cut).map((f) => f.path);
  const dir = mkdtempSync(join(tmpdir(), 'char-lstm-bench-source-'));
  try {
    const out = join(dir, 'source.safetensors');
    log(`completion figures: training model M on ${trainFiles.length} source files for ${minutes} min ...`);
    const r = await run(process.execPath, [CLI, 'train', ...trainFiles, '--out', out, '--max-minutes', String(minutes), '--epochs', '1000'],
      (minutes * 60 + 600) * 1000);
    if (r.code !== 0) throw new Error(`training the source model failed: ${r.stderr.trim().split('\n').pop()}`);
    const trainText = (await gatherCorpus(trainFiles)).text, test = await gatherCorpus(testFiles);
    log('completion figures: this project\'s source, held-out files ...');
    // The model's saved mixture (train saves one) was made from the training files alone.
    return await measureSet(`this project's source, last 10% by file (${testFiles.length} files)`, out, trainText, test.text,
      documentStarts(test.files), metricsChars, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `starts`: where each held-out document begins (the document cache starts afresh there);
 * `savedMixtureHeldOut`: whether the model file's mixture never saw `test` (then it is measured).
 */
async function measureSet(set: string, modelPath: string, train: string, test: string, starts: number[],
  metricsChars: number, savedMixtureHeldOut: boolean): Promise<HeldOutFigures> {
  const { model, vocab, mixture: saved } = await loadModel(modelPath, createKernels());
  const ids = vocab.encode(test);
  const ngram = ngramBaseline(vocab, train, ids, metricsChars, { maxOrder: 10 });
  const targets = mixtureTargets(model, vocab, ngram, ids, starts);
  const [mixture, withCache] = mixtureMeasures(model, vocab, ngram, ids, starts, metricsChars, targets);
  const lstm = lstmMetrics(model, vocab, ids, metricsChars);
  const asCompleted = savedMixtureHeldOut && saved
    ? measureAsCompleted(model, vocab, saved, ids, starts, (await evaluateLstm(model, ids, true)).probs!, metricsChars) : null;
  // Dynamic evaluation with the default SGD settings (chosen on tuning parts of these same sets:
  // bench/dynamic-eval.ts). Its one pass keeps the weights where each slice of the completion
  // figures starts, so that those need only the steps within their slices.
  const dynamicTargets = new Float64Array(ids.length);
  const adapter = new DynamicAdapter(model);
  const slices = sliceText(ids.length, metricsChars, METRICS_DEFAULTS.sliceChars);
  const dynamic = await evaluateDynamic(model, ids, { ...DYNAMIC_DEFAULTS.sgd, targets: dynamicTargets, adapter,
    checkpointsAt: slices.map((s) => s.from) });
  const reader = new DynamicReader(model, ids, DYNAMIC_DEFAULTS.sgd, { adapter, checkpoints: dynamic.checkpoints });
  // The mixture with the cache again, the LSTM's probabilities now the dynamically evaluated
  // ones, over the positions dynamic evaluation scores (1 … chars).
  const scored = slicePositions(targets, 1, dynamic.chars + 1);
  const withDynamic = crossFitMixture({ probs: [dynamicTargets.subarray(1, dynamic.chars + 1), ...scored.probs.slice(1)],
    bucket: scored.bucket }, mixtureBuckets(ngram.order));
  const [lstmDynamic, mixDynamic] = dynamicMetrics(reader, vocab, ngram, ids, starts, metricsChars, withDynamic);
  return {
    set, trainChars: train.length, testChars: test.length, model: describe(model, vocab), ngramOrder: ngram.order,
    rows: {
      lstm: row(mixture.fit.modelNatsPerChar[0], lstm),
      'lstm dynamic': row(dynamic.loss, lstmDynamic),
      ngram: row(mixture.fit.modelNatsPerChar[1], ngram.metrics),
      mixture: row(mixture.fit.natsPerChar, mixture.metrics),
      'mixture+cache': row(withCache.fit.natsPerChar, withCache.metrics),
      'mix+cache dyn': row(withDynamic.natsPerChar, mixDynamic),
      ...(asCompleted && { 'as completed': row(asCompleted.natsPerChar, asCompleted.metrics) }),
    },
  };
}

/**
 * The completion figures of the dynamically evaluated LSTM, alone and in the mixture with the
 * cache (as mixtureMeasures builds it, the weights `fit` cross-fitted on positions 1 … of `ids`).
 */
function dynamicMetrics(reader: DynamicReader, vocab: Vocab, ngram: NgramBaseline, ids: ArrayLike<number>, starts: number[],
  maxChars: number, fit: CrossFit): [CompletionMetrics | null, CompletionMetrics | null] {
  if (maxChars === 0 || ids.length === 0) return [null, null];
  const options = { maxChars, revision: reader.revision };
  const alone = completionMetrics(reader.start, ids, vocab, options);
  // `fit` was fitted on positions 1 …: its position i is the text's i+1.
  const mixed = completionMetrics((context, at) => new MixturePredictor([reader.start(context, at),
    NgramPredictor.after(ngram.model, ngram.order, context), cacheAt(vocab.size, ids, at, starts)], fit.weightsFor(at - 1)),
  ids, vocab, options);
  return [alone, mixed];
}

/** A document cache that has read the document holding position `at` up to it (as src/cli/eval-mixture.ts's). */
function cacheAt(vocabSize: number, ids: ArrayLike<number>, at: number, starts: readonly number[]): DocumentCache {
  const cache = new DocumentCache(vocabSize);
  for (let i = Math.max(0, ...starts.filter((s) => s <= at)); i < at; i++) cache.step(ids[i]);
  return cache;
}

/** `eval --json`'s figures (null where not measured), to 4 digits. */
function row(natsPerChar: number, m: CompletionMetrics | null): Row {
  const { top1, word_match, chars_saved } = metricsJson(m);
  const r4 = (x: number | null) => (x === null ? null : round(x, 4));
  return { natsPerChar: round(natsPerChar, 4), top1: r4(top1), wordMatch: r4(word_match), charsSaved: r4(chars_saved) };
}

function describe(model: CharModel, vocab: Vocab): string {
  const c = model.config;
  return `${c.layers}x ${c.cell.toUpperCase()} ${c.hidden}, embedding ${c.embedding}, ${vocab.size} ids`;
}

/** The table for people. */
export function printCompletionTable(sets: HeldOutFigures[]): void {
  const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(1)}%`);
  for (const s of sets) {
    console.log(`\n${s.set}: ${s.testChars.toLocaleString('en')} chars held out, ${s.trainChars.toLocaleString('en')} trained on; `
      + `LSTM ${s.model}; n-gram order ${s.ngramOrder}`);
    console.log(`${''.padEnd(14)}  ${'nats/char'.padStart(9)}  ${'top-1'.padStart(6)}  ${'word match'.padStart(10)}  ${'chars saved'.padStart(11)}`);
    for (const [name, r] of Object.entries(s.rows)) {
      console.log(`${name.padEnd(14)}  ${r.natsPerChar.toFixed(3).padStart(9)}  ${pct(r.top1).padStart(6)}  ${pct(r.wordMatch).padStart(10)}  ${pct(r.charsSaved).padStart(11)}`);
    }
  }
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
