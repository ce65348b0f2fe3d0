// A Train on Workspace run sized to the workspace, through the real worker thread: it plans from
// the text's size and a speed probe, says why, trains what it planned, and keeps the user's settings.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModel } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';
import type { PlanReport } from '../src/protocol/training';
import { MAX_PARAMS_PER_CHAR } from '../src/core/train/plan';
import { tinyRequest, trainingClients, workspaceIn } from './worker-runs';

const client = trainingClients();

test('a sized run reports its plan with reasons, trains that shape, and keeps the settings the user fixed', { timeout: 300_000 }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'char-lstm-sized-'));
  const source = path.join(__dirname, '..', 'src', 'core', 'mix');
  const files = Object.fromEntries(fs.readdirSync(source).map((f) => [f, fs.readFileSync(path.join(source, f), 'utf8')]));
  const folder = workspaceIn(root, files);
  const out = path.join(root, 'model.safetensors');
  const request = { ...tinyRequest(folder, out, { maxMinutes: 0.2, validateEvery: 7 }), plan: { fixed: ['validateEvery' as const] } };
  let plan: PlanReport | null = null;
  const outcome = await client().train(request, { onPlan: (p) => { plan = p; } });
  assert.ok(plan, 'the plan was reported');
  const { model, config, reasons } = plan as PlanReport;
  assert.ok(outcome.bestLoss !== null);
  // A few tens of kB of text: a small model, dropout or early stopping against overfitting.
  const chars = Object.values(files).join('').length;
  assert.match(reasons.join(' '), /chars to train on/);
  // The budget is the whole run's: what reading the folder and the n-gram took comes out of it.
  assert.match(reasons[0], /^Reading the folder and building the n-gram took \d+\.\d s of the 0\.2-minute budget/);
  assert.match(reasons.join(' '), /a 0\.[12]-minute budget/);
  assert.match(reasons.join(' '), /Kept from your settings: validateEvery 7/);
  assert.equal(config.validateEvery, 7, 'the user\'s validateEvery is kept');
  assert.ok(config.patience > 0, 'early stopping is on');
  const saved = await loadModel(out, createKernels());
  const { vocabSize: _, ...shape } = saved.model.config;
  assert.deepEqual(shape, model, 'the model trained is the one planned');
  assert.ok(saved.model.params.trainable <= MAX_PARAMS_PER_CHAR * chars || model.hidden === 64,
    `${saved.model.params.trainable} parameters for ${chars} chars`);
});
