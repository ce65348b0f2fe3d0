import type { Kernels } from '../src/core/nn/kernels/kernels';
import { CharModel } from '../src/core/model/char-model';
import { Stepper } from '../src/core/sampling/stepper';
import { seededRandom } from '../src/core/math/random';
import { PipelinedPrimer } from '../src/core/pipeline/pipelined-primer';
import { MODEL_M } from './model-m';

export interface InferenceFigures {
  /** Microseconds per character, batch 1, state carried (one step per character); median of 5 runs. */
  stepUs: number;
  /**
   * Milliseconds to prime a 2,000-character prefix from a zero state, as the editor does (with
   * the pipelined primer over worker threads when the model and machine allow); median of 9.
   */
  prime2000Ms: number;
  /** The same on the calling thread alone (no primer); median of 9. */
  prime2000SingleMs: number;
  /** Milliseconds to make a Stepper from scratch: packing the weights for inference (once per model). */
  refreshMs: number;
  /** The primer's stages ("2 threads: layers 0 | 1, …"), or why priming ran on one thread. */
  pipeline: string;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Model M with fresh weights, or `model` (a loaded file) when given. */
export async function benchCharLstmInference(k: Kernels, ids: Uint16Array, vocabSize: number,
  model = new CharModel(k, { ...MODEL_M, vocabSize }, seededRandom(1))): Promise<InferenceFigures> {
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
  // A document's first request: DocumentStates primes a clone of its zero state.
  const prime = (): number => {
    const start = performance.now();
    zero.clone().feed(prefix);
    return performance.now() - start;
  };
  const single = Array.from({ length: 9 }, prime);
  let fallback: string | null = null;
  const primer = PipelinedPrimer.start(model, { onFallback: (why) => { fallback = why; } });
  let pipelined = single, pipeline = PipelinedPrimer.whyNot(model) ?? 'one stage';
  if (primer && await primer.ready) {
    prime(); // the workers' first run: they load the weights
    pipelined = Array.from({ length: 9 }, prime);
    pipeline = `${primer.plan.length} threads: ${primer.plan.map(describeStage).join(' | ')}`;
  }
  await primer?.close();
  if (fallback) pipeline = `fell back to one thread: ${fallback}`;
  return { stepUs: median(steps), prime2000Ms: median(pipelined), prime2000SingleMs: median(single),
    refreshMs: median(refresh), pipeline };
}

function describeStage(s: PipelinedPrimer['plan'][number]): string {
  const layers = s.first === s.last ? `layer ${s.first}` : `layers ${s.first}-${s.last}`;
  const share = s.cutOut ? ` + part of layer ${s.cutOut.layer}'s input product (${Math.round(100 * s.cutOut.share)}% planned, then balanced)` : '';
  return layers + share;
}
