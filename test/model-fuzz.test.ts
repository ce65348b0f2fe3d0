// Fuzzing the model loader (`decodeModel`: safetensors, metadata, config, vocabulary, shapes):
// valid model files, float32 and float16, mutated many thousands of times by truncation, bit
// flips (anywhere, and in the weights alone), random bytes, a rewritten header length and edits of the header's JSON (shapes,
// offsets, dtypes, config fields, the vocabulary, the format version). Every case must load or
// throw the loader's own ModelFileError, never anything else; none may take long; and a load
// must never allocate more model memory than a valid file of its size does. The counts go to
// the test output. FUZZ_CASES sets the number of cases (default 12,000).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CharModel } from '../src/core/model/char-model';
import { decodeModel, encodeModel } from '../src/core/io/model-file';
import { decodeSafetensors, ModelFileError } from '../src/core/io/safetensors';
import { Vocab } from '../src/core/data/vocab';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { seededRandom } from '../src/core/math/random';

const CASES = Number(process.env.FUZZ_CASES ?? 12_000);
/** Far above any one decode of these small files (about a millisecond): only a hang would reach it. */
const SLOW_MS = 2_000;

const vocab = Vocab.fromText('To be, or not to be: that is the question.\nROMEO:\n');

function modelFile(cell: 'lstm' | 'rnn', dtype: 'F32' | 'F16'): Uint8Array {
  const config = { cell, vocabSize: vocab.size, embedding: 6, hidden: 10, layers: 2, dropout: 0 } as const;
  const model = new CharModel(new ReferenceKernels('f32'), config, seededRandom(1));
  return new Uint8Array(encodeModel(model, vocab, { validLoss: 2.5 }, { dtype }));
}

/** Bytes of model memory a decode allocated: the reference kernels' heap grows to fit exactly. */
function heapBytesAfter(bytes: Uint8Array): { ok: boolean; heapBytes: number; error?: unknown } {
  const kernels = new ReferenceKernels('f32', 4);
  try {
    decodeModel(bytes, kernels);
    return { ok: true, heapBytes: kernels.heap.byteLength };
  } catch (error) {
    return { ok: false, heapBytes: kernels.heap.byteLength, error };
  }
}

type Random = { next(): number };
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random.next() * items.length)];

/** Header edits: one field of the JSON header (or of its metadata) set to something wrong. */
const BAD_NUMBERS = [0, -1, 1, 3, 2 ** 31, 2 ** 53, 1e300, 0.5, NaN];
function editHeader(bytes: Uint8Array, random: Random): { bytes: Uint8Array; what: string } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, any>;
  const data = bytes.subarray(8 + n);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  const name = pick(random, names);
  const meta = header.__metadata__ as Record<string, string>;
  const config = JSON.parse(meta.config) as Record<string, unknown>;
  const bad = pick(random, BAD_NUMBERS);
  let what: string;
  switch (Math.floor(random.next() * 8)) {
    case 0: header[name].shape[Math.floor(random.next() * header[name].shape.length)] = bad; what = `shape of ${name}`; break;
    case 1: header[name].data_offsets[Math.floor(random.next() * 2)] = bad; what = `offsets of ${name}`; break;
    case 2: header[name].dtype = pick(random, ['F64', 'I8', 'U8', 'BOOL', 'F8_E4M3', 'f32', '']); what = `dtype of ${name}`; break;
    case 3: {
      const key = pick(random, ['vocabSize', 'embedding', 'hidden', 'layers', 'dropout', 'cell']);
      config[key] = key === 'cell' ? pick(random, ['gru', '', 'LSTM']) : bad;
      meta.config = JSON.stringify(config);
      what = `config.${key}`;
      break;
    }
    case 4: meta.vocab = JSON.stringify(pick(random, [[], ['a'], vocab.chars.slice(1), [...vocab.chars, 'ab'], [1, 2], 'abc', null])); what = 'vocab'; break;
    case 5: meta.format_version = pick(random, ['2', '0', '', 'x', '1.5', '99999999999999999999']); what = 'format_version'; break;
    case 6: delete header[name]; what = `no ${name}`; break;
    default: header[`${name}.extra`] = { ...header[name] }; what = `a second ${name}`; break;
  }
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const encoded = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + encoded.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(encoded.length), true);
  out.set(encoded, 8);
  out.set(data, 8 + encoded.length);
  return { bytes: out, what };
}

const KINDS = ['truncate', 'flip bits', 'flip weight bits', 'random bytes', 'header length', 'header byte', 'header edit'] as const;
type Kind = typeof KINDS[number];

function mutate(original: Uint8Array, kind: Kind, random: Random): Uint8Array {
  const bytes = new Uint8Array(original); // a copy: Buffer's slice would share the bytes
  const at = Math.floor(random.next() * bytes.length);
  const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  switch (kind) {
    case 'truncate': return bytes.subarray(0, at);
    case 'flip bits':
      for (let k = 1 + Math.floor(random.next() * 3); k > 0; k--) bytes[Math.floor(random.next() * bytes.length)] ^= 1 << Math.floor(random.next() * 8);
      return bytes;
    case 'flip weight bits': // in the data section only: what the checksum is for
      bytes[8 + headerLength + Math.floor(random.next() * (bytes.length - 8 - headerLength))] ^= 1 << Math.floor(random.next() * 8);
      return bytes;
    case 'random bytes':
      for (let k = 0; k < 8; k++) bytes[Math.floor(random.next() * bytes.length)] = Math.floor(random.next() * 256);
      return bytes;
    case 'header length': {
      const lengths = [0n, 1n, 7n, BigInt(headerLength - 1), BigInt(headerLength + 1), BigInt(bytes.length), 1n << 40n, (1n << 64n) - 1n];
      new DataView(bytes.buffer).setBigUint64(0, pick(random, lengths), true);
      return bytes;
    }
    case 'header byte': bytes[8 + Math.floor(random.next() * headerLength)] = Math.floor(random.next() * 128); return bytes;
    case 'header edit': return editHeader(bytes, random).bytes;
  }
}

test(`fuzz: ${CASES} mutated model files each load or give a ModelFileError, quickly, within the memory a valid file of their size needs`, (t) => {
  const random = seededRandom(20261123);
  const originals = [modelFile('lstm', 'F32'), modelFile('lstm', 'F16'), modelFile('rnn', 'F32'), modelFile('rnn', 'F16')];
  // Model memory per file byte of the valid files: what a file of a given size justifies.
  const perByte = Math.max(...originals.map((o) => {
    const r = heapBytesAfter(o);
    assert.ok(r.ok, 'the valid file loads');
    return r.heapBytes / o.length;
  }));
  const counts = new Map<Kind, { loaded: number; refused: number }>(KINDS.map((k) => [k, { loaded: 0, refused: 0 }]));
  const messages = new Set<string>();
  let slowest = 0;
  for (let round = 0; round < CASES; round++) {
    const kind = KINDS[round % KINDS.length];
    const bytes = mutate(originals[Math.floor(round / KINDS.length) % originals.length], kind, random);
    const started = performance.now();
    const result = heapBytesAfter(bytes);
    const ms = performance.now() - started;
    slowest = Math.max(slowest, ms);
    const what = `round ${round} (${kind}, ${bytes.length} bytes)`;
    assert.ok(ms < SLOW_MS, `${what} took ${ms.toFixed(0)} ms`);
    if (result.ok) {
      counts.get(kind)!.loaded++;
    } else {
      if (!(result.error instanceof ModelFileError)) assert.fail(`${what} threw ${String(result.error)}`);
      assert.ok(result.error.message.length > 0 && !result.error.message.includes('\n'), `${what}: a one-line message`);
      messages.add(result.error.message.replace(/\d+/g, 'N'));
      counts.get(kind)!.refused++;
    }
    // A file's claims are checked against its bytes before anything is allocated: no more model
    // memory than the largest valid file's per byte, for the bytes this file actually has.
    assert.ok(result.heapBytes <= perByte * Math.max(bytes.length, 1) + 64 * 1024,
      `${what} allocated ${result.heapBytes} bytes of model memory`);
  }
  const total = [...counts.values()].reduce((s, c) => s + c.loaded + c.refused, 0);
  assert.equal(total, CASES);
  t.diagnostic(`${CASES} mutated files: ${[...counts].map(([k, c]) => `${k} ${c.loaded} loaded / ${c.refused} refused`).join('; ')}; `
    + `${messages.size} distinct messages; slowest ${slowest.toFixed(1)} ms`);
  // A wrong header length or a damaged weight never loads (the checksum catches every flipped bit
  // of the data); what does load was changed where nothing is claimed (a digit of the training
  // notes, say).
  for (const kind of ['header length', 'flip weight bits', 'truncate'] as const) assert.equal(counts.get(kind)!.loaded, 0, `${kind}: none loads`);
});

test('fuzz: the header edits name what is wrong', () => {
  const random = seededRandom(7);
  const original = modelFile('lstm', 'F32');
  decodeSafetensors(original); // the original is valid
  for (let round = 0; round < 300; round++) {
    const { bytes, what } = editHeader(new Uint8Array(original), random);
    const r = heapBytesAfter(bytes);
    if (r.ok) continue; // e.g. dropout set to 0.5 or 1: still a valid config
    assert.ok(r.error instanceof ModelFileError, `${what}: ${String(r.error)}`);
  }
});
