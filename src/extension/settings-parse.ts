/**
 * The extension's settings (`charLstm.*`), parsed from raw configuration values into one typed
 * object. No vscode import: the parsing rules are unit-tested in plain Node. A value of the wrong
 * type or out of range falls back to the default, so a typo in settings.json never breaks typing.
 */
import type { Strategy } from '../core/sampling/strategy';
import type { ModelConfig } from '../core/model/config';
import { DEFAULT_MODEL_CONFIG } from '../core/model/config';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../core/train/config';
import { PLANNED_SETTINGS, type PlannedSetting } from '../core/train/planned-settings';

export interface Settings {
  enabled: boolean;
  /** Language ids to complete in; empty means all. */
  languages: string[];
  strategy: Strategy;
  maxChars: number;
  stopAtEndOfLine: boolean;
  /** Milliseconds to wait after a keystroke before computing a completion. */
  debounceMs: number;
  /** Whether the weights follow what is typed (dynamic evaluation, TypingAdaptation). */
  adaptToTyping: boolean;
  /**
   * `planned`: whether a run sizes the training to the workspace (core/train/plan.ts); `fixed`:
   * the sized settings the user set, which the plan leaves as they are.
   */
  training: { model: Omit<ModelConfig, 'vocabSize'>; config: TrainConfig; planned: boolean; fixed: PlannedSetting[];
    /** `charLstm.training.startFrom`: fine-tune the model in use (if it measures worth it), or always start anew. */
    startFrom: 'activeModel' | 'scratch' };
  /** `.gitignore` patterns training never reads (`charLstm.exclude`), besides `files.exclude`. */
  exclude: string[];
}

/** Reads one raw setting by its key below `charLstm.`. */
export type RawSettings = (key: string) => unknown;

/** Training defaults for the editor: a workspace should train in minutes, not hours. */
const EDITOR_TRAINING = { maxMinutes: 10, epochs: 20 };

/**
 * `isSet(key)`: whether the user set the value (in VS Code `get` also returns the defaults);
 * by default, whether `raw` gives one.
 */
export function parseSettings(raw: RawSettings, isSet: (key: string) => boolean = (key) => raw(key) !== undefined): Settings {
  const num = (key: string, fallback: number, min: number, max: number, integer = false) => {
    const v = raw(key);
    return typeof v === 'number' && Number.isFinite(v) && v >= min && v <= max && (!integer || Number.isInteger(v)) ? v : fallback;
  };
  const bool = (key: string, fallback: boolean) => (typeof raw(key) === 'boolean' ? (raw(key) as boolean) : fallback);
  const temperature = num('sampling.temperature', 0.8, 1e-3, 10);
  const kind = raw('sampling.strategy');
  const strategy: Strategy =
    kind === 'greedy' ? { kind: 'greedy' }
      : kind === 'topk' ? { kind: 'topk', k: num('sampling.k', 5, 1, 1000, true), temperature }
        : kind === 'topp' ? { kind: 'topp', p: num('sampling.p', 0.9, 1e-3, 1), temperature }
          : kind === 'temperature' ? { kind: 'temperature', temperature }
            : { kind: 'greedy' };
  const strings = (key: string) => {
    const v = raw(key);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [];
  };
  const t = DEFAULT_TRAIN_CONFIG, m = DEFAULT_MODEL_CONFIG;
  const settings: Settings = {
    enabled: bool('enabled', true),
    languages: strings('languages'),
    strategy,
    maxChars: num('completion.maxChars', 40, 1, 500, true),
    stopAtEndOfLine: bool('completion.stopAtEndOfLine', true),
    debounceMs: num('completion.debounceMs', 75, 0, 2000, true),
    adaptToTyping: bool('completion.adaptToTyping', true),
    training: {
      model: {
        cell: raw('training.cell') === 'rnn' ? 'rnn' : 'lstm',
        embedding: num('training.embedding', m.embedding, 1, 4096, true),
        hidden: num('training.hidden', m.hidden, 1, 4096, true),
        layers: num('training.layers', m.layers, 1, 8, true),
        dropout: num('training.dropout', m.dropout, 0, 0.95),
      },
      config: {
        ...t,
        batch: num('training.batch', t.batch, 1, 1024, true),
        seqLen: num('training.seqLen', t.seqLen, 2, 10000, true),
        lr: num('training.lr', t.lr, 1e-6, 1),
        epochs: num('training.epochs', EDITOR_TRAINING.epochs, 1, 10000, true),
        maxMinutes: num('training.maxMinutes', EDITOR_TRAINING.maxMinutes, 0, 24 * 60),
        validateEvery: num('training.validateEvery', t.validateEvery, 0, 1e6, true),
        seed: num('training.seed', t.seed, 0, 2 ** 32, true),
        threads: num('training.threads', t.threads, 0, 64, true),
      },
      planned: bool('training.sizeToWorkspace', true),
      startFrom: raw('training.startFrom') === 'scratch' ? 'scratch' : 'activeModel',
      fixed: [],
    },
    exclude: strings('exclude'),
  };
  // Set by the user, and valid (an invalid value fell back to the default, which a plan may replace).
  const chosen: Record<string, unknown> = { ...settings.training.model, ...settings.training.config };
  settings.training.fixed = PLANNED_SETTINGS.filter((key) => isSet(`training.${key}`) && raw(`training.${key}`) === chosen[key]);
  return settings;
}
