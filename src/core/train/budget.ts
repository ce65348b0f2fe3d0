/**
 * A run's wall-clock budget (`--max-minutes`, charLstm.training.maxMinutes) covers everything the
 * run does: reading the text, building the n-gram, training and the validation that ends it.
 */

/**
 * Minutes left of a budget of `minutes` (0: no limit) for a run that started at `started` (ms
 * since the epoch): never under a tenth of it, so a run that took long to read its text still
 * trains a little and keeps a checkpoint.
 */
export function budgetLeft(minutes: number, started: number, now = Date.now()): number {
  if (minutes <= 0) return 0;
  return Math.max(minutes / 10, minutes - (now - started) / 60_000);
}

/**
 * How far past a budget of `budgetMs` a validation already begun may run before it is cut short
 * (the steps since the last one deserve their chance to be best): 5% of the budget, at least 2 s
 * so that one window of a large model fits, at most 30 s. ms.
 */
export function validationOverrunMs(budgetMs: number): number {
  return Math.min(30_000, Math.max(2_000, budgetMs * 0.05));
}
