// Training step for step like PyTorch: from the same weights, char-lstm's trainer and a stock
// torch.nn.LSTM model trained by bench/pytorch/parity.py (Adam, global-norm clipping, streams
// carrying (h, c) from window to window and across epoch starts) give the same losses and end
// with the same weights. In float64 they agree to rounding, so any change to what a step
// computes shows (the Adam epsilon's placement alone moves the second loss by 2e-6); in float32
// the WebAssembly kernels agree to float noise. Skipped where /usr/bin/python3 has no torch
// (scripts/bench-setup.sh installs Debian's python3-torch).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Vocab } from '../src/core/data/vocab';
import { splitCorpus } from '../src/core/data/corpus';
import { CharModel } from '../src/core/model/char-model';
import { fromPyTorchTensors, toPyTorchTensors } from '../src/core/io/pytorch-names';
import { decodeSafetensors, encodeSafetensors } from '../src/core/io/safetensors';
import type { Kernels } from '../src/core/nn/kernels/kernels';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { loadWasmKernels } from '../src/core/nn/kernels/wasm';
import { seededRandom } from '../src/core/math/random';
import { train } from '../src/core/train/trainer';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(__dirname, '..', 'bench', 'pytorch', 'parity.py');
// 3,600 characters: 3,240 train, in 8 streams of 404, so an epoch is 8 windows of 50 and the
// 20 steps cross two epoch starts (state back to zero).
const TEXT = readFileSync(join(__dirname, 'fixtures', 'workspace', 'shakespeare.txt'), 'utf8').slice(0, 3600);
// Gradient norms here run 0.22 … 0.44: the clip acts on about half of the steps.
const BATCH = 8, SEQ_LEN = 50, STEPS = 20, LR = 3e-3, CLIP = 0.3;

function torchMissing(): string | false {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 });
  return probe.status === 0 ? false : `${PYTHON} cannot import torch (scripts/bench-setup.sh installs python3-torch)`;
}

interface Run { losses: number[]; weights: Record<string, Float32Array>; norms?: number[] }

/** Trains `STEPS` steps from the seed-`seed` weights with char-lstm and with PyTorch. */
async function both(k: Kernels, double: boolean, seed: number): Promise<{ ours: Run; theirs: Run }> {
  const dir = mkdtempSync(join(tmpdir(), 'char-lstm-pytorch-parity-'));
  try {
    const vocab = Vocab.fromText(TEXT);
    const { train: trainText, valid } = splitCorpus(TEXT);
    const model = new CharModel(k, { cell: 'lstm', vocabSize: vocab.size, embedding: 12, hidden: 24, layers: 2,
      dropout: 0 }, seededRandom(seed));
    // Round to float32 here too, so both start from exactly the weights in the file.
    fromPyTorchTensors(model, toPyTorchTensors(model));
    writeFileSync(join(dir, 'init.safetensors'), encodeSafetensors(toPyTorchTensors(model), {}));
    writeFileSync(join(dir, 'ids.bin'), new Uint16Array(vocab.encode(trainText)));

    const losses: number[] = [];
    let last: Record<string, Float32Array> = {};
    const stop = new AbortController();
    const result = await train({ kernels: k, vocab, train: trainText, valid, model, signal: stop.signal,
      // Validations (one per epoch) leave the weights alone with lrDecay 1.
      config: { ...DEFAULT_TRAIN_CONFIG, batch: BATCH, seqLen: SEQ_LEN, lr: LR, clip: CLIP, epochs: 10, threads: 1,
        validateEvery: 0, patience: 0, lrDecay: 1, seed },
      onEvent: (e) => {
        if (e.kind !== 'step') return;
        losses.push(e.loss);
        if (e.step < STEPS) return;
        // The weights after the last step, not the best validated ones train() ends with.
        last = tensorsOf(toPyTorchTensors(model));
        stop.abort();
      } });
    assert.equal(result.end.steps, STEPS);
    const ours = { losses, weights: last };

    const args = [SCRIPT, '--weights', join(dir, 'init.safetensors'), '--ids', join(dir, 'ids.bin'),
      '--batch', String(BATCH), '--seq-len', String(SEQ_LEN), '--steps', String(STEPS), '--lr', String(LR),
      '--clip', String(CLIP), '--out', join(dir, 'final.safetensors'), ...(double ? ['--double'] : [])];
    const py = spawnSync(PYTHON, args, { encoding: 'utf8', timeout: 300_000 });
    assert.equal(py.status, 0, `parity.py failed: ${py.stderr}`);
    const line = JSON.parse(py.stdout.trim().split('\n').pop() as string) as { losses: number[]; grad_norms: number[] };
    const theirs = { losses: line.losses, norms: line.grad_norms,
      weights: tensorsOf(decodeSafetensors(readFileSync(join(dir, 'final.safetensors'))).tensors) };
    return { ours, theirs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** bias_ih + bias_hh as our one bias; the rest by name. */
function tensorsOf(tensors: Record<string, { data: Float32Array }>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name.includes('bias_hh')) continue;
    const hh = tensors[name.replace('bias_ih', 'bias_hh')];
    out[name] = name.includes('bias_ih') ? t.data.map((v, i) => v + hh.data[i]) : t.data;
  }
  return out;
}

function compare({ ours, theirs }: { ours: Run; theirs: Run }, lossTol: number, weightTol: number): void {
  assert.equal(ours.losses.length, STEPS);
  assert.equal(theirs.losses.length, STEPS);
  ours.losses.forEach((loss, i) => {
    const rel = Math.abs(loss - theirs.losses[i]) / theirs.losses[i];
    assert.ok(rel < lossTol, `step ${i + 1}: loss ${loss} vs PyTorch ${theirs.losses[i]} (relative ${rel.toExponential(2)})`);
  });
  const clipped = (theirs.norms ?? []).filter((n) => n > CLIP).length;
  assert.ok(clipped > 0 && clipped < STEPS, `${clipped} of ${STEPS} steps clipped: both kinds are compared`);
  assert.ok(theirs.losses[STEPS - 1] < theirs.losses[0] - 0.3, `it learns: ${theirs.losses[0]} → ${theirs.losses[STEPS - 1]}`);
  assert.deepEqual(Object.keys(ours.weights).sort(), Object.keys(theirs.weights).sort());
  for (const [name, w] of Object.entries(ours.weights)) {
    let worst = 0;
    w.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - theirs.weights[name][i])); });
    assert.ok(worst < weightTol, `${name}: weights differ by up to ${worst.toExponential(2)} after ${STEPS} steps`);
  }
}

const skip = torchMissing();

test('float64: char-lstm trains step for step as PyTorch does, to rounding', { skip }, async () => {
  compare(await both(new ReferenceKernels('f64'), true, 1), 1e-11, 1e-6);
});

test('float32 WebAssembly kernels: the same steps as PyTorch, to float32 noise', { skip }, async () => {
  compare(await both(loadWasmKernels(), false, 2), 1e-5, 1e-4);
});
