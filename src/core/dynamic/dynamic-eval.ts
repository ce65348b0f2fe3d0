import { CharModel } from '../model/char-model';
import type { Kernels } from '../nn/kernels/kernels';
import { softmax } from '../math/softmax';

/**
 * Dynamic evaluation (Krause, Kahembwe, Murray & Renals, "Dynamic Evaluation of Neural Sequence
 * Models", ICML 2018): the text is read in segments of T characters, carrying the recurrent
 * state; each segment is scored with the current weights and then one gradient step is taken on
 * it (backpropagation through that segment only, batch 1), so the weights follow the text being
 * read (new identifiers, phrasing). Every step is taken on a copy of the weights (a
 * `DynamicAdapter`): the model given is never written.
 *
 * Units: the gradient is that of the segment's MEAN loss in nats/char (what `CharModel.loss` and
 * `backward` give at batch 1, as in training), so a step of η moves the weights by η·∇(mean
 * nats/char over T characters); the same η with a T twice as long moves each character's
 * contribution half as far.
 */

/** ε of the `rms` rule by default, as a fraction of r̄. */
export const DEFAULT_RMS_EPS = 0.1;

/** Characters per segment by default: one step per this many characters read. */
export const DEFAULT_SEGMENT = 50;

/**
 * How the copy's weights move after each segment, θ₀ being the original weights and g the
 * gradient of the segment's mean loss:
 * - `sgd`: θ ← θ − η·g + λ·(θ₀ − θ)  (plain SGD with decay back to the original weights);
 * - `rms`: θ ← θ − η·g/(rms + ε) + min(λ·rms/r̄, 1)·(θ₀ − θ), Krause et al.'s "RMS with an RMS
 *   global prior": rms is each weight's root-mean-square gradient over training text
 *   (`gradientStats`) and r̄ the mean over parameter tensors of each tensor's mean rms, so weights
 *   whose gradients are usually small move further per unit of gradient, and weights that
 *   usually move a lot decay back faster.
 */
export interface DynamicSettings {
  rule?: 'sgd' | 'rms';
  /** Learning rate η. */
  eta: number;
  /** Decay towards the original weights per step, λ ≥ 0; 0 (the default) lets them drift. */
  lambda?: number;
  /** `rms` only: the training gradients' statistics (`gradientStats`), same segment length. */
  stats?: GradientStats;
  /** `rms` only: ε, in gradient units; default 0.1·r̄, which bounds the step of a weight whose
   *  training gradients were ~0 (the embedding row of a character training never had). */
  eps?: number;
}

/**
 * Settings for each rule, chosen by measurement (bench/dynamic-eval.ts, segments of 50): between
 * the best of a grid on the tuning parts of tinyshakespeare (default 2x512 model: sgd η 0.1 λ 0.001,
 * rms η 0.0006 λ 0.003) and of this project's source (model M: sgd η 0.3 λ 0.001, rms η 0.002
 * λ 0.001). On the test parts they give 1.337 (sgd) and 1.337 (rms) nats/char on tinyshakespeare
 * (tuned: 1.333, 1.310; static 1.458) and 1.268, 1.226 on the source (tuned: 1.276, 1.220; static
 * 1.507): the rms rule's best η differs 3x between the two models, so tune it per model where
 * possible. `rms` needs `stats` (gradientStats) besides.
 */
export const DYNAMIC_DEFAULTS = {
  sgd: { rule: 'sgd', eta: 0.2, lambda: 0.001 },
  rms: { rule: 'rms', eta: 0.001, lambda: 0.002 },
} as const satisfies Record<string, DynamicSettings>;

/**
 * Steps taken before the character at `at` is predicted: those on the segments of T whose
 * characters, inputs and targets, all lie before it, floor((at-1)/T): evaluateDynamic scores
 * ids[at] with the weights after this many steps.
 */
export function segmentsBefore(at: number, T: number): number {
  return at <= 0 ? 0 : Math.floor((at - 1) / T);
}

/** T for a text of `length` ids: `segment`, or the whole text less one when it is shorter, as `evaluate` fits its window. */
export function segmentFor(length: number, segment = DEFAULT_SEGMENT): number {
  const T = Math.min(segment, length - 1);
  if (!(Number.isInteger(T) && T >= 1)) throw new RangeError(`segment must be a whole number ≥ 1 (and the text 2 ids or more), got ${segment}`);
  return T;
}

/** A DynamicAdapter as it stood after `segments` steps of T (`DynamicAdapter.save`), to resume from. */
export interface DynamicCheckpoint {
  segments: number;
  segment: number;
  /** The copy's parameter block `[params.count]` and the carried state `[stateSize]`. */
  weights: Float32Array | Float64Array;
  state: Float32Array | Float64Array;
}

export interface DynamicEvalOptions extends DynamicSettings {
  /** Filled, if given: `targets[i]` = the probability given to ids[i] (before the step on its segment), for every i scored. */
  targets?: Float64Array;
  /** Characters per segment T (one step each). Default DEFAULT_SEGMENT. */
  segment?: number;
  /** A copy made before (for `model`), reused to spare the allocation; reset to `model`'s weights first. */
  adapter?: DynamicAdapter;
  /** Positions: keep a checkpoint of the adapter as it stands to predict each (segmentsBefore), for DynamicReader. */
  checkpointsAt?: readonly number[];
  signal?: AbortSignal;
}

export interface DynamicEvaluation {
  /** Mean next-character loss in nats/char, each segment scored before its step. */
  loss: number;
  /** Characters predicted: whole segments only (a tail shorter than T is left out, as `evaluate` does). */
  chars: number;
  segments: number;
  /** Each segment's mean loss (nats/char), scored before the step on it. */
  segmentLosses: Float64Array;
  /** One per distinct step count of `checkpointsAt`, fewest steps first. */
  checkpoints: DynamicCheckpoint[];
}

/** Per-weight statistics of training gradients for the `rms` rule. */
export interface GradientStats {
  /** √(mean g²) per weight, laid out as the model's parameter block (`params.count`). */
  rms: Float32Array;
  /** r̄: the mean over parameter tensors of each tensor's mean rms (Krause et al.'s normaliser). */
  meanRms: number;
  /** Segment length the gradients were taken over. */
  segment: number;
  /** Segments averaged. */
  segments: number;
}

/**
 * A copy of a model's weights that takes dynamic-evaluation steps, with its own batch-1
 * recurrent state. Built once per model (it allocates a model's worth of heap: weights,
 * gradients and work buffers, on `kernels`, by default the model's own) and `reset` between uses.
 */
export class DynamicAdapter {
  /** The copy: its weights are the adapted ones. */
  readonly copy: CharModel;
  /** `[stateSize]` on the copy's kernels: the state carried from segment to segment. */
  readonly state: number;
  /** θ₀: the source's weights as of the last `reset`. */
  private theta0: Float32Array | Float64Array;
  private prepared: { key: string; decay: Float32Array; step: Float32Array } | null = null;
  private preparedStats: GradientStats | null = null;

  constructor(readonly source: CharModel, kernels: Kernels = source.k, private readonly adaptsSource = false) {
    this.copy = adaptsSource ? source : new CharModel(kernels, source.config);
    this.state = this.copy.newState(1);
    this.theta0 = source.k.heap.slice(source.params.values, source.params.values + source.params.count);
    this.reset();
  }

  /**
   * An adapter whose copy is `model` itself, θ0 its weights now: for a model kept only to be
   * adapted (a learner thread's), sparing a second model's weights and gradients. The one
   * exception to "the model given is never written".
   */
  static inPlace(model: CharModel): DynamicAdapter {
    return new DynamicAdapter(model, model.k, true);
  }

  /** The copy's weights back to the source's (read afresh; in place, θ0) and the state to zero. */
  reset(): void {
    const { source, copy } = this;
    if (!this.adaptsSource) this.theta0 = source.k.heap.slice(source.params.values, source.params.values + source.params.count);
    copy.k.heap.set(this.theta0, copy.params.values);
    this.resetState();
  }

  resetState(): void {
    this.copy.k.fill(this.copy.stateSize, this.state, 0);
  }

  /**
   * Scores ids[from, from+time) against the next characters (ids[from+1, from+time+1) must exist)
   * from `state` with the current weights, advances `state` over them, then takes one step on the
   * segment. Returns the segment's mean loss before the step, nats/char.
   */
  step(ids: ArrayLike<number>, from: number, time: number, settings: DynamicSettings, targets?: Float64Array): number {
    const loss = this.gradient(ids, from, time, targets);
    this.update(settings);
    return loss;
  }

  /**
   * Forward, loss and backward of one segment at batch 1 from `state`, which is advanced; leaves
   * ∂(mean loss)/∂θ in the copy's gradient block. Returns the mean loss, nats/char. `targets[i]`
   * gets the probability given to ids[i], for i in (from, from+time].
   */
  gradient(ids: ArrayLike<number>, from: number, time: number, targets?: Float64Array): number {
    if (!(Number.isInteger(time) && time >= 1)) throw new RangeError(`a segment has at least one character, got ${time}`);
    if (!(Number.isInteger(from) && from >= 0 && from + time < ids.length)) {
      throw new RangeError(`segment ${from} … ${from + time} needs ids up to ${from + time} (have ${ids.length})`);
    }
    const m = this.copy;
    const at = m.inputs(1, time);
    const heap = m.k.heap;
    for (let t = 0; t < time; t++) {
      heap[at.ids + t] = ids[from + t];
      heap[at.targets + t] = ids[from + t + 1];
    }
    m.params.zeroGrads();
    const logits = m.forward(1, time, this.state);
    // Read the heap afresh: the forward pass may have grown the memory (detaching `heap`).
    if (targets) recordTargets(m.k.heap, logits, m.config.vocabSize, ids, from, time, targets);
    const loss = m.loss(1, time, logits, true);
    m.backward(1, time, logits);
    m.carry(1, time, this.state);
    return loss;
  }

  /** One update of the copy's weights from the gradient `gradient` left (see DynamicSettings). */
  update(settings: DynamicSettings): void {
    const { k, params } = this.copy;
    const n = params.count;
    const eta = settings.eta, lambda = settings.lambda ?? 0;
    if (!(eta >= 0 && lambda >= 0 && lambda <= 1)) throw new RangeError(`need η ≥ 0 and 0 ≤ λ ≤ 1, got η ${eta}, λ ${lambda}`);
    const heap = k.heap, v = params.values, g = params.grads, theta0 = this.theta0;
    if ((settings.rule ?? 'sgd') === 'sgd') {
      for (let i = 0; i < n; i++) {
        const w = heap[v + i];
        heap[v + i] = w + (lambda * (theta0[i] - w) - eta * heap[g + i]);
      }
      return;
    }
    const { decay, step } = this.prepare(settings);
    for (let i = 0; i < n; i++) {
      const w = heap[v + i];
      heap[v + i] = w + (decay[i] * (theta0[i] - w) - step[i] * heap[g + i]);
    }
  }

  /** The copy's weights and carried state now, said to be after `segments` steps of `segment` (the caller counts). */
  save(segments: number, segment: number): DynamicCheckpoint {
    const { k, params, stateSize } = this.copy;
    const heap = k.heap; // afresh: a forward pass may have grown the memory
    return { segments, segment, weights: heap.slice(params.values, params.values + params.count),
      state: heap.slice(this.state, this.state + stateSize) };
  }

  /** Back to a checkpoint `save` made on a copy of the same source (θ₀ stays the last `reset`'s). */
  restore(checkpoint: DynamicCheckpoint): void {
    const { k, params, stateSize } = this.copy;
    if (checkpoint.weights.length !== params.count || checkpoint.state.length !== stateSize) {
      throw new Error('the checkpoint is of another model');
    }
    k.heap.set(checkpoint.weights, params.values);
    k.heap.set(checkpoint.state, this.state);
  }

  /** The copy's weights now (the adapted ones), a copy of the parameter block. */
  weights(): Float32Array {
    const { k, params } = this.copy;
    return Float32Array.from(k.heap.subarray(params.values, params.values + params.count));
  }

  /**
   * Krause et al.'s per-weight factors for `rms`: decay min(λ·rms/r̄, 1) and step η/(rms + ε);
   * computed once per (η, λ, ε, stats).
   */
  private prepare(settings: DynamicSettings): { decay: Float32Array; step: Float32Array } {
    const stats = settings.stats;
    if (!stats) throw new Error('the rms rule needs gradient statistics (gradientStats)');
    if (stats.rms.length !== this.copy.params.count) throw new Error('the gradient statistics are of another model');
    const lambda = settings.lambda ?? 0;
    const eps = settings.eps ?? DEFAULT_RMS_EPS * stats.meanRms;
    const key = `${settings.eta} ${lambda} ${eps}`;
    if (this.prepared?.key === key && this.preparedStats === stats) return this.prepared;
    const n = stats.rms.length;
    const decay = new Float32Array(n), step = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      decay[i] = Math.min(lambda * stats.rms[i] / stats.meanRms, 1);
      step[i] = settings.eta / (stats.rms[i] + eps);
    }
    this.prepared = { key, decay, step };
    this.preparedStats = stats;
    return this.prepared;
  }
}

/**
 * Dynamic evaluation of `model` over `ids` (the standard protocol): segments of T characters
 * read from a zero state carrying the state, each scored (nats/char) with the weights as they are
 * before the step on it; one step per segment, on a copy. With η = 0 (and any λ) the result is
 * `evaluate(model, ids, 1, T)`'s to the bit. `model` is left untouched.
 */
export async function evaluateDynamic(model: CharModel, ids: ArrayLike<number>,
  options: DynamicEvalOptions): Promise<DynamicEvaluation> {
  const adapter = options.adapter ?? new DynamicAdapter(model);
  if (adapter.source !== model) throw new Error('the adapter was made for another model');
  if (ids.length < 2) return { loss: NaN, chars: 0, segments: 0, segmentLosses: new Float64Array(0), checkpoints: [] };
  const T = segmentFor(ids.length, options.segment);
  adapter.reset();
  const segments = Math.floor((ids.length - 1) / T);
  const segmentLosses = new Float64Array(segments);
  const keep = new Set((options.checkpointsAt ?? []).map((at) => Math.min(segmentsBefore(at, T), segments)));
  const checkpoints: DynamicCheckpoint[] = [];
  let total = 0;
  for (let s = 0; s < segments; s++) {
    options.signal?.throwIfAborted();
    if (keep.has(s)) checkpoints.push(adapter.save(s, T));
    const loss = adapter.step(ids, s * T, T, options, options.targets);
    segmentLosses[s] = loss;
    total += loss;
    if (s % 8 === 7) await new Promise((r) => setImmediate(r));
  }
  if (keep.has(segments)) checkpoints.push(adapter.save(segments, T));
  return { loss: total / segments, chars: segments * T, segments, segmentLosses, checkpoints };
}

/**
 * Root-mean-square gradients of `model` per weight over `ids` (training text), taken as dynamic
 * evaluation takes them: batch 1, segments of T carrying the state, gradient of each segment's
 * mean loss; at most `maxSegments` segments. On a copy (`adapter`, or a new one): the model is
 * not written.
 */
export async function gradientStats(model: CharModel, ids: ArrayLike<number>,
  options: { segment?: number; maxSegments?: number; adapter?: DynamicAdapter; signal?: AbortSignal } = {}): Promise<GradientStats> {
  const adapter = options.adapter ?? new DynamicAdapter(model);
  if (adapter.source !== model) throw new Error('the adapter was made for another model');
  const T = options.segment ?? DEFAULT_SEGMENT;
  const segments = Math.min(Math.floor((ids.length - 1) / T), options.maxSegments ?? Infinity);
  if (!(segments >= 1)) throw new RangeError('gradient statistics need at least one segment of text');
  adapter.reset();
  const { k, params } = adapter.copy;
  const n = params.count;
  const sum = new Float64Array(n);
  for (let s = 0; s < segments; s++) {
    options.signal?.throwIfAborted();
    adapter.gradient(ids, s * T, T);
    const heap = k.heap;
    for (let i = 0; i < n; i++) {
      const g = heap[params.grads + i];
      sum[i] += g * g;
    }
    if (s % 8 === 7) await new Promise((r) => setImmediate(r));
  }
  const rms = new Float32Array(n);
  for (let i = 0; i < n; i++) rms[i] = Math.sqrt(sum[i] / segments);
  let meanRms = 0;
  for (const p of params.list) {
    const at = p.value - params.values;
    let s = 0;
    for (let i = 0; i < p.size; i++) s += rms[at + i];
    meanRms += s / p.size;
  }
  meanRms /= params.list.length;
  adapter.reset();
  return { rms, meanRms, segment: T, segments };
}

/** targets[from+t+1] = softmax(logits row t)[ids[from+t+1]] for the segment's `time` rows of `[time, V]` logits. */
function recordTargets(heap: Float32Array | Float64Array, logits: number, V: number, ids: ArrayLike<number>, from: number,
  time: number, targets: Float64Array): void {
  for (let t = 0; t < time; t++) {
    targets[from + t + 1] = softmax(heap.subarray(logits + t * V, logits + (t + 1) * V))[ids[from + t + 1]];
  }
}
