/** How to train. Defaults suit a workspace of a few megabytes on a laptop CPU. */
export interface TrainConfig {
  /** Parallel streams per step. */
  batch: number;
  /** Characters per stream per step: the truncated-BPTT window. */
  seqLen: number;
  /** Adam learning rate. */
  lr: number;
  /** Passes over the training text (a time limit may end training first). */
  epochs: number;
  /** Wall-clock budget in minutes; 0 means none. */
  maxMinutes: number;
  /** Seed for initialisation, dropout and samples. */
  seed: number;
  /** Global gradient-norm clip (Pascanu et al., 2013); 0 means none. */
  clip: number;
  /**
   * Threads that share each batch's streams (data parallelism over worker threads, WebAssembly
   * kernels only); 0 means one per core.
   */
  threads: number;
  /** Validate every this many steps; 0 means once per epoch. */
  validateEvery: number;
  /** Stop after this many validations without a new best; 0 means never. */
  patience: number;
  /**
   * The learning rate is multiplied by this after each validation without a new best (Keras'
   * ReduceLROnPlateau); 1 keeps it constant. Late small steps settle into a lower loss.
   */
  lrDecay: number;
  /** Stop after this many steps; 0 means the epochs decide. */
  maxSteps: number;
  /**
   * How the learning rate moves: 'plateau' multiplies it by `lrDecay` after each validation
   * without a new best; 'cosine' follows half a cosine from `lr` down to a twentieth of it over
   * the run's steps (Loshchilov & Hutter, 2017), a function of the step alone, so a resumed run
   * continues it exactly.
   */
  schedule: 'plateau' | 'cosine';
  /** Validation uses at most this many characters from the start of the held-out text. */
  maxValidChars: number;
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  batch: 32,
  seqLen: 100,
  lr: 2e-3,
  epochs: 10,
  maxMinutes: 0,
  seed: 1,
  clip: 5,
  threads: 0,
  validateEvery: 250,
  patience: 4,
  lrDecay: 0.5,
  maxValidChars: 250_000,
  maxSteps: 0,
  schedule: 'plateau',
};
