// Mixing the LSTM with the Kneser-Ney n-gram and a cache of the document (src/core/mix): EM finds
// the weights that maximise the held-out likelihood, the mixed scores are the weighted
// distribution, the cache learns a document as it reads it (and its clones do not), and on text
// where each model knows something the others do not, the mixture beats each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  crossFitMixture, DocumentCache, fitMixtureWeights, mixtureNatsPerChar, MixturePredictor, MixtureWeights, slicePositions,
  targetProbabilities, type TargetProbabilities,
} from '../src/core/mix';
import { softmax } from '../src/core/math/softmax';
import { countNgrams, KneserNey, NgramPredictor } from '../src/core/ngram';
import { LstmPredictor } from '../src/core/eval/lstm-predictor';
import { seededRandom } from '../src/core/sampling';
import { Vocab } from '../src/core/data/vocab';
import { trainedOnSentence, SENTENCE } from './sentence-model';

/** How often each of 3 models is the one that knows the next character, per bucket (rows sum to 1). */
const KNOWS = [[0.5, 0.1, 0.4], [0.6, 0.3, 0.1], [0.3, 0.6, 0.1]];

/** Per-position probabilities of 3 models in 3 buckets: at each position the model that knows gives 0.9, the others 0.02. */
function syntheticTargets(n: number, seed: number): TargetProbabilities {
  const rng = seededRandom(seed);
  const t: TargetProbabilities = { probs: [0, 1, 2].map(() => new Float64Array(n)), bucket: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    const b = t.bucket[i] = i % 3;
    const u = rng.next();
    const knows = u < KNOWS[b][0] ? 0 : u < KNOWS[b][0] + KNOWS[b][1] ? 1 : 2;
    for (let k = 0; k < 3; k++) t.probs[k][i] = k === knows ? 0.9 : 0.02;
  }
  return t;
}

test('EM weights are the maximum of the held-out likelihood, bucket by bucket', () => {
  const t = syntheticTargets(3000, 1);
  const fitted = fitMixtureWeights(t, 3, 300);
  const best = mixtureNatsPerChar(t, fitted);
  for (let b = 0; b < 3; b++) {
    assert.ok(Math.abs(fitted.shares[b].reduce((x, y) => x + y, 0) - 1) < 1e-12, 'shares sum to 1');
    for (let k = 0; k < 3; k++) {
      for (const delta of [-0.05, -0.01, 0.01, 0.05]) {
        // Move weight between model k and the others, keeping the sum 1.
        const shares = fitted.shares.map((s) => Float64Array.from(s));
        const moved = Math.min(0.999, Math.max(0.001, shares[b][k] + delta));
        const scale = (1 - moved) / (1 - shares[b][k]);
        shares[b] = shares[b].map((x, j) => (j === k ? moved : x * scale));
        assert.ok(mixtureNatsPerChar(t, new MixtureWeights(shares)) >= best - 1e-9, `bucket ${b}, model ${k}`);
      }
    }
  }
  // Each model's weight follows how often it is the one that knows.
  for (let b = 0; b < 3; b++) for (let k = 0; k < 3; k++) assert.ok(Math.abs(fitted.shares[b][k] - KNOWS[b][k]) < 0.06, `${b} ${k}`);
});

test('cross-fitting scores each half with the weights fitted on the other, and beats every model alone', () => {
  const t = syntheticTargets(2000, 2);
  const fit = crossFitMixture(t, 3);
  assert.equal(fit.half, 1000);
  assert.equal(fit.weightsFor(10), fit.fittedOnSecond);
  assert.equal(fit.weightsFor(1500), fit.fittedOnFirst);
  const expected = (mixtureNatsPerChar(slicePositions(t, 0, 1000), fit.fittedOnSecond)
    + mixtureNatsPerChar(slicePositions(t, 1000, 2000), fit.fittedOnFirst)) / 2;
  assert.ok(Math.abs(fit.natsPerChar - expected) < 1e-12);
  assert.ok(fit.natsPerChar < Math.min(...fit.modelNatsPerChar));
});

test('the mixed scores are the weighted distribution of the models\', and a clone reads on as the original', async () => {
  const { model, vocab } = await trainedOnSentence();
  const ids = vocab.encode(`${SENTENCE}\n`.repeat(20));
  const kn = new KneserNey(countNgrams(ids, vocab.size, { maxOrder: 5 }));
  const context = vocab.encode('the quick brown ');
  const weights = new MixtureWeights(Array.from({ length: 5 }, (_, b) => Float64Array.from([0.2 + 0.1 * b, 0.5 - 0.1 * b, 0.3])));
  const cache = new DocumentCache(vocab.size);
  for (const id of ids.slice(0, 200)) cache.step(id);
  const mixed = new MixturePredictor([LstmPredictor.after(model, context), NgramPredictor.after(kn, 5, context), cache], weights);
  for (const next of vocab.encode('fox jumps')) {
    const p = [...mixed.scores()].map(Math.exp);
    assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    const w = weights.at((mixed.models[1] as NgramPredictor).matchedContext());
    const parts = mixed.models.map((m) => softmax(m.scores()));
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs(p[i] - parts.reduce((s, q, k) => s + w[k] * q[i], 0)) < 1e-12);
    const copy = mixed.clone();
    mixed.step(next);
    copy.step(next);
    assert.deepEqual([...copy.scores()], [...mixed.scores()]);
  }
});

test('the document cache learns a new word the first time it is read; its clones read on without learning', () => {
  const vocab = Vocab.fromText('abcdefghijklmnopqrstuvwxyz _\n');
  const cache = new DocumentCache(vocab.size, 6);
  const pNext = (c: DocumentCache, prefix: string, ch: string) => {
    const probe = c.clone();
    for (const id of vocab.encode(prefix)) probe.step(id);
    return Math.exp(probe.scores()[vocab.id(ch)]);
  };
  const before = pNext(cache, 'zorblax_', 'q');
  assert.ok(Math.abs(before - 1 / vocab.size) < 1e-12, 'nothing read: uniform');
  for (const id of vocab.encode('the zorblax_quux is here\n')) cache.step(id);
  const after = pNext(cache, 'zorblax_', 'q');
  assert.ok(after > 0.3, `after one reading, "zorblax_" is followed by "q" with p = ${after}`);
  // A clone's reading taught the cache nothing: the same probe gives the same answer.
  assert.equal(pNext(cache, 'zorblax_', 'q'), after);
  const p = [...cache.scores()].map(Math.exp);
  assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-12 && p.every((x) => x > 0), 'a proper distribution');
  cache.reset();
  assert.ok(Math.abs(pNext(cache, 'zorblax_', 'q') - 1 / vocab.size) < 1e-12, 'reset forgets the document');
});

test('on text the LSTM knows in part and the n-gram in part, with a word only the document has, each model added helps', async () => {
  // The LSTM knows SENTENCE; the n-gram another sentence; a made-up word recurs only in the held-out text.
  const { model, vocab } = await trainedOnSentence('PACKMYBOXWITHFIVEDOZENLIQUORJUGSzqxwv');
  const other = 'pack my box with five dozen liquor jugs.';
  const kn = new KneserNey(countNgrams(vocab.encode(`${other}\n`.repeat(40)), vocab.size, { maxOrder: 6 }));
  const held = vocab.encode(`${SENTENCE}\n${other}\nzqxwvzq xwvzqx\n`.repeat(12));
  const lineEnd = [vocab.id('\n')];
  const targets = targetProbabilities([LstmPredictor.after(model, lineEnd), NgramPredictor.after(kn, 6, lineEnd),
    new DocumentCache(vocab.size)], held);
  const two = crossFitMixture(slicePositions(targets, 0, held.length, [0, 1]), 6);
  const three = crossFitMixture(targets, 6);
  assert.ok(two.natsPerChar < Math.min(two.modelNatsPerChar[0], two.modelNatsPerChar[1]), JSON.stringify(two.modelNatsPerChar));
  assert.ok(three.natsPerChar < two.natsPerChar, `with the cache ${three.natsPerChar}, without ${two.natsPerChar}`);
});
