/**
 * The one protocol between the extension and its training worker (a worker thread). Both sides
 * import these types; every message names the run it belongs to (`id`), so a late message from a
 * cancelled run can never be mistaken for the current one.
 */
import type { ExcludeRules } from '../core/data/corpus';
import type { ModelConfig } from '../core/model/config';
import type { TrainConfig } from '../core/train/config';
import type { EndEvent, TrainEvent } from '../core/train/events';
import type { PlannedSetting } from '../core/train/planned-settings';

export interface TrainRequest {
  /** Folders to learn from (the workspace folders). */
  folders: string[];
  /**
   * Rule sets of gitignore-style patterns to leave out, each named for the report
   * (`{ source: 'files.exclude', patterns }`, `{ source: 'charLstm.exclude', patterns }`).
   */
  exclude: ExcludeRules[];
  model: Omit<ModelConfig, 'vocabSize'>;
  config: TrainConfig;
  /**
   * Size the training to the workspace (core/train/plan.ts) after reading it: the planned
   * settings replace `model`'s and `config`'s, except the `fixed` ones (set by the user).
   */
  plan?: { fixed: readonly PlannedSetting[] };
  /** Where each new best checkpoint is saved, atomically. */
  outPath: string;
  /**
   * The model in use, to fine-tune (core/train/start-choice.ts decides, by measurement, whether
   * it is worth starting from); absent: train from scratch. `label` names it in the report.
   */
  startFrom?: { path: string; label: string };
}

/** Extension → worker. */
export type ToWorker =
  | { type: 'train'; id: number; request: TrainRequest }
  | { type: 'cancel'; id: number };

/** What the worker read and left out, beyond the counts: for the output channel's report of a run. */
export interface CorpusReport {
  /**
   * Skipped files first (secret, binary, too large…, in path order), then paths excluded by
   * rules (.gitignore, files.exclude, charLstm.exclude, pruned folders, symlinks), at most 500.
   * `path` is relative to its workspace folder ('/'-separated; folders end in '/'; prefixed by the
   * folder's name when there are several); `reason` is a phrase, e.g. "secret",
   * "too large (600 MiB > 1 MiB limit)", "excluded by sub/.gitignore".
   */
  skippedFiles: { path: string; reason: string }[];
  /** How many more skipped or excluded paths there were than `skippedFiles` lists. */
  skippedFilesMore: number;
  /** e.g. "14 paths excluded: 10 by .gitignore, 2 by files.exclude, 1 pruned folder, 1 symlink not followed"; '' if none. */
  excluded: string;
  /** Files not read as plain UTF-8, e.g. "3 files read as Windows-1252, 1 as UTF-16LE"; '' if every file was UTF-8. */
  encodings: string;
}

/** The workspace n-gram, made before the LSTM trains: the baseline its curve is measured against. */
export interface NgramReport {
  order: number;
  /** Its loss alone on the validation text, nats/char. */
  validLoss: number;
  /** Whether its node cap left out some of the text's n-grams. */
  capped: boolean;
  /** Time it took, ms. */
  ms: number;
}

/** What a planned run chose (TrainRequest.plan), and why: one sentence a reason. */
export interface PlanReport {
  model: Omit<ModelConfig, 'vocabSize'>;
  config: TrainConfig;
  reasons: string[];
}

/** What a run started from: the model in use, fine-tuned, or nothing (from scratch), and why. */
export interface StartReport {
  fineTuning: boolean;
  /** One sentence with the measurements behind the choice. */
  reason: string;
}

/** Validation nats/char of a checkpoint's parts at the same positions: what completes. */
export interface MixtureReport {
  lstm: number;
  ngram: number;
  mixture: number;
}

/** Worker → extension. */
export type FromWorker =
  | ({ type: 'corpus'; id: number; files: number; chars: number; skipped: string } & CorpusReport)
  | ({ type: 'ngram'; id: number } & NgramReport)
  | ({ type: 'plan'; id: number } & PlanReport)
  | ({ type: 'start'; id: number } & StartReport)
  | { type: 'event'; id: number; event: TrainEvent }
  | { type: 'saved'; id: number; path: string; validLoss: number; mixture: MixtureReport }
  | { type: 'finished'; id: number; reason: EndEvent['reason']; bestLoss: number | null }
  | { type: 'failed'; id: number; message: string };
