import { quantizedSize, type HeapLength, type HeapOffset, type Kernels } from './kernels/kernels';
import type { Param } from './parameters';
import { checkBuffer, checkCount } from './entry-checks';

/**
 * Batch-1 inference of one LSTM layer (`LstmLayer`'s weights, gate order i, f, g, o): what the
 * editor runs as the user types, and what priming and the panel's trace run.
 *
 *   project  x `[rows, input]`                  → gates `[rows, 4*hidden]` = x·wIh + b
 *   recur    gates `[time, 4*hidden]` (input part), state `[h, c]` `[2, hidden]`
 *            → out `[time, hidden]` (every step's h), state advanced in place
 *   step     one step of `recur`; `trace` (lstm-trace.ts) runs the same step
 *
 * The recurrent product streams a packed copy of wHh (`matvecQuantized`: 16-bit weights, a scale
 * per column, half the bytes of float weights), made by `pack` and remade after the weights
 * change. Memory: quantizedSize(input, 4*hidden) + quantizedSize(hidden, 4*hidden) floats, about
 * 2*hidden*(input+hidden) + 8*hidden. Before the first `pack` every method throws.
 */
export class LstmInference {
  /** `matvecQuantized` layout of wIh and wHh, -1 before the first `pack`. */
  private packedWIh: HeapOffset = -1; // quantizedSize(input, 4*hidden)
  private packedWHh: HeapOffset = -1; // quantizedSize(hidden, 4*hidden)

  /** `label` names the layer in errors, e.g. 'LSTM layer0'. */
  constructor(readonly k: Kernels, private readonly label: string, private readonly wIh: Param,
    private readonly wHh: Param, private readonly b: Param, readonly inputSize: number, readonly hidden: number) {}

  /** (Re)makes the packed copies of wIh and wHh from the weights as they are now. */
  pack(): void {
    const { k, hidden: H, inputSize: I } = this;
    if (this.packedWHh < 0) {
      this.packedWIh = k.alloc(quantizedSize(I, 4 * H));
      this.packedWHh = k.alloc(quantizedSize(H, 4 * H));
    }
    k.packQuantized(I, 4 * H, this.wIh.value, this.packedWIh);
    k.packQuantized(H, 4 * H, this.wHh.value, this.packedWHh);
  }

  /** Whether `pack` has run. */
  get packed(): boolean {
    return this.packedWHh >= 0;
  }

  /** The heap blocks `[offset, floats]` `pack` writes (none before its first call). */
  packedBlocks(): [HeapOffset, HeapLength][] {
    if (!this.packed) return [];
    const { inputSize: I, hidden: H } = this;
    return [[this.packedWIh, quantizedSize(I, 4 * H)], [this.packedWHh, quantizedSize(H, 4 * H)]];
  }

  /**
   * out `[rows, 4*hidden]` = input `[rows, inputSize]`·wIh + b: the input part of the gates, as
   * the training forward makes it, for any rows (a priming chunk, an embedding table).
   */
  project(rows: number, input: HeapOffset, out: HeapOffset): void {
    const { k, inputSize: I } = this;
    const G = 4 * this.hidden;
    const where = this.checkPacked('project');
    checkCount(where, 'rows', rows, 0);
    checkBuffer(k, where, 'input', input, { rows, input: I });
    checkBuffer(k, where, 'out', out, { rows, '4*hidden': G });
    if (rows >= 4) {
      k.broadcastRows(rows, G, this.b.value, out);
      k.matmul(rows, G, I, input, this.wIh.value, out, true);
      return;
    }
    // A step or two: the packed copy streams faster than the product's thin-matrix path.
    for (let r = 0; r < rows; r++) {
      k.copy(G, this.b.value, out + r * G);
      k.matvecQuantized(G, I, input + r * I, this.packedWIh, out + r * G, true);
    }
  }

  /**
   * Runs `time` steps of one stream: gates `[time, 4*hidden]` hold the input parts (`project`, or
   * rows of a lookup table) and are overwritten with the activations; state `[h, c]` (2*hidden
   * floats) is advanced in place, c updated where it lies; out `[time, hidden]` receives every
   * step's h. Per step: one streamed pass over wHh, one cell update.
   */
  recur(time: number, gates: HeapOffset, state: HeapOffset, out: HeapOffset): void {
    this.checkSteps('recur', time, gates, state, out);
    const H = this.hidden, G = 4 * H, c = state + H;
    let h = state;
    for (let t = 0; t < time; t++) {
      this.step(h, gates + t * G, c, c, out + t * H);
      h = out + t * H;
    }
    this.k.copy(H, h, state);
  }

  /**
   * One step of one stream, unchecked (`recur` and `trace` check their buffers on entry):
   * gates `[4*hidden]` (the input part) += hPrev `[hidden]`·wHh, then the activations i, f, g, o in
   * place; c `[hidden]` = f*cPrev + i*g (c may be cPrev: updated in place); h `[hidden]` = o*tanh(c).
   */
  step(hPrev: HeapOffset, gates: HeapOffset, cPrev: HeapOffset, c: HeapOffset, h: HeapOffset): void {
    const H = this.hidden;
    this.k.matvecQuantized(4 * H, H, hPrev, this.packedWHh, gates, true);
    this.k.lstmForward(1, H, gates, cPrev, c, h);
  }

  /**
   * The entry checks of a run of steps (`recur`, `trace`): packed, and each buffer in the heap.
   * Returns the prefix of `method`'s errors, for checks of its own.
   */
  checkSteps(method: string, time: number, gates: HeapOffset, state: HeapOffset, out: HeapOffset): string {
    const { k, hidden: H } = this;
    const where = this.checkPacked(method);
    checkCount(where, 'time', time, 0);
    checkBuffer(k, where, 'gates', gates, { time, '4*hidden': 4 * H });
    checkBuffer(k, where, 'state', state, { '(h, c)': 2, hidden: H });
    checkBuffer(k, where, 'out', out, { time, hidden: H });
    return where;
  }

  /** Throws unless `pack` has run; returns the prefix of `method`'s errors, e.g. 'LSTM layer0 recur'. */
  checkPacked(method: string): string {
    const where = `${this.label} ${method}`;
    if (!this.packed) {
      throw new Error(`${where}: not packed for inference: call packForInference() after loading or training`);
    }
    return where;
  }
}
