import type { Kernels } from '../nn/kernels/kernels';
import { Vocab } from '../data/vocab';
import { CharModel } from './char-model';
import type { ModelConfig } from './config';
import { validateConfig } from './validate-config';
import { toPyTorchTensors, fromPyTorchTensors, checkPyTorchTensors } from './pytorch-names';
import { decodeSafetensors, encodeSafetensors, ModelFileError } from './safetensors';
import { readModelBytes, writeFileAtomic } from './file-io';
import { dataChecksum } from './checksum';

/**
 * A char-lstm model file is a safetensors file: PyTorch-named tensors (see pytorch-names.ts)
 * and, in `__metadata__`, strings:
 *   format          "char-lstm"
 *   format_version  "1"
 *   config          JSON ModelConfig
 *   vocab           JSON array of the known characters, sorted; the unknown slot is implied last
 *   training        JSON TrainingInfo (optional): how the weights were made
 *   data_sha256     SHA-256 of the data section (optional: files from elsewhere lack it), checked at load
 */
export const FORMAT_VERSION = 1;

/** How a model was trained, for the status bar, the README and `--resume`. All optional. */
export interface TrainingInfo {
  /** Best validation loss, nats/char. */
  validLoss?: number;
  charsSeen?: number;
  steps?: number;
  /** ISO date of the save. */
  savedAt?: string;
  /** What it was trained on, e.g. "tinyshakespeare.txt (first 90%)". */
  corpus?: string;
  /** The training settings used. */
  train?: Record<string, number>;
}

export interface LoadedModel {
  model: CharModel;
  vocab: Vocab;
  info: TrainingInfo;
}

/** Saves atomically (temporary file, then rename): a crash or full disk leaves the old file. */
export async function saveModel(path: string, model: CharModel, vocab: Vocab, info: TrainingInfo = {},
  dtype: 'F32' | 'F16' = 'F32'): Promise<void> {
  await writeFileAtomic(path, encodeModel(model, vocab, info, dtype));
}

/** The bytes of a model file (see above), checksum included. */
export function encodeModel(model: CharModel, vocab: Vocab, info: TrainingInfo = {}, dtype: 'F32' | 'F16' = 'F32'): Uint8Array {
  if (vocab.size !== model.config.vocabSize) throw new Error(`vocabulary has ${vocab.size} ids but the model ${model.config.vocabSize}`);
  const metadata = {
    format: 'char-lstm',
    format_version: String(FORMAT_VERSION),
    config: JSON.stringify(model.config),
    vocab: JSON.stringify(vocab.chars),
    training: JSON.stringify({ ...info, savedAt: info.savedAt ?? new Date().toISOString() }),
  };
  const tensors = toPyTorchTensors(model);
  // The data section does not depend on the header: encode once to hash it, then with the hash.
  const data_sha256 = dataChecksum(encodeSafetensors(tensors, metadata, dtype));
  return encodeSafetensors(tensors, { ...metadata, data_sha256 }, dtype);
}

/** Loads and validates a model file; every problem is a ModelFileError naming the file. */
export async function loadModel(path: string, kernels: Kernels): Promise<LoadedModel> {
  const bytes = await readModelBytes(path);
  try {
    return decodeModel(bytes, kernels);
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError(`${path}: ${e.message}`);
    throw e;
  }
}

/** Decodes model file bytes (already read) into a model on `kernels`. */
export function decodeModel(bytes: Uint8Array, kernels: Kernels): LoadedModel {
  const { tensors, metadata } = decodeSafetensors(bytes);
  if (metadata.data_sha256 !== undefined && metadata.data_sha256 !== dataChecksum(bytes)) {
    throw new ModelFileError('the weights do not match the checksum saved with them (data_sha256): the file is damaged');
  }
  if (metadata.format !== 'char-lstm') throw new ModelFileError('not a char-lstm model (no "format": "char-lstm" in its metadata)');
  const version = Number(metadata.format_version);
  if (!Number.isInteger(version) || version < 1) throw new ModelFileError(`bad format_version ${JSON.stringify(metadata.format_version)}`);
  if (version > FORMAT_VERSION) {
    throw new ModelFileError(`model format version ${version} is newer than this char-lstm reads (${FORMAT_VERSION}); update char-lstm`);
  }
  const config = parseJson<ModelConfig>(metadata.config, 'config');
  const chars = parseJson<string[]>(metadata.vocab, 'vocab');
  const info = metadata.training === undefined ? {} : parseJson<TrainingInfo>(metadata.training, 'training');
  let vocab: Vocab;
  try {
    validateConfig(config);
    if (!Array.isArray(chars) || chars.some((c) => typeof c !== 'string')) throw new Error('vocab must be an array of strings');
    vocab = Vocab.fromChars(chars);
    if (vocab.size !== config.vocabSize) throw new Error(`the vocabulary has ${vocab.size} ids but the config says ${config.vocabSize}`);
  } catch (e) {
    throw new ModelFileError((e as Error).message);
  }
  try {
    checkPyTorchTensors(config, tensors);
    for (const [name, t] of Object.entries(tensors)) {
      if (!t.data.every(Number.isFinite)) throw new Error(`${name} holds NaN or infinite values`);
    }
  } catch (e) {
    throw new ModelFileError((e as Error).message);
  }
  const model = new CharModel(kernels, config);
  fromPyTorchTensors(model, tensors);
  return { model, vocab, info: typeof info === 'object' && info !== null ? info : {} };
}

function parseJson<T>(text: string | undefined, field: string): T {
  if (text === undefined) throw new ModelFileError(`metadata "${field}" is missing`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ModelFileError(`metadata "${field}" is not valid JSON`);
  }
}
