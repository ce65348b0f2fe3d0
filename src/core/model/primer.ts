/**
 * What runs a long prime of a model faster than stepping it a character at a time: the
 * pipelined primer over worker threads (src/core/pipeline/) implements it and sets itself as
 * `CharModel.primer`; the Stepper uses it. Declared here, with the model, so that the model and
 * the stepper need nothing from the pipeline above them.
 */

/** One chunk of a prime: ids[from, from+time), time ≤ INFER_CHUNK; `snapshot`: keep the state after it. */
export interface PrimeChunk {
  ids: ArrayLike<number>;
  from: number;
  time: number;
  snapshot: boolean;
}

export interface Primed {
  /** `[vocab]` after the last chunk. */
  logits: Float32Array;
  /** After each chunk marked `snapshot`, in order: the state `[stateSize]` and logits `[vocab]`. */
  snapshots: { state: Float32Array; logits: Float32Array }[];
}

export interface Primer {
  /** The chunks read from `state` (`[stateSize]`, not written); null if the primer cannot run them now. */
  prime(chunks: PrimeChunk[], state: Float32Array): Primed | null;
  /** Stops its threads; the model's `primer` is null after. */
  close(): Promise<void>;
}
