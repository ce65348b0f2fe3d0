import type { Kernels } from '../nn/kernels/kernels';
import { Vocab } from '../data/vocab';
import { CharModel } from '../model/char-model';
import type { ModelConfig } from '../model/config';
import { validateConfig } from '../model/validate-config';
import { toPyTorchTensors, fromPyTorchTensors, checkPyTorchTensors } from './pytorch-names';
import { decodeSafetensors, encodeSafetensors, ModelFileError, type SafetensorsContentsWithInts } from './safetensors';
import { mixtureEntries, readMixture } from './mixture-file';
import type { WorkspaceMixture } from '../mix/workspace-mixture';
import { readModelBytes, writeFileAtomic } from './file-io';
import { dataChecksum } from './checksum';
import { assembleForeignModel, checkFinite, type ForeignModel } from './import/foreign-model';
import { readStateDict } from './import/pytorch-state-dict';
import { loadKerasModel } from './import/keras-model';
import { findSidecarVocab, parseVocabText, type ForeignVocab } from './import/vocab-sidecar';

/**
 * A char-lstm model file is a safetensors file: PyTorch-named tensors (see pytorch-names.ts)
 * and, in `__metadata__`, strings:
 *   format          "char-lstm"
 *   format_version  "1"
 *   config          JSON ModelConfig
 *   vocab           JSON array of the known characters, sorted; the unknown slot is implied last
 *   training        JSON TrainingInfo (optional): how the weights were made
 *   data_sha256     SHA-256 of the data section (optional: files from elsewhere lack it), checked at load
 *   mixture         JSON (optional, workspace models): the n-gram and weights completions mix the
 *                   LSTM with; its counts are the I32 tensors `ngram.*` (mixture-file.ts)
 *
 * Version 2 added the mixture; a file without one is written as version 1, which every reader reads.
 *
 * Models from elsewhere load through the same `loadModel` (see import/):
 *   *.json                               a Keras / TensorFlow.js Layers model.json (import/keras-model.ts)
 *   safetensors, no "format" (or "pt")   a PyTorch state_dict (import/pytorch-state-dict.ts), its
 *                                        vocabulary in a "vocab" metadata string or a sidecar file
 *                                        (import/vocab-sidecar.ts says where it is looked for)
 * and come out as char-lstm models (vocabulary sorted, unknown slot added: import/foreign-model.ts).
 */
export const FORMAT_VERSION = 2;

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
  /** The model a fine-tuned one started from, e.g. "default.safetensors (valid loss 1.234 nats/char)". */
  startedFrom?: string;
  /** The training settings used. */
  train?: Record<string, number | string>;
  /** Set when the model was imported from another framework's file rather than trained here. */
  importedFrom?: 'pytorch' | 'keras';
  /** Where an imported model's vocabulary was read: a sidecar file's name, or '"vocab" metadata'... */
  importedVocab?: string;
}

/**
 * What a model fine-tuned from one named `label` records as `startedFrom`: "the default model
 * (valid loss 1.837 nats/char)", the loss where its file gives one.
 */
export function startedFromLabel(label: string, info: TrainingInfo): string {
  return typeof info.validLoss === 'number' ? `${label} (valid loss ${info.validLoss.toFixed(3)} nats/char)` : label;
}

export interface LoadedModel {
  model: CharModel;
  vocab: Vocab;
  info: TrainingInfo;
  /** What completions mix the LSTM with, saved by a workspace training run. */
  mixture?: WorkspaceMixture;
}

export interface SaveOptions {
  /** How the weights are stored: F32 exactly, F16 in half the bytes. Default F32. */
  dtype?: 'F32' | 'F16';
  mixture?: WorkspaceMixture;
}

/** Saves atomically (temporary file, then rename): a crash or full disk leaves the old file. */
export async function saveModel(path: string, model: CharModel, vocab: Vocab, info: TrainingInfo = {},
  options: SaveOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeModel(model, vocab, info, options));
}

/** The bytes of a model file (see above), checksum included. */
export function encodeModel(model: CharModel, vocab: Vocab, info: TrainingInfo = {}, options: SaveOptions = {}): Uint8Array {
  if (vocab.size !== model.config.vocabSize) throw new Error(`vocabulary has ${vocab.size} ids but the model ${model.config.vocabSize}`);
  const { dtype = 'F32', mixture } = options;
  const mixed = mixture && mixtureEntries(mixture, vocab.size);
  const metadata: Record<string, string> = {
    format: 'char-lstm',
    format_version: String(mixture ? FORMAT_VERSION : 1),
    config: JSON.stringify(model.config),
    vocab: JSON.stringify(vocab.chars),
    training: JSON.stringify({ ...info, savedAt: info.savedAt ?? new Date().toISOString() }),
    ...(mixed ? { mixture: mixed.metadata } : {}),
  };
  const tensors = toPyTorchTensors(model);
  // The data section does not depend on the header: encode once to hash it, then with the hash.
  const data_sha256 = dataChecksum(encodeSafetensors(tensors, metadata, dtype, mixed?.ints));
  return encodeSafetensors(tensors, { ...metadata, data_sha256 }, dtype, mixed?.ints);
}

/** Loads and validates a model file (or imports one from elsewhere); every problem is a ModelFileError naming the file. */
export async function loadModel(path: string, kernels: Kernels): Promise<LoadedModel> {
  const bytes = await readModelBytes(path);
  try {
    if (/\.json$/i.test(path)) return await loadKerasModel(path, bytes, kernels);
    const file = readSafetensors(bytes);
    if (!isPyTorchStateDict(file.metadata)) return nativeModel(file, bytes, kernels);
    const foreign = readPyTorch(file, bytes);
    const vocab = metadataVocab(file.metadata) ?? await findSidecarVocab(path, 'the file has no "vocab" metadata');
    return assembleForeignModel(foreign, vocab, kernels, 'pytorch');
  } catch (e) {
    if (e instanceof ModelFileError) throw new ModelFileError(`${path}: ${e.message}`);
    throw e;
  }
}

/**
 * Decodes model file bytes (already read) into a model on `kernels`: a char-lstm file, or a
 * PyTorch state_dict whose vocabulary is in its metadata or given as `vocab`.
 */
export function decodeModel(bytes: Uint8Array, kernels: Kernels, vocab?: ForeignVocab): LoadedModel {
  const file = readSafetensors(bytes);
  if (!isPyTorchStateDict(file.metadata)) return nativeModel(file, bytes, kernels);
  const foreign = readPyTorch(file, bytes);
  const found = metadataVocab(file.metadata) ?? vocab;
  if (!found) throw new ModelFileError('no vocabulary: the file has no "vocab" metadata and none was given');
  return assembleForeignModel(foreign, found, kernels, 'pytorch');
}

type SafetensorsFile = SafetensorsContentsWithInts;

/**
 * A safetensors file without char-lstm's "format" is taken for a PyTorch state_dict: files from
 * `safetensors.torch.save_file` have no metadata, or the "format": "pt" of Hugging Face's writers.
 */
function isPyTorchStateDict(metadata: Record<string, string>): boolean {
  return !Object.hasOwn(metadata, 'format') || metadata.format === 'pt';
}

function readPyTorch({ tensors, metadata, ints }: SafetensorsFile, bytes: Uint8Array): ForeignModel {
  checkChecksum(metadata, bytes);
  const intTensor = Object.keys(ints)[0];
  if (intTensor !== undefined) throw new ModelFileError(`unsupported dtype "I32" for tensor ${JSON.stringify(intTensor)}`);
  return readStateDict(tensors);
}

function metadataVocab(metadata: Record<string, string>): ForeignVocab | undefined {
  if (!Object.hasOwn(metadata, 'vocab')) return undefined;
  const where = '"vocab" metadata';
  return { chars: parseVocabText(metadata.vocab, where), where };
}

function checkChecksum(metadata: Record<string, string>, bytes: Uint8Array): void {
  if (metadata.data_sha256 !== undefined && metadata.data_sha256 !== dataChecksum(bytes)) {
    throw new ModelFileError('the weights do not match the checksum saved with them (data_sha256): the file is damaged');
  }
}

/** decodeSafetensors, saying what the file is instead when it is a known other format. */
function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  try {
    return decodeSafetensors(bytes, { ints: true });
  } catch (e) {
    const other = otherFormat(bytes);
    if (e instanceof ModelFileError && other) throw new ModelFileError(other);
    throw e;
  }
}

/** What a file that is not safetensors is, from its first bytes, with what to do; null if unknown. */
function otherFormat(bytes: Uint8Array): string | null {
  const starts = (...magic: number[]) => magic.every((b, i) => bytes[i] === b);
  if (starts(0x50, 0x4b, 0x03, 0x04)) {
    return 'a zip archive, such as a torch.save checkpoint (.pt, .pth), not safetensors: save the state_dict with '
      + 'safetensors.torch.save_file(model.state_dict(), path)';
  }
  if (starts(0x80) && bytes[1] >= 2 && bytes[1] <= 5) {
    return 'a Python pickle (torch.save), not safetensors: save the state_dict with safetensors.torch.save_file(model.state_dict(), path)';
  }
  if (starts(0x89, 0x48, 0x44, 0x46)) {
    return 'a Keras HDF5 file (.h5), not safetensors: convert it with tensorflowjs_converter --input_format keras '
      + 'and load the model.json';
  }
  return null;
}

/** A char-lstm model file (metadata "format": "char-lstm"), validated. */
function nativeModel({ tensors, metadata, ints }: SafetensorsFile, bytes: Uint8Array, kernels: Kernels): LoadedModel {
  checkChecksum(metadata, bytes);
  if (metadata.format !== 'char-lstm') {
    throw new ModelFileError(`not a char-lstm model (its metadata's "format" is ${JSON.stringify(metadata.format)}, `
      + 'neither "char-lstm" nor a PyTorch state_dict\'s)');
  }
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
    for (const [name, t] of Object.entries(tensors)) checkFinite(name, t.data);
  } catch (e) {
    throw new ModelFileError((e as Error).message);
  }
  const intTensor = Object.keys(ints)[0];
  if (metadata.mixture === undefined && intTensor !== undefined) {
    throw new ModelFileError(`unexpected integer tensor "${intTensor}" in a model without a mixture`);
  }
  const mixture = metadata.mixture === undefined ? undefined : readMixture(metadata.mixture, ints, vocab.size);
  const model = new CharModel(kernels, config);
  fromPyTorchTensors(model, tensors);
  return { model, vocab, info: typeof info === 'object' && info !== null ? info : {}, ...(mixture ? { mixture } : {}) };
}

function parseJson<T>(text: string | undefined, field: string): T {
  if (text === undefined) throw new ModelFileError(`metadata "${field}" is missing`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ModelFileError(`metadata "${field}" is not valid JSON`);
  }
}
