// Dynamic evaluation (src/core/dynamic): the model given is never written, η = 0 is static
// evaluation to the bit, a phrase seen once is predicted better the second time, and runs repeat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocab } from '../src/core/data/vocab';
import { splitCorpus } from '../src/core/data/corpus';
import { train } from '../src/core/train/trainer';
import { evaluate } from '../src/core/train/evaluate';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import { CharModel } from '../src/core/model/char-model';
import { seededRandom, type Random } from '../src/core/sampling/random';
import { DynamicAdapter, evaluateDynamic, gradientStats } from '../src/core/dynamic';
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

test('dynamic evaluation learns a made-up identifier: lower nats/char on the text that repeats it', async () => {
  const make = backends()[1][1]; // wasm
  const { model, vocab } = await smallModel(make);
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
