import type { Kernels } from '../nn/kernels/kernels';
import type { Control } from './control';

/** Chunks in flight per cut: the stage before may run this far ahead of the stage after. */
export const RING_SLOTS = 3;

/** Floats before each slot's data: [rows r, time, -, -] (four keep the data 16-byte aligned). */
const HEADER = 4;

/**
 * The hand-off of one cut (`Cut`, between stage c and c+1) in a SharedArrayBuffer: RING_SLOTS
 * slots, each a header and one chunk's worth of
 *   gates `[chunk, 4*hidden_j]`  rows [0, r) of layer j's input part, projected by stage c
 *   h     `[chunk, input_j]`     rows [r, time) of layer j-1's outputs, for stage c+1 to project
 * (j = cut.layer; r chosen per chunk by stage c, `CutBalancer`). Chunk k uses slot k % RING_SLOTS;
 * stage c's `produced` and stage c+1's `consumed` counters say which slots are full. Each side
 * copies between the slot and its own WebAssembly heap (the kernels' memory is not shared).
 */
export class ChunkRing {
  private readonly slots: Float32Array;
  private readonly slotFloats: number;

  static bytes(chunk: number, gateWidth: number, inputWidth: number): number {
    return 4 * RING_SLOTS * (HEADER + chunk * (gateWidth + inputWidth));
  }

  /**
   * `stage` is the stage before the cut. gateWidth = 4*hidden of layer cut.layer, inputWidth its
   * input width (hidden of the layer before).
   */
  constructor(buffer: SharedArrayBuffer, private readonly control: Control, private readonly stage: number,
    private readonly chunk: number, private readonly gateWidth: number, private readonly inputWidth: number) {
    this.slots = new Float32Array(buffer);
    this.slotFloats = HEADER + chunk * (gateWidth + inputWidth);
  }

  /** Whether the stage after the cut has finished fewer than `chunks` chunks (it is still at work). */
  busy(chunks: number): boolean {
    return this.control.get(this.stage + 1, 'progress') < chunks;
  }

  /**
   * Stage c: writes chunk `index` (`time` rows, the first `rows` of them projected) from its heap:
   * gates rows at `gates`, h rows at `h` (both `[time, …]`, row 0 first). Waits while every slot
   * is still unread.
   */
  put(k: Kernels, index: number, time: number, rows: number, gates: number, h: number, idleMs: number): void {
    const { control, stage } = this;
    control.waitUntil(stage + 1, 'consumed', (n) => index - n < RING_SLOTS, idleMs);
    const at = (index % RING_SLOTS) * this.slotFloats, G = this.gateWidth, I = this.inputWidth;
    const data = at + HEADER, heap = k.heap;
    this.slots[at] = rows;
    this.slots[at + 1] = time;
    if (rows > 0) this.slots.set(heap.subarray(gates, gates + rows * G), data);
    if (rows < time) this.slots.set(heap.subarray(h + rows * I, h + time * I), data + this.chunk * G + rows * I);
    control.set(stage, 'produced', index + 1);
  }

  /**
   * Stage c+1: waits for chunk `index` (`time` rows) and copies it into its heap at the same row
   * positions: gates rows [0, r) to `gates`, h rows [r, time) to `h` + r rows; frees the slot.
   * Returns r.
   */
  take(k: Kernels, index: number, time: number, gates: number, h: number, idleMs: number): number {
    const { control, stage } = this;
    control.waitUntil(stage, 'produced', (n) => n > index, idleMs);
    const at = (index % RING_SLOTS) * this.slotFloats, G = this.gateWidth, I = this.inputWidth;
    const data = at + HEADER, heap = k.heap;
    const rows = this.slots[at];
    if (this.slots[at + 1] !== time) throw new Error(`chunk ${index} has ${this.slots[at + 1]} rows, expected ${time}`);
    if (rows > 0) heap.set(this.slots.subarray(data, data + rows * G), gates);
    if (rows < time) heap.set(this.slots.subarray(data + this.chunk * G + rows * I, data + this.chunk * G + time * I), h + rows * I);
    control.set(stage + 1, 'consumed', index + 1);
    return rows;
  }
}
