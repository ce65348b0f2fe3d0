// Mixing the LSTM with the Kneser-Ney n-gram (src/core/mix): EM finds the weights that maximise
// the held-out likelihood, the mixed scores are a distribution between the two models', and on
// text where each model knows something the other does not, the mixture beats both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  crossFitMixture, fitMixtureWeights, mixtureNatsPerChar, MixturePredictor, MixtureWeights, softmax, targetProbabilities,
  type TargetProbabilities,
} from '../src/core/mix';
import { countNgrams, KneserNey, NgramPredictor } from '../src/core/ngram';
import { LstmPredictor } from '../src/core/eval/lstm-predictor';
import { seededRandom } from '../src/core/sampling';
import { trainedOnSentence, SENTENCE } from './sentence-model';

/** Random per-position probabilities in 3 buckets, as two models of different sharpness would give. */
function syntheticTargets(n: number, seed: number): TargetProbabilities {
  const rng = seededRandom(seed);
  const t: TargetProbabilities = { lstm: new Float64Array(n), ngram: new Float64Array(n), bucket: new Int32Array(n) };
  for (let i = 0; i < n; i++) {
    t.bucket[i] = i % 3;
    // The n-gram is sharp where its context is long (bucket 2), vague where it is short (bucket 0).
    t.lstm[i] = 0.05 + 0.9 * rng.next();
    t.ngram[i] = t.bucket[i] === 2 ? 0.5 + 0.5 * rng.next() : t.bucket[i] === 1 ? rng.next() : 0.3 * rng.next() + 1e-3;
  }
  return t;
}

test('EM weights are the maximum of the held-out likelihood, bucket by bucket', () => {
  const t = syntheticTargets(3000, 1);
  const fitted = fitMixtureWeights(t, 3, 200);
  const best = mixtureNatsPerChar(t, fitted);
  for (let b = 0; b < 3; b++) {
    for (const delta of [-0.05, -0.01, 0.01, 0.05]) {
      const moved = Float64Array.from(fitted.lstmShare);
      moved[b] = Math.min(0.999, Math.max(0.001, moved[b] + delta));
      assert.ok(mixtureNatsPerChar(t, new MixtureWeights(moved)) >= best - 1e-12, `bucket ${b}, share ${moved[b]}`);
    }
  }
  // Where the n-gram is sharp it earns more of the weight.
  assert.ok(fitted.lstmShare[2] < fitted.lstmShare[0], `${[...fitted.lstmShare]}`);
  // One bucket fits the same as a single weight for all positions.
  const one = fitMixtureWeights({ ...t, bucket: new Int32Array(t.bucket.length) }, 1, 200);
  assert.ok(best <= mixtureNatsPerChar({ ...t, bucket: new Int32Array(t.bucket.length) }, one) + 1e-12);
});

test('cross-fitting scores each half with the weights fitted on the other', () => {
  const t = syntheticTargets(2000, 2);
  const fit = crossFitMixture(t, 3);
  assert.equal(fit.half, 1000);
  assert.equal(fit.weightsFor(10), fit.fittedOnSecond);
  assert.equal(fit.weightsFor(1500), fit.fittedOnFirst);
  const first = { lstm: t.lstm.subarray(0, 1000), ngram: t.ngram.subarray(0, 1000), bucket: t.bucket.subarray(0, 1000) };
  const second = { lstm: t.lstm.subarray(1000), ngram: t.ngram.subarray(1000), bucket: t.bucket.subarray(1000) };
  const expected = (mixtureNatsPerChar(first, fit.fittedOnSecond) + mixtureNatsPerChar(second, fit.fittedOnFirst)) / 2;
  assert.ok(Math.abs(fit.natsPerChar - expected) < 1e-12);
  assert.ok(fit.natsPerChar < Math.min(fit.lstmNatsPerChar, fit.ngramNatsPerChar));
});

test('the mixed scores are log-probabilities between the two models\', and read the text as both do', async () => {
  const { model, vocab } = await trainedOnSentence();
  const ids = vocab.encode(`${SENTENCE}\n`.repeat(20));
  const kn = new KneserNey(countNgrams(ids, vocab.size, { maxOrder: 5 }));
  const context = vocab.encode('the quick brown ');
  for (const share of [0.001, 0.3, 0.999]) {
    const weights = new MixtureWeights(new Float64Array(5).fill(share));
    const mixed = new MixturePredictor(LstmPredictor.after(model, context), NgramPredictor.after(kn, 5, context), weights);
    for (const next of vocab.encode('fox jumps')) {
      const p = [...mixed.scores()].map(Math.exp);
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-9);
      const lstm = softmax(mixed.lstm.scores()), ngram = [...mixed.ngram.scores()].map(Math.exp);
      for (let i = 0; i < p.length; i++) {
        assert.ok(Math.abs(p[i] - (share * lstm[i] + (1 - share) * ngram[i])) < 1e-12);
      }
      const copy = mixed.clone();
      mixed.step(next);
      copy.step(next);
      assert.deepEqual([...copy.scores()], [...mixed.scores()], 'a clone continues as the original');
    }
  }
});

test('on text each model half knows, the fitted mixture beats both', async () => {
  // The LSTM knows SENTENCE; the n-gram is trained on another sentence. The held-out text
  // alternates them, so each model is lost on half of it.
  const { model, vocab } = await trainedOnSentence('PACKMYBOXWITHFIVEDOZENLIQUORJUGS');
  const other = 'pack my box with five dozen liquor jugs.';
  const kn = new KneserNey(countNgrams(vocab.encode(`${other}\n`.repeat(40)), vocab.size, { maxOrder: 6 }));
  const held = vocab.encode(`${SENTENCE}\n${other}\n`.repeat(12));
  const lineEnd = [vocab.id('\n')];
  const targets = targetProbabilities(LstmPredictor.after(model, lineEnd), NgramPredictor.after(kn, 6, lineEnd), held);
  const fit = crossFitMixture(targets, 6);
  assert.ok(fit.natsPerChar < fit.lstmNatsPerChar && fit.natsPerChar < fit.ngramNatsPerChar,
    `mixture ${fit.natsPerChar}, LSTM ${fit.lstmNatsPerChar}, n-gram ${fit.ngramNatsPerChar}`);
});
