import { INFER_CHUNK, type CharModel } from '../model/char-model';
import type { PrimeChunk } from '../model/primer';

/**
 * Runs a model one stream at a time, carrying (h, c) from character to character, so that
 * continuing a text costs one step per new character. The state lives in this object (a
 * Float32Array), so any number of steppers share one model.
 *
 * Steppers run the model's inference path (`CharModel.infer`), which reads the weights as of
 * the last `refreshInference`. A Stepper made from scratch refreshes it, so make a new one after
 * changing the weights; clones, which continue an existing text, do not. When the model has a
 * pipelined primer (`model.primer`), long feeds run on several threads, with the same results.
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
    if (!this.feedPipelined([ids], false)) this.feedHere(ids);
    return this.logits;
  }

  /**
   * Feeds `pieces` one after another, as `feed` on each would (the same chunks, so the same
   * numbers), and returns a copy of the stepper after each piece. One call lets a pipelined
   * primer overlap the pieces, where separate feeds would each start and drain the pipeline.
   */
  feedPieces(pieces: ArrayLike<number>[]): Stepper[] {
    const after = this.feedPipelined(pieces, true);
    if (after) return after;
    return pieces.map((ids) => {
      this.feed(ids);
      return this.clone();
    });
  }

  /** Feeds one character id; returns the logits for the next. */
  step(id: number): Float32Array {
    this.run([id], 0, 1);
    return this.logits as Float32Array;
  }

  /** On this thread, INFER_CHUNK characters per `infer`. */
  private feedHere(ids: ArrayLike<number>): void {
    for (let at = 0; at < ids.length; at += INFER_CHUNK) {
      this.run(ids, at, Math.min(INFER_CHUNK, ids.length - at));
    }
  }

  /**
   * The pieces through the model's primer, chunked as `feed` chunks each; with `copies`, a
   * stepper after each piece. Null (nothing fed) when there is no primer, the text is too short
   * for it, or it is not available.
   */
  private feedPipelined(pieces: ArrayLike<number>[], copies: boolean): Stepper[] | null {
    const primer = this.model.primer;
    if (!primer) return null;
    const chunks: PrimeChunk[] = [];
    for (const ids of pieces) {
      for (let at = 0; at < ids.length; at += INFER_CHUNK) {
        const time = Math.min(INFER_CHUNK, ids.length - at);
        chunks.push({ ids, from: at, time, snapshot: copies && at + time === ids.length });
      }
    }
    // An empty piece leaves the stepper as it was after the piece before (or at the start).
    let last: Stepper | null = copies && pieces.some((ids) => ids.length === 0) ? this.clone() : null;
    const primed = primer.prime(chunks, this.state);
    if (!primed) return null;
    this.logits = primed.logits;
    if (!copies) return [];
    let snapshot = 0;
    return pieces.map((ids) => {
      if (ids.length === 0) return (last as Stepper).clone();
      const { state, logits } = primed.snapshots[snapshot++];
      last = new Stepper(this.model, state);
      last.logits = logits;
      return last;
    });
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
