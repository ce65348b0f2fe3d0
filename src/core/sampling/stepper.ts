import type { CharModel } from '../model/char-model';

/** Characters run per forward pass when priming: one input product per chunk, not per character. */
const PRIME_CHUNK = 128;

/**
 * Runs a model one stream at a time, carrying (h, c) from character to character, so that
 * continuing a text costs one step per new character. The state lives in this object (a
 * Float32Array), so any number of steppers share one model.
 */
export class Stepper {
  /** `[stateSize]`: every layer's h, then c. */
  readonly state: Float32Array;
  /** Logits `[vocab]` for the character after the last one fed; null before any. */
  logits: Float32Array | null = null;

  constructor(readonly model: CharModel, state?: Float32Array) {
    this.state = state ? state.slice() : new Float32Array(model.stateSize);
  }

  /** A copy that continues independently from here. */
  clone(): Stepper {
    const copy = new Stepper(this.model, this.state);
    copy.logits = this.logits?.slice() ?? null;
    return copy;
  }

  reset(): void {
    this.state.fill(0);
    this.logits = null;
  }

  /** Feeds character ids; returns the logits after the last one. */
  feed(ids: ArrayLike<number>): Float32Array | null {
    for (let at = 0; at < ids.length; at += PRIME_CHUNK) {
      const n = Math.min(PRIME_CHUNK, ids.length - at);
      this.run(ids, at, n);
    }
    return this.logits;
  }

  /** Feeds one character id; returns the logits for the next. */
  step(id: number): Float32Array {
    this.run([id], 0, 1);
    return this.logits as Float32Array;
  }

  private run(ids: ArrayLike<number>, from: number, time: number): void {
    const { model } = this;
    const k = model.k;
    const state = model.scratchState(1);
    const { ids: idsAt } = model.inputs(1, time);
    let heap = k.heap;
    heap.set(this.state, state);
    for (let t = 0; t < time; t++) heap[idsAt + t] = ids[from + t];
    const logits = model.forward(1, time, state);
    model.carry(1, time, state);
    heap = k.heap;
    const V = model.config.vocabSize;
    this.state.set(heap.subarray(state, state + this.state.length));
    this.logits = Float32Array.from(heap.subarray(logits + (time - 1) * V, logits + time * V));
  }
}
