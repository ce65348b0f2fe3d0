import { CharModel } from '../core/model/char-model';
import type { Backend } from '../core/nn/kernels/select';
import type { TrainConfig } from '../core/train/config';
import { SMALLEST_LIKELY_VOCAB, trainingHeapRefusal } from '../core/train/heap-need';
import type { TrainOptions } from '../core/train/trainer';
import { CliError } from './fail';

/**
 * Refuses, in one line with the size it would need, a model whose training would not fit the
 * WebAssembly kernels' 4 GB heap (it would stop at the first allocation past it with
 * "WebAssembly.Memory.grow(): Unable to grow instance memory"). `vocabSize` undefined: the text is
 * not read yet, and the smallest likely vocabulary stands in (a larger one only needs more).
 */
export function refuseOverHeap(model: TrainOptions['model'], vocabSize: number | undefined,
  settings: Pick<TrainConfig, 'batch' | 'seqLen' | 'threads'>, backend: Backend): void {
  if (backend !== 'wasm') return; // the reference kernels' heap is a JavaScript array
  const config = model instanceof CharModel ? model.config : { ...model, vocabSize: vocabSize ?? SMALLEST_LIKELY_VOCAB };
  const refusal = trainingHeapRefusal(config, settings,
    { shape: '--hidden, --layers or --embedding', batch: '--batch or --seq-len' }, model instanceof CharModel || vocabSize !== undefined);
  if (refusal) throw new CliError(refusal);
}
