import type { Kernels } from '../../nn/kernels/kernels';
import { CharModel } from '../../model/char-model';
import type { ModelConfig } from '../../model/config';
import type { LoadedModel } from '../model-file';
import { checkPyTorchTensors, fromPyTorchTensors } from '../pytorch-names';
import { ModelFileError, type Tensor } from '../safetensors';
import { validateConfig } from '../../model/validate-config';
import { charLstmOrder, reorderRows } from './foreign-vocab';
import type { ForeignVocab } from './vocab-sidecar';

/**
 * A char model read from another framework's file, in PyTorch's layout and foreign id order:
 * what both importers (pytorch-state-dict.ts, keras-layers.ts) produce and `assembleForeignModel`
 * turns into a CharModel. G is 4H for an LSTM (gates i, f, g, o), H for a tanh RNN.
 */
export interface ForeignModel {
  cell: 'lstm' | 'rnn';
  /** `[V, E]` by foreign id; null when the first layer reads one-hot characters (E = V). */
  embedding: Tensor | null;
  /** Bottom to top: weightIh `[G, in]`, weightHh `[G, H]`, bias `[G]` (both PyTorch biases summed). */
  layers: { weightIh: Tensor; weightHh: Tensor; bias: Float32Array }[];
  /** `[V, H]` and `[V]`: logits by foreign id. */
  outWeight: Tensor;
  outBias: Float32Array;
}

/**
 * How far (nats) the unknown slot's logit stays below the largest logit, at the least: its
 * probability is below e^-30 ≈ 1e-13, so every known character keeps the probability the
 * original model gives it, while `char-lstm eval` charges a character outside the vocabulary a
 * finite ~30 nats rather than an absurd loss. Completion and sampling mask the slot anyway.
 */
export const UNKNOWN_MARGIN = 30;

/**
 * The unknown slot's output bias: UNKNOWN_MARGIN below the least the largest logit can be.
 * Softmax ignores a common shift, so a model may keep all its logits far from 0; but the dense
 * layer reads a hidden state in (-1, 1) (tanh, or o * tanh(c)), so logit v is at least
 * b[v] - sum_j |W[v, j]| for every input. Finite, as the loader requires.
 */
export function unknownBias(weight: Float32Array, bias: Float32Array, H: number): number {
  let floor = -Infinity;
  for (let v = 0; v < bias.length; v++) {
    let l1 = 0;
    for (let j = 0; j < H; j++) l1 += Math.abs(weight[v * H + j]);
    floor = Math.max(floor, bias[v] - l1);
  }
  return Math.fround(floor - UNKNOWN_MARGIN);
}

/** Throws a ModelFileError if `t` holds NaN or infinities, naming it as the file does. */
export function checkFinite(name: string, data: Float32Array): void {
  if (!data.every(Number.isFinite)) throw new ModelFileError(`${name} holds NaN or infinite values`);
}

/**
 * A CharModel of `foreign`'s weights on `kernels`, with char-lstm's vocabulary: rows of the
 * embedding and of the output layer permuted from foreign id order into code point order, and
 * the unknown slot added last (embedding row 0, output row 0 with bias unknownBias(...)), so
 * every known character gets the logit (and, the unknown being ~0, the probability) the
 * original model gives it. Shapes must already be consistent (each importer checks them, naming
 * its own tensors); a vocabulary of the wrong size is refused here.
 */
export function assembleForeignModel(foreign: ForeignModel, vocabulary: ForeignVocab, kernels: Kernels,
  from: 'pytorch' | 'keras'): LoadedModel {
  const [V, H] = foreign.outWeight.shape;
  const { chars, where } = vocabulary;
  if (chars.length !== V) {
    throw new ModelFileError(`the vocabulary (${where}) has ${chars.length} characters but the model predicts ${V}`);
  }
  const sizes = foreign.layers.map((l) => l.weightHh.shape[1]);
  if (sizes.some((h) => h !== H)) {
    throw new ModelFileError(`recurrent layers of different sizes (${sizes.join(', ')} units): char-lstm's layers all have one size`);
  }
  const E = foreign.embedding ? foreign.embedding.shape[1] : V;
  const config: ModelConfig = { cell: foreign.cell, vocabSize: V + 1, embedding: E, hidden: H, layers: foreign.layers.length, dropout: 0 };
  try {
    validateConfig(config);
  } catch (e) {
    throw new ModelFileError(`char-lstm cannot hold this model: ${(e as Error).message}`);
  }
  const { vocab, newId } = charLstmOrder(chars);
  const rnn = config.cell === 'lstm' ? 'lstm' : 'rnn';
  const tensors: Record<string, Tensor> = {
    'embedding.weight': { shape: [V + 1, E], data: reorderRows(foreign.embedding?.data ?? identity(V), E, newId) },
    'fc.weight': { shape: [V + 1, H], data: reorderRows(foreign.outWeight.data, H, newId) },
    'fc.bias': { shape: [V + 1], data: reorderRows(foreign.outBias, 1, newId, unknownBias(foreign.outWeight.data, foreign.outBias, H)) },
  };
  foreign.layers.forEach((layer, l) => {
    tensors[`${rnn}.weight_ih_l${l}`] = layer.weightIh;
    tensors[`${rnn}.weight_hh_l${l}`] = layer.weightHh;
    tensors[`${rnn}.bias_ih_l${l}`] = { shape: [layer.bias.length], data: layer.bias };
    tensors[`${rnn}.bias_hh_l${l}`] = { shape: [layer.bias.length], data: new Float32Array(layer.bias.length) };
  });
  try {
    checkPyTorchTensors(config, tensors); // the importers' checks should make this unreachable
  } catch (e) {
    throw new ModelFileError((e as Error).message);
  }
  const model = new CharModel(kernels, config);
  fromPyTorchTensors(model, tensors);
  return { model, vocab, info: { importedFrom: from, importedVocab: where } };
}

/** `[V, V]` identity: one-hot inputs as an embedding table. */
function identity(V: number): Float32Array {
  const out = new Float32Array(V * V);
  for (let i = 0; i < V; i++) out[i * V + i] = 1;
  return out;
}

/** "[a, b]" for messages. */
export function shapeText(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
