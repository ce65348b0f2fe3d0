/**
 * Settings for fine-tuning a pretrained model on a workspace in a time budget. The shape is the
 * model's; what is planned is how far and how fast to move it: the steps the budget buys at the
 * measured speed, a learning rate that starts at half the pretraining's and follows half a
 * cosine down to a twentieth of it over exactly those steps (so the run ends annealed, not cut
 * off at a high rate), validation often enough for early stopping to catch a small workspace
 * being memorised; the dropout the model was trained with.
 */
import type { TrainConfig } from './config';
import {
  EPOCHS_TO_BEST, estimate, formatCount, formatEpochs, formatSeconds, PATIENCE, seqLenFor,
  SPEED_MARGIN,
} from './plan';
import type { Speed } from './speed-probe';

/**
 * Adam's starting rate when fine-tuning: half the pretraining's 2e-3, as fine-tuning usually
 * starts below the rate a model was trained at (ULMFiT, BERT) so the first steps on a small
 * folder do not undo what pretraining learned. Not tuned by a sweep here: the bench's transfer
 * table measures the result against training from scratch.
 */
export const FINE_TUNE_LR = 1e-3;

export interface FineTunePlanInput {
  /** Characters of training and validation text. */
  trainChars: number;
  validChars: number;
  /** Minutes of training left; 0 for no limit. */
  minutes: number;
  /** Measured speed of the model's shape here. */
  speed: Speed;
  parameters: number;
  batch: number;
  /** The dropout the model was trained with: fine-tuning keeps it. */
  dropout: number;
}

export interface FineTunePlan {
  config: Pick<TrainConfig, 'batch' | 'seqLen' | 'lr' | 'schedule' | 'maxSteps' | 'epochs' | 'validateEvery' | 'patience'>;
  dropout: number;
  reasons: string[];
}

export function planFineTuning(input: FineTunePlanInput): FineTunePlan {
  const N = Math.max(1, input.trainChars);
  const batch = input.batch;
  const seqLen = seqLenFor(N, batch);
  const budgetSec = input.minutes > 0 ? input.minutes * 60 : Infinity;
  const e = estimate(input.parameters, input.speed, { N, validChars: input.validChars, budgetSec });
  const perStep = batch * seqLen;
  // Without a time limit, the passes a small text needs; with one, what the budget buys.
  const chars = Number.isFinite(e.charsInBudget) ? e.charsInBudget : EPOCHS_TO_BEST * N;
  const maxSteps = Math.max(1, Math.floor(chars / perStep));
  const passes = maxSteps * perStep / N;
  // Dropout the model never trained with first undoes what it learned (on a 29 kB folder the
  // default's first step lost 3.02 nats/char with 0.3 against 2.39 without, and ended 0.02 worse):
  // the model's own rate, with early stopping against memorising a small folder.
  const dropout = input.dropout;
  const validateEvery = Math.max(1, Math.min(maxSteps, Math.round(e.validateEverySec * input.speed.train * SPEED_MARGIN / perStep)));
  const reasons = [
    `${formatCount(N)} chars to fine-tune on${input.minutes > 0 ? ` in ${Number(input.minutes.toFixed(1))} minutes` : ''}: `
      + `at ~${formatCount(input.speed.train)} chars/s here that is ${maxSteps.toLocaleString('en-US')} steps (${formatEpochs(passes)}); `
      + `the learning rate follows half a cosine from ${FINE_TUNE_LR} (half the pretraining's) down to a twentieth of it over them.`,
    dropout > 0 ? `Dropout ${dropout}, as the model was trained.`
      : `No dropout, as the model was trained: dropout it never saw would first undo what it learned; early stopping ends `
        + `the run if it starts memorising ${passes >= 3 ? `the ${formatEpochs(passes)} over` : ''} this text.`,
    `Validation every ${validateEvery} steps (~${formatSeconds(validateEvery * perStep / (input.speed.train * SPEED_MARGIN))}), `
      + `${formatSeconds(e.validationSec)} each; training stops after ${PATIENCE} validations without a new best.`,
  ];
  if (seqLen !== 100) reasons.push(`Sequence length ${seqLen}: the text is short, and shorter windows make more steps per epoch.`);
  return {
    config: { batch, seqLen, lr: FINE_TUNE_LR, schedule: 'cosine', maxSteps, epochs: Math.ceil(passes) + 1, validateEvery, patience: PATIENCE },
    dropout,
    reasons,
  };
}
