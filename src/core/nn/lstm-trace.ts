import type { HeapOffset, Kernels } from './kernels/kernels';
import type { LstmInference } from './lstm-inference';
import { checkBuffer } from './entry-checks';

/**
 * What the panel draws of an LSTM layer: its gates and cell at every step, where inference keeps
 * only the last cell.
 */

/**
 * `recur` that keeps every step's cell: the same step (`LstmInference.step`), hence the same
 * numbers, with each c written to its own row. gates `[time, 4*hidden]` (the input parts) are
 * left holding each step's activations (i, f, g, o), out `[time, hidden]` receives every step's h
 * and cells `[time, hidden]` every step's c. State `[h, c]` is advanced in place.
 */
export function traceLstm(lstm: LstmInference, time: number, gates: HeapOffset, state: HeapOffset,
  out: HeapOffset, cells: HeapOffset): void {
  const H = lstm.hidden, G = 4 * H;
  const where = lstm.checkSteps('trace', time, gates, state, out);
  checkBuffer(lstm.k, where, 'cells', cells, { time, hidden: H });
  if (time === 0) return;
  let h = state, c = state + H;
  for (let t = 0; t < time; t++) {
    lstm.step(h, gates + t * G, c, cells + t * H, out + t * H);
    h = out + t * H;
    c = cells + t * H;
  }
  lstm.k.copy(H, h, state);
  lstm.k.copy(H, c, state + H);
}

/** Gate activations `[time, batch, hidden]` each: input, forget, candidate, output gates, cell, hidden. */
export interface GateActivations {
  i: Float32Array;
  f: Float32Array;
  g: Float32Array;
  o: Float32Array;
  c: Float32Array;
  h: Float32Array;
}

/**
 * Copies a training forward's insides out of the heap, as float32 whatever the heap: gates
 * `[rows, 4*hidden]` (activations), c and h `[rows, hidden]`, rows = time*batch.
 */
export function copyActivations(k: Kernels, rows: number, hidden: number,
  gates: HeapOffset, c: HeapOffset, h: HeapOffset): GateActivations {
  const H = hidden, heap = k.heap;
  const out = { i: new Float32Array(rows * H), f: new Float32Array(rows * H), g: new Float32Array(rows * H),
    o: new Float32Array(rows * H), c: new Float32Array(rows * H), h: new Float32Array(rows * H) };
  for (let r = 0; r < rows; r++) {
    const row = gates + r * 4 * H;
    out.i.set(heap.subarray(row, row + H), r * H);
    out.f.set(heap.subarray(row + H, row + 2 * H), r * H);
    out.g.set(heap.subarray(row + 2 * H, row + 3 * H), r * H);
    out.o.set(heap.subarray(row + 3 * H, row + 4 * H), r * H);
  }
  out.c.set(heap.subarray(c, c + rows * H));
  out.h.set(heap.subarray(h, h + rows * H));
  return out;
}
