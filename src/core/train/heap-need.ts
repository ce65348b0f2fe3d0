import type { ModelConfig } from '../model/config';
import { CharModel, INFER_CHUNK } from '../model/char-model';
import { quantizedSize } from '../nn/kernels/kernels';
import { splitStreams } from './peer-threads';

/** A WebAssembly memory's most: 65,536 pages of 64 KiB (32-bit addresses). Bytes. */
export const WASM_HEAP_LIMIT = 65_536 * 65_536;

/** The WebAssembly heap one training thread fills (bytes), in the two parts a user can shrink. */
export interface HeapNeed {
  /** Weights, their gradients and transposed copies, Adam's two moments, inference's packed copies. */
  weights: number;
  /** Activations and their gradients for `batch` × `seqLen` characters: training's and validation's. */
  activations: number;
  total: number;
}

/**
 * What training `model` at `batch` streams × `seqLen` characters asks of the lead thread's heap, the
 * largest (peers hold no Adam moments and fewer streams): the sum of what CharModel, its layers,
 * Adam and the trainer allocate (char-model.ts, nn/*.ts), floats × 4 bytes. `leadStreams`: the
 * streams the lead trains (splitStreams); validation reads all `batch`.
 */
export function trainingHeapNeed(model: ModelConfig, batch: number, seqLen: number, leadStreams = batch): HeapNeed {
  const { vocabSize: V, embedding: E, hidden: H, layers, cell } = model;
  const params = CharModel.specs(model).reduce((n, spec) => n + spec.shape.reduce((a, b) => a * b, 1), 0);
  const gates = cell === 'lstm' ? 4 * H : H;
  let transposed = H * V;
  let packed = 0;
  for (let l = 0; l < layers; l++) {
    const input = l === 0 ? E : H;
    transposed += gates * (input + H);
    if (cell === 'lstm') packed += quantizedSize(input, gates) + quantizedSize(H, gates);
  }
  // values, gradients, Adam's m and v, the peers' gradient scratch
  const weights = 5 * params + transposed + packed + (cell === 'lstm' ? V * gates + INFER_CHUNK * (gates + 2 * H) : 0);
  const activations = activationFloats(model, leadStreams, seqLen) + (leadStreams === batch ? 0 : activationFloats(model, batch, seqLen));
  return { weights: weights * 4, activations: activations * 4, total: (weights + activations) * 4 };
}

/** Floats of one (batch, time) workspace: inputs, dropout masks, embedding, layers, dense, state. */
function activationFloats(model: ModelConfig, batch: number, time: number): number {
  const { vocabSize: V, embedding: E, hidden: H, layers, cell, dropout } = model;
  const rows = batch * time;
  let floats = 2 * rows + (dropout > 0 ? 2 * rows * H * layers : 0) + rows * E + rows * (V + H);
  for (let l = 0; l < layers; l++) {
    const input = l === 0 ? E : H;
    floats += cell === 'lstm'
      ? 2 * rows * 4 * H + 2 * (time + 1) * batch * H + batch * H + rows * input + 2 * batch * H
      : (time + 1) * batch * H + rows * H + rows * input + batch * H;
  }
  return floats;
}

/** "3.2 GiB": bytes in binary gigabytes (or megabytes below one), the units of the 4 GiB limit. */
export function formatBytes(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.ceil(bytes / 2 ** 20)} MiB`;
}

/**
 * Null when training fits the heap; otherwise one line for the user: the size needed, the
 * limit, and which of the user's knobs (`names`: how they are spelled where the user set them)
 * shrink which part.
 */
export function heapRefusal(need: HeapNeed, shape: string, names: { shape: string; batch: string }): string | null {
  if (need.total <= WASM_HEAP_LIMIT) return null;
  return `${shape} needs about ${formatBytes(need.total)} of WebAssembly memory to train, over its limit of `
    + `${formatBytes(WASM_HEAP_LIMIT)}: lower ${names.shape} (weights and Adam's moments: ${formatBytes(need.weights)}) `
    + `or ${names.batch} (activations: ${formatBytes(need.activations)})`;
}

/** The vocabulary size assumed before the text is read: printable ASCII, tab, newline, unknown. */
export const SMALLEST_LIKELY_VOCAB = 98;

/**
 * heapRefusal of training `model` (its vocabulary `model.vocabSize`; `vocabKnown` false: a guess
 * before the text is read, SMALLEST_LIKELY_VOCAB, left out of the line) with the WebAssembly kernels
 * at these settings, the streams shared among `threads` as the trainer shares them.
 */
export function trainingHeapRefusal(model: ModelConfig, settings: { batch: number; seqLen: number; threads: number },
  names: { shape: string; batch: string }, vocabKnown = true): string | null {
  const lead = splitStreams(settings.batch, settings.threads, 'wasm')[0];
  const { cell, layers, hidden, embedding } = model;
  return heapRefusal(trainingHeapNeed(model, settings.batch, settings.seqLen, lead),
    `a ${layers}x${hidden} ${cell.toUpperCase()} (embedding ${embedding}${vocabKnown ? `, vocabulary ${model.vocabSize}` : ''}) at batch ${settings.batch} x ${settings.seqLen}`, names);
}
