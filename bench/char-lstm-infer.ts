import type { Kernels } from '../src/core/nn/kernels/kernels';
import { CharModel } from '../src/core/model/char-model';
import { Stepper } from '../src/core/sampling/stepper';
import { seededRandom } from '../src/core/sampling/random';
import { MODEL_M } from './model-m';

export interface InferenceFigures {
  /** Microseconds per character, batch 1, state carried (one step per character); median of 5 runs. */
  stepUs: number;
  /** Milliseconds to prime a 2,000-character prefix from a zero state, as the editor does; median of 7. */
  prime2000Ms: number;
  /** Milliseconds to make a Stepper from scratch: packing the weights for inference (once per model). */
  refreshMs: number;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function benchCharLstmInference(k: Kernels, ids: Uint16Array, vocabSize: number): InferenceFigures {
  const model = new CharModel(k, { ...MODEL_M, vocabSize }, seededRandom(1));
  const refresh: number[] = [];
  for (let r = 0; r < 7; r++) {
    const start = performance.now();
    new Stepper(model);
    refresh.push(performance.now() - start);
  }
  const zero = new Stepper(model);
  const prefix = ids.subarray(0, 2000);
  // Warm-up: WebAssembly functions start in the baseline compiler and are optimised once hot.
  zero.clone().feed(prefix);
  const stepper = zero.clone();
  for (let i = 0; i < 300; i++) stepper.step(ids[i]);
  const steps: number[] = [];
  for (let r = 0; r < 5; r++) {
    const n = 400, start = performance.now();
    for (let i = 0; i < n; i++) stepper.step(ids[i]);
    steps.push(((performance.now() - start) * 1000) / n);
  }
  const primes: number[] = [];
  for (let r = 0; r < 7; r++) {
    const start = performance.now();
    zero.clone().feed(prefix); // a document's first request: DocumentStates primes a clone of its zero state
    primes.push(performance.now() - start);
  }
  return { stepUs: median(steps), prime2000Ms: median(primes), refreshMs: median(refresh) };
}
