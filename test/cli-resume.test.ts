// `char-lstm train --resume` after a Ctrl-C: the run checkpoint beside the model carries the
// whole run, so the resumed command saves the same model as a run never interrupted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadModel } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');
const SETTINGS = ['--hidden', '32', '--layers', '2', '--embedding', '8', '--dropout', '0.1', '--batch', '8', '--seq-len', '40',
  '--max-steps', '60', '--validate-every', '9', '--lr-schedule', 'cosine', '--threads', '2', '--no-mixture'];

async function weights(file: string): Promise<Float32Array> {
  const { model } = await loadModel(file, createKernels('wasm'));
  const { values, count } = model.params;
  return Float32Array.from(model.k.heap.subarray(values, values + count));
}

/** Runs the command with `--json` and sends SIGINT once step `at` is reported. */
function interruptAt(args: string[], at: number, cwd: string): Promise<number | null> {
  const child = spawn(process.execPath, [CLI, ...args, '--json'], { cwd });
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    if (buffered.includes(`"kind":"step","epoch":1,"step":${at},`)) child.kill('SIGINT');
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

test('a training run interrupted with Ctrl-C and resumed saves the model the uninterrupted run saves', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'char-lstm-resume-'));
  const corpus = path.join(dir, 'corpus.txt');
  writeFileSync(corpus, readFileSync('test/fixtures/workspace/shakespeare.txt', 'utf8'));
  const whole = spawnSync(process.execPath, [CLI, 'train', corpus, '-o', 'whole.safetensors', ...SETTINGS], { cwd: dir, encoding: 'utf8' });
  assert.equal(whole.status, 0, whole.stderr);

  const code = await interruptAt(['train', corpus, '-o', 'cut.safetensors', ...SETTINGS], 31, dir);
  assert.equal(code, 130, 'exit code of an interrupted run');
  assert.ok(existsSync(path.join(dir, 'cut.run.safetensors')), 'the run checkpoint is beside the model');
  // Resumed with no settings: the checkpoint's own are used.
  const resumed = spawnSync(process.execPath, [CLI, 'train', corpus, '-o', 'cut.safetensors', '--resume', 'cut.safetensors'],
    { cwd: dir, encoding: 'utf8' });
  assert.equal(resumed.status, 0, resumed.stderr);
  assert.match(resumed.stderr, /resuming exactly at step (2[7-9]|3[01]) from cut\.run\.safetensors/);
  assert.deepEqual(await weights(path.join(dir, 'cut.safetensors')), await weights(path.join(dir, 'whole.safetensors')));
});
