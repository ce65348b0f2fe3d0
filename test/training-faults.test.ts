// Training that goes wrong, against the real worker thread (dist/train-worker.js): cancelled in
// each phase (reading the workspace, the first step, a validation, at random times that include
// checkpoint saves), out of memory, the disk full or read-only when a checkpoint is saved. Each
// ends with one clear outcome, the client free for the next run, and the model file at the output
// path either absent, or whole and matching what the run reported: never half-written.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModel } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';
import type { TrainConfig } from '../src/core/train/config';
import { seededRandom } from '../src/core/math/random';
import type { TrainEvent } from '../src/core/train/events';
import { mountTmpfs } from './tmpfs';
import { tinyRequest, trainingClients, workspaceIn } from './worker-runs';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'char-lstm-faults-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const client = trainingClients();

const TEXT = 'to be or not to be, that is the question;\nwhether tis nobler in the mind to suffer\n';

const workspace = (files: Record<string, string>) => workspaceIn(root, files);
/** Runs that go on until something stops them, on one thread. */
const request = (folder: string, outPath: string, config: Partial<TrainConfig> = {}) =>
  tinyRequest(folder, outPath, { epochs: 1000, maxMinutes: 0, threads: 1, ...config });

/** The file at `out` is absent or a whole model whose validation loss is the run's best. */
async function assertWholeOrAbsent(out: string, bestLoss: number | null): Promise<void> {
  const leftovers = fs.readdirSync(path.dirname(out)).filter((f) => f.endsWith('.tmp'));
  assert.deepEqual(leftovers, [], 'no temporary files are left behind');
  if (bestLoss === null) {
    assert.ok(!fs.existsSync(out), 'no checkpoint, no file');
    return;
  }
  const { info } = await loadModel(out, createKernels('reference'));
  assert.equal(info.validLoss, bestLoss, 'the file holds the best checkpoint the run reported');
}

test('cancelled while reading the workspace: ends cancelled before any text is used, no file', async () => {
  // Enough files that reading them takes longer than the cancel takes to arrive.
  const files: Record<string, string> = {};
  for (let i = 0; i < 3000; i++) files[`d${i % 30}/f${i}.txt`] = `${TEXT}${i}\n`;
  const ws = workspace(files);
  const c = client();
  const out = path.join(root, 'gathering.safetensors');
  let corpus = false;
  const run = c.train(request(ws, out), { onCorpus: () => { corpus = true; } });
  c.cancel();
  const outcome = await run;
  assert.deepEqual(outcome, { reason: 'cancelled', bestLoss: null });
  assert.equal(corpus, false, 'the cancel landed while the files were being read');
  await assertWholeOrAbsent(out, null);
  assert.equal(c.busy, false);
});

test('cancelled at the first step: ends cancelled with no checkpoint and no file', async () => {
  const c = client();
  const out = path.join(root, 'first-step.safetensors');
  const events: TrainEvent[] = [];
  const outcome = await c.train(request(workspace({ 'a.txt': TEXT.repeat(200) }), out), {
    onEvent: (e) => { events.push(e); if (e.kind === 'start') c.cancel(); },
  });
  assert.deepEqual(outcome, { reason: 'cancelled', bestLoss: null });
  const end = events.find((e) => e.kind === 'end');
  assert.ok(end && end.kind === 'end' && end.steps <= 2, `stopped at once (${end && 'steps' in end ? end.steps : '?'} steps)`);
  await assertWholeOrAbsent(out, null);
});

test('cancelled during a validation: ends cancelled without finishing it and without a checkpoint', async () => {
  const c = client();
  const out = path.join(root, 'validation.safetensors');
  // A long held-out tail (10% of 400k chars) makes a validation take long; validate after every step.
  const events: TrainEvent[] = [];
  const outcome = await c.train(request(workspace({ 'a.txt': TEXT.repeat(5000) }), out, { validateEvery: 1 }), {
    onEvent: (e) => { events.push(e); if (e.kind === 'step' && e.step === 1) c.cancel(); },
  });
  const end = events.find((e) => e.kind === 'end');
  assert.equal(outcome.reason, 'cancelled');
  assert.ok(end && end.kind === 'end' && end.steps === 1, 'no step after the first');
  assert.equal(events.filter((e) => e.kind === 'validation').length, 0, 'the validation after step 1 never finished');
  assert.equal(outcome.bestLoss, null);
  await assertWholeOrAbsent(out, null);
});

test('cancelled at random times (steps, validations, checkpoint saves): the file is always whole or absent', async (t) => {
  const rng = seededRandom(7);
  const ws = workspace({ 'a.txt': TEXT.repeat(400) });
  const c = client();
  let duringSave = 0, withCheckpoint = 0;
  const RUNS = 12;
  for (let i = 0; i < RUNS; i++) {
    const out = path.join(fs.mkdtempSync(path.join(root, 'sweep-')), 'model.safetensors');
    let cancelledAt = -1;
    let saves = 0, savesAfterCancel = 0;
    const delay = 50 + rng.next() * 1500;
    const timer = setTimeout(() => { cancelledAt = saves; c.cancel(); }, delay);
    // Validate and save every 2 steps, so saves are a good share of the run's time.
    const outcome = await c.train(request(ws, out, { validateEvery: 2 }), {
      onSaved: () => { saves++; if (cancelledAt >= 0) savesAfterCancel++; },
    });
    clearTimeout(timer);
    assert.equal(outcome.reason, 'cancelled');
    if (savesAfterCancel > 0) duringSave++;
    if (outcome.bestLoss !== null) withCheckpoint++;
    await assertWholeOrAbsent(out, outcome.bestLoss);
  }
  t.diagnostic(`${RUNS} cancels at random times: ${withCheckpoint} after a checkpoint, ${duringSave} while one was being saved (it finished whole)`);
});

test('the worker running out of memory ends the run with a message; the next run works', async (t) => {
  // A heap limit far below what reading 8 MB of text needs (a JS string of it alone is 16 MB).
  const c = client({ maxOldGenerationSizeMb: 12 });
  const big = workspace(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}.txt`, TEXT.repeat(12_000)])));
  await assert.rejects(c.train(request(big, path.join(root, 'oom.safetensors'))), (e: Error) => {
    t.diagnostic(e.message);
    assert.match(e.message, /^the training worker ran out of memory \(its limit is 12 MB\); exclude large files/);
    return true;
  });
  assert.equal(c.busy, false);
  assert.ok(!fs.existsSync(path.join(root, 'oom.safetensors')));
  const out = path.join(root, 'after-oom.safetensors');
  const outcome = await c.train(request(workspace({ 'a.txt': TEXT.repeat(100) }), out, { epochs: 2 }));
  assert.equal(outcome.reason, 'completed');
  await assertWholeOrAbsent(out, outcome.bestLoss);
});

test('a checkpoint that cannot be saved (no such folder) fails the run in one line', async () => {
  const notAFolder = path.join(root, 'plain-file');
  fs.writeFileSync(notAFolder, 'x');
  const c = client();
  await assert.rejects(c.train(request(workspace({ 'a.txt': TEXT.repeat(100) }), path.join(notAFolder, 'm.safetensors'))),
    /^Error: could not save the model: .*plain-file\/m\.safetensors: its folder does not exist \(ENOTDIR\)$/);
  assert.equal(c.busy, false);
});

for (const fault of ['disk full', 'read-only'] as const) {
  test(`${fault} when a checkpoint is saved: the run fails saying so and the previous model file is untouched`, async (t) => {
    const fsys = mountTmpfs(64);
    if (typeof fsys === 'string') return t.skip(fsys);
    try {
      const out = path.join(fsys.dir, 'candidate.safetensors');
      const c = client();
      const ws = workspace({ 'a.txt': TEXT.repeat(100) });
      const first = await c.train(request(ws, out, { epochs: 1 }));
      assert.ok(first.bestLoss !== null);
      const before = fs.readFileSync(out);
      if (fault === 'disk full') {
        // Fill what is left: the next checkpoint's temporary file cannot be written.
        try { fs.writeFileSync(path.join(fsys.dir, 'filler'), Buffer.alloc(64 * 1024)); } catch { /* ENOSPC: full now */ }
      } else {
        fsys.readOnly();
      }
      const message = fault === 'disk full' ? /the disk is full \(ENOSPC\)$/ : /read-only file system \(EROFS\)$/;
      await assert.rejects(c.train(request(ws, out, { epochs: 1, seed: 2 })), (e: Error) => {
        t.diagnostic(e.message);
        assert.match(e.message, /^could not save the model: /);
        assert.match(e.message, message);
        return true;
      });
      assert.deepEqual(fs.readFileSync(out), before, 'the previous file is byte for byte the same');
      await assertWholeOrAbsent(out, first.bestLoss);
    } finally {
      fsys.unmount();
    }
  });
}
