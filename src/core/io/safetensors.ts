/**
 * A strict reader and writer of the safetensors format
 * (https://huggingface.co/docs/safetensors), the file format of a model:
 *
 *   [8 bytes]  N, little-endian u64: header length in bytes
 *   [N bytes]  UTF-8 JSON object, space-padded (we pad to a multiple of 8 so the
 *              data is aligned): { "<name>": { "dtype", "shape", "data_offsets": [begin, end] },
 *              "__metadata__": { string: string } }
 *   [rest]     the data section: every tensor's little-endian elements, row-major;
 *              offsets are relative to its start, tensors are contiguous and cover it exactly.
 *
 * A model file may come from anywhere (a download, a colleague, a half-finished
 * write), so decoding checks every claim in the header against the actual bytes
 * before allocating anything, and every failure is a one-line ModelFileError.
 *
 * Integer tensors (dtype I32, little-endian int32: counts, ids) travel beside the float ones in
 * their own record, so that no caller can take one for the other: `encodeSafetensors(..., ints)`
 * and `decodeSafetensors(bytes, { ints: true })`. A caller that does not ask for them gets the
 * same result as before I32 existed, and an I32 tensor in its file is an unsupported dtype.
 */
import { float16BitsToFloat32, float32ToFloat16Bits } from './float16';

/** In memory a tensor is always float32, whatever dtype it is stored as. `data.length` = product(shape). */
export type Tensor = { shape: number[]; data: Float32Array };

/** An integer tensor, stored and read exactly as I32. `data.length` = product(shape). */
export type IntTensor = { shape: number[]; data: Int32Array };

/** What a safetensors file holds: float tensors and its string metadata. */
export type SafetensorsContents = { tensors: Record<string, Tensor>; metadata: Record<string, string> };

/** …and its integer tensors, when the caller asked for them. */
export type SafetensorsContentsWithInts = SafetensorsContents & { ints: Record<string, IntTensor> };

/** A model file is unusable: corrupt, truncated, missing, or not a model. The message is one line for the user. */
export class ModelFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFileError';
  }
}

/** Bytes per element of each float dtype we read. BF16 is read-only: PyTorch exports use it. */
const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2 };
/** …and with the integer dtype, for callers that read integer tensors. */
const DTYPE_BYTES_WITH_INTS: Record<string, number> = { ...DTYPE_BYTES, I32: 4 };
const METADATA_KEY = '__metadata__';
const ENTRY_FIELDS = new Set(['dtype', 'shape', 'data_offsets']);
/** Bigger headers are corrupt or hostile; the reference implementation uses the same limit. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The bytes of a safetensors file: `tensors` stored as `dtype` (F32 exact, F16 rounded), `ints`
 * as I32 (exact); all of them in one name order. A name may be in only one of the two records.
 */
export function encodeSafetensors(
  tensors: Record<string, Tensor>,
  metadata: Record<string, string>,
  dtype: 'F32' | 'F16' = 'F32',
  ints: Record<string, IntTensor> = {},
): Buffer {
  if (dtype !== 'F32' && dtype !== 'F16') throw new Error(`cannot write dtype ${String(dtype)}: use F32 or F16`);
  const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  for (const name of Object.keys(ints)) {
    if (Object.hasOwn(tensors, name)) throw new Error(`tensor ${JSON.stringify(name)} is both a float and an int tensor`);
  }
  const names = [...Object.keys(tensors), ...Object.keys(ints)].sort(byCodeUnit);
  const isInt = (name: string) => Object.hasOwn(ints, name);
  // Built by hand, not JSON.stringify(object): keys like "__proto__" or "0" would be lost or reordered.
  const fields: string[] = [];
  const metadataKeys = Object.keys(metadata).sort(byCodeUnit);
  if (metadataKeys.length > 0) {
    const entries = metadataKeys.map((key) => {
      if (typeof metadata[key] !== 'string') throw new Error(`metadata value for ${JSON.stringify(key)} is not a string`);
      return `${JSON.stringify(key)}:${JSON.stringify(metadata[key])}`;
    });
    fields.push(`${JSON.stringify(METADATA_KEY)}:{${entries.join(',')}}`);
  }
  let offset = 0;
  for (const name of names) {
    if (name === METADATA_KEY) throw new Error(`"${METADATA_KEY}" cannot be a tensor name`);
    const int = isInt(name);
    const { shape, data } = int ? ints[name] : tensors[name];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`tensor ${JSON.stringify(name)}: shape must be non-negative integers, got ${JSON.stringify(shape)}`);
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (!(int ? data instanceof Int32Array : data instanceof Float32Array) || data.length !== count) {
      throw new Error(`tensor ${JSON.stringify(name)}: shape [${shape}] needs ${count} ${int ? 'int32s' : 'floats'}, data has ${data?.length}`);
    }
    const stored = int ? 'I32' : dtype;
    const end = offset + count * DTYPE_BYTES_WITH_INTS[stored];
    fields.push(`${JSON.stringify(name)}:${JSON.stringify({ dtype: stored, shape, data_offsets: [offset, end] })}`);
    offset = end;
  }
  const json = Buffer.from(`{${fields.join(',')}}`, 'utf8');
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = Buffer.alloc(8 + headerLength + offset);
  out.writeBigUInt64LE(BigInt(headerLength), 0);
  json.copy(out, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);

  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  let pos = 8 + headerLength;
  for (const name of names) {
    if (isInt(name)) {
      const { data } = ints[name];
      if (LITTLE_ENDIAN_HOST) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pos);
      else data.forEach((x, i) => view.setInt32(pos + 4 * i, x, true));
      pos += data.length * 4;
      continue;
    }
    const { data } = tensors[name];
    if (dtype === 'F32' && LITTLE_ENDIAN_HOST) out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pos);
    else if (dtype === 'F32') data.forEach((x, i) => view.setFloat32(pos + 4 * i, x, true));
    else data.forEach((x, i) => view.setUint16(pos + 2 * i, float32ToFloat16Bits(x), true));
    pos += data.length * DTYPE_BYTES[dtype];
  }
  return out;
}

/** One header entry, checked: `count` elements of `dtype` at data-section bytes [begin, end). */
type Entry = { name: string; dtype: string; shape: number[]; count: number; begin: number; end: number };

/** Options of decodeSafetensors. */
export type DecodeOptions = {
  /** Read I32 tensors into `ints`; without it an I32 tensor is an unsupported dtype. */
  ints?: boolean;
};

/**
 * The tensors and metadata of safetensors bytes, every claim of the header checked first.
 * The overload without integer tensors is the last, so `ReturnType<typeof decodeSafetensors>`
 * stays SafetensorsContents for the callers that predate I32.
 */
export function decodeSafetensors(bytes: Uint8Array, options: { ints: true }): SafetensorsContentsWithInts;
export function decodeSafetensors(bytes: Uint8Array, options?: DecodeOptions): SafetensorsContents;
export function decodeSafetensors(
  bytes: Uint8Array,
  options: DecodeOptions = {},
): SafetensorsContents | SafetensorsContentsWithInts {
  const dtypes = options.ints ? DTYPE_BYTES_WITH_INTS : DTYPE_BYTES;
  if (bytes.length < 8) {
    throw new ModelFileError(`model file is too short: ${bytes.length} bytes, not even the 8-byte header length`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const claimed = view.getBigUint64(0, true);
  if (claimed > BigInt(MAX_HEADER_BYTES)) {
    throw new ModelFileError(`model file is corrupt: header length ${claimed} bytes exceeds the 100 MiB limit`);
  }
  const headerLength = Number(claimed);
  if (headerLength > bytes.length - 8) {
    throw new ModelFileError(`model file is truncated: header claims ${headerLength} bytes but the file has ${bytes.length}`);
  }
  const headerBytes = bytes.subarray(8, 8 + headerLength);
  if (headerBytes[0] !== 0x7b) throw new ModelFileError('model file is corrupt: the header does not start with "{"');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'not valid JSON' : 'not valid UTF-8';
    throw new ModelFileError(`model file is corrupt: the header is ${reason}`);
  }
  if (!isPlainObject(header)) throw new ModelFileError('model file is corrupt: the header is not a JSON object');

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) readMetadata(value, metadata);
    else entries.push(checkEntry(name, value, dataLength, dtypes));
  }
  checkCoverage(entries, dataLength);

  // Everything is now known to fit inside `bytes`: allocation sizes are bounded by the file.
  const tensors: Record<string, Tensor> = {};
  const ints: Record<string, IntTensor> = {};
  for (const e of entries) {
    if (e.dtype === 'I32') defineOwn(ints, e.name, { shape: e.shape, data: readInts(bytes, view, dataStart + e.begin, e.count) });
    else defineOwn(tensors, e.name, { shape: e.shape, data: readElements(bytes, view, dataStart + e.begin, e.count, e.dtype) });
  }
  // Only asked-for fields, so a float-only result is exactly what it was before I32 existed.
  return options.ints ? { tensors, ints, metadata } : { tensors, metadata };
}

function readMetadata(value: unknown, out: Record<string, string>): void {
  if (!isPlainObject(value)) throw new ModelFileError(`model file is corrupt: "${METADATA_KEY}" is not an object`);
  for (const [key, text] of Object.entries(value)) {
    if (typeof text !== 'string') {
      throw new ModelFileError(`model file is corrupt: metadata value for ${JSON.stringify(key)} is not a string`);
    }
    defineOwn(out, key, text);
  }
}

/** `dtypes`: bytes per element of each dtype the caller accepts. */
function checkEntry(name: string, value: unknown, dataLength: number, dtypes: Record<string, number>): Entry {
  const where = `model file is corrupt: tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(value)) throw new ModelFileError(`${where} is not described by an object`);
  for (const field of Object.keys(value)) {
    if (!ENTRY_FIELDS.has(field)) throw new ModelFileError(`${where} has an unexpected field ${JSON.stringify(field)}`);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !Object.hasOwn(dtypes, dtype)) {
    throw new ModelFileError(`unsupported dtype ${JSON.stringify(dtype) ?? 'undefined'} for tensor ${JSON.stringify(name)}`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new ModelFileError(`${where} has an invalid shape (need non-negative integers)`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new ModelFileError(`${where} has invalid data_offsets (need two non-negative integers)`);
  }
  const [begin, end] = offsets as number[];
  if (begin > end) throw new ModelFileError(`${where} has data_offsets [${begin}, ${end}] that end before they begin`);
  if (end > dataLength) {
    throw new ModelFileError(`model file is truncated: tensor ${JSON.stringify(name)} ends at byte ${end} of a ${dataLength}-byte data section`);
  }
  // Capped product: once it exceeds the data section it cannot match, and must not overflow.
  let count = 1;
  for (const d of shape as number[]) count = Math.min(count * d, dataLength + 1);
  if (count * dtypes[dtype] !== end - begin) {
    throw new ModelFileError(
      `${where}: shape [${shape.join(', ')}] of ${dtype} does not match its ${end - begin} bytes of data`,
    );
  }
  return { name, dtype, shape: [...(shape as number[])], count, begin, end };
}

/** Tensors must tile the data section exactly: no overlap (aliasing), no gap, no trailing bytes. */
function checkCoverage(entries: Entry[], dataLength: number): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: Entry | undefined;
  for (const e of sorted) {
    if (e.begin < cursor) {
      throw new ModelFileError(
        `model file is corrupt: tensors ${JSON.stringify(previous!.name)} and ${JSON.stringify(e.name)} overlap`,
      );
    }
    if (e.begin > cursor) {
      throw new ModelFileError(`model file is corrupt: unused bytes ${cursor}–${e.begin} in the data section`);
    }
    cursor = e.end;
    previous = e;
  }
  if (cursor !== dataLength) {
    throw new ModelFileError(`model file is corrupt: ${dataLength - cursor} bytes after the last tensor`);
  }
}

function readElements(bytes: Uint8Array, view: DataView, start: number, count: number, dtype: string): Float32Array {
  const data = new Float32Array(count);
  if (dtype === 'F32' && LITTLE_ENDIAN_HOST) {
    // A byte copy: `start` need not be 4-aligned in a file from another writer.
    new Uint8Array(data.buffer).set(bytes.subarray(start, start + count * 4));
  } else if (dtype === 'F32') {
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(start + 4 * i, true);
  } else if (dtype === 'F16') {
    for (let i = 0; i < count; i++) data[i] = float16BitsToFloat32(view.getUint16(start + 2 * i, true));
  } else {
    // BF16 is the top half of a float32.
    const bits = new Uint32Array(data.buffer);
    for (let i = 0; i < count; i++) bits[i] = view.getUint16(start + 2 * i, true) << 16;
  }
  return data;
}

function readInts(bytes: Uint8Array, view: DataView, start: number, count: number): Int32Array {
  const data = new Int32Array(count);
  // A byte copy, as for F32: `start` need not be 4-aligned.
  if (LITTLE_ENDIAN_HOST) new Uint8Array(data.buffer).set(bytes.subarray(start, start + count * 4));
  else for (let i = 0; i < count; i++) data[i] = view.getInt32(start + 4 * i, true);
  return data;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Sets an own property even for keys like "__proto__", which plain assignment would treat as the prototype. */
function defineOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
