// `char-lstm train --init-from`: fine-tuning a model pretrained on related text beats training
// from scratch in the same number of steps, and the model file says what it started from.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadModel } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');
const SHAPE = ['--hidden', '64', '--layers', '1', '--embedding', '16'];
const STEPS = ['--batch', '8', '--seq-len', '50', '--validate-every', '10', '--patience', '0', '--no-mixture'];
let dir = '';

function train(...args: string[]): string {
  const r = spawnSync(process.execPath, [CLI, 'train', ...args], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr;
}

async function validLoss(file: string): Promise<number> {
  return (await loadModel(path.join(dir, file), createKernels('wasm'))).info.validLoss!;
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'char-lstm-finetune-'));
  const text = readFileSync('test/fixtures/workspace/shakespeare.txt', 'utf8');
  writeFileSync(path.join(dir, 'pretrain.txt'), text.slice(0, 22_000));
  // The "workspace": later scenes, with brackets and a λ the pretrained model never saw.
  mkdirSync(path.join(dir, 'workspace'));
  writeFileSync(path.join(dir, 'workspace', 'scenes.txt'), text.slice(22_000).replace(/\[/g, '{').replace(/\]/g, '}') + '\nλ λ {λ}\n');
  train('pretrain.txt', '-o', 'pretrained.safetensors', ...SHAPE, ...STEPS, '--max-steps', '400');
});

test('fine-tuning beats training from scratch in the same number of steps', async () => {
  const tuned = train('workspace', '-o', 'tuned.safetensors', '--init-from', 'pretrained.safetensors', ...STEPS, '--max-steps', '40');
  assert.match(tuned, /fine-tuning pretrained\.safetensors \(valid loss \d\.\d{3} nats\/char\): \d+ characters? of the text new to it \(.*λ.*\) get rows of their own/);
  train('workspace', '-o', 'scratch.safetensors', ...SHAPE, ...STEPS, '--max-steps', '40');
  const [fine, scratch] = [await validLoss('tuned.safetensors'), await validLoss('scratch.safetensors')];
  assert.ok(fine < scratch - 0.1, `fine-tuned ${fine.toFixed(3)} nats/char against ${scratch.toFixed(3)} from scratch`);

  const { model, vocab, info } = await loadModel(path.join(dir, 'tuned.safetensors'), createKernels('wasm'));
  assert.match(info.startedFrom ?? '', /^pretrained\.safetensors \(valid loss/);
  assert.equal(model.config.hidden, 64, 'the shape is the pretrained one');
  assert.notEqual(vocab.id('λ'), vocab.unknownId);
});

test('a fine-tuned run keeps the pretrained shape over the command line\'s, and says so', () => {
  const said = train('workspace', '-o', 'other.safetensors', '--init-from', 'pretrained.safetensors', '--hidden', '128', ...STEPS, '--max-steps', '2');
  assert.match(said, /warning: --hidden 128 ignored: --init-from keeps the model's shape \(hidden 64\)/);
});
