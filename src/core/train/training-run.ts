import type { CharModel } from '../model/char-model';
import type { WorkspaceMixture } from '../mix/workspace-mixture';
import { budgetLeft } from './budget';
import { train, TrainError, type CheckpointInfo, type TrainOptions, type TrainResult } from './trainer';
import { corpusMixtureBasis, fitWorkspaceMixture } from './workspace-mixture-fit';

/** The text a run trains on and the held-out text it validates on. */
export interface RunTexts {
  train: string;
  valid: string;
}

/** The n-gram a run built before training, as a report says it. */
export interface BuiltNgram {
  order: number;
  /** Its loss alone on the validation text, nats/char. */
  validLoss: number;
  /** Whether its node cap left out some of the text's n-grams. */
  capped: boolean;
  /** Time it took, ms. */
  ms: number;
}

/** What to train and with which settings. */
export type RunSettings = Pick<TrainOptions, 'model' | 'config'>;

export interface TrainingRunOptions extends RunSettings,
  Pick<TrainOptions, 'kernels' | 'vocab' | 'signal' | 'onEvent' | 'resumeFrom' | 'onCheckpoint'> {
  /** The run lets go of them once the trainer has encoded them: a caller lets go of its own too. */
  texts: RunTexts;
  /** Where each file starts in train + valid, UTF-16 units: the document cache forgets there. */
  documentStarts: readonly number[];
  /** Build the n-gram first and save a mixture with each checkpoint; false: the LSTM alone. */
  mixture: boolean;
  /**
   * When the run began, ms since the epoch: the budget (`config.maxMinutes`) counts from there,
   * so reading the text, the n-gram and `size` come out of it.
   */
  started: number;
  onNgram?: (ngram: BuiltNgram) => void;
  /**
   * Once the n-gram is built: the model and settings to train instead of `model` and `config`
   * (sized to the text and this machine). `validChars`: the validation characters scored.
   */
  size?: (texts: RunTexts, validChars: number) => Promise<RunSettings>;
  /** Whether a new best is saved; default every one (the CLI keeps a better model already at --out). */
  keep?: (checkpoint: CheckpointInfo) => boolean;
  /**
   * Saves a new best, with the mixture fitted to it (undefined without `mixture`); awaited, so
   * training waits for the write and ends on its error.
   */
  save: (model: CharModel, checkpoint: CheckpointInfo, mixture: WorkspaceMixture | undefined) => Promise<void>;
}

/**
 * One training run, as the CLI and the editor's worker make it: the n-gram of the text, then the
 * trainer, fitting the mixture to each best checkpoint and handing the model to `save`. Null when
 * `signal` stopped it before the trainer began (nothing saved); the trainer's result otherwise.
 */
export function runTraining({ texts, ...options }: TrainingRunOptions): Promise<TrainResult | null> {
  // The texts in a box the run empties once the trainer has encoded them: the frame of an async
  // function holds its parameters to the end, and with them a large corpus's text.
  return run(options, { texts });
}

async function run(options: Omit<TrainingRunOptions, 'texts'>, held: { texts: RunTexts | null }): Promise<TrainResult | null> {
  const { vocab, signal } = options;
  let basis: Awaited<ReturnType<typeof corpusMixtureBasis>> | null = null;
  let settings: RunSettings = options;
  try {
    if (options.mixture) {
      const started = Date.now();
      basis = await corpusMixtureBasis(vocab, held.texts!, options.documentStarts, options.config.maxValidChars, {}, signal);
      options.onNgram?.({ order: basis.order, validLoss: basis.ngramValidLoss, capped: basis.capped, ms: Date.now() - started });
    }
    if (signal?.aborted) return null;
    if (options.size) {
      const texts = held.texts!;
      settings = await options.size(texts, basis?.targets.bucket.length ?? Math.min(texts.valid.length, options.config.maxValidChars));
    }
  } catch (e) {
    if (signal?.aborted) return null;
    throw e;
  }
  if (signal?.aborted) return null;
  const { model, config } = settings;
  const training = train({
    kernels: options.kernels, vocab, ...held.texts!, model, signal, keepTargetProbs: basis !== null,
    config: { ...config, maxMinutes: budgetLeft(config.maxMinutes, options.started) },
    resumeFrom: options.resumeFrom, onCheckpoint: options.onCheckpoint, onEvent: options.onEvent,
    onBest: async (best, checkpoint) => {
      if (options.keep && !options.keep(checkpoint)) return;
      const mixture = basis ? fitWorkspaceMixture(basis, checkpoint.targetProbs as Float64Array) : undefined;
      await options.save(best, checkpoint, mixture);
    },
  });
  held.texts = null;
  return training;
}

/**
 * Refuses texts too short to train on: the training text and the held-out one need two
 * characters (code points) each, one read and one predicted. `chars`: the text's characters, for
 * the message.
 */
export function refuseTooLittleText(texts: RunTexts, chars: number): void {
  // Two code points lie within the first four UTF-16 units: no array of a whole text.
  const short = (text: string) => [...text.slice(0, 4)].length < 2;
  if (short(texts.train) || short(texts.valid)) {
    throw new TrainError(`too little text to train on (${chars} characters): the training text and the held-out `
      + 'validation text need 2 characters each');
  }
}
