// Dynamic evaluation (src/core/dynamic): the model given is never written, η = 0 is static
// evaluation to the bit, a phrase seen once is predicted better the second time, and runs repeat;
// and its completion figures (DynamicReader): adapted on the text before each position only,
// frozen in the ghost text's rollout, static with η = 0, better on a name that keeps coming back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocab } from '../src/core/data/vocab';
import { splitCorpus } from '../src/core/data/corpus';
import { train } from '../src/core/train/trainer';
import { evaluate } from '../src/core/eval/evaluate';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import { CharModel } from '../src/core/model/char-model';
import { seededRandom, type Random } from '../src/core/math/random';
import { DynamicAdapter, DynamicReader, evaluateDynamic, gradientStats } from '../src/core/dynamic';
import { completionMetrics, sliceText, type MetricsOptions } from '../src/core/eval/completion-metrics';
import { LstmPredictor } from '../src/core/eval/lstm-predictor';
import { GreedyGhost } from '../src/core/eval/greedy-ghost';
import { charClasses } from '../src/core/eval/char-classes';
import { backends } from './backends';

const WORDS = ['the', 'a', 'cat', 'dog', 'sat', 'on', 'mat', 'ran', 'to', 'house', 'and', 'was', 'red',
  'big', 'small', 'in', 'garden', 'saw', 'bird', 'tree', 'under', 'blue', 'old', 'man', 'with', 'hat'];

/** Sentences of common words, one a line: what the small model learns. */
function sentences(rng: Random, chars: number): string {
  let out = '';
  while (out.length < chars) {
    const n = 4 + Math.floor(rng.next() * 6);
    const words: string[] = [];
    for (let i = 0; i < n; i++) words.push(WORDS[Math.floor(rng.next() * WORDS.length)]);
    out += `${words.join(' ')}.\n`;
  }
  return out;
}

/** Lowercase letters, space, '.', '\n' and '_': the made-up identifier's characters are all known. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz _.\n';
const IDENTIFIER = 'qux_zorblaxian_vem';

/** The small model on wasm, trained once for the tests that need it. */
let trained: ReturnType<typeof smallModel> | null = null;
const wasmSmallModel = () => (trained ??= smallModel(backends()[1][1]));

async function smallModel(k: () => import('../src/core/nn/kernels/kernels').Kernels) {
  const text = sentences(seededRandom(7), 12_000);
  const vocab = Vocab.fromText(text + ALPHABET);
  const { train: trainText, valid } = splitCorpus(text);
  const { model } = await train({
    kernels: k(), vocab, train: trainText, valid,
    model: { cell: 'lstm', embedding: 16, hidden: 48, layers: 2, dropout: 0 },
    config: { ...DEFAULT_TRAIN_CONFIG, batch: 16, seqLen: 40, lr: 1e-2, epochs: 6, validateEvery: 0, patience: 0, threads: 1 },
  });
  return { model, vocab };
}

/** Text whose second half repeats, line after line, a made-up identifier of its first half. */
function repeatedPhrase(): { text: string; half: number } {
  const rng = seededRandom(11);
  let first = '';
  for (let i = 0; i < 6; i++) first += sentences(rng, 120) + `the ${IDENTIFIER} sat on the mat.\n`;
  let second = '';
  for (let i = 0; i < 6; i++) second += sentences(rng, 120) + `the ${IDENTIFIER} sat on the mat.\n`;
  return { text: first + second, half: first.length };
}

/** Short sentences, each ending on the made-up identifier: it comes back every line, never trained on. */
function namedOften(): string {
  const rng = seededRandom(13);
  let out = '';
  for (let i = 0; i < 30; i++) out += `${sentences(rng, 30).trimEnd().replace(/\.$/, '')} and the ${IDENTIFIER} sat.\n`;
  return out;
}

function paramBytes(model: CharModel): Uint8Array {
  const { values, count } = model.params;
  const heap = model.k.heap;
  return new Uint8Array(heap.slice(values, values + count).buffer);
}

for (const [name, make] of backends()) {
  test(`${name}: the model given is untouched, η = 0 equals static evaluation to the bit`, async () => {
    const k = make();
    const vocab = Vocab.fromText(ALPHABET);
    const model = new CharModel(k, { cell: 'lstm', vocabSize: vocab.size, embedding: 8, hidden: 16, layers: 2, dropout: 0.3 },
      seededRandom(3));
    const ids = vocab.encode(sentences(seededRandom(5), 700));
    const before = paramBytes(model);
    const gradsBefore = k.heap.slice(model.params.grads, model.params.grads + model.params.count);
    const dynamic = await evaluateDynamic(model, ids, { segment: 50, eta: 1, lambda: 0.01 });
    const stats = await gradientStats(model, ids, { segment: 50 });
    await evaluateDynamic(model, ids, { segment: 50, rule: 'rms', eta: 0.01, lambda: 0.01, stats });
    assert.deepEqual(paramBytes(model), before, 'the weights are byte for byte the same');
    assert.deepEqual(k.heap.slice(model.params.grads, model.params.grads + model.params.count), gradsBefore,
      'not even the gradient block is written');
    assert.ok(dynamic.loss !== (await evaluate(model, ids, 1, 50)).loss, 'η > 0 changes the loss');

    for (const segment of [50, 33, 10_000]) {
      const stat = await evaluate(model, ids, 1, segment);
      for (const lambda of [0, 0.02]) {
        const zero = await evaluateDynamic(model, ids, { segment, eta: 0, lambda });
        assert.equal(zero.loss, stat.loss, `segment ${segment}, λ ${lambda}`);
        assert.equal(zero.chars, stat.chars);
      }
      const zeroRms = await evaluateDynamic(model, ids, { segment, rule: 'rms', eta: 0, lambda: 0.02, stats });
      assert.equal(zeroRms.loss, stat.loss, `rms, segment ${segment}`);
    }
    assert.deepEqual(paramBytes(model), before);
  });
}

test('an adapter in place (a learner thread\'s own model) steps as a copy does, and resets to the weights it started from', () => {
  const make = backends()[1][1];
  const vocab = Vocab.fromText(ALPHABET);
  const config = { cell: 'lstm' as const, vocabSize: vocab.size, embedding: 8, hidden: 16, layers: 2, dropout: 0 };
  const source = new CharModel(make(), config, seededRandom(3));
  const own = new CharModel(make(), config, seededRandom(3));
  const start = paramBytes(own);
  const ids = vocab.encode(sentences(seededRandom(5), 400));
  const copying = new DynamicAdapter(source), inPlace = DynamicAdapter.inPlace(own);
  assert.equal(inPlace.copy, own);
  for (let s = 0; s < 5; s++) {
    copying.step(ids, s * 50, 50, { eta: 0.5, lambda: 0.01 });
    inPlace.step(ids, s * 50, 50, { eta: 0.5, lambda: 0.01 });
  }
  assert.deepEqual(inPlace.weights(), copying.weights());
  assert.notDeepEqual(paramBytes(own), start, 'the model itself moved');
  inPlace.reset();
  assert.deepEqual(paramBytes(own), start, 'and is back where it started');
});

test('dynamic evaluation learns a made-up identifier: lower nats/char on the text that repeats it', async () => {
  const { model, vocab } = await wasmSmallModel();
  const { text, half } = repeatedPhrase();
  const ids = vocab.encode(text);
  const T = 25;
  const firstSecondHalf = Math.ceil(half / T);
  const meanFrom = (losses: Float64Array, from: number) => {
    let s = 0;
    for (let i = from; i < losses.length; i++) s += losses[i];
    return s / (losses.length - from);
  };
  const before = paramBytes(model);
  const stat = await evaluateDynamic(model, ids, { segment: T, eta: 0 });
  const targets = new Float64Array(ids.length);
  const sgd = await evaluateDynamic(model, ids, { segment: T, eta: 1, lambda: 0, targets });
  // The per-character probabilities it records are the ones its loss is the mean -log of.
  let nats = 0;
  for (let i = 1; i <= sgd.chars; i++) nats -= Math.log(targets[i]);
  assert.ok(Math.abs(nats / sgd.chars - sgd.loss) < 1e-4, `${nats / sgd.chars} vs ${sgd.loss}`);
  assert.equal(targets[0], 0, 'the first character is read, not predicted');
  const again = await evaluateDynamic(model, ids, { segment: T, eta: 1, lambda: 0 });
  const staticHalf = meanFrom(stat.segmentLosses, firstSecondHalf);
  const dynamicHalf = meanFrom(sgd.segmentLosses, firstSecondHalf);
  console.log(`second half: static ${staticHalf.toFixed(4)}, dynamic (sgd η 1) ${dynamicHalf.toFixed(4)} nats/char; `
    + `whole text ${stat.loss.toFixed(4)} → ${sgd.loss.toFixed(4)}`);
  assert.ok(dynamicHalf < staticHalf - 0.1, `dynamic ${dynamicHalf} against static ${staticHalf}`);
  assert.deepEqual(again.segmentLosses, sgd.segmentLosses, 'deterministic');
  assert.deepEqual(paramBytes(model), before);

  // The identifier's own characters: where the gain is.
  const adapter = new DynamicAdapter(model);
  const stats = await gradientStats(model, vocab.encode(sentences(seededRandom(9), 5_000)), { segment: T, adapter });
  const rms = await evaluateDynamic(model, ids, { segment: T, rule: 'rms', eta: 0.001, lambda: 0, stats, adapter });
  const rmsHalf = meanFrom(rms.segmentLosses, firstSecondHalf);
  console.log(`second half: dynamic (rms η 0.001) ${rmsHalf.toFixed(4)}`);
  assert.ok(rmsHalf < staticHalf - 0.1, `rms ${rmsHalf} against static ${staticHalf}`);
  assert.deepEqual(paramBytes(model), before);
});

test('completion figures of the dynamically evaluated LSTM: adapted on the text before, frozen in rollouts', async () => {
  const { model, vocab } = await wasmSmallModel();
  const ids = vocab.encode(namedOften()); // 2,270 ids
  const classes = charClasses(vocab);
  const before = paramBytes(model);
  const sgd = { segment: 25, eta: 1, lambda: 0 };
  const sliced: MetricsOptions = { maxChars: 1500, sliceChars: 500 }; // 3 slices: the reader jumps between them
  const reader = (settings: typeof sgd, checkpoints?: Awaited<ReturnType<typeof evaluateDynamic>>['checkpoints']) =>
    new DynamicReader(model, ids, settings, { checkpoints });
  const measure = (r: DynamicReader, options: MetricsOptions = {}) => completionMetrics(r.start, ids, vocab, { ...options, revision: r.revision });
  const staticLstm = (options: MetricsOptions = {}) => completionMetrics((context) => LstmPredictor.after(model, context), ids, vocab, options);

  // η = 0: the static LSTM's figures exactly.
  assert.deepEqual(measure(reader({ ...sgd, eta: 0 }), sliced), staticLstm(sliced));
  assert.deepEqual(measure(reader({ ...sgd, eta: 0 })), staticLstm());

  // At `at`, the weights are those evaluateDynamic reaches on the text before `at`, whichever way the reader got there.
  const r = reader(sgd);
  for (const at of [777, 300, 301, 1200]) {
    r.start(ids.subarray(0, at), at);
    const alone = new DynamicAdapter(model);
    await evaluateDynamic(model, ids.subarray(0, at), { ...sgd, adapter: alone });
    assert.deepEqual(r.adapter.weights(), alone.weights(), `at ${at}`);
  }

  // The ghost text kept as the reader adapts is, at every position, a fresh rollout with the weights of that position.
  const text = r.start([vocab.id('\n')], 0);
  const kept = new GreedyGhost(text, classes, undefined, r.revision);
  const stale = new GreedyGhost(reader(sgd).start([vocab.id('\n')], 0), classes); // no revision: old rollouts kept
  let staleDiffers = false;
  for (let p = 0; p < 400; p++) {
    const now = new GreedyGhost(text.clone(), classes);
    assert.deepEqual(kept.ghost(), now.ghost(), `at ${p}`);
    staleDiffers ||= stale.ghost().join() !== now.ghost().join();
    kept.advance(ids[p]);
    stale.advance(ids[p]);
  }
  assert.ok(staleDiffers, 'without the revision, rollouts made with older weights would be shown');

  // Checkpoints of one evaluateDynamic pass give the same figures as stepping the copy through the text.
  const lazy = measure(reader(sgd), sliced);
  const pass = await evaluateDynamic(model, ids, { ...sgd, checkpointsAt: sliceText(ids.length, 1500, 500).map((s) => s.from) });
  assert.equal(pass.checkpoints.length, 3);
  assert.deepEqual(measure(reader(sgd, pass.checkpoints), sliced), lazy);

  // The made-up identifier, repeated, is completed: more characters saved than by the static LSTM.
  const dynamic = measure(reader(sgd)), stat = staticLstm();
  console.log(`chars saved: static ${stat.charsSaved.toFixed(4)}, dynamic (sgd η 1) ${dynamic.charsSaved.toFixed(4)}; `
    + `word match ${stat.wordMatch.toFixed(4)} → ${dynamic.wordMatch.toFixed(4)}; top-1 ${stat.top1.toFixed(4)} → ${dynamic.top1.toFixed(4)}`);
  assert.ok(dynamic.charsSaved > stat.charsSaved + 0.02, `dynamic ${dynamic.charsSaved} against static ${stat.charsSaved}`);
  assert.deepEqual(paramBytes(model), before, 'the weights given are byte for byte the same');
});
