import type { RunHistory } from '../../src/protocol/panel';
import { runStats, type RunStats } from './run-stats';

export { formatDuration, formatRate, formatCount, formatCompact, formatLoss } from './format';
export { formatStats, type RunStats } from './run-stats';

/** Training-loss points a chart gets at most: more than a chart's width in pixels, few enough to redraw per step. */
export const MAX_TRAIN_POINTS = 2000;

/** Points of one line: x = characters seen, y = loss in nats/char. */
export interface Series {
  x: number[];
  y: number[];
}

export interface LossSeries {
  /** The smoothed training loss of the step events, thinned to MAX_TRAIN_POINTS, the last kept. */
  train: Series;
  /** Every validation. */
  validation: Series;
  /** The best validation so far: the checkpoint the run keeps. */
  best: { x: number; loss: number } | null;
  /** Null before the first step. */
  stats: RunStats | null;
}

/**
 * A run's events as chart series. The training loss is the step events' smoothLoss (an average,
 * so thinning it by picking evenly spaced points loses nothing a chart can show). Points whose
 * loss is not finite (a diverged step) are left out: they have no place on a loss axis.
 */
export function lossSeries(run: Pick<RunHistory, 'events' | 'running'>, maxPoints = MAX_TRAIN_POINTS): LossSeries {
  const train: Series = { x: [], y: [] }, validation: Series = { x: [], y: [] };
  let best: LossSeries['best'] = null;
  for (const e of run.events) {
    if (e.kind === 'step' && Number.isFinite(e.smoothLoss)) {
      train.x.push(e.charsSeen);
      train.y.push(e.smoothLoss);
    } else if (e.kind === 'validation' && Number.isFinite(e.loss)) {
      validation.x.push(e.charsSeen);
      validation.y.push(e.loss);
      if (e.best) best = { x: e.charsSeen, loss: e.loss };
    }
  }
  const kept = keptIndices(train.x.length, maxPoints);
  return {
    train: { x: kept.map((i) => train.x[i]), y: kept.map((i) => train.y[i]) },
    validation,
    best,
    stats: runStats(run.events, run.running),
  };
}

/**
 * Indices of `n` points to draw at most `max` of: evenly spaced from the first, plus the last
 * (the newest step is always on the chart).
 */
export function keptIndices(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  if (max < 2) return max === 1 ? [n - 1] : [];
  // ceil((n-1)/stride) ≤ max-1 points before the last.
  const stride = Math.ceil((n - 1) / (max - 1));
  const out: number[] = [];
  for (let i = 0; i < n - 1; i += stride) out.push(i);
  out.push(n - 1);
  return out;
}
