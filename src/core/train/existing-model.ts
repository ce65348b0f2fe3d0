/**
 * The model already in a run's output file, measured as the run will measure its own
 * checkpoints, so that the file is replaced only by a better one (as the extension keeps the
 * better of a run's candidate and the workspace model).
 */
import { loadModel, type LoadedModel } from '../io/model-file';
import { createKernels, type Backend } from '../nn/kernels/select';
import { StreamBatches } from '../data/batches';
import type { TrainConfig } from './config';
import { evaluate } from '../eval/evaluate';

/**
 * The model at `file`, loaded in kernels of its own (its memory goes with it), or why it is not
 * one (one line): a file at --out that is not a model may be someone's data.
 */
export async function loadExistingModel(file: string, backend: Backend): Promise<LoadedModel | { notAModel: string }> {
  try {
    return await loadModel(file, createKernels(backend));
  } catch (e) {
    return { notAModel: (e as Error).message };
  }
}

/**
 * `existing`'s loss on the first `config.maxValidChars` characters of `valid`, read with its own
 * vocabulary, in the streams and window the trainer will validate with on a training text of
 * `train`'s length: the number a checkpoint of the run must beat. NaN if it cannot be measured.
 */
export async function measureExistingModel(existing: LoadedModel, texts: { train: string; valid: string },
  config: Pick<TrainConfig, 'batch' | 'seqLen' | 'maxValidChars'>, signal?: AbortSignal): Promise<number> {
  const shape = StreamBatches.fit(codePoints(texts.train), config.batch, config.seqLen);
  if (!shape) return NaN;
  const ids = existing.vocab.encode(texts.valid).slice(0, config.maxValidChars);
  return (await evaluate(existing.model, ids, shape.batch, shape.seqLen, signal)).loss;
}

/** Code points of `text` (a surrogate pair is one), as Vocab.encode counts ids. */
function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++, n++) {
    const u = text.charCodeAt(i);
    if (u >= 0xd800 && u < 0xdc00 && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next < 0xe000) i++;
    }
  }
  return n;
}
