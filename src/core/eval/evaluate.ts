import type { CharModel } from '../model/char-model';
import { StreamBatches } from '../data/batches';

export interface Evaluation {
  /** Mean cross-entropy in nats per predicted character. */
  loss: number;
  /** Characters predicted (the streams' tails beyond a whole window are left out). */
  chars: number;
}

/** An Evaluation by windows, as `evaluate` makes it. */
export interface WindowedEvaluation extends Evaluation {
  /** Mean loss of each window evaluated (all streams' step s), in order: a shortened run has fewer. */
  windowLosses: Float64Array;
  /** Windows the whole text has; more than windowLosses.length when `deadline` cut it short. */
  windows: number;
}

/**
 * Mean next-character loss of `model` over `ids`, read as `batch` streams from a zero state,
 * carrying state from window to window as in training. Forward only. With `targetProbs`
 * (length ids.length), also writes the probability the model gave each character it predicted,
 * `targetProbs[i]` for `ids[i]`; positions it did not predict are left as they were.
 * With `deadline` (ms since the epoch), no window is begun after it but the first: the loss is then
 * that of the first windows of every stream, a sample spread over the whole text.
 */
export async function evaluate(model: CharModel, ids: ArrayLike<number>, batch: number, seqLen: number,
  signal?: AbortSignal, targetProbs?: Float64Array, deadline = Infinity): Promise<WindowedEvaluation> {
  const shape = StreamBatches.fit(ids.length, batch, seqLen);
  if (!shape) return { loss: NaN, chars: 0, windowLosses: new Float64Array(0), windows: 0 };
  const batches = new StreamBatches(ids, shape.batch, shape.seqLen);
  const { ids: idsAt, targets } = model.inputs(shape.batch, shape.seqLen);
  const state = model.scratchState(shape.batch);
  model.k.fill(shape.batch * model.stateSize, state, 0);
  let total = 0, done = 0;
  const windowLosses = new Float64Array(batches.steps);
  for (let s = 0; s < batches.steps; s++, done++) {
    signal?.throwIfAborted();
    if (s > 0 && Date.now() >= deadline) break;
    batches.fill(s, model.k.heap, idsAt, targets);
    const logits = model.forward(shape.batch, shape.seqLen, state);
    if (targetProbs) recordTargetProbs(model, batches, s, logits, ids, targetProbs);
    windowLosses[s] = model.loss(shape.batch, shape.seqLen, logits, false);
    total += windowLosses[s];
    model.carry(shape.batch, shape.seqLen, state);
    // Let cancellation and other work in the event loop through between windows.
    if (s % 8 === 7) await new Promise((r) => setImmediate(r));
  }
  return { loss: total / done, chars: done * shape.batch * shape.seqLen, windowLosses: windowLosses.subarray(0, done), windows: batches.steps };
}

/**
 * Step `s`'s probabilities of the characters that came: its logits are `[seqLen, batch, V]`
 * (time-major, as StreamBatches fills the ids), row (t, b) predicting the character at
 * b*streamLength + s*seqLen + t + 1.
 */
function recordTargetProbs(model: CharModel, batches: StreamBatches, s: number, logits: number,
  ids: ArrayLike<number>, out: Float64Array): void {
  const heap = model.k.heap, V = model.config.vocabSize, { batch, seqLen, streamLength } = batches;
  for (let t = 0; t < seqLen; t++) {
    for (let b = 0; b < batch; b++) {
      const row = logits + (t * batch + b) * V;
      const at = b * streamLength + s * seqLen + t + 1;
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, heap[row + v]);
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(heap[row + v] - max);
      out[at] = Math.exp(heap[row + ids[at]] - max) / sum;
    }
  }
}
