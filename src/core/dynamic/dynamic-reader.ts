import { LstmPredictor } from '../eval/lstm-predictor';
import type { CharPredictor } from '../eval/predictor';
import type { CharModel } from '../model/char-model';
import { Stepper } from '../sampling/stepper';
import {
  DynamicAdapter, segmentFor, segmentsBefore, type DynamicCheckpoint, type DynamicSettings,
} from './dynamic-eval';

/**
 * The dynamically evaluated LSTM as a CharPredictor anywhere in a held-out text `ids`, for the
 * completion metrics (`start` is their factory):
 *
 * - at position p its weights are exactly those evaluateDynamic has reached on ids[0, p): one
 *   step on each segment of T whose characters all lie before p (segmentsBefore);
 * - the predictor `start` gives reads the context with those weights, then goes on adapting as
 *   it reads the text on, one step each time a segment is complete (so ids[p] is read, and the
 *   next character predicted, with the weights of p+1, as in evaluateDynamic);
 * - its clones (a ghost text's rollout) never adapt: they read with the weights as they are. A
 *   rollout is therefore valid until the weights next change, which `revision` tells
 *   (MetricsOptions.revision: the completion metrics then roll out afresh).
 *
 * One copy of the weights (a DynamicAdapter, on the model's heap) serves every predictor, so
 * only the last one started may be stepped on. Positions asked for in increasing order are
 * cheapest: the copy only steps on. Else it starts again from the latest checkpoint before
 * (evaluateDynamic's `checkpointsAt`, which spares the steps between slices too) or from the
 * original weights. The model given is never written.
 */
export class DynamicReader {
  readonly adapter: DynamicAdapter;
  /** Characters per segment, as evaluateDynamic fits it to `ids`. */
  readonly T: number;
  /** Steps the copy has taken: on segments 0 … taken-1. */
  private taken = 0;
  /** Counts the changes of the copy's weights. */
  private changes = 0;
  private readonly checkpoints: DynamicCheckpoint[];

  constructor(model: CharModel, readonly ids: ArrayLike<number>, readonly settings: DynamicSettings & { segment?: number },
    options: { adapter?: DynamicAdapter; checkpoints?: readonly DynamicCheckpoint[] } = {}) {
    this.adapter = options.adapter ?? new DynamicAdapter(model);
    if (this.adapter.source !== model) throw new Error('the adapter was made for another model');
    this.T = segmentFor(ids.length, settings.segment);
    this.checkpoints = [...(options.checkpoints ?? [])].sort((a, b) => a.segments - b.segments);
    if (this.checkpoints.some((c) => c.segment !== this.T)) throw new Error(`the checkpoints are of segments other than ${this.T}`);
    this.adapter.reset();
  }

  /** A predictor at `at` that has read `context` (≥ 1 id, those just before `at`) with the weights of `at`. */
  readonly start = (context: ArrayLike<number>, at: number): CharPredictor => {
    if (context.length === 0) throw new RangeError('the LSTM needs at least one character of context');
    this.adaptTo(segmentsBefore(at, this.T));
    const stepper = new Stepper(this.adapter.copy); // made from scratch: reads the weights as they are now
    stepper.feed(context);
    return new AdaptingPredictor(this, stepper, at);
  };

  /** Changes whenever the weights do: what clones computed before is stale. */
  readonly revision = (): number => this.changes;

  /** Brings the copy's weights (and carried state) to those after `k` steps. */
  adaptTo(k: number): void {
    if (k === this.taken) return;
    const { adapter, ids, T } = this;
    let c: DynamicCheckpoint | undefined;
    for (const x of this.checkpoints) if (x.segments <= k) c = x;
    const from = this.taken < k ? Math.max(this.taken, c?.segments ?? 0) : c?.segments ?? 0;
    if (from !== this.taken) {
      if (c && c.segments === from) adapter.restore(c);
      else adapter.reset();
      this.taken = from;
    }
    for (; this.taken < k; this.taken++) adapter.step(ids, this.taken * T, T, this.settings);
    // Batch-1 inference reads packed weights: repack them (Stepper's note).
    adapter.copy.refreshInference();
    this.changes++;
  }
}

/** Reads `ids` from `pos` on through `owner`'s copy, stepping it as segments complete. */
class AdaptingPredictor implements CharPredictor {
  readonly vocabSize: number;

  constructor(private readonly owner: DynamicReader, private readonly stepper: Stepper, private pos: number) {
    this.vocabSize = stepper.model.config.vocabSize;
  }

  scores(): Float32Array {
    return this.stepper.logits as Float32Array;
  }

  /** Reads the text's next id (only that: a guess would be learnt from). */
  step(id: number): void {
    const { ids, T } = this.owner;
    if (id !== ids[this.pos]) throw new Error(`the text has ${ids[this.pos]} at ${this.pos}, not ${id}: only clones read guesses`);
    this.owner.adaptTo(segmentsBefore(this.pos + 1, T));
    this.stepper.step(id);
    this.pos++;
  }

  /** Reads on with the weights as they are, never stepping them. */
  clone(): LstmPredictor {
    return LstmPredictor.reading(this.stepper.clone());
  }
}
