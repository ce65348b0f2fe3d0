import type { Kernels } from '../src/core/nn/kernels/kernels';
import { CharModel } from '../src/core/model/char-model';
import { Stepper } from '../src/core/sampling/stepper';
import { seededRandom } from '../src/core/sampling/random';
import { MODEL_M } from './model-m';

export interface InferenceFigures {
  /** Microseconds per character, batch 1, state carried (one step per character). */
  stepUs: number;
  /** Milliseconds to prime a 2,000-character prefix from a zero state. */
  prime2000Ms: number;
}

export function benchCharLstmInference(k: Kernels, ids: Uint16Array, vocabSize: number): InferenceFigures {
  const model = new CharModel(k, { ...MODEL_M, vocabSize }, seededRandom(1));
  const stepper = new Stepper(model);
  for (let i = 0; i < 50; i++) stepper.step(ids[i]); // warm-up
  const n = 2000;
  let start = performance.now();
  for (let i = 0; i < n; i++) stepper.step(ids[i]);
  const stepUs = ((performance.now() - start) * 1000) / n;
  const prefix = ids.subarray(0, 2000);
  new Stepper(model).feed(prefix); // warm-up of the priming shapes
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    start = performance.now();
    new Stepper(model).feed(prefix);
    times.push(performance.now() - start);
  }
  return { stepUs, prime2000Ms: times.sort((a, b) => a - b)[2] };
}
