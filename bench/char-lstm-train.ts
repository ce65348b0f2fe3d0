import type { Kernels } from '../src/core/nn/kernels/kernels';
import type { Vocab } from '../src/core/data/vocab';
import { train } from '../src/core/train/trainer';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import type { StepEvent } from '../src/core/train/events';
import { BATCH, MODEL_M, SEQ_LEN } from './model-m';

/**
 * Training chars/s of char-lstm on model M through the product's own trainer (forward,
 * backward, clip, Adam, and the hand-off between `threads` threads) for about `seconds`.
 * The first steps (JIT, first touch of every buffer, peer start-up) are not counted.
 */
export async function benchCharLstmTraining(k: Kernels, text: string, vocab: Vocab, seconds: number,
  threads: number): Promise<number> {
  const steps: StepEvent[] = [];
  const controller = new AbortController();
  const warmUpSteps = 2;
  await train({
    kernels: k, vocab, train: text, valid: text.slice(0, 2000), model: MODEL_M, signal: controller.signal,
    config: { ...DEFAULT_TRAIN_CONFIG, batch: BATCH, seqLen: SEQ_LEN, threads, epochs: 1000, patience: 0, validateEvery: 0 },
    onEvent: (e) => {
      if (e.kind !== 'step') return;
      steps.push(e);
      const measured = e.elapsedMs - steps[Math.min(warmUpSteps, steps.length - 1)].elapsedMs;
      if (measured >= seconds * 1000 && steps.length > warmUpSteps + 1) controller.abort();
    },
  });
  const first = steps[Math.min(warmUpSteps, steps.length - 2)], last = steps[steps.length - 1];
  return (last.charsSeen - first.charsSeen) / Math.max((last.elapsedMs - first.elapsedMs) / 1000, 1e-9);
}
