import type { Kernels } from '../src/core/nn/kernels/kernels';
import { CharModel } from '../src/core/model/char-model';
import { Adam } from '../src/core/nn/adam';
import { StreamBatches } from '../src/core/train/batches';
import { seededRandom } from '../src/core/sampling/random';
import { BATCH, MODEL_M, SEQ_LEN } from './model-m';

/** Training chars/s of char-lstm on model M: whole steps (forward, backward, clip, Adam) for `seconds`. */
export function benchCharLstmTraining(k: Kernels, ids: Uint16Array, vocabSize: number, seconds: number): number {
  const model = new CharModel(k, { ...MODEL_M, vocabSize }, seededRandom(1));
  const adam = new Adam(k, model.params);
  const batches = new StreamBatches(ids, BATCH, SEQ_LEN);
  const state = model.newState(BATCH);
  const { ids: idsAt, targets } = model.inputs(BATCH, SEQ_LEN);
  const step = (s: number) => {
    batches.fill(s % batches.steps, k.heap, idsAt, targets);
    model.params.zeroGrads();
    const logits = model.forward(BATCH, SEQ_LEN, state);
    model.loss(BATCH, SEQ_LEN, logits, true);
    model.backward(BATCH, SEQ_LEN, logits);
    adam.step(2e-3, 5);
    model.carry(BATCH, SEQ_LEN, state);
  };
  step(0); // warm-up: JIT and first-touch of every buffer
  const start = performance.now();
  let steps = 0;
  while (performance.now() - start < seconds * 1000 || steps < 2) step(++steps);
  return (steps * BATCH * SEQ_LEN) / ((performance.now() - start) / 1000);
}
