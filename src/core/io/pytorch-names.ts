import type { CharModel } from '../model/char-model';
import type { Tensor } from './safetensors';
import type { ModelConfig } from '../model/config';

/**
 * Converts between CharModel's parameters and the tensors of the PyTorch module
 *   nn.Embedding(V, E) → nn.LSTM(E, H, L, batch_first=True) (or nn.RNN) → nn.Linear(H, V)
 * named `embedding.weight`, `lstm.weight_ih_l{l}` `[4H, in]`, `lstm.weight_hh_l{l}` `[4H, H]`,
 * `lstm.bias_ih_l{l}`, `lstm.bias_hh_l{l}` `[4H]`, `fc.weight` `[V, H]`, `fc.bias` `[V]`, so a
 * PyTorch user can `load_state_dict` a saved file unchanged. Gate order is i, f, g, o on both
 * sides; only the weight matrices are transposed (ours are `[in, 4H]` for row-major products).
 * PyTorch's two biases are summed on load; on save the sum goes into bias_ih and bias_hh is 0.
 */
export function toPyTorchTensors(model: CharModel): Record<string, Tensor> {
  const heap = model.k.heap;
  const read = (name: string) => {
    const p = model.params.get(name);
    return { shape: [...p.shape], data: Float32Array.from(heap.subarray(p.value, p.value + p.size)) };
  };
  const rnn = rnnName(model);
  const out: Record<string, Tensor> = { 'embedding.weight': read('embedding.table') };
  model.layers.forEach((_, l) => {
    out[`${rnn}.weight_ih_l${l}`] = transposed(read(`layer${l}.wIh`));
    out[`${rnn}.weight_hh_l${l}`] = transposed(read(`layer${l}.wHh`));
    const b = read(`layer${l}.b`);
    out[`${rnn}.bias_ih_l${l}`] = b;
    out[`${rnn}.bias_hh_l${l}`] = { shape: b.shape, data: new Float32Array(b.data.length) };
  });
  out['fc.weight'] = transposed(read('dense.w'));
  out['fc.bias'] = read('dense.b');
  return out;
}

/** The tensor names and shapes a model of `config` has in a file, from the config alone. */
export function pytorchShapes(config: ModelConfig): Map<string, number[]> {
  const rnn = config.cell === 'lstm' ? 'lstm' : 'rnn';
  const gates = config.cell === 'lstm' ? 4 * config.hidden : config.hidden;
  const shapes = new Map<string, number[]>([['embedding.weight', [config.vocabSize, config.embedding]]]);
  for (let l = 0; l < config.layers; l++) {
    shapes.set(`${rnn}.weight_ih_l${l}`, [gates, l === 0 ? config.embedding : config.hidden]);
    shapes.set(`${rnn}.weight_hh_l${l}`, [gates, config.hidden]);
    shapes.set(`${rnn}.bias_ih_l${l}`, [gates]);
    shapes.set(`${rnn}.bias_hh_l${l}`, [gates]);
  }
  shapes.set('fc.weight', [config.vocabSize, config.hidden]);
  shapes.set('fc.bias', [config.vocabSize]);
  return shapes;
}

/**
 * Throws a one-line Error on a missing, extra or misshapen tensor. Run it before building the
 * model: the tensors' bytes are already in the file, so a config that passes cannot make the
 * model allocate more than the file holds.
 */
export function checkPyTorchTensors(config: ModelConfig, tensors: Record<string, Tensor>): void {
  const expected = pytorchShapes(config);
  for (const name of Object.keys(tensors)) {
    if (!expected.has(name)) throw new Error(`unexpected tensor "${name}" for a ${config.layers}-layer ${config.cell} model`);
  }
  for (const [name, shape] of expected) {
    const t = tensors[name];
    if (!t) throw new Error(`tensor "${name}" is missing`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new Error(`tensor "${name}" has shape [${t.shape}] but the config needs [${shape}]`);
    }
  }
}

/** Writes PyTorch-named tensors into `model`; they must have passed checkPyTorchTensors. */
export function fromPyTorchTensors(model: CharModel, tensors: Record<string, Tensor>): void {
  const rnn = rnnName(model);
  checkPyTorchTensors(model.config, tensors);
  const write = (name: string, data: Float32Array) => model.k.heap.set(data, model.params.get(name).value);
  write('embedding.table', tensors['embedding.weight'].data);
  model.layers.forEach((_, l) => {
    write(`layer${l}.wIh`, transposed(tensors[`${rnn}.weight_ih_l${l}`]).data);
    write(`layer${l}.wHh`, transposed(tensors[`${rnn}.weight_hh_l${l}`]).data);
    const bias = Float32Array.from(tensors[`${rnn}.bias_ih_l${l}`].data);
    tensors[`${rnn}.bias_hh_l${l}`].data.forEach((v, i) => { bias[i] += v; });
    write(`layer${l}.b`, bias);
  });
  write('dense.w', transposed(tensors['fc.weight']).data);
  write('dense.b', tensors['fc.bias'].data);
}

function rnnName(model: CharModel): string {
  return model.config.cell === 'lstm' ? 'lstm' : 'rnn';
}

/** `[rows, cols]` → `[cols, rows]`: char-lstm's and Keras' `[in, G]` against PyTorch's `[G, in]`. */
export function transposed(t: Tensor): Tensor {
  const [rows, cols] = t.shape;
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) data[c * rows + r] = t.data[r * cols + c];
  return { shape: [cols, rows], data };
}
