import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CHARS_PER_PARAM, countParams, planTraining, SHAPE_LADDER, type PlanInput, type Shape, type TrainingPlan,
} from '../src/core/train/plan';
import { probeSpeed, type ProbeShape, type Speed } from '../src/core/train/speed-probe';
import { validateConfig } from '../src/core/model/validate-config';
import { DEFAULT_MODEL_CONFIG } from '../src/core/model/config';

const VOCAB = 100;

/**
 * Speeds like this project's WebAssembly kernels on two cores (bench/sizing.ts): model M
 * (0.88 M parameters) at ~13k chars/s, cost about proportional to parameters. `slowdown` > 1
 * for a slower machine.
 */
function fakeSpeed(slowdown = 1): (shape: ProbeShape) => Speed {
  return ({ model }) => {
    const p = countParams(model, VOCAB);
    return { train: 1.2e10 / p / slowdown, evaluate: 1.8e10 / p / slowdown };
  };
}

function plan(trainChars: number, minutes = 10, overrides: Partial<PlanInput> = {}): Promise<TrainingPlan> {
  return planTraining({ trainChars, validChars: trainChars / 9, minutes, vocabSize: VOCAB, speed: fakeSpeed(), ...overrides });
}

const params = (shape: Shape) => countParams(shape, VOCAB);

test('while the passes over the text bind, a larger text gets a larger or equal model', async () => {
  const sizes = [2_000, 18_000, 60_000, 180_000];
  const chosen = [];
  for (const n of sizes) chosen.push(params((await plan(n)).model));
  for (let i = 1; i < chosen.length; i++) assert.ok(chosen[i] >= chosen[i - 1], `${sizes[i]} chars: ${chosen}`);
  assert.ok(chosen[chosen.length - 1] > chosen[0]);
});

test('on a large text the budget decides: one model from 2 MB to 45 MB, a larger one for a longer budget', async () => {
  const models = new Set<number>();
  for (const n of [1.8e6, 18e6, 45e6]) models.add(params((await plan(n)).model));
  assert.equal(models.size, 1);
  const byBudget = [];
  for (const minutes of [1, 3, 10, 30, 120]) byBudget.push(params((await plan(18e6, minutes)).model));
  for (let i = 1; i < byBudget.length; i++) assert.ok(byBudget[i] >= byBudget[i - 1], `${byBudget}`);
  assert.ok(byBudget[byBudget.length - 1] > byBudget[0]);
});

test('a tiny text gets dropout, early stopping and several validations a minute', async () => {
  const n = 18_000;
  const p = await plan(n);
  assert.ok(p.model.dropout >= 0.1 && p.model.dropout <= 0.3, `dropout ${p.model.dropout}`);
  assert.ok(p.config.patience >= 2 && p.config.patience <= 8);
  // Enough epochs that early stopping, not the epoch count, ends the run.
  assert.ok(p.config.epochs >= 50, `epochs ${p.config.epochs}`);
  // The trainer validates every `validateEvery` steps and at the end of every epoch.
  const stepsPerEpoch = Math.floor(n / (p.config.batch * p.config.seqLen));
  const stepsBetween = Math.min(p.config.validateEvery, stepsPerEpoch);
  const secondsBetween = stepsBetween * p.config.batch * p.config.seqLen / p.expected.speed.train;
  assert.ok(60 / secondsBetween >= 3, `${(60 / secondsBetween).toFixed(1)} validations a minute`);
  assert.ok(p.reasons.some((r) => /dropout 0\.\d/i.test(r)));
});

test('a large text gets no dropout and validates a bounded share of the time', async () => {
  const p = await plan(18e6);
  assert.equal(p.model.dropout, 0);
  const validationShare = p.expected.validationSec / (p.expected.validateEverySec + p.expected.validationSec);
  assert.ok(validationShare <= 0.11, `validation ${(validationShare * 100).toFixed(0)}% of the time`);
  // Fewer than two epochs: the epoch cap must not end the run before the budget.
  assert.ok(p.config.epochs >= 1 && p.expected.epochs < 2);
});

test('a huge text on a slow machine gets a model that sees enough characters per parameter in the budget', async () => {
  for (const slowdown of [1, 4, 16]) {
    const p = await plan(45e6, 10, { speed: fakeSpeed(slowdown) });
    const i = SHAPE_LADDER.findIndex((s) => s.hidden === p.model.hidden && s.layers === p.model.layers);
    const perParam = p.expected.charsInBudget / p.expected.parameters;
    assert.ok(i >= 0 && p.expected.charsInBudget >= p.expected.charsNeeded, `slowdown ${slowdown}`);
    assert.ok(perParam >= CHARS_PER_PARAM, `slowdown ${slowdown}: ${perParam.toFixed(1)} chars per parameter`);
    // ...and is the largest that does: the next rung (cost about proportional to parameters) would see too few.
    const next = SHAPE_LADDER[i + 1];
    if (next) {
      const nextPerParam = perParam * (p.expected.parameters / params(next)) ** 2;
      assert.ok(nextPerParam < CHARS_PER_PARAM, `slowdown ${slowdown}: next rung would see ${nextPerParam.toFixed(1)}`);
    }
  }
  // So slow that even the smallest model cannot see enough: it is chosen, and the reasons say so.
  const crawl = await plan(45e6, 1, { speed: fakeSpeed(400) });
  assert.deepEqual({ ...crawl.model, dropout: 0 }, SHAPE_LADDER[0]);
  assert.ok(crawl.reasons.some((r) => /longer budget/.test(r)), crawl.reasons.join('\n'));
});

test('the plan stays within the model limits and the trainer\'s ranges, whatever the input', async () => {
  const inputs: [number, number][] = [[0, 10], [1, 10], [50, 0.01], [18_000, 0], [5e6, 0], [45e6, 600], [1e9, 10]];
  for (const [n, minutes] of inputs) {
    const p = await plan(n, minutes);
    assert.doesNotThrow(() => validateConfig({ ...p.model, vocabSize: VOCAB }), `${n} chars, ${minutes} min`);
    assert.ok(p.model.dropout >= 0 && p.model.dropout < 1);
    for (const key of ['batch', 'seqLen', 'epochs', 'validateEvery', 'patience'] as const) {
      assert.ok(Number.isInteger(p.config[key]) && p.config[key] >= 1, `${key} ${p.config[key]} for ${n} chars, ${minutes} min`);
    }
    assert.ok(p.config.epochs <= 1_000 && p.config.lr > 0);
  }
});

test('the reasons say how much text, what budget and what was chosen, with numbers', async () => {
  const p = await plan(1.9e6);
  const all = p.reasons.join('\n');
  assert.match(p.reasons[0], /1\.9 M chars/);
  assert.match(p.reasons[0], /10-minute budget/);
  assert.match(p.reasons[0], new RegExp(`${p.model.layers}×${p.model.hidden}`));
  assert.match(all, /chars\/s/);
  assert.match(all, /[Vv]alidation every \d+ steps/);
  for (const r of p.reasons) assert.match(r, /^[A-Z0-9].*\.$/s, `one sentence: ${r}`);
  assert.match((await plan(5e6, 0)).reasons[0], /no time limit/);
});

test('only a few shapes are probed, each once', async () => {
  const asked: string[] = [];
  const speed = fakeSpeed();
  await plan(18e6, 10, { speed: (shape) => { asked.push(`${shape.model.layers}x${shape.model.hidden}`); return speed(shape); } });
  assert.ok(asked.length <= 4, asked.join(', '));
  assert.equal(new Set(asked).size, asked.length);
});

test('a shape fixed by the user is kept; the rest is sized for it', async () => {
  const p = await plan(18_000, 10, { shapes: [DEFAULT_MODEL_CONFIG] });
  assert.deepEqual({ ...p.model, dropout: 0 }, DEFAULT_MODEL_CONFIG);
  assert.ok(p.model.dropout > 0);
  assert.ok(p.reasons.some((r) => /your settings/.test(r)));
});

test('the probe measures a positive, finite speed with real training steps', async () => {
  const shape: ProbeShape = { model: SHAPE_LADDER[0], batch: 8, seqLen: 20 };
  const speed = await probeSpeed(shape, { seconds: 0.2, threads: 1 });
  for (const rate of [speed.train, speed.evaluate]) assert.ok(Number.isFinite(rate) && rate > 0, `${rate}`);
});

test('the probe stops when aborted, before or while it trains', async () => {
  const shape: ProbeShape = { model: DEFAULT_MODEL_CONFIG, batch: 32, seqLen: 100 };
  await assert.rejects(probeSpeed(shape, { signal: AbortSignal.abort() }), { name: 'AbortError' });
  const started = Date.now();
  await assert.rejects(probeSpeed(shape, { seconds: 30, threads: 1, signal: AbortSignal.timeout(300) }), { name: 'TimeoutError' });
  assert.ok(Date.now() - started < 5_000, `stopped after ${Date.now() - started} ms`);
});
