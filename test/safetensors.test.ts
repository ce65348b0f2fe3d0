import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ModelFileError,
  type IntTensor,
  type Tensor,
  decodeSafetensors,
  encodeSafetensors,
} from '../src/core/io/safetensors';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../src/core/io/float16';
import { readModelBytes, writeFileAtomic } from '../src/core/io/file-io';
import { scratchFolders } from './temp-tree';

const tempDir = scratchFolders('char-lstm-st-');

/** Deterministic PRNG (mulberry32) so a failing fuzz case can be replayed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTensor(shape: number[], random: () => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = (random() - 0.5) * 4;
  return { shape, data };
}

function sampleTensors(): Record<string, Tensor> {
  const random = rng(42);
  return {
    'lstm.weight_ih_l0': randomTensor([8, 3], random),
    'embedding.weight': randomTensor([5, 3], random),
    'fc.bias': randomTensor([5], random),
    'empty': randomTensor([0, 4], random),
    'scalar': randomTensor([], random),
  };
}

const META = { format: 'char-lstm', config: '{"hidden":8}', note: 'ünïcødé ✓' };

/** A hand-made file: 8-byte length, the header text as given (unpadded), then `data`. */
function rawFile(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = Buffer.from(header, 'utf8');
  const out = Buffer.alloc(8 + json.length + data.length);
  out.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(out, 8);
  out.set(data, 8 + json.length);
  return out;
}

/** The parsed JSON header of a file, read by the format rules alone. */
function headerOf(bytes: Buffer): Record<string, any> {
  const n = Number(bytes.readBigUInt64LE(0));
  return JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
}

function assertModelFileError(bytes: Uint8Array, pattern: RegExp): void {
  assert.throws(() => decodeSafetensors(bytes), (error: unknown) => {
    assert.ok(error instanceof ModelFileError, `expected ModelFileError, got ${String(error)}`);
    assert.match(error.message, pattern);
    assert.ok(!error.message.includes('\n'), 'one-line message');
    return true;
  });
}

test('F32 round trip is exact, with metadata', () => {
  const tensors = sampleTensors();
  const decoded = decodeSafetensors(encodeSafetensors(tensors, META));
  assert.deepEqual(decoded.metadata, META);
  assert.deepEqual(Object.keys(decoded.tensors).sort(), Object.keys(tensors).sort());
  for (const [name, t] of Object.entries(tensors)) {
    assert.deepEqual(decoded.tensors[name].shape, t.shape, name);
    assert.deepEqual(decoded.tensors[name].data, t.data, name);
  }
});

test('F32 keeps special values bit for bit', () => {
  const data = new Float32Array([0, -0, Infinity, -Infinity, NaN, 1e-45, 3.4028234663852886e38]);
  const out = decodeSafetensors(encodeSafetensors({ x: { shape: [7], data } }, {})).tensors.x.data;
  assert.deepEqual(new Uint32Array(out.buffer), new Uint32Array(data.buffer));
});

test('the bytes follow the format: u64 length, padded JSON header, sorted contiguous tensors', () => {
  const bytes = encodeSafetensors(sampleTensors(), META);
  const n = Number(bytes.readBigUInt64LE(0));
  assert.equal(n % 8, 0);
  assert.match(bytes.subarray(8, 8 + n).toString('utf8'), /^\{.*\} *$/);
  const header = headerOf(bytes);
  assert.deepEqual(header.__metadata__, META);
  const names = Object.keys(header).filter((k) => k !== '__metadata__');
  assert.deepEqual(names, ['embedding.weight', 'empty', 'fc.bias', 'lstm.weight_ih_l0', 'scalar']);
  let cursor = 0;
  for (const name of names) {
    const { dtype, shape, data_offsets: [begin, end] } = header[name];
    assert.equal(dtype, 'F32');
    assert.equal(begin, cursor);
    assert.equal(end - begin, 4 * shape.reduce((a: number, b: number) => a * b, 1));
    cursor = end;
  }
  assert.equal(bytes.length, 8 + n + cursor);
  // The data is plain little-endian float32.
  const { data_offsets: [begin] } = header['fc.bias'];
  assert.equal(bytes.readFloatLE(8 + n + begin), sampleTensors()['fc.bias'].data[0]);
});

test('encoding is deterministic whatever the insertion order', () => {
  const a = sampleTensors();
  const b = Object.fromEntries(Object.entries(a).reverse());
  assert.deepEqual(encodeSafetensors(a, META), encodeSafetensors(b, META));
});

test('empty metadata is omitted; a file with no tensors is valid', () => {
  const bytes = encodeSafetensors({}, {});
  assert.equal(bytes.subarray(8).toString('utf8').trimEnd(), '{}');
  assert.deepEqual(decodeSafetensors(bytes), { tensors: {}, metadata: {} });
});

test('odd names ("__proto__", "0") survive a round trip as own properties', () => {
  const tensors: Record<string, Tensor> = {};
  Object.defineProperty(tensors, '__proto__', { value: { shape: [1], data: new Float32Array([7]) }, enumerable: true });
  tensors['0'] = { shape: [1], data: new Float32Array([8]) };
  const decoded = decodeSafetensors(encodeSafetensors(tensors, { __proto__x: 'y' }));
  assert.deepEqual(Object.keys(decoded.tensors).sort(), ['0', '__proto__']);
  assert.equal(Object.getPrototypeOf(decoded.tensors), Object.prototype);
  assert.equal(decoded.tensors['__proto__'].data[0], 7);
});

test('F16 round trip is within half precision', () => {
  const random = rng(7);
  const t = randomTensor([1000], random);
  const decoded = decodeSafetensors(encodeSafetensors({ t }, {}, 'F16'));
  assert.equal(headerOf(encodeSafetensors({ t }, {}, 'F16')).t.dtype, 'F16');
  const back = decoded.tensors.t.data;
  for (let i = 0; i < t.data.length; i++) {
    // Relative error of round-to-nearest binary16 is at most 2^-11 for normal numbers.
    assert.ok(Math.abs(back[i] - t.data[i]) <= Math.abs(t.data[i]) * 2 ** -11 + 2 ** -25, `${t.data[i]} → ${back[i]}`);
  }
});

test('F16 special values: ±0, subnormals, 65504, overflow, NaN, ties to even', () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff], // largest half
    [65519.99, 0x7bff], // just below the rounding midpoint to 65536
    [65520, 0x7c00], // the midpoint rounds (to even) to Infinity
    [1e6, 0x7c00],
    [-1e6, 0xfc00],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // tie between 0 and 2^-24: even is 0
    [2 ** -25 * 1.0001, 0x0001],
    [3 * 2 ** -25, 0x0002], // tie between 1 and 2 subnormal steps: even is 2
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -14 - 2 ** -25, 0x0400], // subnormal rounding carries into the smallest normal
    [1 + 2 ** -11, 0x3c00], // tie: 1.0 is even
    [1 + 3 * 2 ** -11, 0x3c02], // tie: rounds up to even
    [1e-10, 0x0000],
    [-1e-10, 0x8000],
  ];
  for (const [value, bits] of cases) {
    assert.equal(float32ToFloat16Bits(value), bits, `${value} → 0x${float32ToFloat16Bits(value).toString(16)}`);
  }
  assert.equal(float32ToFloat16Bits(NaN) & 0x7c00, 0x7c00);
  assert.notEqual(float32ToFloat16Bits(NaN) & 0x3ff, 0);
  assert.ok(Number.isNaN(float16BitsToFloat32(0x7e00)));
  assert.equal(float16BitsToFloat32(0x7bff), 65504);
  assert.equal(float16BitsToFloat32(0x0001), 2 ** -24);
  assert.ok(Object.is(float16BitsToFloat32(0x8000), -0));
  // Every finite half converts to float and back to itself.
  for (let h = 0; h < 0x10000; h++) {
    if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) continue; // NaNs
    assert.equal(float32ToFloat16Bits(float16BitsToFloat32(h)), h);
  }

  const data = new Float32Array([0, -0, 2 ** -24, 65504, 1e6, NaN, -Infinity]);
  const back = decodeSafetensors(encodeSafetensors({ x: { shape: [7], data } }, {}, 'F16')).tensors.x.data;
  assert.ok(Object.is(back[0], 0) && Object.is(back[1], -0));
  assert.equal(back[2], 2 ** -24);
  assert.equal(back[3], 65504);
  assert.equal(back[4], Infinity);
  assert.ok(Number.isNaN(back[5]));
  assert.equal(back[6], -Infinity);
});

test('BF16 tensors are read as the top half of a float32', () => {
  const data = Buffer.alloc(4);
  data.writeUInt16LE(0x3f80, 0); // 1.0
  data.writeUInt16LE(0xc040, 2); // -3.0
  const file = rawFile('{"w":{"dtype":"BF16","shape":[2],"data_offsets":[0,4]}}', data);
  assert.deepEqual([...decodeSafetensors(file).tensors.w.data], [1, -3]);
});

const INT_EXTREMES = new Int32Array([0, -1, 1, -(2 ** 31), 2 ** 31 - 1, 123456789, -987654321]);

test('I32 round trip is exact beside float tensors, with the ints in their own record', () => {
  const ints: Record<string, IntTensor> = { 'counts': { shape: [7], data: INT_EXTREMES }, 'ids': { shape: [2, 0], data: new Int32Array(0) } };
  for (const dtype of ['F32', 'F16'] as const) {
    const bytes = encodeSafetensors(sampleTensors(), META, dtype, ints);
    const header = headerOf(bytes);
    assert.equal(header.counts.dtype, 'I32');
    assert.deepEqual(header.counts.shape, [7]);
    assert.equal(header['fc.bias'].dtype, dtype);
    // One name order for both kinds, contiguous.
    assert.deepEqual(Object.keys(header).filter((k) => k !== '__metadata__'),
      ['counts', 'embedding.weight', 'empty', 'fc.bias', 'ids', 'lstm.weight_ih_l0', 'scalar']);
    const decoded = decodeSafetensors(bytes, { ints: true });
    assert.deepEqual(decoded.metadata, META);
    assert.deepEqual(Object.keys(decoded.tensors).sort(), Object.keys(sampleTensors()).sort());
    assert.deepEqual(Object.keys(decoded.ints).sort(), ['counts', 'ids']);
    assert.deepEqual(decoded.ints.counts, { shape: [7], data: INT_EXTREMES });
    assert.deepEqual(decoded.ints.ids, { shape: [2, 0], data: new Int32Array(0) });
    // Little-endian int32 in the data section.
    const n = Number(bytes.readBigUInt64LE(0));
    assert.equal(bytes.readInt32LE(8 + n + header.counts.data_offsets[0] + 12), -(2 ** 31));
  }
});

test('I32 at an odd offset (after an F16 tensor of odd length) and from an unaligned view', () => {
  const bytes = encodeSafetensors({ a: { shape: [3], data: new Float32Array([1, 2, 3]) } }, {}, 'F16', { b: { shape: [7], data: INT_EXTREMES } });
  assert.deepEqual(headerOf(bytes).b.data_offsets, [6, 34]);
  const shifted = new Uint8Array(bytes.length + 1);
  shifted.set(bytes, 1);
  assert.deepEqual(decodeSafetensors(shifted.subarray(1), { ints: true }).ints.b.data, INT_EXTREMES);
});

test('without { ints: true } the result is float-only and an I32 tensor is an unsupported dtype', () => {
  const floatsOnly = encodeSafetensors(sampleTensors(), META);
  assert.deepEqual(encodeSafetensors(sampleTensors(), META, 'F32', {}), floatsOnly);
  assert.deepEqual(Object.keys(decodeSafetensors(floatsOnly)).sort(), ['metadata', 'tensors']);
  assert.deepEqual(decodeSafetensors(floatsOnly, { ints: true }).ints, {});
  const withInts = encodeSafetensors(sampleTensors(), META, 'F32', { n: { shape: [1], data: new Int32Array([5]) } });
  assertModelFileError(withInts, /^unsupported dtype "I32" for tensor "n"$/);
  assert.throws(() => decodeSafetensors(withInts, { ints: false }), /unsupported dtype "I32"/);
});

test('I32 entries get the same strict checks', () => {
  const d8 = new Uint8Array(8);
  const cases: [Uint8Array, RegExp][] = [
    [rawFile('{"x":{"dtype":"I32","shape":[3],"data_offsets":[0,8]}}', d8), /shape \[3\] of I32 does not match its 8 bytes/],
    [rawFile('{"x":{"dtype":"I32","shape":[4],"data_offsets":[0,16]}}', d8), /truncated: tensor "x" ends at byte 16/],
    [rawFile('{"x":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}', d8), /4 bytes after the last tensor/],
    [rawFile('{"x":{"dtype":"I32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', d8), /tensors "x" and "y" overlap/],
    [rawFile('{"x":{"dtype":"i32","shape":[2],"data_offsets":[0,8]}}', d8), /unsupported dtype "i32"/],
  ];
  for (const [bytes, pattern] of cases) {
    assert.throws(() => decodeSafetensors(bytes, { ints: true }), (error: unknown) => {
      assert.ok(error instanceof ModelFileError, `expected ModelFileError, got ${String(error)}`);
      assert.match(error.message, pattern);
      return true;
    });
  }
});

test('encode rejects inconsistent int tensors', () => {
  const one = { shape: [1], data: new Float32Array(1) };
  assert.throws(() => encodeSafetensors({ x: one }, {}, 'F32', { x: { shape: [1], data: new Int32Array(1) } }), /both a float and an int tensor/);
  assert.throws(() => encodeSafetensors({}, {}, 'F32', { x: { shape: [2], data: new Int32Array(1) } }), /needs 2 int32s/);
  assert.throws(() => encodeSafetensors({}, {}, 'F32', { x: one as unknown as IntTensor }), /needs 1 int32s/);
  assert.throws(() => encodeSafetensors({ x: { shape: [1], data: new Int32Array(1) as unknown as Float32Array } }, {}), /needs 1 floats/);
  assert.throws(() => encodeSafetensors({}, {}, 'F32', { __metadata__: { shape: [0], data: new Int32Array(0) } }), /tensor name/);
});

test('encode rejects inconsistent tensors', () => {
  assert.throws(() => encodeSafetensors({ x: { shape: [2, 2], data: new Float32Array(3) } }, {}), /needs 4 floats/);
  assert.throws(() => encodeSafetensors({ x: { shape: [-1], data: new Float32Array(0) } }, {}), /shape/);
  assert.throws(() => encodeSafetensors({ __metadata__: { shape: [0], data: new Float32Array(0) } }, {}), /tensor name/);
  assert.throws(() => encodeSafetensors({}, { a: 1 as unknown as string }), /not a string/);
  assert.throws(() => encodeSafetensors({}, {}, 'F64' as 'F32'), /cannot write dtype F64/);
});

test('every corruption is a one-line ModelFileError saying what is wrong', () => {
  const f4 = new Uint8Array(8);
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array(0), /too short: 0 bytes/],
    [new Uint8Array(7), /too short: 7 bytes/],
    [(() => { const b = Buffer.alloc(1000); b.writeBigUInt64LE(123456n, 0); return b; })(), /truncated: header claims 123456 bytes but the file has 1000/],
    [(() => { const b = Buffer.alloc(16); b.writeBigUInt64LE(5n * 2n ** 30n, 0); return b; })(), /header length 5368709120 bytes exceeds the 100 MiB limit/],
    [(() => { const b = Buffer.alloc(16); b.writeBigUInt64LE(2n ** 64n - 1n, 0); return b; })(), /exceeds the 100 MiB limit/],
    [rawFile(''), /does not start with "\{"/],
    [rawFile('  {}'), /does not start with "\{"/],
    [rawFile('{"a":'), /not valid JSON/],
    [rawFile('{'), /not valid JSON/],
    [rawFile('{"a":1}    x'), /not valid JSON/],
    [Buffer.concat([rawFile('{"a":1}').subarray(0, 8), Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x20, 0x20, 0x20])]), /the header is not valid UTF-8$/],
    [rawFile('{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}', f4), /unsupported dtype "I64" for tensor "x"/],
    [rawFile('{"x":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}', f4), /unsupported dtype "F64" for tensor "x"/],
    [rawFile('{"x":{"shape":[1],"data_offsets":[0,8]}}', f4), /unsupported dtype undefined for tensor "x"/],
    [rawFile('{"x":[1,2]}'), /tensor "x" is not described by an object/],
    [rawFile('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8],"extra":1}}', f4), /unexpected field "extra"/],
    [rawFile('{"x":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', f4), /invalid shape/],
    [rawFile('{"x":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}', f4), /invalid shape/],
    [rawFile('{"x":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}', f4), /invalid shape/],
    [rawFile('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0]}}', f4), /invalid data_offsets/],
    [rawFile('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,"8"]}}', f4), /invalid data_offsets/],
    [rawFile('{"x":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}', f4), /data_offsets \[8, 0\] that end before they begin/],
    [rawFile('{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}', f4), /truncated: tensor "x" ends at byte 16 of a 8-byte data section/],
    [rawFile('{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', f4), /shape \[3\] of F32 does not match its 8 bytes/],
    [rawFile('{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}', f4), /does not match/],
    [rawFile('{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"y":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f4), /tensors "x" and "y" overlap/],
    [rawFile('{"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', f4), /unused bytes 0–4/],
    [rawFile('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', f4), /4 bytes after the last tensor/],
    [rawFile('{"__metadata__":{"a":1}}'), /metadata value for "a" is not a string/],
    [rawFile('{"__metadata__":{"a":null}}'), /metadata value for "a" is not a string/],
    [rawFile('{"__metadata__":["a"]}'), /"__metadata__" is not an object/],
    [rawFile('{"__metadata__":null}'), /"__metadata__" is not an object/],
  ];
  for (const [bytes, pattern] of cases) assertModelFileError(bytes, pattern);
});

test('a valid file truncated at any position is a ModelFileError', () => {
  const bytes = encodeSafetensors(sampleTensors(), META, 'F16');
  for (let cut = 0; cut < bytes.length; cut++) {
    assert.throws(() => decodeSafetensors(bytes.subarray(0, cut)), ModelFileError, `cut at ${cut}`);
  }
  // Extra bytes at the end are corruption too.
  assertModelFileError(Buffer.concat([bytes, Buffer.from([0, 0])]), /2 bytes after the last tensor/);
});

test('decoding works on a Uint8Array view at an odd offset', () => {
  const bytes = encodeSafetensors(sampleTensors(), META);
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  const decoded = decodeSafetensors(shifted.subarray(3));
  assert.deepEqual(decoded.tensors['fc.bias'].data, sampleTensors()['fc.bias'].data);
});

test('fuzz: 2000 random corruptions either decode or throw ModelFileError, never anything else', () => {
  const random = rng(1234);
  const originals = [encodeSafetensors(sampleTensors(), META), encodeSafetensors(sampleTensors(), META, 'F16')];
  let decodedOk = 0;
  for (let round = 0; round < 2000; round++) {
    const bytes = Buffer.from(originals[round % 2]);
    let mutated: Uint8Array = bytes;
    const kind = Math.floor(random() * 5);
    const at = Math.floor(random() * bytes.length);
    if (kind === 0) bytes[at] ^= 1 << Math.floor(random() * 8); // flip one bit
    else if (kind === 1) for (let k = 0; k < 4; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
    else if (kind === 2) mutated = bytes.subarray(0, at); // truncate
    else if (kind === 3) bytes[8 + Math.floor(random() * Number(bytes.readBigUInt64LE(0)))] = Math.floor(random() * 128); // header byte
    else for (let k = 0; k < 8; k++) bytes[k] = Math.floor(random() * 256); // header length
    try {
      decodeSafetensors(mutated);
      decodedOk++;
    } catch (error) {
      if (!(error instanceof ModelFileError)) {
        assert.fail(`round ${round} (kind ${kind}, at ${at}) threw ${String(error)}`);
      }
    }
  }
  assert.ok(decodedOk > 0, 'some data-only flips must still decode');
});

test('writeFileAtomic writes, replaces, and leaves no temp file', async () => {
  const dir = tempDir();
  const target = path.join(dir, 'model.safetensors');
  await writeFileAtomic(target, Buffer.from('first'));
  await writeFileAtomic(target, Buffer.from('second'));
  assert.equal(fs.readFileSync(target, 'utf8'), 'second');
  assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
});

test('writeFileAtomic: a failure at any step keeps the old file and removes the temp file', async (t) => {
  const dir = tempDir();
  const target = path.join(dir, 'model.safetensors');
  fs.writeFileSync(target, 'old');
  for (const step of ['rename', 'open'] as const) {
    const mocked = t.mock.method(fs.promises, step, async () => {
      throw Object.assign(new Error(`${step} failed`), { code: 'EIO' });
    });
    await assert.rejects(writeFileAtomic(target, Buffer.from('new')), new RegExp(`${step} failed`));
    mocked.mock.restore();
    assert.equal(fs.readFileSync(target, 'utf8'), 'old');
    assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
  }
  // The write itself fails half-way: the partial temp file is removed.
  const realOpen = fs.promises.open.bind(fs.promises);
  const mocked = t.mock.method(fs.promises, 'open', async (...args: Parameters<typeof realOpen>) => {
    const handle = await realOpen(...args);
    handle.writeFile = async (data: unknown) => {
      await handle.write(Buffer.from(data as Uint8Array).subarray(0, 2));
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    };
    return handle;
  });
  await assert.rejects(writeFileAtomic(target, Buffer.from('new')), /ENOSPC/);
  mocked.mock.restore();
  assert.equal(fs.readFileSync(target, 'utf8'), 'old');
  assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);

  // The target is a non-empty folder: rename fails, the folder is untouched.
  const folder = path.join(dir, 'taken');
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, 'keep'), 'k');
  await assert.rejects(writeFileAtomic(folder, Buffer.from('new')));
  assert.deepEqual(fs.readdirSync(folder), ['keep']);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.safetensors', 'taken']);
});

test('writeFileAtomic into a read-only folder fails with the old file intact', { skip: process.getuid?.() === 0 && 'root ignores folder permissions' }, async () => {
  const dir = tempDir();
  const target = path.join(dir, 'model.safetensors');
  fs.writeFileSync(target, 'old');
  fs.chmodSync(dir, 0o500);
  try {
    await assert.rejects(writeFileAtomic(target, Buffer.from('new')));
    assert.equal(fs.readFileSync(target, 'utf8'), 'old');
    assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
  } finally {
    fs.chmodSync(dir, 0o700);
  }
});

test('writeFileAtomic: concurrent writers never leave a mixed file', async () => {
  const dir = tempDir();
  const target = path.join(dir, 'model.safetensors');
  const versions = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => Buffer.alloc(256 * 1024, 65 + i));
  await Promise.all(versions.map((v) => writeFileAtomic(target, v)));
  const final = fs.readFileSync(target);
  assert.ok(versions.some((v) => v.equals(final)));
  assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
});

test('readModelBytes reads a file; missing, folder and >2 GiB are ModelFileErrors', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'm.safetensors');
  const bytes = encodeSafetensors(sampleTensors(), META);
  await writeFileAtomic(file, bytes);
  assert.deepEqual(Buffer.from(await readModelBytes(file)), bytes);

  await assert.rejects(readModelBytes(path.join(dir, 'nope.safetensors')), { name: 'ModelFileError', message: /model file not found: .*nope\.safetensors/ });
  await assert.rejects(readModelBytes(path.join(file, 'child')), { name: 'ModelFileError', message: /not found/ });
  await assert.rejects(readModelBytes(dir), { name: 'ModelFileError', message: /is a folder, not a model file/ });
  const huge = path.join(dir, 'huge.safetensors');
  fs.writeFileSync(huge, '');
  fs.truncateSync(huge, 2 * 1024 ** 3 + 1); // sparse: no disk used
  await assert.rejects(readModelBytes(huge), (error: unknown) => {
    assert.ok(error instanceof ModelFileError);
    assert.match(error.message, /too large to be a model file: 2147483649 bytes \(limit 2 GiB\)/);
    return true;
  });
});
