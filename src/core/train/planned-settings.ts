import type { ModelConfig } from '../model/config';
import type { TrainConfig } from './config';
import type { TrainingPlan } from './plan';

/** The training settings a plan (plan.ts) picks, unless the user set them. */
export const PLANNED_SETTINGS = ['embedding', 'hidden', 'layers', 'dropout', 'seqLen', 'epochs', 'validateEvery'] as const;
export type PlannedSetting = typeof PLANNED_SETTINGS[number];

type Shape = Omit<ModelConfig, 'vocabSize'>;
const SHAPE_SETTINGS: readonly PlannedSetting[] = ['embedding', 'hidden', 'layers'];

/** Whether the user fixed any part of the shape: then the plan sizes the rest for that shape only. */
export function shapeIsFixed(fixed: readonly PlannedSetting[]): boolean {
  return fixed.some((key) => SHAPE_SETTINGS.includes(key));
}

/**
 * `model` and `config` with the plan's values, except the `fixed` settings (the user's), which
 * keep theirs. The plan also sets what is not a setting (patience).
 */
export function applyPlan(model: Shape, config: TrainConfig, plan: Pick<TrainingPlan, 'model' | 'config'>,
  fixed: readonly PlannedSetting[]): { model: Shape; config: TrainConfig } {
  const keep = new Set<string>(fixed);
  const pick = <T extends object>(mine: T, planned: Partial<T>): T => {
    const out = { ...mine };
    for (const [key, value] of Object.entries(planned)) if (!keep.has(key)) (out as Record<string, unknown>)[key] = value;
    return out;
  };
  const { batch: _batch, lr: _lr, ...plannedConfig } = plan.config;
  return { model: pick(model, { ...plan.model, cell: model.cell }), config: pick(config, plannedConfig) };
}
