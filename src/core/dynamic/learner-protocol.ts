import type { ModelConfig } from '../model/config';
import type { DynamicSettings } from './dynamic-eval';
import type { LearnedStretch } from './typed-text-learner';

/** Messages between the editor's thread (`ThreadedLearner`) and a learner thread (`learner-thread.ts`). */
export type ToLearner =
  /** First: the model to copy, `weights` its parameter block `[params.count]`. */
  | { kind: 'init'; config: ModelConfig; weights: Float32Array; settings: DynamicSettings & { segment: number } }
  | { kind: 'learn'; id: number; ids: Int32Array; state: Float32Array };

export type FromLearner =
  | { kind: 'learned'; id: number; result: LearnedStretch }
  /** `id` null: the thread could not start (the model copy failed); every job fails. */
  | { kind: 'failed'; id: number | null; message: string };
