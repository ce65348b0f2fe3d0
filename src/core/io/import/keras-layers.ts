import { ModelFileError, type Tensor } from '../safetensors';
import { checkFinite, shapeText, type ForeignModel } from './foreign-model';
import { transposed } from '../pytorch-names';

/**
 * Reads the layers of a Keras / TensorFlow.js Layers model.json into a ForeignModel:
 *   [InputLayer] → Embedding(V, E) or none (one-hot input, as the classic Keras text-generation
 *   example: the first LSTM's input is V wide) → LSTM(H)… or SimpleRNN(H)… (tanh) →
 *   Dense(V, softmax or linear) [→ Activation(softmax)], with Dropout anywhere (a no-op at inference).
 * The topology is `modelTopology` = {class_name: "Sequential", config: {layers: [...]}}, possibly
 * wrapped in `model_config` (Keras' converter), or with `config` the layer list itself (older
 * Keras); a Functional model ("Model"/"Functional") whose layers form one chain is read alike.
 * Weights are found by the layer's config `name` among the name's `/`-separated parts and the
 * suffix: tfjs writes `lstm_LSTM1/kernel`, Keras' converter `lstm/lstm_cell/kernel`. Keras keeps
 * kernel `[in, G]`, recurrent_kernel `[H, G]`, one bias `[G]` with gates i, f, c, o (G = 4H), the
 * PyTorch order; they are transposed to PyTorch's `[G, in]`. Anything else is refused, naming it:
 * GRU, Bidirectional, Conv, hard_sigmoid (tfjs' default recurrentActivation), other activations,
 * go_backwards, mask_zero, a Dense that is not the vocabulary's width or not last...
 */
export interface KerasLayer {
  className: string;
  name: string;
  config: Record<string, unknown>;
}

/** The layers of model.json's topology, in order. */
export function kerasLayerList(modelJson: unknown): KerasLayer[] {
  if (!isObject(modelJson)) throw new ModelFileError('model.json is not a JSON object');
  if (modelJson.format === 'graph-model') {
    throw new ModelFileError('this is a TensorFlow.js graph model; char-lstm imports Layers models '
      + '(tensorflowjs_converter --output_format tfjs_layers_model)');
  }
  const outer = modelJson.modelTopology;
  if (!isObject(outer)) throw new ModelFileError('model.json has no "modelTopology": not a TensorFlow.js Layers model');
  const topology = isObject(outer.model_config) ? outer.model_config : outer;
  const kind = topology.class_name, config = topology.config;
  let layers: unknown;
  if (kind === 'Sequential') layers = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined;
  else if (kind === 'Model' || kind === 'Functional') layers = chain(config);
  else {
    throw new ModelFileError(`the model is a ${JSON.stringify(kind)}; char-lstm imports Sequential models `
      + '(or Functional ones whose layers form one chain)');
  }
  if (!Array.isArray(layers)) throw new ModelFileError('the model\'s config has no "layers" list');
  return layers.map((layer: unknown, i) => {
    if (!isObject(layer) || typeof layer.class_name !== 'string' || !isObject(layer.config)) {
      throw new ModelFileError(`layer ${i} of the model needs a "class_name" and a "config"`);
    }
    const name = typeof layer.config.name === 'string' ? layer.config.name : `#${i}`;
    return { className: layer.class_name, name, config: layer.config };
  });
}

/** A Functional model's layers, if each reads exactly the one before it. */
function chain(config: unknown): unknown[] {
  if (!isObject(config) || !Array.isArray(config.layers)) throw new ModelFileError('the model\'s config has no "layers" list');
  const layers = config.layers as unknown[];
  layers.forEach((layer, i) => {
    const nodes = isObject(layer) ? layer.inbound_nodes : undefined;
    const inputs = inboundNames(nodes);
    const previous = i > 0 && isObject(layers[i - 1]) && isObject((layers[i - 1] as Record<string, unknown>).config)
      ? ((layers[i - 1] as Record<string, Record<string, unknown>>).config.name) : undefined;
    const ok = i === 0 ? inputs.length === 0 : inputs.length === 1 && inputs[0] === previous && (!Array.isArray(nodes) || nodes.length === 1);
    if (!ok) {
      const name = isObject(layer) && isObject(layer.config) ? String(layer.config.name) : `#${i}`;
      throw new ModelFileError(`the Functional model's layers do not form one chain (layer "${name}" reads `
        + `${inputs.length === 0 ? 'nothing' : inputs.map((n) => `"${n}"`).join(', ')}): `
        + 'char-lstm imports one path Embedding → LSTM → Dense');
    }
  });
  return layers;
}

/** The names of the layers a Functional layer reads: Keras 2 `[[["name", 0, 0, {}]]]`, Keras 3 `keras_history`. */
function inboundNames(nodes: unknown): string[] {
  const names: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      if (typeof v[0] === 'string' && typeof v[1] === 'number') names.push(v[0]);
      else v.forEach(walk);
    } else if (isObject(v)) {
      if (Array.isArray(v.keras_history)) names.push(String(v.keras_history[0]));
      else Object.values(v).forEach(walk);
    }
  };
  walk(nodes);
  return names;
}

/** Layers that do nothing at inference. */
const NO_OPS = new Set(['Dropout', 'SpatialDropout1D', 'GaussianDropout', 'GaussianNoise', 'AlphaDropout', 'ActivityRegularization']);

/** The model of `layers` with weights from `weights` (names as in weightsManifest). */
export function readKerasLayers(layers: KerasLayer[], weights: Map<string, Tensor>): ForeignModel {
  let embedding: Tensor | null = null;
  let cell: 'lstm' | 'rnn' | null = null;
  const recurrent: ForeignModel['layers'] = [];
  let dense: { name: string; kernel: Tensor; bias: Float32Array; softmax: boolean } | null = null;
  const weight = (layer: KerasLayer, suffix: string, owners = [layer.name]) => findWeight(weights, layer, suffix, owners);

  for (const layer of layers) {
    const { className, name, config: c } = layer;
    const what = `${className} "${name}"`;
    if (className === 'InputLayer' || NO_OPS.has(className)) continue;
    if (dense && className !== 'Activation') throw new ModelFileError(`${what} comes after the Dense output layer "${dense.name}"`);
    if (className === 'Embedding') {
      if (embedding || recurrent.length > 0) throw new ModelFileError(`${what} is not the first layer`);
      if (c.mask_zero === true) {
        throw new ModelFileError(`${what} has mask_zero: true (id 0 skips time steps), which char-lstm cannot run`);
      }
      embedding = weight(layer, 'embeddings');
      if (embedding.shape.length !== 2) throw new ModelFileError(`${what}'s embeddings have shape ${shapeText(embedding.shape)}, not [V, E]`);
    } else if (className === 'LSTM' || className === 'SimpleRNN') {
      const kind = className === 'LSTM' ? 'lstm' : 'rnn';
      if (cell && cell !== kind) throw new ModelFileError(`${what} follows a ${cell === 'lstm' ? 'LSTM' : 'SimpleRNN'}: char-lstm runs one kind of layer`);
      cell = kind;
      checkRecurrentConfig(layer);
      recurrent.push(recurrentWeights(layer, kind, weight,
        recurrent.length > 0 ? recurrent[recurrent.length - 1].weightHh.shape[1] : embedding?.shape[1]));
    } else if (className === 'Dense' || (className === 'TimeDistributed' && isObject(c.layer) && c.layer.class_name === 'Dense')) {
      const inner = className === 'Dense' ? layer : innerLayer(layer);
      if (recurrent.length === 0) throw new ModelFileError(`${what} comes before any LSTM or SimpleRNN: char-lstm's only Dense is the output layer`);
      const softmax = outputActivation(what, inner.config.activation);
      const owners = className === 'Dense' ? [name] : [name, inner.name];
      const kernel = weight(layer, 'kernel', owners);
      const H = recurrent[recurrent.length - 1].weightHh.shape[1];
      if (kernel.shape.length !== 2 || kernel.shape[0] !== H) {
        throw new ModelFileError(`${what}'s kernel has shape ${shapeText(kernel.shape)} but follows ${H} units`);
      }
      const V = kernel.shape[1];
      const bias = inner.config.use_bias === false ? new Float32Array(V) : weight(layer, 'bias', owners).data;
      if (bias.length !== V) throw new ModelFileError(`${what}'s bias has ${bias.length} values, not ${V}`);
      dense = { name, kernel, bias, softmax };
    } else if (className === 'Activation') {
      if (!dense) throw new ModelFileError(`${what} before the Dense output layer: char-lstm cannot run it`);
      if (outputActivation(what, c.activation)) {
        if (dense.softmax) throw new ModelFileError(`${what} applies softmax a second time, which char-lstm cannot reproduce`);
        dense.softmax = true;
      }
    } else {
      throw new ModelFileError(unsupportedLayer(layer));
    }
  }
  if (recurrent.length === 0) throw new ModelFileError('the model has no LSTM or SimpleRNN layer');
  if (!dense) throw new ModelFileError('the model has no Dense output layer after its last recurrent layer');
  const V = dense.kernel.shape[1];
  const reads = embedding ? embedding.shape[0] : recurrent[0].weightIh.shape[1];
  if (V !== reads) {
    throw new ModelFileError(`Dense "${dense.name}" has ${V} units but the model reads ${reads} characters `
      + `(${embedding ? 'the Embedding\'s input_dim' : 'one-hot, the first layer\'s input'}): char-lstm needs a Dense of the vocabulary's width`);
  }
  return { cell: cell as 'lstm' | 'rnn', embedding, layers: recurrent, outWeight: transposed(dense.kernel), outBias: dense.bias };
}

/** The settings of an LSTM or SimpleRNN that change what it computes, checked against char-lstm's cells. */
function checkRecurrentConfig({ className, name, config: c }: KerasLayer): void {
  const what = `${className} "${name}"`;
  const activation = activationName(c.activation) ?? 'tanh';
  if (activation !== 'tanh') throw new ModelFileError(`${what} uses activation "${activation}"; char-lstm's ${className === 'LSTM' ? 'LSTM' : 'RNN'} uses tanh`);
  if (className === 'LSTM') {
    const gate = activationName(c.recurrent_activation);
    if (gate === undefined) {
      throw new ModelFileError(`${what} does not say its recurrent_activation (Keras before 2.3 defaulted to hard_sigmoid); char-lstm's LSTM uses sigmoid`);
    }
    if (gate !== 'sigmoid') {
      throw new ModelFileError(`${what} uses recurrent_activation "${gate}"${gate === 'hard_sigmoid' ? ' (tfjs\' default)' : ''}; `
        + 'char-lstm\'s LSTM uses sigmoid (train with recurrentActivation: \'sigmoid\')');
    }
  }
  if (c.go_backwards === true) throw new ModelFileError(`${what} has go_backwards: true (it reads the text backwards), which char-lstm cannot run`);
}

function recurrentWeights(layer: KerasLayer, kind: 'lstm' | 'rnn', weight: (l: KerasLayer, s: string) => Tensor,
  input: number | undefined): ForeignModel['layers'][number] {
  const what = `${layer.className} "${layer.name}"`;
  const kernel = weight(layer, 'kernel'), rec = weight(layer, 'recurrent_kernel');
  const H = rec.shape.length === 2 ? rec.shape[0] : 0;
  const G = kind === 'lstm' ? 4 * H : H;
  if (rec.shape.length !== 2 || H < 1 || rec.shape[1] !== G) {
    throw new ModelFileError(`${what}'s recurrent_kernel has shape ${shapeText(rec.shape)}, not [units, ${kind === 'lstm' ? '4 × units' : 'units'}]`);
  }
  if (typeof layer.config.units === 'number' && layer.config.units !== H) {
    throw new ModelFileError(`${what} has ${String(layer.config.units)} units but its weights ${H}`);
  }
  if (kernel.shape.length !== 2 || kernel.shape[1] !== G || (input !== undefined && kernel.shape[0] !== input)) {
    throw new ModelFileError(`${what}'s kernel has shape ${shapeText(kernel.shape)}, not [${input ?? 'input'}, ${G}]`);
  }
  const bias = layer.config.use_bias === false ? new Float32Array(G) : weight(layer, 'bias').data;
  if (bias.length !== G) throw new ModelFileError(`${what}'s bias has ${bias.length} values, not ${G}`);
  return { weightIh: transposed(kernel), weightHh: transposed(rec), bias };
}

/**
 * The weight `<suffix>` of `layer`: the one whose name ends in `/<suffix>` and has one of `owners`
 * among its other parts (`lstm_LSTM1/kernel`, `lstm/lstm_cell/kernel`, `sequential/dense/bias`).
 */
function findWeight(weights: Map<string, Tensor>, layer: KerasLayer, suffix: string, owners: string[]): Tensor {
  for (const owner of owners) {
    const exact = `${owner}/${suffix}`;
    const hits = weights.has(exact) ? [exact] : [...weights.keys()].filter((w) => {
      const parts = w.split('/');
      return parts.length > 1 && parts[parts.length - 1] === suffix && parts.slice(0, -1).includes(owner);
    });
    if (hits.length > 1) throw new ModelFileError(`${layer.className} "${layer.name}" has several "${suffix}" weights: ${hits.join(', ')}`);
    if (hits.length === 1) {
      const t = weights.get(hits[0]) as Tensor;
      checkFinite(hits[0], t.data);
      return t;
    }
  }
  throw new ModelFileError(`weightsManifest has no "${owners[0]}/…/${suffix}" for ${layer.className} "${layer.name}"`);
}

/** True for softmax, false for linear (logits); anything else is refused. */
function outputActivation(what: string, value: unknown): boolean {
  const name = activationName(value) ?? 'linear';
  if (name === 'softmax') return true;
  if (name === 'linear') return false;
  throw new ModelFileError(`${what} uses activation "${name}"; char-lstm reads the output layer as logits (softmax or linear)`);
}

/** An activation's name in snake case ("hardSigmoid" → "hard_sigmoid"), from a string or a serialized object. */
function activationName(value: unknown): string | undefined {
  if (typeof value === 'string') return value.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  if (isObject(value)) return activationName(typeof value.config === 'string' ? value.config : value.class_name);
  return undefined;
}

function innerLayer(layer: KerasLayer): KerasLayer {
  const inner = layer.config.layer as Record<string, unknown>;
  const config = isObject(inner.config) ? inner.config : {};
  return { className: String(inner.class_name), name: typeof config.name === 'string' ? config.name : layer.name, config };
}

function unsupportedLayer({ className, name, config }: KerasLayer): string {
  const what = `${className} "${name}"`;
  if (/GRU/.test(className)) return `${what} is a GRU, which char-lstm cannot run: it runs LSTM and SimpleRNN (tanh) layers`;
  if (className === 'Bidirectional') return `${what} is bidirectional (it also reads the text backwards), which char-lstm cannot run`;
  if (className === 'TimeDistributed') {
    const inner = isObject(config.layer) ? String(config.layer.class_name) : '?';
    return `${what} wraps a ${inner}; char-lstm runs a TimeDistributed Dense only`;
  }
  return `${what} is a layer char-lstm cannot run: it imports Embedding → LSTM or SimpleRNN layers → Dense`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
