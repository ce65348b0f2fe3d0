import type { CharModel } from '../model/char-model';
import { DynamicAdapter, DEFAULT_SEGMENT, DYNAMIC_DEFAULTS, type DynamicSettings } from './dynamic-eval';

/**
 * Dynamic evaluation of text as a person types it: the editor hands over stretches of typed
 * text, each with the recurrent state the reader had at its start, and gets back the adapted
 * weights (for inference, packed) and the state at the stretch's end to start the next one from.
 * Within a stretch the protocol is evaluateDynamic's: segments of T characters carrying the
 * state, one gradient step each, on a copy of the weights (the model given is never written).
 */

/** What the editor has learnt from, settings the bench measured (DYNAMIC_DEFAULTS.sgd, segments of 50). */
export const TYPING_SETTINGS: DynamicSettings & { segment: number } = { ...DYNAMIC_DEFAULTS.sgd, segment: DEFAULT_SEGMENT };

export interface StretchJob {
  /** The stretch's ids, n ≥ segment + 1: inputs ids[0, n-1), targets ids[1, n). */
  ids: Int32Array;
  /** `[stateSize]`: the reader's state having read the text before ids[0]. */
  state: Float32Array;
}

export interface LearnedStretch {
  /** Inputs learnt: ids[0, consumed), whole segments of T; the rest starts the next stretch. */
  consumed: number;
  /** `[stateSize]`: the state having read ids[0, consumed). */
  state: Float32Array;
  /** Steps taken: one per segment, consumed / T. */
  steps: number;
  /** Mean loss over the segments' targets before each one's step, nats/char. */
  loss: number;
  /** The adapted weights as inference reads them (`CharModel.inferenceSnapshot`), to `adoptInference`. */
  snapshot: Float32Array;
}

/** Learns stretches of typed text, in this thread or another (`ThreadedLearner`). */
export interface Learner {
  learn(job: StretchJob): Promise<LearnedStretch>;
  close(): Promise<void>;
}

/** The adapting copy and its steps; what a learner thread holds, or a test in this one. */
export class TypedTextLearner {
  readonly adapter: DynamicAdapter;

  /** `inPlace`: adapt `model` itself (a learner thread's own model) rather than a copy of it. */
  constructor(model: CharModel, readonly settings: DynamicSettings & { segment: number } = TYPING_SETTINGS, inPlace = false) {
    this.adapter = inPlace ? DynamicAdapter.inPlace(model) : new DynamicAdapter(model);
  }

  /**
   * Every whole segment of T in the stretch, one step each: segments of one length only, since
   * each new length would allocate its own work buffers (the heap only grows).
   */
  learn(job: StretchJob): LearnedStretch {
    const { adapter, settings } = this;
    const { copy } = adapter;
    const T = settings.segment;
    if (job.state.length !== copy.stateSize) throw new RangeError(`the state has ${job.state.length} floats, the model ${copy.stateSize}`);
    const steps = Math.floor((job.ids.length - 1) / T);
    if (steps < 1) throw new RangeError(`a stretch needs at least ${T + 1} ids, got ${job.ids.length}`);
    copy.k.heap.set(job.state, adapter.state);
    let total = 0;
    for (let s = 0; s < steps; s++) total += adapter.step(job.ids, s * T, T, settings);
    copy.refreshInference();
    const heap = copy.k.heap; // afresh: the passes may have grown the memory
    return {
      consumed: steps * T,
      state: Float32Array.from(heap.subarray(adapter.state, adapter.state + copy.stateSize)),
      steps,
      loss: total / steps,
      snapshot: copy.inferenceSnapshot(),
    };
  }
}

/** A Learner on this thread: each stretch is learnt before `learn` returns (what the tests compare the thread with). */
export function localLearner(model: CharModel, settings?: DynamicSettings & { segment: number }): Learner {
  const learner = new TypedTextLearner(model, settings);
  return {
    learn: async (job) => learner.learn(job),
    close: async () => undefined,
  };
}
