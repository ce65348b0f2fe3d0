import type { Tensor } from '../safetensors';
import { ModelFileError } from '../safetensors';
import { checkFinite, shapeText, type ForeignModel } from './foreign-model';

/**
 * Reads a PyTorch char model's `state_dict` (as `safetensors.torch.save_file` writes it) of
 *   nn.Embedding(V, E) → nn.LSTM(E, H, L, batch_first=True) or nn.RNN (tanh) → nn.Linear(H, V)
 * whatever the notebook named its modules. Roles come from names and shapes:
 *   recurrent  `<p>.weight_ih_l{l}` `[G, in]`, `<p>.weight_hh_l{l}` `[G, H]`, `<p>.bias_ih_l{l}`,
 *              `<p>.bias_hh_l{l}` `[G]` (both absent with bias=False); G = 4H: LSTM, H: RNN
 *   output     the `<q>.weight` `[V, H]` that has a `<q>.bias` `[V]` (nn.Linear)
 *   embedding  the other 2-D tensor, `[V, in of layer 0]`; none if layer 0 reads one-hot `[G, V]`
 * Anything else is refused by name: GRU (G = 3H), bidirectional (`_reverse`), proj_size
 * (`weight_hr_l`), several recurrent modules, extra tensors (LayerNorm, a second Linear...).
 * An nn.RNN with nonlinearity='relu' has the same tensors as a tanh one and cannot be told apart.
 */
export function readStateDict(tensors: Record<string, Tensor>): ForeignModel {
  const names = Object.keys(tensors);
  if (names.length === 0) throw new ModelFileError('the file holds no tensors');
  for (const name of names) {
    if (/_reverse$/.test(name)) {
      throw new ModelFileError(`"${name}" belongs to a bidirectional RNN, which char-lstm cannot run (it reads left to right only)`);
    }
    if (/\.weight_hr_l\d+$/.test(name)) {
      throw new ModelFileError(`"${name}" is an LSTM projection (proj_size), which char-lstm's LSTM does not have`);
    }
  }
  const recurrent = names.map((n) => /^(.*)\.weight_ih_l(\d+)$/.exec(n)).filter((m) => m !== null);
  if (recurrent.length === 0) {
    throw new ModelFileError(`no nn.LSTM or nn.RNN in the file: no tensor named "<module>.weight_ih_l0" (it holds ${listNames(names)})`);
  }
  const prefixes = [...new Set(recurrent.map((m) => m[1]))];
  if (prefixes.length > 1) {
    throw new ModelFileError(`more than one recurrent module (${prefixes.map((p) => `"${p}"`).join(', ')}): `
      + 'char-lstm imports one nn.LSTM or nn.RNN with num_layers');
  }
  const p = prefixes[0];
  const L = recurrent.length;
  const used = new Set<string>();
  const get = (name: string): Tensor | undefined => (Object.hasOwn(tensors, name) ? tensors[name] : undefined);
  const take = (name: string): Tensor => {
    const t = get(name);
    if (!t) throw new ModelFileError(`tensor "${name}" is missing`);
    checkFinite(name, t.data);
    used.add(name);
    return t;
  };
  const hh0 = take(`${p}.weight_hh_l0`);
  if (hh0.shape.length !== 2) throw new ModelFileError(`"${p}.weight_hh_l0" has shape ${shapeText(hh0.shape)}, not [gates, hidden]`);
  const H = hh0.shape[1], G = hh0.shape[0];
  if (H < 1) throw new ModelFileError(`"${p}.weight_hh_l0" has shape ${shapeText(hh0.shape)}: no hidden units`);
  if (G === 3 * H) throw new ModelFileError(`"${p}" is a GRU (${G} = 3 × ${H} gate rows), which char-lstm cannot run: it runs LSTM and tanh RNN layers`);
  if (G !== 4 * H && G !== H) {
    throw new ModelFileError(`"${p}.weight_hh_l0" has shape ${shapeText(hh0.shape)}: neither an LSTM's [4H, H] nor an RNN's [H, H]`);
  }
  const cell = G === 4 * H ? 'lstm' : 'rnn';

  const layers: ForeignModel['layers'] = [];
  for (let l = 0; l < L; l++) {
    const ih = take(`${p}.weight_ih_l${l}`);
    const hh = l === 0 ? hh0 : take(`${p}.weight_hh_l${l}`);
    const input = ih.shape[1];
    if (ih.shape.length !== 2 || ih.shape[0] !== G || (l > 0 && input !== H)) {
      throw new ModelFileError(`"${p}.weight_ih_l${l}" has shape ${shapeText(ih.shape)} but layer ${l} needs [${G}, ${l > 0 ? H : 'input'}]`);
    }
    if (!sameShape(hh.shape, [G, H])) throw new ModelFileError(`"${p}.weight_hh_l${l}" has shape ${shapeText(hh.shape)}, not [${G}, ${H}]`);
    const hasBias = get(`${p}.bias_ih_l${l}`) !== undefined || get(`${p}.bias_hh_l${l}`) !== undefined;
    const bias = new Float32Array(G);
    if (hasBias) {
      for (const which of ['ih', 'hh']) {
        const name = `${p}.bias_${which}_l${l}`;
        const b = take(name);
        if (!sameShape(b.shape, [G])) throw new ModelFileError(`"${name}" has shape ${shapeText(b.shape)}, not [${G}]`);
        b.data.forEach((v, i) => { bias[i] += v; });
      }
    }
    layers.push({ weightIh: ih, weightHh: hh, bias });
  }
  for (const name of names) {
    if (name.startsWith(`${p}.`) && !used.has(name)) {
      throw new ModelFileError(`unexpected tensor "${name}" in the ${L}-layer ${cell === 'lstm' ? 'LSTM' : 'RNN'} "${p}"`);
    }
  }

  // The output layer: a [V, H] weight with its [V] bias.
  const linears = names.filter((n) => !used.has(n) && n.endsWith('weight') && tensors[n].shape.length === 2
    && tensors[n].shape[1] === H && sameShape(get(`${n.slice(0, -'weight'.length)}bias`)?.shape ?? [], [tensors[n].shape[0]]));
  if (linears.length !== 1) {
    throw new ModelFileError(linears.length === 0
      ? `no output layer: expected an nn.Linear(${H}, V), "<name>.weight" [V, ${H}] with "<name>.bias" [V]`
      : `cannot tell the output layer: ${linears.map((n) => `"${n}"`).join(' and ')} both fit nn.Linear(${H}, V)`);
  }
  const outName = linears[0];
  const outWeight = take(outName);
  const outBias = take(`${outName.slice(0, -'weight'.length)}bias`);
  const V = outWeight.shape[0];

  // The embedding: [V, input of layer 0], or none when layer 0 reads one-hot characters.
  const input0 = layers[0].weightIh.shape[1];
  const embeddings = names.filter((n) => !used.has(n) && sameShape(tensors[n].shape, [V, input0]));
  if (embeddings.length > 1) throw new ModelFileError(`cannot tell the embedding: ${embeddings.map((n) => `"${n}"`).join(' and ')} both fit [${V}, ${input0}]`);
  const embedding = embeddings.length === 1 ? take(embeddings[0]) : null;
  if (!embedding && input0 !== V) {
    throw new ModelFileError(`no embedding: expected an nn.Embedding(${V}, ${input0}) weight [${V}, ${input0}] `
      + `(${V} characters from "${outName}", ${input0} the input size of "${p}")`);
  }
  const extra = names.filter((n) => !used.has(n));
  if (extra.length > 0) {
    throw new ModelFileError(`unsupported tensor "${extra[0]}" ${shapeText(tensors[extra[0]].shape)}: char-lstm imports `
      + 'nn.Embedding → nn.LSTM or nn.RNN → nn.Linear only');
  }
  return { cell, embedding, layers, outWeight, outBias: outBias.data };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function listNames(names: string[]): string {
  const shown = names.slice(0, 4).map((n) => `"${n}"`).join(', ');
  return names.length > 4 ? `${shown} and ${names.length - 4} more` : shown;
}
