// Train on Workspace starting from the model in use, through the real worker thread: it fine-tunes
// a model that measures better than character frequencies on the workspace's held-out text (new
// characters get rows, the shape is kept, the report says what it started from and why), trains
// from scratch when the model measures worse or does not load, and sizes fine-tuning to the budget.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Vocab } from '../src/core/data/vocab';
import { CharModel } from '../src/core/model/char-model';
import { loadModel, saveModel } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';
import { seededRandom } from '../src/core/math/random';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import { FINE_TUNE_LR, planFineTuning } from '../src/core/train/fine-tune-plan';
import { train } from '../src/core/train/trainer';
import type { PlanReport, StartReport } from '../src/protocol/training';
import { tinyRequest, trainingClients, workspaceIn } from './worker-runs';

const client = trainingClients();
const SHAPE = { cell: 'lstm' as const, embedding: 16, hidden: 64, layers: 1, dropout: 0 };
const text = fs.readFileSync(path.join(__dirname, 'fixtures', 'workspace', 'shakespeare.txt'), 'utf8');
let root = '', pretrained = '', untrained = '', folder = '';

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'char-lstm-finetune-ws-'));
  const k = createKernels();
  // Pretrained on other plays (tinyshakespeare from 300 kB on; the workspace is its first 30 kB).
  const plays = fs.readFileSync(path.join(__dirname, '..', 'data', 'tinyshakespeare.txt'), 'utf8').slice(300_000, 520_000);
  const vocab = Vocab.fromText(plays);
  const { model } = await train({ kernels: k, vocab, train: plays.slice(0, 200_000), valid: plays.slice(200_000), model: SHAPE,
    config: { ...DEFAULT_TRAIN_CONFIG, batch: 16, seqLen: 50, maxSteps: 600, epochs: 100, validateEvery: 200, patience: 0 } });
  pretrained = path.join(root, 'pretrained.safetensors');
  await saveModel(pretrained, model, vocab, { validLoss: 1.9 });
  untrained = path.join(root, 'untrained.safetensors');
  await saveModel(untrained, new CharModel(k, { ...SHAPE, vocabSize: vocab.size }, seededRandom(5)), vocab);
  // The workspace: later scenes, written with braces and a λ the pretrained model never saw.
  folder = workspaceIn(root, { 'scenes.txt': text.slice(22_000).replace(/\[/g, '{').replace(/\]/g, '}') + '\nλ {λ}\n' });
});

async function run(startFrom: string | null, out: string): Promise<{ start: StartReport; plan: PlanReport; bestLoss: number | null;
  firstValidation: number }> {
  let start: StartReport = { fineTuning: false, reason: 'none asked' }, plan: PlanReport | null = null, firstValidation = NaN;
  const request = { ...tinyRequest(folder, out, { maxMinutes: 0.25 }), plan: { fixed: [] },
    ...(startFrom ? { startFrom: { path: startFrom, label: 'the test model' } } : {}) };
  const outcome = await client().train(request, { onStart: (s) => { start = s; }, onPlan: (p) => { plan = p; },
    onEvent: (e) => { if (e.kind === 'validation' && Number.isNaN(firstValidation)) firstValidation = e.loss; } });
  assert.ok(plan, 'the plan was reported');
  return { start, plan, bestLoss: outcome.bestLoss, firstValidation };
}

test('a pretrained model is fine-tuned: shape kept, new characters added, better than from scratch, the report says why', { timeout: 300_000 }, async () => {
  const out = path.join(root, 'tuned.safetensors');
  const { start, plan, bestLoss, firstValidation } = await run(pretrained, out);
  assert.equal(start.fineTuning, true);
  const startLoss = Number(/scores (\d\.\d{3}) nats\/char before any training/.exec(start.reason)?.[1]);
  // A few steps at a fine-tuning rate move the model a little from where it started, not to noise.
  assert.ok(Math.abs(firstValidation - startLoss) < 0.15, `first validation ${firstValidation} after ${startLoss} before training`);
  assert.match(start.reason, /^Fine-tuning the test model \(1×64, its shape kept\): on this workspace's held-out text the test model scores (\d\.\d{3}) nats\/char before any training, character frequencies alone (\d\.\d{3})/);
  assert.match(start.reason, /The workspace's 3 characters new to it got rows of their own\./);
  assert.match(plan.reasons.join(' '), /chars to fine-tune on in 0\.\d+ minutes: .* steps .*half a cosine from 0\.001/);
  assert.equal(plan.config.schedule, 'cosine');
  assert.equal(plan.config.lr, FINE_TUNE_LR);
  // The same budget from scratch ends behind.
  const scratch = await run(null, path.join(root, 'plain.safetensors'));
  assert.ok(bestLoss !== null && scratch.bestLoss !== null && bestLoss < scratch.bestLoss,
    `fine-tuned ${bestLoss} nats/char against ${scratch.bestLoss} from scratch`);
  const saved = await loadModel(out, createKernels());
  assert.equal(saved.model.config.hidden, 64);
  // Trained, not carried through: the recurrent weights moved from the pretrained ones.
  const before = await loadModel(pretrained, createKernels());
  const weights = (m: CharModel): Float32Array => {
    const p = m.params.get('layer0.wHh');
    return Float32Array.from(m.k.heap.subarray(p.value, p.value + p.size));
  };
  assert.notDeepEqual(weights(saved.model), weights(before.model));
  assert.notEqual(saved.vocab.id('λ'), saved.vocab.unknownId);
  assert.match(saved.info.startedFrom ?? '', /^the test model \(valid loss 1\.900 nats\/char\)$/);
});

test('a model worse than character frequencies on the workspace is not started from', { timeout: 300_000 }, async () => {
  const { start, plan } = await run(untrained, path.join(root, 'scratch.safetensors'));
  assert.equal(start.fineTuning, false);
  assert.match(start.reason, /^Training a new model from scratch: .* scores (\d\.\d{3}) .* frequencies alone (\d\.\d{3}) .*, so the test model has nothing to start from here\.$/);
  assert.match(plan.reasons.join(' '), /chars to train on/, 'sized as a run from scratch');
});

test('a shape the user set that the model does not have means a new model from scratch', { timeout: 300_000 }, async () => {
  let start: StartReport | null = null;
  const request = { ...tinyRequest(folder, path.join(root, 'their-shape.safetensors'), { maxMinutes: 0.1 }),
    plan: { fixed: ['hidden' as const] }, startFrom: { path: pretrained, label: 'the test model' } };
  await client().train(request, { onStart: (s) => { start = s; } });
  assert.equal(start!.fineTuning, false);
  assert.equal(start!.reason, 'Training a new model from scratch: your settings ask for hidden 16, and the test model has hidden 64.');
});

test('a model that does not load is reported and the run trains from scratch', { timeout: 300_000 }, async () => {
  const broken = path.join(root, 'broken.safetensors');
  fs.writeFileSync(broken, 'not a model');
  const { start, bestLoss } = await run(broken, path.join(root, 'after-broken.safetensors'));
  assert.equal(start.fineTuning, false);
  assert.match(start.reason, /^Training a new model from scratch: the test model did not load \(/);
  assert.ok(bestLoss !== null);
});

test('fine-tuning is planned to end annealed within the budget', () => {
  const speed = { train: 10_000, evaluate: 40_000 };
  const plan = planFineTuning({ trainChars: 200_000, validChars: 20_000, minutes: 10, speed, parameters: 800_000, batch: 32, dropout: 0 });
  // 10 minutes at 90% of 10,000 chars/s, less validation's tenth: ~4.9 M chars, ~1,500 steps of 3,200.
  assert.ok(plan.config.maxSteps > 1400 && plan.config.maxSteps < 1600, `${plan.config.maxSteps} steps`);
  assert.ok(plan.config.epochs * 200_000 >= plan.config.maxSteps * 3200, 'the epochs never end the run first');
  assert.ok(plan.config.validateEvery < plan.config.maxSteps / 10, 'validated often enough for early stopping');
  assert.equal(plan.dropout, 0, 'the dropout the model was trained with');
  assert.match(plan.reasons.join(' '), /No dropout, as the model was trained/);
  const withDropout = planFineTuning({ trainChars: 200_000, validChars: 20_000, minutes: 10, speed, parameters: 800_000, batch: 32, dropout: 0.2 });
  assert.equal(withDropout.dropout, 0.2);
});
