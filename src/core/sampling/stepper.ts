import { INFER_CHUNK, type CharModel } from '../model/char-model';

/**
 * Runs a model one stream at a time, carrying (h, c) from character to character, so that
 * continuing a text costs one step per new character. The state lives in this object (a
 * Float32Array), so any number of steppers share one model.
 *
 * Steppers run the model's inference path (`CharModel.infer`), which reads the weights as of
 * the last `refreshInference`. A Stepper made from scratch refreshes it, so make a new one after
 * changing the weights; clones, which continue an existing text, do not.
 */
export class Stepper {
  /** `[stateSize]`: every layer's h, then c. */
  readonly state: Float32Array;
  /** Logits `[vocab]` for the character after the last one fed; null before any. */
  logits: Float32Array | null = null;

  constructor(readonly model: CharModel, state?: Float32Array) {
    if (state) {
      this.state = state.slice();
    } else {
      this.state = new Float32Array(model.stateSize);
      model.refreshInference();
    }
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
    for (let at = 0; at < ids.length; at += INFER_CHUNK) {
      this.run(ids, at, Math.min(INFER_CHUNK, ids.length - at));
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
    const state = model.scratchState(1);
    model.k.heap.set(this.state, state);
    const logits = model.infer(ids, from, time, state);
    // Re-read the heap: the first inference allocates, which may grow (and detach) it.
    const heap = model.k.heap;
    this.state.set(heap.subarray(state, state + this.state.length));
    this.logits = new Float32Array(heap.subarray(logits, logits + model.config.vocabSize));
  }
}
