import type { CharModel } from '../model/char-model';
import { StreamBatches } from './batches';

export interface Evaluation {
  /** Mean cross-entropy in nats per predicted character. */
  loss: number;
  /** Characters predicted (the streams' tails beyond a whole window are left out). */
  chars: number;
}

/**
 * Mean next-character loss of `model` over `ids`, read as `batch` streams from a zero state,
 * carrying state from window to window as in training. Forward only.
 */
export async function evaluate(model: CharModel, ids: ArrayLike<number>, batch: number, seqLen: number,
  signal?: AbortSignal): Promise<Evaluation> {
  const shape = StreamBatches.fit(ids.length, batch, seqLen);
  if (!shape) return { loss: NaN, chars: 0 };
  const batches = new StreamBatches(ids, shape.batch, shape.seqLen);
  const { ids: idsAt, targets } = model.inputs(shape.batch, shape.seqLen);
  const state = model.scratchState(shape.batch);
  model.k.fill(shape.batch * model.stateSize, state, 0);
  let total = 0;
  for (let s = 0; s < batches.steps; s++) {
    signal?.throwIfAborted();
    batches.fill(s, model.k.heap, idsAt, targets);
    const logits = model.forward(shape.batch, shape.seqLen, state);
    total += model.loss(shape.batch, shape.seqLen, logits, false);
    model.carry(shape.batch, shape.seqLen, state);
    // Let cancellation and other work in the event loop through between windows.
    if (s % 8 === 7) await new Promise((r) => setImmediate(r));
  }
  return { loss: total / batches.steps, chars: batches.steps * shape.batch * shape.seqLen };
}
