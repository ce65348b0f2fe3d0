import type { TrainEvent, StartEvent, StepEvent, EndEvent } from '../../src/protocol/panel';
import { formatCount, formatDuration, formatLoss, formatRate } from './format';

/** Where a run stands, for the panel's stats line. Losses in nats/char. */
export interface RunStats {
  epoch: number;
  /** From the run's start event; null if it was missed. */
  epochs: number | null;
  step: number;
  totalSteps: number;
  charsSeen: number;
  charsPerSec: number;
  elapsedMs: number;
  /** Estimated time left; null once the run is over. */
  etaMs: number | null;
  /** The smoothed training loss at the last step. */
  trainLoss: number;
  /** The last validation's loss, and the best so far; null before the first validation. */
  validLoss: number | null;
  bestLoss: number | null;
  ended: EndEvent['reason'] | null;
}

/** The latest of everything a run has reported; null before its first step. */
export function runStats(events: readonly TrainEvent[], running: boolean): RunStats | null {
  let start: StartEvent | null = null, step: StepEvent | null = null, end: EndEvent | null = null;
  let validLoss: number | null = null, bestLoss: number | null = null;
  for (const e of events) {
    if (e.kind === 'start') start = e;
    else if (e.kind === 'step') step = e;
    else if (e.kind === 'validation') { validLoss = e.loss; bestLoss = e.bestLoss; }
    else end = e;
  }
  if (!step) return null;
  const over = !running || end !== null;
  return {
    epoch: step.epoch,
    epochs: start?.epochs ?? null,
    step: end?.steps ?? step.step,
    totalSteps: step.totalSteps,
    charsSeen: end?.charsSeen ?? step.charsSeen,
    charsPerSec: step.charsPerSec,
    elapsedMs: end?.elapsedMs ?? step.elapsedMs,
    etaMs: over ? null : step.etaMs,
    trainLoss: step.smoothLoss,
    validLoss,
    bestLoss: end?.bestLoss ?? bestLoss,
    ended: end?.reason ?? null,
  };
}

/** "epoch 2/10 · step 340/3,400 · loss 1.612 · valid 1.655 (best 1.650) · 4,932 chars/s · 1 min 9 s · 12 min left" */
export function formatStats(s: RunStats): string {
  const parts = [
    `epoch ${s.epoch}${s.epochs !== null ? `/${s.epochs}` : ''}`,
    `step ${formatCount(s.step)}/${formatCount(s.totalSteps)}`,
    `loss ${formatLoss(s.trainLoss)}`,
  ];
  if (s.validLoss !== null) parts.push(`valid ${formatLoss(s.validLoss)} (best ${formatLoss(s.bestLoss ?? s.validLoss)})`);
  parts.push(formatRate(s.charsPerSec), formatDuration(s.elapsedMs));
  if (s.etaMs !== null) parts.push(`${formatDuration(s.etaMs)} left`);
  return parts.join(' · ');
}
