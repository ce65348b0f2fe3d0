import * as path from 'path';
import type { Kernels } from '../../nn/kernels/kernels';
import type { LoadedModel } from '../model-file';
import { ModelFileError } from '../safetensors';
import { assembleForeignModel } from './foreign-model';
import { WRAPPER_KEYS } from './foreign-vocab';
import { kerasLayerList, readKerasLayers } from './keras-layers';
import { checkManifest, readKerasWeights } from './keras-weights';
import { findSidecarVocab, parseVocabJson, type ForeignVocab } from './vocab-sidecar';

/**
 * Imports a Keras / TensorFlow.js Layers model from its model.json's `bytes` (with the weight shards beside
 * it, keras-weights.ts; layers as keras-layers.ts reads them). The vocabulary is model.json's
 * `userDefinedMetadata` when that holds one (tfjs `model.save` can write it: a list, a map, or
 * one under "char2idx", "vocab"...), else a sidecar file (vocab-sidecar.ts). Errors are
 * ModelFileErrors without the file name (loadModel adds it).
 */
export async function loadKerasModel(file: string, bytes: Uint8Array, kernels: Kernels): Promise<LoadedModel> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new ModelFileError('not valid JSON: a Keras or TensorFlow.js model.json is expected');
  }
  const layers = kerasLayerList(json);
  const groups = checkManifest((json as Record<string, unknown>).weightsManifest);
  const foreign = readKerasLayers(layers, await readKerasWeights(path.dirname(file), groups));
  const vocab = embeddedVocab(json as Record<string, unknown>)
    ?? await findSidecarVocab(file, 'model.json\'s "userDefinedMetadata" holds none');
  return assembleForeignModel(foreign, vocab, kernels, 'keras');
}

function embeddedVocab(json: Record<string, unknown>): ForeignVocab | null {
  const meta = json.userDefinedMetadata;
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return null;
  if (!WRAPPER_KEYS.some((k) => Object.hasOwn(meta, k))) return null;
  const where = 'model.json userDefinedMetadata';
  return { chars: parseVocabJson(meta, where), where };
}
