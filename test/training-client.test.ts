// The extension's training client against the real worker thread (dist/train-worker.js):
// a run on a small folder saves a loadable model, a cancelled run ends cleanly, an empty
// folder fails with one clear message, and a second run while one is going is refused.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadModel } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';
import type { CorpusReport } from '../src/protocol/training';
import { tinyRequest, trainingClients, workspaceIn } from './worker-runs';
import type { TrainEvent } from '../src/core/train/events';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'char-lstm-client-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
const newClient = trainingClients();
/** A "worker" that exits at once (written by the test that uses it; the thread starts at the first run). */
const crashing = path.join(root, 'crash-worker.js');
const newCrashingClient = trainingClients(crashing);
const workspace = (files: Record<string, string | Buffer>) => workspaceIn(root, files);
const request = (folder: string, out: string, epochs: number) => tinyRequest(folder, out, { epochs });

test('a run gathers the folder, trains, reports events and saves a loadable best model', async () => {
  const client = newClient();
  const out = path.join(root, 'a.safetensors');
  const events: TrainEvent[] = [];
  let corpusFiles = 0;
  let report: CorpusReport | undefined;
  const folder = workspace({
    'a.txt': 'to be or not to be, that is the question\n'.repeat(60), 'b.bin': Buffer.from([0, 1, 2]),
    'c.txt': Buffer.from('caf\xe9\n', 'latin1'), '.gitignore': 'gen/\n',
  });
  fs.mkdirSync(path.join(folder, 'gen'));
  const outcome = await client.train({ ...request(folder, out, 3), exclude: [{ source: 'files.exclude', patterns: ['.gitignore'] }] }, {
    onCorpus: (files, _chars, _skipped, r) => { corpusFiles = files; report = r; },
    onEvent: (e) => events.push(e),
  });
  assert.equal(outcome.reason, 'completed');
  assert.equal(corpusFiles, 2);
  assert.deepEqual(report, {
    skippedFiles: [
      { path: 'b.bin', reason: 'ignored by name' },
      { path: '.gitignore', reason: 'excluded by files.exclude' },
      { path: 'gen/', reason: 'excluded by .gitignore' },
    ],
    skippedFilesMore: 0,
    excluded: '2 paths excluded: 1 by .gitignore, 1 by files.exclude',
    encodings: '1 file read as Windows-1252',
  });
  assert.ok(outcome.bestLoss !== null && outcome.bestLoss < Math.log(20));
  assert.ok(events.some((e) => e.kind === 'validation'));
  const loaded = await loadModel(out, createKernels());
  assert.equal(loaded.info.validLoss, outcome.bestLoss);
});

test('cancelling ends the run as cancelled; the client is free again', async () => {
  const client = newClient();
  const out = path.join(root, 'b.safetensors');
  const run = client.train(request(workspace({ 'a.txt': 'abcdefgh\n'.repeat(5000) }), out, 1000), {
    onEvent: (e) => { if (e.kind === 'step' && e.step >= 3) client.cancel(); },
  });
  assert.ok(client.busy);
  await assert.rejects(client.train(request(root, out, 1)), /already running/);
  const outcome = await run;
  assert.equal(outcome.reason, 'cancelled');
  assert.equal(client.busy, false);
});

test('an empty folder or a folder of binary files fails with one clear message', async () => {
  const client = newClient();
  await assert.rejects(client.train(request(workspace({}), path.join(root, 'c.safetensors'), 1)), /No text files found/);
  await assert.rejects(client.train(request(workspace({ 'x.dat': Buffer.from([0, 0, 0, 1]) }), path.join(root, 'c.safetensors'), 1)),
    /No text files found.*binary/);
  // The command line's check and message (core/train/training-run.ts).
  await assert.rejects(client.train(request(workspace({ 'a.txt': 'ab' }), path.join(root, 'c.safetensors'), 1)),
    /^Error: too little text to train on \(2 characters\): the training text and the held-out validation text need 2 characters each$/);
  assert.ok(!fs.existsSync(path.join(root, 'c.safetensors')));
});

test('a worker that dies rejects the run with a message and the client is free again', async () => {
  fs.writeFileSync(crashing, 'process.exit(3)');
  const client = newCrashingClient();
  await assert.rejects(client.train(request(root, path.join(root, 'd.safetensors'), 1)), /stopped unexpectedly \(exit code 3\)/);
  assert.equal(client.busy, false);
});
