/**
 * The one protocol between the extension and its training worker (a worker thread). Both sides
 * import these types; every message names the run it belongs to (`id`), so a late message from a
 * cancelled run can never be mistaken for the current one.
 */
import type { ModelConfig } from '../core/model/config';
import type { TrainConfig } from '../core/train/config';
import type { EndEvent, TrainEvent } from '../core/train/events';

export interface TrainRequest {
  /** Folders to learn from (the workspace folders). */
  folders: string[];
  /** gitignore-style patterns to leave out (the editor's files.exclude). */
  exclude: string[];
  model: Omit<ModelConfig, 'vocabSize'>;
  config: TrainConfig;
  /** Where each new best checkpoint is saved, atomically. */
  outPath: string;
}

/** Extension → worker. */
export type ToWorker =
  | { type: 'train'; id: number; request: TrainRequest }
  | { type: 'cancel'; id: number };

/** Worker → extension. */
export type FromWorker =
  | { type: 'corpus'; id: number; files: number; chars: number; skipped: string }
  | { type: 'event'; id: number; event: TrainEvent }
  | { type: 'saved'; id: number; path: string; validLoss: number }
  | { type: 'finished'; id: number; reason: EndEvent['reason']; bestLoss: number | null }
  | { type: 'failed'; id: number; message: string };
