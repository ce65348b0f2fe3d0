import type { CharModel } from '../model/char-model';
import { StreamBatches } from '../data/batches';

export interface FullEvaluation {
  /** Mean cross-entropy in nats per character scored. */
  loss: number;
  /** Characters scored: ids.length - 1, or 0 for a text shorter than 2. */
  chars: number;
}

/**
 * Mean next-character loss of `model` over every character of `ids` after the first (the first
 * has nothing before it to be predicted from): `chars` is ids.length - 1 whenever ids.length ≥ 2.
 *
 * The text is read as training's `evaluate` reads it, `batch` streams of whole `seqLen` windows
 * from a zero state, carrying state from window to window, so those positions get the same
 * numbers; then what `evaluate` leaves out: each stream's tail shorter than a window (one more
 * window of that length), and the last (ids.length - 1) mod batch characters, which the last
 * stream reads on into as one stream. With `targetProbs` (length ids.length), writes the
 * probability the model gave each character, `targetProbs[i]` for `ids[i]`, i ≥ 1.
 *
 * `eval` measures with this; training validates with `evaluate`, whose loss stays comparable
 * from run to run without the tails.
 */
export async function evaluateEvery(model: CharModel, ids: ArrayLike<number>, batch: number, seqLen: number,
  targetProbs?: Float64Array): Promise<FullEvaluation> {
  const shape = StreamBatches.fit(ids.length, batch, seqLen);
  if (!shape) return { loss: NaN, chars: 0 };
  const B = shape.batch, T = shape.seqLen;
  // As StreamBatches: stream b reads ids[b*L, (b+1)*L] and predicts positions b*L+1 … (b+1)*L.
  const L = Math.floor((ids.length - 1) / B);
  const steps = Math.floor(L / T);
  const state = model.scratchState(B);
  model.k.fill(B * model.stateSize, state, 0);
  let nats = 0, chars = 0;
  const read = (starts: number[], time: number, at: number): void => {
    nats += scoreWindow(model, ids, starts, time, at, targetProbs) * starts.length * time;
    chars += starts.length * time;
  };
  const streams = Array.from({ length: B }, (_, b) => b * L);
  for (let s = 0; s < steps; s++) {
    read(streams.map((start) => start + s * T), T, state);
    // Let other work in the event loop through between windows.
    if (s % 8 === 7) await new Promise((r) => setImmediate(r));
  }
  const tail = L - steps * T;
  if (tail > 0) read(streams.map((start) => start + steps * T), tail, state);
  // Fewer than B characters after the last stream's end: that stream reads on into them.
  const rest = ids.length - 1 - B * L;
  if (rest > 0) {
    const one = model.scratchState(1);
    copyStream(model, state, B, B - 1, one);
    read([B * L], rest, one);
  }
  return { loss: nats / chars, chars };
}

/**
 * One forward of `starts.length` streams over `time` characters, stream j reading
 * ids[starts[j], starts[j] + time) and predicting the character after each; carries `state`
 * on. Returns the window's mean loss in nats/char.
 */
function scoreWindow(model: CharModel, ids: ArrayLike<number>, starts: number[], time: number, state: number,
  targetProbs: Float64Array | undefined): number {
  const batch = starts.length;
  const { ids: idsAt, targets } = model.inputs(batch, time);
  const heap = model.k.heap;
  // Time-major [time, batch], as the model reads them.
  for (let t = 0; t < time; t++) {
    for (let j = 0; j < batch; j++) {
      heap[idsAt + t * batch + j] = ids[starts[j] + t];
      heap[targets + t * batch + j] = ids[starts[j] + t + 1];
    }
  }
  const logits = model.forward(batch, time, state);
  if (targetProbs) recordTargetProbs(model, logits, ids, starts, time, targetProbs);
  const loss = model.loss(batch, time, logits, false);
  model.carry(batch, time, state);
  return loss;
}

/** Softmax probability of each predicted character, from logits `[time, batch, V]`. */
function recordTargetProbs(model: CharModel, logits: number, ids: ArrayLike<number>, starts: number[], time: number,
  out: Float64Array): void {
  const heap = model.k.heap, V = model.config.vocabSize, batch = starts.length;
  for (let t = 0; t < time; t++) {
    for (let j = 0; j < batch; j++) {
      const row = logits + (t * batch + j) * V;
      const at = starts[j] + t + 1;
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, heap[row + v]);
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(heap[row + v] - max);
      out[at] = Math.exp(heap[row + ids[at]] - max) / sum;
    }
  }
}

/**
 * Copies stream `b` of a `batch`-stream state into the one-stream state at `to`. Each layer's
 * state is `[stateSize/hidden][batch, hidden]` (CharModel's layout).
 */
function copyStream(model: CharModel, from: number, batch: number, b: number, to: number): void {
  let src = from, dst = to;
  for (const layer of model.layers) {
    for (let part = 0; part < layer.stateSize / layer.hidden; part++) {
      model.k.copy(layer.hidden, src + (part * batch + b) * layer.hidden, dst + part * layer.hidden);
    }
    src += batch * layer.stateSize;
    dst += layer.stateSize;
  }
}
