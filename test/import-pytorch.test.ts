// Models from elsewhere, PyTorch: a char-RNN's state_dict saved as safetensors (module names as a
// notebook chose them, the vocabulary in a shuffled id order, in a sidecar JSON file or the
// file's metadata) loads through loadModel and gives the next-character distribution that
// PyTorch's LSTM / RNN math gives: against a plain-JS float64 implementation of that math here,
// and against PyTorch itself (bench/pytorch/foreign_char_rnn.py) where /usr/bin/python3 has torch.
// The files are written by this test's own safetensors writer, following the format's spec, not
// by src/core/io/safetensors.ts. Everything char-lstm cannot run is a one-line ModelFileError
// naming it.
import { test, after } from 'node:test';
import { UNKNOWN_MARGIN } from '../src/core/io/import/foreign-model';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeModel, loadModel, saveModel, type LoadedModel } from '../src/core/io/model-file';
import { ModelFileError } from '../src/core/io/safetensors';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { Stepper } from '../src/core/sampling/stepper';
import { softmax } from '../src/core/math/softmax';
import { seededRandom } from '../src/core/math/random';
import { CompletionEngine } from '../src/completion';
import { backends, INFERENCE_TOLERANCE } from './backends';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'char-lstm-import-pytorch-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
/** A fresh folder per model, so sidecar files never meet another test's. */
function folder(): string {
  const at = path.join(dir, `m${fileCount++}`);
  fs.mkdirSync(at);
  return at;
}

// ---- a safetensors writer following the spec (https://huggingface.co/docs/safetensors) ----

type Entry = { shape: number[]; data: Float32Array };

/**
 * 8 bytes little-endian u64 header length N; N bytes of JSON {name: {dtype, shape, data_offsets},
 * "__metadata__": {string: string}}, padded with spaces so the data starts 8-aligned (as the
 * reference writer pads); then the tensors' little-endian bytes, contiguous, in header order.
 */
function safetensorsBytes(tensors: Record<string, Entry>, metadata?: Record<string, string>): Buffer {
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * t.data.length] };
    offset += 4 * t.data.length;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  json = Buffer.concat([json, Buffer.alloc((8 - (json.length % 8)) % 8, 0x20)]);
  const out = Buffer.alloc(8 + json.length + offset);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  let at = 8 + json.length;
  for (const t of Object.values(tensors)) {
    for (const v of t.data) { out.writeFloatLE(v, at); at += 4; }
  }
  return out;
}

// ---- a PyTorch char-RNN's state_dict, and PyTorch's math over it in float64 ----

interface Spec {
  cell: 'lstm' | 'rnn';
  /** Characters by foreign id. */
  chars: string[];
  /** null: layer 0 reads one-hot characters (no nn.Embedding). */
  embedding: number | null;
  hidden: number;
  layers: number;
  bias?: boolean;
  names?: { embed: string; rnn: string; out: string };
  seed?: number;
}

const NAMES = { embed: 'embed', rnn: 'rnn', out: 'decoder' };
// An emoji (one code point, two UTF-16 units) and accented letters: code point order is not UTF-16 order here.
const CHARS = [...'the quick brown fox, JUMPS over; lazy dog!\n\té\u{1F600}ß'].filter((c, i, a) => a.indexOf(c) === i);

function shuffled<T>(items: T[], seed: number): T[] {
  const rng = seededRandom(seed), out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Uniform in ±scale: large enough that the next-character distribution is far from flat. */
function stateDict(spec: Spec): Record<string, Entry> {
  const rng = seededRandom(spec.seed ?? 1);
  const { embed, rnn, out } = spec.names ?? NAMES;
  const V = spec.chars.length, H = spec.hidden, G = spec.cell === 'lstm' ? 4 * H : H;
  const rand = (shape: number[], scale: number): Entry => ({
    shape, data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rng.next() * 2 - 1) * scale),
  });
  const sd: Record<string, Entry> = {};
  if (spec.embedding !== null) sd[`${embed}.weight`] = rand([V, spec.embedding], 1);
  for (let l = 0; l < spec.layers; l++) {
    sd[`${rnn}.weight_ih_l${l}`] = rand([G, l === 0 ? (spec.embedding ?? V) : H], 0.8);
    sd[`${rnn}.weight_hh_l${l}`] = rand([G, H], 0.8);
    if (spec.bias !== false) {
      sd[`${rnn}.bias_ih_l${l}`] = rand([G], 0.5);
      sd[`${rnn}.bias_hh_l${l}`] = rand([G], 0.5);
    }
  }
  sd[`${out}.weight`] = rand([V, H], 2);
  sd[`${out}.bias`] = rand([V], 0.5);
  return sd;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** nn.Embedding → nn.LSTM / nn.RNN (tanh) → nn.Linear → softmax, float64: probabilities by foreign id after `ids`. */
function torchProbs(spec: Spec, sd: Record<string, Entry>, ids: number[]): Float64Array {
  const { embed, rnn, out } = spec.names ?? NAMES;
  const V = spec.chars.length, H = spec.hidden, G = spec.cell === 'lstm' ? 4 * H : H;
  const h = Array.from({ length: spec.layers }, () => new Float64Array(H));
  const c = Array.from({ length: spec.layers }, () => new Float64Array(H));
  const matvec = (w: Entry, x: ArrayLike<number>, y: Float64Array) => {
    const cols = w.shape[1];
    for (let r = 0; r < w.shape[0]; r++) {
      let s = 0;
      for (let k = 0; k < cols; k++) s += w.data[r * cols + k] * x[k];
      y[r] += s;
    }
  };
  for (const id of ids) {
    let x: ArrayLike<number> = spec.embedding === null
      ? Float64Array.from({ length: V }, (_, k) => (k === id ? 1 : 0))
      : sd[`${embed}.weight`].data.subarray(id * spec.embedding, (id + 1) * spec.embedding);
    for (let l = 0; l < spec.layers; l++) {
      const g = new Float64Array(G);
      matvec(sd[`${rnn}.weight_ih_l${l}`], x, g);
      matvec(sd[`${rnn}.weight_hh_l${l}`], h[l], g);
      if (spec.bias !== false) for (let j = 0; j < G; j++) g[j] += sd[`${rnn}.bias_ih_l${l}`].data[j] + sd[`${rnn}.bias_hh_l${l}`].data[j];
      for (let j = 0; j < H; j++) {
        if (spec.cell === 'rnn') {
          h[l][j] = Math.tanh(g[j]);
        } else {
          c[l][j] = sigmoid(g[H + j]) * c[l][j] + sigmoid(g[j]) * Math.tanh(g[2 * H + j]);
          h[l][j] = sigmoid(g[3 * H + j]) * Math.tanh(c[l][j]);
        }
      }
      x = h[l];
    }
  }
  const logits = Float64Array.from(sd[`${out}.bias`].data);
  matvec(sd[`${out}.weight`], h[spec.layers - 1], logits);
  const max = Math.max(...logits);
  const e = logits.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** char-lstm's probabilities after `prefix`, by foreign id (as `chars` lists them). */
function ourProbs(loaded: LoadedModel, chars: string[], prefix: string): { byForeign: Float64Array; unknown: number } {
  const p = softmax(new Stepper(loaded.model).feed(loaded.vocab.encode(prefix)) as Float32Array);
  return { byForeign: Float64Array.from(chars, (ch) => p[loaded.vocab.id(ch)]), unknown: p[loaded.vocab.unknownId] };
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Writes the model (and its vocabulary file, if any) into a fresh folder; returns the model's path. */
function writeModel(sd: Record<string, Entry>, options: { metadata?: Record<string, string>; sidecar?: [string, unknown]; name?: string } = {}): string {
  const at = folder();
  const file = path.join(at, options.name ?? 'char_rnn.safetensors');
  fs.writeFileSync(file, safetensorsBytes(sd, options.metadata));
  if (options.sidecar) fs.writeFileSync(path.join(at, options.sidecar[0]), JSON.stringify(options.sidecar[1]));
  return file;
}

const PREFIX = 'the quick brown \u{1F600} fox, JUMPS';
const kernels = () => new ReferenceKernels('f32');
const char2idx = (chars: string[]) => Object.fromEntries(chars.map((c, i) => [c, i]));

// ---- loading and predicting ----

const VOCAB_FORMS: [string, (chars: string[]) => { sidecar?: [string, unknown]; metadata?: Record<string, string> }][] = [
  ['a list in vocab.json', (chars) => ({ sidecar: ['vocab.json', chars] })],
  ['a {char: id} map in <stem>.vocab.json', (chars) => ({ sidecar: ['char_rnn.vocab.json', char2idx(chars)] })],
  ['{"stoi": map, "itos": list} in <file>.vocab.json', (chars) => ({ sidecar: ['char_rnn.safetensors.vocab.json', { stoi: char2idx(chars), itos: chars }] })],
  ['an {id: char} map in char2idx.json', (chars) => ({ sidecar: ['char2idx.json', Object.fromEntries(chars.map((c, i) => [String(i), c]))] })],
  ['a {char: id} map in the "vocab" metadata', (chars) => ({ metadata: { vocab: JSON.stringify(char2idx(chars)) } })],
  ['a list in the "vocab" metadata with "format": "pt"', (chars) => ({ metadata: { format: 'pt', vocab: JSON.stringify(chars) } })],
];

for (const [form, place] of VOCAB_FORMS) {
  test(`a 2-layer nn.LSTM state_dict with its vocabulary as ${form} predicts what PyTorch's math does`, async (t) => {
    const spec: Spec = { cell: 'lstm', chars: shuffled(CHARS, 2), embedding: 6, hidden: 10, layers: 2, seed: 3 };
    const sd = stateDict(spec);
    const loaded = await loadModel(writeModel(sd, place(spec.chars)), kernels());
    assert.deepEqual(loaded.model.config, { cell: 'lstm', vocabSize: CHARS.length + 1, embedding: 6, hidden: 10, layers: 2, dropout: 0 });
    assert.equal(loaded.info.importedFrom, 'pytorch');
    assert.deepEqual([...loaded.vocab.chars], [...CHARS].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!), 'code point order');
    const want = torchProbs(spec, sd, [...PREFIX].map((ch) => spec.chars.indexOf(ch)));
    const got = ourProbs(loaded, spec.chars, PREFIX);
    const diff = maxDiff(got.byForeign, want);
    t.diagnostic(`largest probability difference ${diff.toExponential(2)} (largest probability ${Math.max(...want).toFixed(3)})`);
    assert.ok(Math.max(...want) > 0.2, 'a peaked distribution, so the comparison means something');
    assert.ok(diff < INFERENCE_TOLERANCE, `probabilities differ by ${diff}`);
    assert.ok(got.unknown < Math.exp(-UNKNOWN_MARGIN), `the unknown slot is never predicted (p ${got.unknown})`);
  });
}

const CELLS: [string, Omit<Spec, 'chars'>][] = [
  ['2-layer LSTM', { cell: 'lstm', embedding: 6, hidden: 10, layers: 2 }],
  ['3-layer tanh RNN', { cell: 'rnn', embedding: 5, hidden: 12, layers: 3 }],
  ['one-hot LSTM (no nn.Embedding)', { cell: 'lstm', embedding: null, hidden: 9, layers: 1 }],
  ['LSTM with bias=False', { cell: 'lstm', embedding: 4, hidden: 8, layers: 2, bias: false }],
  ['LSTM named like char-lstm (embedding, lstm, fc)', { cell: 'lstm', embedding: 4, hidden: 8, layers: 1,
    names: { embed: 'embedding', rnn: 'lstm', out: 'fc' } }],
];

for (const [backend, makeKernels] of backends()) {
  for (const [name, shape] of CELLS) {
    test(`${backend}, ${name}: the imported model predicts what PyTorch's math does, at every step`, async (t) => {
      const spec: Spec = { ...shape, chars: shuffled(CHARS, 5), seed: 7 };
      const sd = stateDict(spec);
      const loaded = await loadModel(writeModel(sd, { sidecar: ['vocab.json', spec.chars] }), makeKernels());
      assert.equal(loaded.model.config.cell, spec.cell);
      assert.equal(loaded.model.config.embedding, spec.embedding ?? CHARS.length);
      const ids = [...PREFIX].map((ch) => spec.chars.indexOf(ch));
      const stepper = new Stepper(loaded.model);
      let worst = 0;
      ids.forEach((id, i) => {
        const p = softmax(stepper.step(loaded.vocab.id(spec.chars[id])));
        const want = torchProbs(spec, sd, ids.slice(0, i + 1));
        worst = Math.max(worst, maxDiff(Float64Array.from(spec.chars, (ch) => p[loaded.vocab.id(ch)]), want));
      });
      t.diagnostic(`largest probability difference over ${ids.length} steps ${worst.toExponential(2)}`);
      assert.ok(worst < INFERENCE_TOLERANCE, `probabilities differ by ${worst}`);
    });
  }
}

test('the unknown slot: other characters read as a zero embedding, never predicted; a saved copy loads as a native model', async () => {
  const spec: Spec = { cell: 'lstm', chars: shuffled(CHARS, 9), embedding: 6, hidden: 10, layers: 1 };
  const loaded = await loadModel(writeModel(stateDict(spec), { sidecar: ['vocab.json', spec.chars] }), kernels());
  const { vocab } = loaded;
  assert.equal(vocab.size, CHARS.length + 1);
  assert.equal(vocab.id('Z'), vocab.unknownId);
  const heap = loaded.model.k.heap, table = loaded.model.params.get('embedding.table').value;
  assert.deepEqual([...heap.subarray(table + vocab.unknownId * 6, table + vocab.size * 6)], new Array(6).fill(0));
  const logits = new Stepper(loaded.model).feed(vocab.encode('Zebra: the')) as Float32Array;
  assert.ok(logits.every(Number.isFinite));
  const top = logits.reduce((a, b) => Math.max(a, b), -Infinity);
  assert.ok(logits[vocab.unknownId] <= top - UNKNOWN_MARGIN, `unknown logit ${logits[vocab.unknownId]}, top ${top}`);
  const copy = path.join(folder(), 'copy.safetensors');
  await saveModel(copy, loaded.model, vocab, loaded.info);
  const again = await loadModel(copy, kernels());
  assert.deepEqual(again.info.importedFrom, 'pytorch', 'the copy remembers where it came from');
  assert.deepEqual(new Stepper(again.model).feed(vocab.encode('Zebra: the')), logits);
});

test('an imported model completes through CompletionEngine as PyTorch\'s greedy argmax would', async () => {
  const spec: Spec = { cell: 'lstm', chars: shuffled(CHARS, 11), embedding: 6, hidden: 16, layers: 2, seed: 12 };
  const sd = stateDict(spec);
  const file = writeModel(sd, { sidecar: ['vocab.json', spec.chars] });
  const loaded = await loadModel(file, kernels());
  const text = 'over the lazy dog! the quick ';
  const result = new CompletionEngine(loaded.model, loaded.vocab).complete({
    docKey: 'doc', text, offset: text.length, strategy: { kind: 'greedy' }, maxChars: 12, stopAtEndOfLine: true,
  });
  // The same greedy continuation from PyTorch's math: argmax each step, up to a line end.
  const ids = [...text].map((ch) => spec.chars.indexOf(ch));
  let expected = '';
  for (let n = 0; n < 12; n++) {
    const p = torchProbs(spec, sd, ids);
    const best = p.indexOf(Math.max(...p));
    if (spec.chars[best] === '\n') break;
    expected += spec.chars[best];
    ids.push(best);
  }
  expected = expected.replace(/\s+$/, '');
  assert.ok(expected.length > 0, 'the reference continues the line');
  assert.equal(result?.insertText, expected);
  // And the same as the native model saved from it.
  const native = path.join(folder(), 'native.safetensors');
  await saveModel(native, loaded.model, loaded.vocab);
  const reloaded = await loadModel(native, kernels());
  assert.equal(new CompletionEngine(reloaded.model, reloaded.vocab).complete({
    docKey: 'doc', text, offset: text.length, strategy: { kind: 'greedy' }, maxChars: 12, stopAtEndOfLine: true,
  })?.insertText, expected);
});

// ---- where the vocabulary comes from ----

test('the sidecar vocabulary: <file>.vocab.json, then <stem>.vocab.json, vocab.json, char2idx.json; the metadata first of all', async () => {
  const spec: Spec = { cell: 'lstm', chars: shuffled(CHARS, 13), embedding: 4, hidden: 6, layers: 1 };
  const sd = stateDict(spec);
  const reversed = [...spec.chars].reverse();
  const file = writeModel(sd, { sidecar: ['vocab.json', reversed] });
  const at = path.dirname(file);
  const fromVocabJson = await loadModel(file, kernels());
  assert.equal(fromVocabJson.info.importedVocab, 'vocab.json');
  for (const name of ['char2idx.json', 'char_rnn.vocab.json', 'char_rnn.safetensors.vocab.json']) {
    fs.writeFileSync(path.join(at, name), JSON.stringify(spec.chars));
    assert.equal((await loadModel(file, kernels())).info.importedVocab, name === 'char2idx.json' ? 'vocab.json' : name);
  }
  fs.writeFileSync(file, safetensorsBytes(sd, { vocab: JSON.stringify(spec.chars) }));
  assert.equal((await loadModel(file, kernels())).info.importedVocab, '"vocab" metadata');
});

async function expectError(file: string, pattern: RegExp): Promise<string> {
  let message = '';
  await assert.rejects(loadModel(file, kernels()), (e: unknown) => {
    assert.ok(e instanceof ModelFileError, `expected ModelFileError, got ${String(e)}`);
    message = (e as Error).message;
    assert.match(message, pattern);
    assert.ok(!message.includes('\n'), 'one line');
    assert.ok(message.startsWith(`${file}: `), `names the file: ${message}`);
    return true;
  });
  return message;
}

test('no vocabulary: the message says where it looked', async () => {
  const file = writeModel(stateDict({ cell: 'lstm', chars: CHARS, embedding: 4, hidden: 6, layers: 1 }), { name: 'shakespeare.safetensors' });
  await expectError(file, /no vocabulary: the file has no "vocab" metadata, and none of shakespeare\.safetensors\.vocab\.json, shakespeare\.vocab\.json, vocab\.json or char2idx\.json is in /);
});

test('bad vocabularies: each a clear ModelFileError', async () => {
  const spec: Spec = { cell: 'lstm', chars: CHARS, embedding: 4, hidden: 6, layers: 1 };
  const sd = stateDict(spec);
  const cases: [unknown, RegExp][] = [
    [CHARS.slice(1), /vocabulary \(vocab\.json\) has \d+ characters but the model predicts \d+/],
    [[...CHARS.slice(1), 'ab'], /entry \d+ \("ab"\) is not exactly one character/],
    [[...CHARS.slice(1), 'h'], /entry \d+ \("h"\) duplicates entry 0/],
    [[...CHARS.slice(1), '\uFFFD'], /U\+FFFD/],
    [Object.fromEntries(CHARS.map((c, i) => [c, i + 1])), /id \d+ .* ids must be 0 … n-1 with no gaps/],
    [{ weights: [1, 2] }, /neither a list of characters/],
    [42, /it is a number, not a list or a map/],
    [[], /it is empty/],
  ];
  for (const [vocab, pattern] of cases) await expectError(writeModel(sd, { sidecar: ['vocab.json', vocab] }), pattern);
  const file = writeModel(sd);
  fs.writeFileSync(path.join(path.dirname(file), 'vocab.json'), '["a", ');
  await expectError(file, /vocabulary \(vocab\.json\) is not valid JSON/);
  await expectError(writeModel(sd, { metadata: { vocab: '{"a": 0' } }), /vocabulary \("vocab" metadata\) is not valid JSON/);
});

// ---- what char-lstm cannot run ----

test('what char-lstm cannot run is refused, naming it', async () => {
  const spec: Spec = { cell: 'lstm', chars: CHARS, embedding: 4, hidden: 6, layers: 2 };
  const V = CHARS.length;
  const base = () => stateDict(spec);
  const rand = (shape: number[]) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.1) });
  const edits: [string, (sd: Record<string, Entry>) => void, RegExp][] = [
    ['GRU', (sd) => {
      for (const k of Object.keys(sd)) if (k.startsWith('rnn.')) delete sd[k];
      Object.assign(sd, { 'gru.weight_ih_l0': rand([18, 4]), 'gru.weight_hh_l0': rand([18, 6]), 'gru.bias_ih_l0': rand([18]), 'gru.bias_hh_l0': rand([18]) });
    }, /"gru" is a GRU/],
    ['bidirectional', (sd) => { sd['rnn.weight_ih_l0_reverse'] = rand([24, 4]); }, /"rnn\.weight_ih_l0_reverse" belongs to a bidirectional RNN/],
    ['proj_size', (sd) => { sd['rnn.weight_hr_l0'] = rand([3, 6]); }, /"rnn\.weight_hr_l0" is an LSTM projection \(proj_size\)/],
    ['LayerNorm', (sd) => { sd['norm.weight'] = rand([6]); sd['norm.bias'] = rand([6]); }, /unsupported tensor "norm\.(weight|bias)" \[6\]/],
    ['a second Linear', (sd) => { sd['head.weight'] = rand([V, 6]); sd['head.bias'] = rand([V]); }, /cannot tell the output layer: "decoder\.weight" and "head\.weight"/],
    ['two LSTM modules', (sd) => { sd['lstm2.weight_ih_l0'] = rand([24, 6]); }, /more than one recurrent module \("rnn", "lstm2"\)/],
    ['a missing layer', (sd) => { delete sd['rnn.weight_hh_l1']; }, /tensor "rnn\.weight_hh_l1" is missing/],
    ['no output layer', (sd) => { delete sd['decoder.bias']; }, /no output layer: expected an nn\.Linear\(6, V\)/],
    ['no embedding', (sd) => { delete sd['embed.weight']; }, /no embedding: expected an nn\.Embedding\(\d+, 4\)/],
    ['no recurrent layer', (sd) => { for (const k of Object.keys(sd)) if (k.startsWith('rnn.')) delete sd[k]; }, /no nn\.LSTM or nn\.RNN in the file/],
    ['NaN', (sd) => { sd['decoder.weight'].data[3] = NaN; }, /decoder\.weight holds NaN or infinite values/],
    ['a layer of the wrong width', (sd) => { sd['rnn.weight_ih_l1'] = rand([24, 5]); }, /"rnn\.weight_ih_l1" has shape \[24, 5\] but layer 1 needs \[24, 6\]/],
  ];
  for (const [what, edit, pattern] of edits) {
    const sd = base();
    edit(sd);
    const message = await expectError(writeModel(sd, { sidecar: ['vocab.json', CHARS] }), pattern);
    assert.ok(message.length < 300, `${what}: a short message (${message})`);
  }
  // A torch.save checkpoint (a zip) or a pickle, instead of safetensors.
  const zip = path.join(folder(), 'model.pt');
  fs.writeFileSync(zip, Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(200)]));
  await expectError(zip, /torch\.save checkpoint .* safetensors\.torch\.save_file/);
  const pickle = path.join(folder(), 'model.pth');
  fs.writeFileSync(pickle, Buffer.concat([Buffer.from([0x80, 0x02, 0x7d, 0x71]), Buffer.alloc(60)]));
  await expectError(pickle, /a Python pickle/);
  // A char-lstm-looking file with a foreign "format" stays refused as before.
  await expectError(writeModel(base(), { metadata: { format: 'tensorflow' } }), /not a char-lstm model/);
});

test('char-lstm info names an import', () => {
  const spec: Spec = { cell: 'lstm', chars: CHARS, embedding: 4, hidden: 6, layers: 2 };
  const file = writeModel(stateDict(spec), { sidecar: ['vocab.json', CHARS] });
  const cli = path.join(__dirname, '..', 'src', 'cli', 'main.ts');
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'info', '--model', file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /model +LSTM, 2 layers × 6 units, embedding 4/);
  assert.match(r.stdout, new RegExp(`vocabulary +${CHARS.length + 1} ids`));
  assert.match(r.stdout, /imported +from a PyTorch state_dict, vocabulary from vocab\.json/);
});

// ---- against PyTorch itself ----

const PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(__dirname, '..', 'bench', 'pytorch', 'foreign_char_rnn.py');
const TEXT = fs.readFileSync(path.join(__dirname, 'fixtures', 'workspace', 'shakespeare.txt'), 'utf8').slice(0, 3000);

function torchMissing(): string | false {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 });
  return probe.status === 0 ? false : `${PYTHON} cannot import torch (scripts/bench-setup.sh installs python3-torch)`;
}
const skip = torchMissing();

const TORCH_RUNS: [string, string[]][] = [
  ['2-layer nn.LSTM, a list in vocab.json', ['--cell', 'lstm', '--layers', '2', '--vocab-form', 'list']],
  ['2-layer nn.LSTM, a {char: id} map in vocab.json', ['--cell', 'lstm', '--layers', '2', '--vocab-form', 'char2idx', '--seed', '2']],
  ['2-layer nn.LSTM, {"char2idx", "idx2char"} in vocab.json', ['--cell', 'lstm', '--layers', '2', '--vocab-form', 'wrapped', '--seed', '3']],
  ['2-layer nn.LSTM, the vocabulary in the "vocab" metadata', ['--cell', 'lstm', '--layers', '2', '--vocab-form', 'metadata', '--seed', '4']],
  ['2-layer nn.RNN (tanh)', ['--cell', 'rnn', '--layers', '2', '--vocab-form', 'list', '--seed', '5']],
];

for (const [name, args] of TORCH_RUNS) {
  test(`PyTorch itself: ${name} saved by a notebook loads with PyTorch's next-character distribution`, { skip }, async (t) => {
    const at = folder();
    const textFile = path.join(at, 'text.txt');
    fs.writeFileSync(textFile, TEXT);
    const prefix = 'First Citizen:\nBefore we proceed';
    const py = spawnSync(PYTHON, [SCRIPT, '--text', textFile, '--out-dir', at, '--prefix', prefix, ...args],
      { encoding: 'utf8', timeout: 300_000 });
    assert.equal(py.status, 0, `foreign_char_rnn.py failed: ${py.stderr}`);
    const want = JSON.parse(py.stdout.trim().split('\n').pop() as string) as { chars: string[]; probs: number[]; writer: string };
    assert.ok(Math.max(...want.probs) > 0.1, 'a peaked distribution, so the comparison means something');
    for (const [backend, makeKernels] of backends()) {
      const loaded = await loadModel(path.join(at, 'model.safetensors'), makeKernels());
      assert.equal(loaded.info.importedFrom, 'pytorch');
      const got = ourProbs(loaded, want.chars, prefix);
      const diff = maxDiff(got.byForeign, want.probs);
      t.diagnostic(`${backend}: largest probability difference from PyTorch ${diff.toExponential(2)} `
        + `(largest probability ${Math.max(...want.probs).toFixed(3)}; file by ${want.writer})`);
      assert.ok(diff < INFERENCE_TOLERANCE, `${backend}: probabilities differ from PyTorch's by ${diff}`);
    }
  });
}

// ---- fuzz: a safetensors file without char-lstm's "format" goes this way, whatever it holds ----

test('fuzz: 3,000 mutated PyTorch files each import or give a ModelFileError, never another error', (t) => {
  const random = seededRandom(20261124);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random.next() * items.length)];
  const specs: Spec[] = [
    { cell: 'lstm', chars: shuffled(CHARS, 1), embedding: 4, hidden: 6, layers: 2 },
    { cell: 'rnn', chars: shuffled(CHARS, 2), embedding: 5, hidden: 4, layers: 1 },
    { cell: 'lstm', chars: shuffled(CHARS, 3), embedding: null, hidden: 5, layers: 1, bias: false },
  ];
  const RENAMES = ['x.weight', 'x.bias', 'rnn.weight_ih_l5', 'rnn.weight_ih_l0_reverse', 'rnn.weight_hr_l0', 'gru.weight_hh_l0',
    '__proto__', 'constructor', 'weight', 'bias', 'decoder.weight', 'embed.weight', 'rnn.bias_hh_l0', '.weight_ih_l0'];
  const VOCABS = [null, '[]', '"abc"', '{"a": 0, "b": 0}', JSON.stringify(CHARS.slice(1)), '{"itos": {"0": "a"}}', '{', '[1, 2]',
    JSON.stringify({ vocab: CHARS }), JSON.stringify([...CHARS, '\uFFFD'])];
  let loaded = 0, refused = 0;
  const messages = new Set<string>();
  for (let round = 0; round < 3000; round++) {
    const spec = specs[round % specs.length];
    const sd = stateDict(spec);
    const metadata: Record<string, string> = { vocab: JSON.stringify(spec.chars) };
    let bytes: Uint8Array;
    const kind = round % 4;
    if (kind === 0) {
      // Rename, reshape (same element count) or delete tensors.
      for (let k = 1 + Math.floor(random.next() * 3); k > 0; k--) {
        const name = pick(Object.keys(sd));
        const t0 = sd[name];
        switch (Math.floor(random.next() * 4)) {
          case 0: delete sd[name]; sd[pick(RENAMES)] = t0; break;
          case 1: sd[name] = { shape: [...t0.shape].reverse(), data: t0.data }; break;
          case 2: sd[name] = { shape: [t0.data.length], data: t0.data }; break;
          default: delete sd[name]; break;
        }
      }
      bytes = safetensorsBytes(sd, metadata);
    } else if (kind === 1) {
      const vocab = pick(VOCABS);
      bytes = safetensorsBytes(sd, vocab === null ? {} : { vocab });
    } else {
      // Bit flips and truncation of the whole file.
      bytes = new Uint8Array(safetensorsBytes(sd, metadata));
      if (kind === 2) for (let k = 0; k < 4; k++) bytes[Math.floor(random.next() * bytes.length)] ^= 1 << Math.floor(random.next() * 8);
      else bytes = bytes.subarray(0, Math.floor(random.next() * bytes.length));
    }
    try {
      decodeModel(bytes, kernels());
      loaded++;
    } catch (e) {
      if (!(e instanceof ModelFileError)) assert.fail(`round ${round} (kind ${kind}) threw ${String((e as Error).stack ?? e)}`);
      assert.ok(e.message.length > 0 && !e.message.includes('\n'), `round ${round}: one line`);
      messages.add(e.message.replace(/\d+/g, 'N'));
      refused++;
    }
  }
  t.diagnostic(`${loaded} imported, ${refused} refused, ${messages.size} distinct messages`);
  if (process.env.SHOW_MESSAGES) for (const m of messages) t.diagnostic(m);
  assert.ok(refused > 1000 && messages.size > 20, 'the mutations reach many checks');
});
