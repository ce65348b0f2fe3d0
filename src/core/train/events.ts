/**
 * What a training run reports, as it happens. The trainer knows nothing of terminals or
 * editors: the CLI draws a progress bar from these, the extension forwards them to its panel.
 * Losses are mean cross-entropy in nats per character.
 */
export type TrainEvent = StartEvent | StepEvent | ValidationEvent | EndEvent;

export interface StartEvent {
  kind: 'start';
  backend: string;
  /** Threads computing gradients (data parallelism). */
  threads: number;
  parameters: number;
  trainChars: number;
  validChars: number;
  batch: number;
  seqLen: number;
  stepsPerEpoch: number;
  epochs: number;
  /** Why batch or seqLen differ from the request (a small corpus), if they do. */
  adjusted?: string;
}

export interface StepEvent {
  kind: 'step';
  epoch: number;
  /** Steps done so far, over all epochs. */
  step: number;
  stepsPerEpoch: number;
  totalSteps: number;
  /** This step's training loss. */
  loss: number;
  /** Exponential moving average of the training loss (weight 0.95 on the past). */
  smoothLoss: number;
  charsSeen: number;
  charsPerSec: number;
  elapsedMs: number;
  /** Estimated time to the end (epochs or time limit, whichever is first). */
  etaMs: number;
}

export interface ValidationEvent {
  kind: 'validation';
  epoch: number;
  step: number;
  charsSeen: number;
  loss: number;
  /** Whether this is the best validation loss so far (a checkpoint was offered). */
  best: boolean;
  bestLoss: number;
  /** The learning rate from here on (lowered after a validation without progress). */
  lr: number;
  sample: string;
  sampleStrategy: string;
  /**
   * Set when the time budget cut this validation short: characters predicted (the first windows of
   * every stream), of how many a whole validation predicts. `loss` is theirs.
   */
  shortened?: { chars: number; of: number };
}

export interface EndEvent {
  kind: 'end';
  reason: 'completed' | 'cancelled' | 'time-limit' | 'early-stop';
  bestLoss: number | null;
  steps: number;
  charsSeen: number;
  elapsedMs: number;
}
