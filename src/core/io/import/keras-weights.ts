import * as path from 'path';
import { readRegularFile, UnreadableFile } from '../../files/read-regular-file';
import { float16BitsToFloat32 } from '../float16';
import { ModelFileError, type Tensor } from '../safetensors';

/**
 * The weights of a TensorFlow.js Layers model, as `tensorflowjs_converter` and tfjs' `model.save`
 * write them beside model.json:
 *   "weightsManifest": [{ "paths": ["group1-shard1of2.bin", ...],
 *                         "weights": [{ "name", "shape", "dtype", "quantization"? }, ...] }, ...]
 * Each group's shard files, concatenated, hold its weights one after another, little-endian,
 * row-major: float32 (4 bytes) or int32 (4, skipped); with `quantization` {dtype: "float16"}
 * 2 bytes, or {dtype: "uint8" | "uint16", scale, min} 1 or 2 bytes read as q · scale + min.
 */
export interface ManifestGroup {
  paths: string[];
  weights: { name: string; shape: number[]; dtype: string; quantization?: { dtype: string; scale?: number; min?: number } }[];
}

/** All shards together beyond this are not a char model (and Buffer limits loom). */
const MAX_WEIGHT_BYTES = 2 * 1024 * 1024 * 1024;

/** The manifest's structure checked, one line naming what is wrong. */
export function checkManifest(manifest: unknown): ManifestGroup[] {
  if (!Array.isArray(manifest)) throw new ModelFileError('"weightsManifest" is missing or not a list');
  return manifest.map((group: unknown, g) => {
    const where = `weightsManifest[${g}]`;
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw new ModelFileError(`${where} needs "paths" and "weights" lists`);
    }
    for (const p of group.paths) {
      if (typeof p !== 'string' || p === '' || path.isAbsolute(p) || p.split(/[\\/]/).includes('..')) {
        throw new ModelFileError(`${where} has a bad shard path ${JSON.stringify(p)}: it must be a file beside model.json`);
      }
    }
    group.weights.forEach((w: unknown, i) => {
      if (!isObject(w) || typeof w.name !== 'string' || typeof w.dtype !== 'string' || !Array.isArray(w.shape)
        || !w.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
        throw new ModelFileError(`${where}.weights[${i}] needs a "name", a "dtype" and a "shape" of whole numbers`);
      }
      const q = w.quantization;
      if (q !== undefined && q !== null && !(isObject(q) && typeof q.dtype === 'string')) {
        throw new ModelFileError(`weight "${w.name}" has a malformed "quantization"`);
      }
    });
    return group as unknown as ManifestGroup;
  });
}

/** Reads every group's shards from `dir` and decodes the weights by name. */
export async function readKerasWeights(dir: string, groups: ManifestGroup[]): Promise<Map<string, Tensor>> {
  let total = 0;
  const bytes: Uint8Array[] = [];
  for (const group of groups) {
    const parts: Uint8Array[] = [];
    for (const p of group.paths) {
      const file = path.join(dir, p);
      const part = await readRegularFile(file, MAX_WEIGHT_BYTES - total).catch((e: unknown) => {
        if (!(e instanceof UnreadableFile)) throw e;
        if (e.reason === 'too-large') throw new ModelFileError('the weight files are larger than 2 GiB: not a char model');
        const why = e.reason === 'missing' ? 'not found' : e.reason === 'not-a-file' ? `is ${e.detail}, not a file`
          : e.reason === 'unreadable' ? `cannot be read (${e.detail})` : e.detail;
        throw new ModelFileError(`weight file ${p} (listed in weightsManifest) ${why}`);
      });
      total += part.length;
      parts.push(part);
    }
    bytes.push(concat(parts));
  }
  return decodeWeightGroups(groups, bytes);
}

/** The weights of each group from its shards' bytes (concatenated); every byte must be accounted for. */
export function decodeWeightGroups(groups: ManifestGroup[], groupBytes: Uint8Array[]): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  const seen = new Set<string>();
  groups.forEach((group, g) => {
    const bytes = groupBytes[g];
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    for (const w of group.weights) {
      const stored = w.quantization?.dtype ?? w.dtype;
      const size = ({ float32: 4, int32: 4, float16: 2, uint16: 2, uint8: 1, bool: 1 } as Record<string, number>)[stored];
      if (size === undefined || (w.quantization && !['float16', 'uint8', 'uint16'].includes(stored))) {
        throw new ModelFileError(`weight "${w.name}" is stored as ${stored}, which char-lstm cannot read `
          + '(float32, or quantized float16, uint8 or uint16)');
      }
      // Capped product: once past the bytes left it cannot fit, and must not overflow.
      let count = 1;
      for (const d of w.shape) count = Math.min(count * d, bytes.length + 1);
      if (at + count * size > bytes.length) {
        throw new ModelFileError(`the weight files of ${group.paths.join(', ')} end before weight "${w.name}" ${JSON.stringify(w.shape)} does`);
      }
      const name = w.name.replace(/:0$/, '');
      if (seen.has(name)) throw new ModelFileError(`weight "${name}" is listed twice in weightsManifest`);
      seen.add(name);
      if (w.dtype === 'float32') out.set(name, { shape: [...w.shape], data: readFloats(view, at, count, stored, w) });
      at += count * size;
    }
    if (at !== bytes.length) {
      throw new ModelFileError(`the weight files of ${group.paths.join(', ')} hold ${bytes.length - at} bytes more than weightsManifest lists`);
    }
  });
  return out;
}

function readFloats(view: DataView, at: number, count: number, stored: string, w: ManifestGroup['weights'][number]): Float32Array {
  const data = new Float32Array(count);
  if (stored === 'float32') {
    for (let i = 0; i < count; i++) data[i] = view.getFloat32(at + 4 * i, true);
  } else if (stored === 'float16') {
    for (let i = 0; i < count; i++) data[i] = float16BitsToFloat32(view.getUint16(at + 2 * i, true));
  } else {
    const { scale, min } = w.quantization ?? {};
    if (typeof scale !== 'number' || typeof min !== 'number' || !Number.isFinite(scale) || !Number.isFinite(min)) {
      throw new ModelFileError(`weight "${w.name}" is quantized to ${stored} without a finite "scale" and "min"`);
    }
    for (let i = 0; i < count; i++) data[i] = (stored === 'uint8' ? view.getUint8(at + i) : view.getUint16(at + 2 * i, true)) * scale + min;
  }
  return data;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
