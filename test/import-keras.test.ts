// Models from elsewhere, Keras / TensorFlow.js: real tfjs-layers models (Embedding → LSTM → LSTM
// → Dense(softmax); the classic Keras example's one-hot LSTM; SimpleRNN; a Functional chain),
// saved as model.json + weight shards in tensorflowjs_converter's layout, load through loadModel
// with the next-character distribution `model.predict` gives. So does a hand-written
// Keras-converter-style model.json (model_config wrapper, `lstm/lstm_cell/kernel` names) of the
// same weights, and float16 / uint8-quantized weights. Every layer or setting char-lstm cannot run
// is a one-line ModelFileError naming it.
import { test, after, before } from 'node:test';
import { UNKNOWN_MARGIN } from '../src/core/io/import/foreign-model';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, type LoadedModel } from '../src/core/io/model-file';
import { ModelFileError } from '../src/core/io/safetensors';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { Stepper } from '../src/core/sampling/stepper';
import { softmax } from '../src/core/math/softmax';
import { seededRandom } from '../src/core/math/random';
import { CompletionEngine } from '../src/completion';
import { backends, INFERENCE_TOLERANCE } from './backends';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'char-lstm-import-keras-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
before(async () => { await tf.setBackend('cpu'); });
let folders = 0;
function folder(): string {
  const at = path.join(dir, `m${folders++}`);
  fs.mkdirSync(at);
  return at;
}

/** Characters by Keras id: not in code point order. */
const CHARS = [...'the quick brown fox, JUMPS over; lazy dog!\n\té\u{1F600}'].filter((c, i, a) => a.indexOf(c) === i).reverse();
const V = CHARS.length;
const PREFIX = 'the quick brown \u{1F600} fox, JUMPS';
const IDS = [...PREFIX].map((c) => CHARS.indexOf(c));
const kernels = () => new ReferenceKernels('f32');

/**
 * Seeded uniform ±1 weights instead of tfjs' unseeded initialisers, the output Dense's (the last
 * two) ±4: a peaked next-character distribution.
 */
function randomize(model: tf.LayersModel, seed: number): void {
  const rng = seededRandom(seed);
  const weights = model.getWeights();
  model.setWeights(weights.map((w, i) => {
    const scale = i >= weights.length - 2 ? 4 : 1;
    return tf.tensor(Float32Array.from({ length: w.size }, () => (rng.next() * 2 - 1) * scale), w.shape);
  }));
}

interface Artifacts { modelTopology: any; weightSpecs: tf.io.WeightsManifestEntry[]; weightData: Uint8Array; userDefinedMetadata?: object }

async function artifactsOf(model: tf.LayersModel): Promise<Artifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const a = saved as tf.io.ModelArtifacts;
  const parts = (Array.isArray(a.weightData) ? a.weightData : [a.weightData]) as ArrayBuffer[];
  const weightData = new Uint8Array(Buffer.concat(parts.map((p) => Buffer.from(p))));
  return { modelTopology: a.modelTopology, weightSpecs: a.weightSpecs as tf.io.WeightsManifestEntry[], weightData,
    userDefinedMetadata: a.userDefinedMetadata };
}

/**
 * model.json and its shards as tensorflowjs_converter writes them (`weightsManifest: [{paths,
 * weights}]`), the weights cut into `shards` files; `vocab` as vocab.json unless null.
 */
function writeTfjs(art: Artifacts, options: { shards?: number; vocab?: unknown; at?: string; edit?: (json: any) => void } = {}): string {
  const at = options.at ?? folder();
  const n = options.shards ?? 1;
  const size = Math.ceil(art.weightData.length / n);
  const paths = Array.from({ length: n }, (_, i) => `group1-shard${i + 1}of${n}.bin`);
  paths.forEach((p, i) => fs.writeFileSync(path.join(at, p), art.weightData.subarray(i * size, (i + 1) * size)));
  const json: any = {
    format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null,
    modelTopology: structuredClone(art.modelTopology), weightsManifest: [{ paths, weights: structuredClone(art.weightSpecs) }],
    ...(art.userDefinedMetadata ? { userDefinedMetadata: art.userDefinedMetadata } : {}),
  };
  options.edit?.(json);
  fs.writeFileSync(path.join(at, 'model.json'), JSON.stringify(json));
  if (options.vocab !== null) fs.writeFileSync(path.join(at, 'vocab.json'), JSON.stringify(options.vocab ?? CHARS));
  return path.join(at, 'model.json');
}

/** tfjs' probabilities for the character after `ids` (its last time step). */
function predictAfter(model: tf.LayersModel, ids: number[], oneHot = false): Float32Array {
  const input = oneHot ? tf.oneHot(tf.tensor2d([ids], [1, ids.length], 'int32'), V).toFloat() : tf.tensor2d([ids], [1, ids.length]);
  const out = model.predict(input) as tf.Tensor;
  const data = out.dataSync() as Float32Array;
  return data.slice(data.length - V);
}

function ourProbs(loaded: LoadedModel, ids: number[]): Float64Array {
  const p = softmax(new Stepper(loaded.model).feed(loaded.vocab.encode(ids.map((i) => CHARS[i]).join(''))) as Float32Array);
  assert.ok(p[loaded.vocab.unknownId] < Math.exp(-UNKNOWN_MARGIN), `the unknown slot is never predicted (p ${p[loaded.vocab.unknownId]})`);
  return Float64Array.from(CHARS, (c) => p[loaded.vocab.id(c)]);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

function embeddingLstm(recurrentActivation: 'sigmoid' | 'hardSigmoid' = 'sigmoid'): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.embedding({ inputDim: V, outputDim: 8 }));
  m.add(tf.layers.lstm({ units: 16, returnSequences: true, recurrentActivation }));
  m.add(tf.layers.dropout({ rate: 0.3 }));
  m.add(tf.layers.lstm({ units: 16, returnSequences: true, recurrentActivation }));
  m.add(tf.layers.dense({ units: V, activation: 'softmax' }));
  randomize(m, 1);
  return m;
}

/** The shared tfjs model of most tests, and its artifacts. */
const shared = (async () => {
  await tf.setBackend('cpu');
  const model = embeddingLstm();
  return { model, art: await artifactsOf(model) };
})();

// ---- loading and predicting ----

for (const [backend, makeKernels] of backends()) {
  test(`${backend}: tfjs Embedding → LSTM → Dropout → LSTM → Dense(softmax) in two shards predicts what model.predict does`, async (t) => {
    const { model, art } = await shared;
    const loaded = await loadModel(writeTfjs(art, { shards: 2 }), makeKernels());
    assert.deepEqual(loaded.model.config, { cell: 'lstm', vocabSize: V + 1, embedding: 8, hidden: 16, layers: 2, dropout: 0 });
    assert.equal(loaded.info.importedFrom, 'keras');
    let worst = 0, peak = 0;
    for (const n of [1, 7, IDS.length]) {
      const want = predictAfter(model, IDS.slice(0, n));
      worst = Math.max(worst, maxDiff(ourProbs(loaded, IDS.slice(0, n)), want));
      peak = Math.max(peak, ...want);
    }
    t.diagnostic(`largest probability difference from tfjs ${worst.toExponential(2)} (largest probability ${peak.toFixed(3)})`);
    assert.ok(peak > 0.2, 'a peaked distribution, so the comparison means something');
    assert.ok(worst < INFERENCE_TOLERANCE, `probabilities differ from tfjs' by ${worst}`);
  });
}

test('the classic Keras text-generation model: one-hot input, LSTM → Dense(softmax), {char: id} in char2idx.json', async (t) => {
  const m = tf.sequential();
  m.add(tf.layers.lstm({ units: 20, inputShape: [IDS.length, V], recurrentActivation: 'sigmoid' }));
  m.add(tf.layers.dense({ units: V, activation: 'softmax' }));
  randomize(m, 2);
  const at = folder();
  const file = writeTfjs(await artifactsOf(m), { at, vocab: null });
  fs.writeFileSync(path.join(at, 'char2idx.json'), JSON.stringify(Object.fromEntries(CHARS.map((c, i) => [c, i]))));
  const loaded = await loadModel(file, kernels());
  assert.equal(loaded.model.config.embedding, V, 'an identity embedding stands for the one-hot input');
  assert.equal(loaded.info.importedVocab, 'char2idx.json');
  const want = predictAfter(m, IDS, true);
  const diff = maxDiff(ourProbs(loaded, IDS), want);
  t.diagnostic(`largest probability difference from tfjs ${diff.toExponential(2)} (largest probability ${Math.max(...want).toFixed(3)})`);
  assert.ok(diff < INFERENCE_TOLERANCE, `probabilities differ from tfjs' by ${diff}`);
});

test('SimpleRNN layers, a linear Dense and an Activation(softmax) layer', async (t) => {
  const m = tf.sequential();
  m.add(tf.layers.embedding({ inputDim: V, outputDim: 6 }));
  m.add(tf.layers.simpleRNN({ units: 14, returnSequences: true }));
  m.add(tf.layers.simpleRNN({ units: 14, returnSequences: true }));
  m.add(tf.layers.dense({ units: V }));
  m.add(tf.layers.activation({ activation: 'softmax' }));
  randomize(m, 3);
  const loaded = await loadModel(writeTfjs(await artifactsOf(m)), kernels());
  assert.equal(loaded.model.config.cell, 'rnn');
  const want = predictAfter(m, IDS);
  const diff = maxDiff(ourProbs(loaded, IDS), want);
  t.diagnostic(`largest probability difference from tfjs ${diff.toExponential(2)}`);
  assert.ok(diff < INFERENCE_TOLERANCE, `probabilities differ from tfjs' by ${diff}`);
});

test('an LSTM with useBias: false and a TimeDistributed(Dense)', async (t) => {
  const m = tf.sequential();
  m.add(tf.layers.embedding({ inputDim: V, outputDim: 6 }));
  m.add(tf.layers.lstm({ units: 10, returnSequences: true, recurrentActivation: 'sigmoid', useBias: false }));
  m.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: V, activation: 'softmax' }) }));
  randomize(m, 5);
  const art = await artifactsOf(m);
  const loaded = await loadModel(writeTfjs(art), kernels());
  const diff = maxDiff(ourProbs(loaded, IDS), predictAfter(m, IDS));
  t.diagnostic(`largest probability difference from tfjs ${diff.toExponential(2)} (weights ${art.weightSpecs.map((w) => w.name).join(', ')})`);
  assert.ok(diff < INFERENCE_TOLERANCE, `probabilities differ from tfjs' by ${diff}`);
});

test('a Functional model whose layers form a chain, with its vocabulary in userDefinedMetadata', async (t) => {
  const input = tf.input({ shape: [null] });
  const embedded = tf.layers.embedding({ inputDim: V, outputDim: 8 }).apply(input) as tf.SymbolicTensor;
  const h = tf.layers.lstm({ units: 10, returnSequences: true, recurrentActivation: 'sigmoid' }).apply(embedded) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: V, activation: 'softmax' }).apply(h) as tf.SymbolicTensor;
  const m = tf.model({ inputs: input, outputs: out });
  randomize(m, 4);
  m.setUserDefinedMetadata({ char2idx: Object.fromEntries(CHARS.map((c, i) => [c, i])) });
  const art = await artifactsOf(m);
  assert.match(art.modelTopology.class_name, /^(Model|Functional)$/);
  const loaded = await loadModel(writeTfjs(art, { vocab: null }), kernels());
  assert.equal(loaded.info.importedVocab, 'model.json userDefinedMetadata');
  const diff = maxDiff(ourProbs(loaded, IDS), predictAfter(m, IDS));
  t.diagnostic(`largest probability difference from tfjs ${diff.toExponential(2)}`);
  assert.ok(diff < INFERENCE_TOLERANCE, `probabilities differ from tfjs' by ${diff}`);
});

/** The shared model's weights as Keras' Python converter names them, in its model_config wrapper. */
function kerasPythonStyle(art: Artifacts): { json: any; names: string[] } {
  const names = ['embedding/embeddings',
    'lstm/lstm_cell/kernel', 'lstm/lstm_cell/recurrent_kernel', 'lstm/lstm_cell/bias',
    'lstm_1/lstm_cell_1/kernel', 'lstm_1/lstm_cell_1/recurrent_kernel', 'lstm_1/lstm_cell_1/bias',
    'dense/kernel', 'dense/bias'];
  const lstm = (name: string, units: number) => ({ class_name: 'LSTM', config: { name, trainable: true, dtype: 'float32',
    return_sequences: true, return_state: false, go_backwards: false, stateful: false, unroll: false, time_major: false,
    units, activation: 'tanh', recurrent_activation: 'sigmoid', use_bias: true, unit_forget_bias: true,
    dropout: 0.0, recurrent_dropout: 0.0, implementation: 2 } });
  const json = {
    format: 'layers-model', generatedBy: 'keras v2.12.0', convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: { keras_version: '2.12.0', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: {
      name: 'sequential', layers: [
        { class_name: 'InputLayer', config: { batch_input_shape: [null, null], dtype: 'float32', sparse: false, ragged: false, name: 'embedding_input' } },
        { class_name: 'Embedding', config: { name: 'embedding', trainable: true, batch_input_shape: [null, null], dtype: 'float32',
          input_dim: V, output_dim: 8, mask_zero: false, input_length: null } },
        lstm('lstm', 16),
        { class_name: 'Dropout', config: { name: 'dropout', trainable: true, dtype: 'float32', rate: 0.3, noise_shape: null, seed: null } },
        lstm('lstm_1', 16),
        { class_name: 'Dense', config: { name: 'dense', trainable: true, dtype: 'float32', units: V, activation: 'softmax', use_bias: true } },
      ] } }, training_config: { loss: 'sparse_categorical_crossentropy' } },
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: art.weightSpecs.map((w, i) => ({ ...w, name: names[i] })) }],
  };
  return { json, names };
}

test('a Keras-converter-style model.json (model_config, lstm/lstm_cell/kernel) of the same weights predicts the same', async (t) => {
  const { model, art } = await shared;
  const at = folder();
  const { json } = kerasPythonStyle(art);
  fs.writeFileSync(path.join(at, 'model.json'), JSON.stringify(json));
  fs.writeFileSync(path.join(at, 'group1-shard1of1.bin'), art.weightData);
  fs.writeFileSync(path.join(at, 'model.vocab.json'), JSON.stringify({ char2idx: Object.fromEntries(CHARS.map((c, i) => [c, i])) }));
  const loaded = await loadModel(path.join(at, 'model.json'), kernels());
  assert.equal(loaded.info.importedVocab, 'model.vocab.json');
  const diff = maxDiff(ourProbs(loaded, IDS), predictAfter(model, IDS));
  t.diagnostic(`largest probability difference from tfjs ${diff.toExponential(2)}`);
  assert.ok(diff < INFERENCE_TOLERANCE, `probabilities differ from tfjs' by ${diff}`);
  // Older Keras: the Sequential's config is the layer list itself.
  json.modelTopology.model_config.config = json.modelTopology.model_config.config.layers;
  fs.writeFileSync(path.join(at, 'model.json'), JSON.stringify(json));
  assert.equal(maxDiff(ourProbs(await loadModel(path.join(at, 'model.json'), kernels()), IDS), ourProbs(loaded, IDS)), 0);
});

test('float16 and uint8-quantized weights load as their dequantized values', async () => {
  const { art } = await shared;
  const floats = new Float32Array(art.weightData.buffer.slice(art.weightData.byteOffset, art.weightData.byteOffset + art.weightData.byteLength));
  const sizes = art.weightSpecs.map((w) => w.shape.reduce((a, b) => a * b, 1));
  // uint8: per weight, q = round((v - min) / scale); float32 reference: q · scale + min.
  const q8: number[] = [], deq: number[] = [], f16: number[] = [];
  const specs8 = [], specs16 = [];
  let at = 0;
  for (const [i, w] of art.weightSpecs.entries()) {
    const v = floats.subarray(at, at + sizes[i]);
    at += sizes[i];
    const min = Math.min(...v), scale = (Math.max(...v) - min) / 255;
    for (const x of v) {
      const q = Math.round((x - min) / scale);
      q8.push(q);
      deq.push(q * scale + min);
    }
    specs8.push({ ...w, quantization: { dtype: 'uint8', scale, min } });
    specs16.push({ ...w, quantization: { dtype: 'float16' } });
    for (const x of v) f16.push(x);
  }
  const dequantized = await loadModel(writeTfjs({ ...art, weightData: new Uint8Array(Float32Array.from(deq).buffer) }), kernels());
  const quantized = await loadModel(writeTfjs({ ...art, weightSpecs: specs8 as never, weightData: Uint8Array.from(q8) }), kernels());
  assert.deepEqual(ourProbs(quantized, IDS), ourProbs(dequantized, IDS));
  // float16: the halves of the weights, against the same float32 values rounded through float16 by the safetensors reader.
  const { float32ToFloat16Bits, float16BitsToFloat32 } = await import('../src/core/io/float16');
  const halves = Uint16Array.from(f16, float32ToFloat16Bits);
  const half = await loadModel(writeTfjs({ ...art, weightSpecs: specs16 as never, weightData: new Uint8Array(halves.buffer) }), kernels());
  const rounded = await loadModel(writeTfjs({ ...art, weightData: new Uint8Array(Float32Array.from(halves, float16BitsToFloat32).buffer) }), kernels());
  assert.deepEqual(ourProbs(half, IDS), ourProbs(rounded, IDS));
});

test('a Keras import completes through CompletionEngine as tfjs\' greedy argmax would', async () => {
  const { model, art } = await shared;
  const loaded = await loadModel(writeTfjs(art), kernels());
  const text = 'over the lazy dog! the quick ';
  const ids = [...text].map((c) => CHARS.indexOf(c));
  let expected = '';
  for (let n = 0; n < 10; n++) {
    const p = predictAfter(model, ids);
    const best = p.indexOf(Math.max(...p));
    if (CHARS[best] === '\n') break;
    expected += CHARS[best];
    ids.push(best);
  }
  expected = expected.replace(/\s+$/, '');
  assert.ok(expected.length > 0);
  const result = new CompletionEngine(loaded.model, loaded.vocab).complete({
    docKey: 'doc', text, offset: text.length, strategy: { kind: 'greedy' }, maxChars: 10, stopAtEndOfLine: true,
  });
  assert.equal(result?.insertText, expected);
});

// ---- what char-lstm cannot run ----

async function expectError(file: string, pattern: RegExp): Promise<void> {
  await assert.rejects(loadModel(file, kernels()), (e: unknown) => {
    assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
    const message = (e as Error).message;
    assert.match(message, pattern);
    assert.ok(!message.includes('\n'), 'one line');
    assert.ok(message.startsWith(`${file}: `), `names the file: ${message}`);
    return true;
  });
}

/** The shared model's model.json with `edit` applied to its layer `index`'s config. */
async function edited(index: number, edit: (config: any) => void): Promise<string> {
  const { art } = await shared;
  return writeTfjs(art, { edit: (json) => edit(json.modelTopology.config.layers[index].config) });
}

test('tfjs\' default LSTM (recurrentActivation hardSigmoid) is refused, naming it', async () => {
  const m = embeddingLstm('hardSigmoid');
  await expectError(writeTfjs(await artifactsOf(m)), /LSTM "lstm_LSTM\d+" uses recurrent_activation "hard_sigmoid" \(tfjs' default\); char-lstm's LSTM uses sigmoid/);
});

test('real GRU, Bidirectional, Conv1D models, a wrong-width Dense, layers of two sizes are refused, naming them', async () => {
  const build = (layers: tf.layers.Layer[]) => {
    const m = tf.sequential();
    m.add(tf.layers.embedding({ inputDim: V, outputDim: 8, inputLength: 12 }));
    for (const l of layers) m.add(l);
    return m;
  };
  const cases: [tf.Sequential, RegExp][] = [
    [build([tf.layers.gru({ units: 8, returnSequences: true }), tf.layers.dense({ units: V })]), /GRU "gru_GRU\d+" is a GRU/],
    [build([tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 8, returnSequences: true }) as tf.RNN }), tf.layers.dense({ units: V })]),
      /Bidirectional "bidirectional_Bidirectional\d+" is bidirectional/],
    [build([tf.layers.conv1d({ filters: 8, kernelSize: 3 }), tf.layers.lstm({ units: 8, recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: V })]),
      /Conv1D "conv1d_Conv1D\d+" is a layer char-lstm cannot run/],
    [build([tf.layers.lstm({ units: 8, returnSequences: true, recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: V + 1 })]),
      /Dense "dense_Dense\d+" has \d+ units but the model reads \d+ characters/],
    [build([tf.layers.dense({ units: 8 }), tf.layers.lstm({ units: 8, recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: V })]),
      /Dense "dense_Dense\d+" comes before any LSTM/],
    [build([tf.layers.lstm({ units: 8, returnSequences: true, recurrentActivation: 'sigmoid' }),
      tf.layers.lstm({ units: 12, returnSequences: true, recurrentActivation: 'sigmoid' }), tf.layers.dense({ units: V })]),
      /recurrent layers of different sizes \(8, 12 units\)/],
  ];
  for (const [m, pattern] of cases) await expectError(writeTfjs(await artifactsOf(m)), pattern);
});

test('settings char-lstm cannot run are refused, naming them', async () => {
  await expectError(await edited(1, (c) => { c.go_backwards = true; }), /LSTM "lstm_LSTM\d+" has go_backwards: true/);
  await expectError(await edited(1, (c) => { c.activation = 'relu'; }), /LSTM "lstm_LSTM\d+" uses activation "relu"; char-lstm's LSTM uses tanh/);
  await expectError(await edited(1, (c) => { delete c.recurrent_activation; }), /does not say its recurrent_activation/);
  await expectError(await edited(0, (c) => { c.mask_zero = true; }), /Embedding "embedding_Embedding\d+" has mask_zero: true/);
  await expectError(await edited(4, (c) => { c.activation = 'relu'; }), /Dense "dense_Dense\d+" uses activation "relu"; char-lstm reads the output layer as logits/);
});

test('a Functional model that is not a chain is refused', async () => {
  const input = tf.input({ shape: [null] });
  const e = tf.layers.embedding({ inputDim: V, outputDim: 8 }).apply(input) as tf.SymbolicTensor;
  const a = tf.layers.lstm({ units: 8, returnSequences: true, recurrentActivation: 'sigmoid' }).apply(e) as tf.SymbolicTensor;
  const b = tf.layers.lstm({ units: 8, returnSequences: true, recurrentActivation: 'sigmoid' }).apply(a) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: V, activation: 'softmax' }).apply(joined) as tf.SymbolicTensor;
  await expectError(writeTfjs(await artifactsOf(tf.model({ inputs: input, outputs: out }))), /do not form one chain \(layer "concatenate_Concatenate\d+" reads "lstm_LSTM\d+", "lstm_LSTM\d+"\)/);
});

test('broken files: missing or short shards, unknown quantization, a graph model, not JSON, no vocabulary', async () => {
  const { art } = await shared;
  const twoShards = writeTfjs(art, { shards: 2 });
  fs.rmSync(path.join(path.dirname(twoShards), 'group1-shard2of2.bin'));
  await expectError(twoShards, /weight file group1-shard2of2\.bin \(listed in weightsManifest\) not found/);
  await expectError(writeTfjs({ ...art, weightData: art.weightData.subarray(0, art.weightData.length - 8) }), /end before weight "dense_Dense\d+\/bias"/);
  await expectError(writeTfjs({ ...art, weightData: Buffer.concat([art.weightData, Buffer.alloc(4)]) }), /hold 4 bytes more than weightsManifest lists/);
  await expectError(writeTfjs(art, { edit: (json) => { json.weightsManifest[0].weights[0].quantization = { dtype: 'int8', scale: 1, min: 0 }; } }),
    /weight "embedding_Embedding\d+\/embeddings" is stored as int8, which char-lstm cannot read/);
  await expectError(writeTfjs(art, { edit: (json) => { json.weightsManifest[0].paths = ['../secret.bin']; } }), /bad shard path/);
  await expectError(writeTfjs(art, { edit: (json) => { json.weightsManifest[0].weights[2].name = 'other/thing'; } }),
    /weightsManifest has no "lstm_LSTM\d+\/…\/recurrent_kernel" for LSTM "lstm_LSTM\d+"/);
  const graph = path.join(folder(), 'model.json');
  fs.writeFileSync(graph, JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }));
  await expectError(graph, /a TensorFlow\.js graph model; char-lstm imports Layers models/);
  const notJson = path.join(folder(), 'model.json');
  fs.writeFileSync(notJson, '{"modelTopology": ');
  await expectError(notJson, /not valid JSON/);
  await expectError(writeTfjs(art, { vocab: null }),
    /no vocabulary: model\.json's "userDefinedMetadata" holds none, and none of model\.json\.vocab\.json, model\.vocab\.json, vocab\.json or char2idx\.json is in /);
  await expectError(writeTfjs(art, { vocab: CHARS.slice(1) }), /the vocabulary \(vocab\.json\) has \d+ characters but the model predicts \d+/);
});
