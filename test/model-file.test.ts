// Saving and loading a model: identical logits after the round trip, PyTorch's names and shapes
// in the file, and a clear ModelFileError for every kind of bad file.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CharModel } from '../src/core/model/char-model';
import { loadModel, saveModel } from '../src/core/io/model-file';
import { decodeSafetensors, encodeSafetensors, ModelFileError } from '../src/core/io/safetensors';
import { Vocab } from '../src/core/data/vocab';
import { Stepper } from '../src/core/sampling/stepper';
import { seededRandom } from '../src/core/math/random';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'char-lstm-model-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const vocab = Vocab.fromText('hello, world! ROMEO: JULIET:\n');
const kernels = () => new ReferenceKernels('f32');

function makeModel(cell: 'lstm' | 'rnn' = 'lstm') {
  return new CharModel(kernels(), { cell, vocabSize: vocab.size, embedding: 5, hidden: 12, layers: 2, dropout: 0.1 }, seededRandom(3));
}

function logitsAfter(model: CharModel, text: string): Float32Array {
  return new Stepper(model).feed(vocab.encode(text)) as Float32Array;
}

for (const cell of ['lstm', 'rnn'] as const) {
  test(`save then load gives identical logits (${cell})`, async () => {
    const model = makeModel(cell);
    const file = path.join(dir, `${cell}.safetensors`);
    await saveModel(file, model, vocab, { validLoss: 1.5, corpus: 'test' });
    const loaded = await loadModel(file, kernels());
    assert.deepEqual(loaded.model.config, model.config);
    assert.deepEqual(loaded.vocab.chars, vocab.chars);
    assert.equal(loaded.info.validLoss, 1.5);
    assert.deepEqual(logitsAfter(loaded.model, 'ROMEO: hello'), logitsAfter(model, 'ROMEO: hello'));
  });
}

test('the file holds PyTorch names and shapes (nn.Embedding, nn.LSTM, nn.Linear)', async () => {
  const file = path.join(dir, 'names.safetensors');
  await saveModel(file, makeModel(), vocab);
  const { tensors, metadata } = decodeSafetensors(fs.readFileSync(file));
  const shapes = Object.fromEntries(Object.entries(tensors).map(([n, t]) => [n, t.shape]));
  const V = vocab.size;
  assert.deepEqual(shapes, {
    'embedding.weight': [V, 5],
    'lstm.weight_ih_l0': [48, 5], 'lstm.weight_hh_l0': [48, 12], 'lstm.bias_ih_l0': [48], 'lstm.bias_hh_l0': [48],
    'lstm.weight_ih_l1': [48, 12], 'lstm.weight_hh_l1': [48, 12], 'lstm.bias_ih_l1': [48], 'lstm.bias_hh_l1': [48],
    'fc.weight': [V, 12], 'fc.bias': [V],
  });
  assert.equal(metadata.format, 'char-lstm');
  assert.deepEqual(JSON.parse(metadata.vocab), vocab.chars);
});

test('half precision files load with logits within float16 rounding', async () => {
  const model = makeModel();
  const file = path.join(dir, 'half.safetensors');
  await saveModel(file, model, vocab, {}, { dtype: 'F16' });
  const loaded = await loadModel(file, kernels());
  const a = logitsAfter(model, 'hello'), b = logitsAfter(loaded.model, 'hello');
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 2e-2, `logit ${i}: ${v} vs ${b[i]}`));
});

async function expectModelFileError(bytes: Uint8Array | null, pattern: RegExp, name = 'bad.safetensors') {
  const file = path.join(dir, name);
  if (bytes) fs.writeFileSync(file, bytes);
  await assert.rejects(loadModel(file, kernels()), (e: unknown) => {
    assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    assert.ok(!(e as Error).message.includes('\n'), 'one line');
    return true;
  });
}

test('bad files give one clear ModelFileError each', async () => {
  const file = path.join(dir, 'good.safetensors');
  await saveModel(file, makeModel(), vocab);
  const good = fs.readFileSync(file);
  // Edited files are re-encoded without the checksum, as files from elsewhere come.
  const { tensors, metadata: { data_sha256: checksum, ...metadata } } = decodeSafetensors(good);
  assert.match(checksum, /^[0-9a-f]{64}$/);
  const flipped = Buffer.from(good);
  flipped[flipped.length - 3] ^= 0x10;
  await expectModelFileError(flipped, /checksum.*damaged/);
  const nan = { ...tensors, 'fc.bias': { shape: tensors['fc.bias'].shape, data: tensors['fc.bias'].data.map((v, i) => (i === 2 ? NaN : v)) } };
  await expectModelFileError(encodeSafetensors(nan, metadata), /fc\.bias holds NaN or infinite values/);
  fs.writeFileSync(path.join(dir, 'plain.safetensors'), encodeSafetensors(tensors, metadata));
  const withoutChecksum = await loadModel(path.join(dir, 'plain.safetensors'), kernels());
  assert.equal(withoutChecksum.model.config.hidden, 12, 'a file without a checksum (from elsewhere) loads');
  await expectModelFileError(good.subarray(0, good.length - 7), /truncat|length|bytes/i);
  await expectModelFileError(new Uint8Array(0), /.+/);
  const huge = Buffer.from(good);
  huge.writeBigUInt64LE(1n << 40n, 0);
  await expectModelFileError(huge, /header|claims|bytes/i);
  await expectModelFileError(encodeSafetensors(tensors, { ...metadata, format_version: '9' }), /newer/);
  await expectModelFileError(encodeSafetensors(tensors, { ...metadata, format: 'other' }), /not a char-lstm model/);
  await expectModelFileError(encodeSafetensors(tensors, { ...metadata, vocab: JSON.stringify(vocab.chars.slice(1)) }), /vocabulary has/);
  await expectModelFileError(encodeSafetensors(tensors, { ...metadata, config: '{"cell":"lstm"' }), /config.*JSON/);
  const bigConfig = { ...JSON.parse(metadata.config), hidden: 4096 };
  await expectModelFileError(encodeSafetensors(tensors, { ...metadata, config: JSON.stringify(bigConfig) }), /shape/);
  const { 'fc.bias': _dropped, ...missing } = tensors;
  await expectModelFileError(encodeSafetensors(missing, metadata), /fc\.bias.*missing/);
  await expectModelFileError(null, /is a folder/i, '');
  await expectModelFileError(null, /no such|not found|does not exist/i, 'absent.safetensors');
});

test('saving over an existing model is atomic: a failed save leaves the old file', async () => {
  const file = path.join(dir, 'keep.safetensors');
  await saveModel(file, makeModel(), vocab);
  const before = fs.readFileSync(file);
  const other = new CharModel(kernels(), { ...makeModel().config, vocabSize: vocab.size + 1 }, seededRandom(1));
  await assert.rejects(saveModel(file, other, vocab));
  assert.deepEqual(fs.readFileSync(file), before);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});
