import { quantizedSize, type Kernels } from './kernels/kernels';
import type { Parameters, ParamSpec, Param } from './parameters';
import type { RecurrentLayer } from './recurrent';
import { Workspaces } from './workspaces';

/**
 * The fused LSTM layer.
 *
 * Weights (internal layout, row-major; gate order i, f, g, o as in PyTorch):
 *   wIh `[input, 4*hidden]`, wHh `[hidden, 4*hidden]`, b `[4*hidden]` (one bias: PyTorch's
 *   bias_ih + bias_hh).
 * Forward, for a time-major batch x `[time, batch, input]`:
 *   gates `[time, batch, 4*hidden]` = x·wIh + b    one matrix product for all steps
 *   per step t: gates[t] += h[t-1]·wHh             one recurrent product
 *               i,f,g,o, c[t], h[t]                one element-wise pass (lstmForward)
 * Backward through time keeps ∂L/∂gates for every step so that the weight gradients are two
 * large products over all batch*time rows (xᵀ·dGates, hᵀ·dGates) instead of one per step.
 * Memory per shape: (4 + 2 + 2) * hidden * (time+1) * batch floats plus transposed weights.
 */
export class LstmLayer implements RecurrentLayer {
  readonly stateSize: number;
  private readonly wIh: Param;
  private readonly wHh: Param;
  private readonly b: Param;
  private readonly work: Workspaces<LstmWork>;
  // Transposed weights for backward `[4*hidden, input]`, `[4*hidden, hidden]`, made once per backward.
  private readonly wIhT: number;
  private readonly wHhT: number;
  // Inference copies of wIh and wHh in `matvecQuantized` layout, made by `packForInference`.
  private packedWIh = -1;
  private packedWHh = -1;

  static specs(prefix: string, input: number, hidden: number): ParamSpec[] {
    // PyTorch's nn.LSTM default: every weight U(-1/sqrt(hidden), 1/sqrt(hidden)), and so are both
    // of its biases, whose sum is our b. Not zero biases with the forget-gate block at 1
    // (Jozefowicz et al., 2015): on tinyshakespeare, model M started that way trailed by about
    // 0.1 nats/char from step 100 to 900 (valid loss 1.93 against 1.83 after 300 steps, mean of
    // 3 seeds), all of it the forget bias: zero biases alone train as well as PyTorch's.
    const scale = 1 / Math.sqrt(hidden);
    return [
      { name: `${prefix}.wIh`, shape: [input, 4 * hidden], init: { kind: 'uniform', scale } },
      { name: `${prefix}.wHh`, shape: [hidden, 4 * hidden], init: { kind: 'uniform', scale } },
      { name: `${prefix}.b`, shape: [4 * hidden], init: { kind: 'uniform', scale, terms: 2 } },
    ];
  }

  constructor(private readonly k: Kernels, params: Parameters, prefix: string,
    readonly inputSize: number, readonly hidden: number) {
    this.stateSize = 2 * hidden;
    this.wIh = params.get(`${prefix}.wIh`);
    this.wHh = params.get(`${prefix}.wHh`);
    this.b = params.get(`${prefix}.b`);
    this.wIhT = k.alloc(4 * hidden * inputSize);
    this.wHhT = k.alloc(4 * hidden * hidden);
    this.work = new Workspaces((batch, time) => new LstmWork(k, batch, time, inputSize, hidden));
  }

  forward(batch: number, time: number, input: number, state: number): number {
    const { k, hidden: H } = this;
    const w = this.work.get(batch, time);
    w.input = input;
    const G = 4 * H, BH = batch * H;
    k.copy(BH, state, w.h);
    k.copy(BH, state + BH, w.c);
    k.broadcastRows(time * batch, G, this.b.value, w.gates);
    k.matmul(time * batch, G, this.inputSize, input, this.wIh.value, w.gates, true);
    for (let t = 0; t < time; t++) {
      const gates = w.gates + t * batch * G;
      k.matmul(batch, G, H, w.h + t * BH, this.wHh.value, gates, true);
      k.lstmForward(batch, H, gates, w.c + t * BH, w.c + (t + 1) * BH, w.h + (t + 1) * BH);
    }
    return w.h + BH;
  }

  finalState(batch: number, time: number, state: number): void {
    const w = this.work.get(batch, time);
    const BH = batch * this.hidden;
    this.k.copy(BH, w.h + time * BH, state);
    this.k.copy(BH, w.c + time * BH, state + BH);
  }

  backward(batch: number, time: number, dOutput: number, needInputGrad: boolean): number {
    const { k, hidden: H } = this;
    const w = this.work.get(batch, time);
    const G = 4 * H, BH = batch * H, rows = time * batch;
    k.transpose(H, G, this.wHh.value, this.wHhT);
    k.fill(BH, w.dc, 0);
    for (let t = time - 1; t >= 0; t--) {
      const dh = dOutput + t * BH;
      const dGates = w.dGates + t * batch * G;
      k.lstmBackward(batch, H, w.gates + t * batch * G, w.c + t * BH, w.c + (t + 1) * BH, dh, w.dc, dGates);
      // ∂L/∂h[t-1] += dGates[t]·wHhᵀ; the initial state gets no gradient (truncated BPTT).
      if (t > 0) k.matmul(batch, H, G, dGates, this.wHhT, dh - BH, true);
    }
    k.matmulTN(this.inputSize, G, rows, w.input, w.dGates, this.wIh.grad, true);
    k.matmulTN(H, G, rows, w.h, w.dGates, this.wHh.grad, true);
    k.sumRowsInto(rows, G, w.dGates, this.b.grad);
    if (!needInputGrad) return -1;
    k.transpose(this.inputSize, G, this.wIh.value, this.wIhT);
    k.matmul(rows, this.inputSize, G, w.dGates, this.wIhT, w.dInput, false);
    return w.dInput;
  }

  /**
   * Copies wIh and wHh into the layout the inference methods stream (`matvecQuantized`): 16-bit
   * weights with a scale per column, half as many floats again. Call again after the weights change.
   */
  packForInference(): void {
    const { k, hidden: H, inputSize: I } = this;
    if (this.packedWHh < 0) {
      this.packedWIh = k.alloc(quantizedSize(I, 4 * H));
      this.packedWHh = k.alloc(quantizedSize(H, 4 * H));
    }
    k.packQuantized(I, 4 * H, this.wIh.value, this.packedWIh);
    k.packQuantized(H, 4 * H, this.wHh.value, this.packedWHh);
  }

  /** The heap blocks `[offset, floats]` packForInference writes (none before its first call). */
  packedBlocks(): [number, number][] {
    if (this.packedWHh < 0) return [];
    const { inputSize: I, hidden: H } = this;
    return [[this.packedWIh, quantizedSize(I, 4 * H)], [this.packedWHh, quantizedSize(H, 4 * H)]];
  }

  /**
   * out `[rows, 4*hidden]` = input `[rows, inputSize]`·wIh + b: the input part of the gates, as
   * in `forward`, for any rows (a priming chunk, an embedding table). Needs `packForInference`.
   */
  project(rows: number, input: number, out: number): void {
    const { k, inputSize: I } = this;
    const G = 4 * this.hidden;
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
   * Inference on one stream: runs `time` steps whose input parts are in gates `[time, 4*hidden]`
   * (`project`, or rows of a lookup table; overwritten with the activations), from state
   * `[h, c]` (2*hidden floats), which is advanced in place. out `[time, hidden]` receives every
   * step's h. Needs `packForInference`. Per step: one streamed pass over wHh, one cell update.
   */
  recur(time: number, gates: number, state: number, out: number): void {
    const { k, hidden: H } = this;
    const G = 4 * H, c = state + H;
    let h = state;
    for (let t = 0; t < time; t++) {
      const g = gates + t * G;
      k.matvecQuantized(G, H, h, this.packedWHh, g, true);
      k.lstmForward(1, H, g, c, c, out + t * H);
      h = out + t * H;
    }
    k.copy(H, h, state);
  }

  /** Whether `packForInference` has run: `recur` and `trace` need it. */
  get packed(): boolean {
    return this.packedWHh >= 0;
  }

  /**
   * `recur` that keeps what the panel draws: gates `[time, 4*hidden]` (the input parts) are left
   * holding each step's activations (i, f, g, o), out `[time, hidden]` receives every step's h
   * and cells `[time, hidden]` every step's c. State `[h, c]` is advanced in place.
   * Needs `packForInference`; the same numbers as `recur`.
   */
  trace(time: number, gates: number, state: number, out: number, cells: number): void {
    if (time === 0) return;
    const { k, hidden: H } = this;
    const G = 4 * H;
    let h = state, c = state + H;
    for (let t = 0; t < time; t++) {
      const g = gates + t * G;
      k.matvecQuantized(G, H, h, this.packedWHh, g, true);
      k.lstmForward(1, H, g, c, cells + t * H, out + t * H);
      h = out + t * H;
      c = cells + t * H;
    }
    k.copy(H, h, state);
    k.copy(H, c, state + H);
  }

  /**
   * Gate activations and cell of the last forward of this shape, for the panel.
   * Returns views `[time, batch, hidden]` per gate, copied out of the heap.
   */
  activations(batch: number, time: number): GateActivations {
    const w = this.work.get(batch, time);
    const H = this.hidden, heap = this.k.heap;
    const out = { i: new Float32Array(time * batch * H), f: new Float32Array(time * batch * H),
      g: new Float32Array(time * batch * H), o: new Float32Array(time * batch * H),
      c: new Float32Array(time * batch * H), h: new Float32Array(time * batch * H) };
    for (let r = 0; r < time * batch; r++) {
      const row = w.gates + r * 4 * H;
      out.i.set(heap.subarray(row, row + H), r * H);
      out.f.set(heap.subarray(row + H, row + 2 * H), r * H);
      out.g.set(heap.subarray(row + 2 * H, row + 3 * H), r * H);
      out.o.set(heap.subarray(row + 3 * H, row + 4 * H), r * H);
    }
    out.c.set(heap.subarray(w.c + batch * H, w.c + (time + 1) * batch * H));
    out.h.set(heap.subarray(w.h + batch * H, w.h + (time + 1) * batch * H));
    return out;
  }
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

/** Scratch for one (batch, time) shape. Slot 0 of h and c holds the initial state. */
class LstmWork {
  input = -1;
  readonly gates: number; // [time, batch, 4*hidden] pre-activations, then activations
  readonly h: number; // [time+1, batch, hidden]
  readonly c: number; // [time+1, batch, hidden]
  readonly dGates: number; // [time, batch, 4*hidden]
  readonly dc: number; // [batch, hidden] ∂L/∂c flowing back one step
  readonly dInput: number; // [time, batch, input]

  constructor(k: Kernels, batch: number, time: number, input: number, hidden: number) {
    this.gates = k.alloc(time * batch * 4 * hidden);
    this.h = k.alloc((time + 1) * batch * hidden);
    this.c = k.alloc((time + 1) * batch * hidden);
    this.dGates = k.alloc(time * batch * 4 * hidden);
    this.dc = k.alloc(batch * hidden);
    this.dInput = k.alloc(time * batch * input);
  }
}
