import type { HeapOffset, HeapLength, Kernels } from './kernels/kernels';
import type { Parameters, ParamSpec, Param } from './parameters';
import type { RecurrentLayer } from './recurrent';
import { Workspaces } from './workspaces';
import { checkBuffer, checkCount, checkParamShape } from './entry-checks';
import { LstmInference } from './lstm-inference';
import { copyActivations, traceLstm, type GateActivations } from './lstm-trace';

/**
 * The fused LSTM layer: its parameters and the training pass. Batch-1 inference is in
 * lstm-inference.ts, the panel's trace in lstm-trace.ts; the methods at the end hand over to them.
 *
 * N batch, T time, I input, H hidden; gate order i, f, g, o (PyTorch's; torch-rnn's is i, f, o, g).
 * Parameters (row-major):
 *   wIh `[I, 4H]`, wHh `[H, 4H]`, b `[4H]` (one bias: PyTorch's bias_ih + bias_hh).
 * forward: x `[T, N, I]` (time-major), state `[2, N, H]` (h, then c) → h `[T, N, H]`.
 *   gates `[T, N, 4H]` = x·wIh + b                 one matrix product for all steps
 *   per step t: gates[t] += h[t-1]·wHh             one recurrent product
 *               i, f, g, o, c[t], h[t]             one element-wise pass (lstmForward)
 * backward: ∂L/∂h `[T, N, H]` → ∂L/∂x `[T, N, I]`, weight gradients added. ∂L/∂gates is kept for
 *   every step so that the weight gradients are two large products over all N*T rows
 *   (xᵀ·dGates, hᵀ·dGates) instead of one per step.
 * Memory: per (N, T) shape N*(10*T*H + 3*H + T*I) floats (LstmWork); per layer the transposed
 * weights, 4H*(I+H) floats, and once packed for inference about 2H*(I+H) more.
 * Every method checks its sizes and buffers on entry (entry-checks.ts) and throws an error saying
 * which one is wrong, or that the layer is not packed for inference yet.
 */
export class LstmLayer implements RecurrentLayer {
  readonly stateSize: number;
  private readonly wIh: Param;
  private readonly wHh: Param;
  private readonly b: Param;
  private readonly work: Workspaces<LstmWork>;
  // Transposed weights for backward, made once per backward.
  private readonly wIhT: HeapOffset; // [4H, I]
  private readonly wHhT: HeapOffset; // [4H, H]
  private readonly inference: LstmInference;
  /** Names the layer in errors: 'LSTM layer0'. */
  private readonly label: string;

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
    this.label = `LSTM ${prefix}`;
    this.stateSize = 2 * hidden;
    this.wIh = params.get(`${prefix}.wIh`);
    this.wHh = params.get(`${prefix}.wHh`);
    this.b = params.get(`${prefix}.b`);
    checkParamShape(this.label, this.wIh, { input: inputSize, '4*hidden': 4 * hidden });
    checkParamShape(this.label, this.wHh, { hidden, '4*hidden': 4 * hidden });
    checkParamShape(this.label, this.b, { '4*hidden': 4 * hidden });
    this.wIhT = k.alloc(4 * hidden * inputSize);
    this.wHhT = k.alloc(4 * hidden * hidden);
    this.work = new Workspaces((batch, time) => new LstmWork(k, batch, time, inputSize, hidden));
    this.inference = new LstmInference(k, this.label, this.wIh, this.wHh, this.b, inputSize, hidden);
  }

  forward(batch: number, time: number, input: HeapOffset, state: HeapOffset): HeapOffset {
    const { k, hidden: H } = this;
    const where = `${this.label} forward`;
    checkCount(where, 'batch', batch, 0);
    checkCount(where, 'time', time, 0);
    checkBuffer(k, where, 'input', input, { time, batch, input: this.inputSize });
    checkBuffer(k, where, 'state', state, { '(h, c)': 2, batch, hidden: H });
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

  finalState(batch: number, time: number, state: HeapOffset): void {
    const where = `${this.label} finalState`;
    const w = this.forwardRan(where, batch, time);
    checkBuffer(this.k, where, 'state', state, { '(h, c)': 2, batch, hidden: this.hidden });
    const BH = batch * this.hidden;
    this.k.copy(BH, w.h + time * BH, state);
    this.k.copy(BH, w.c + time * BH, state + BH);
  }

  backward(batch: number, time: number, dOutput: HeapOffset, needInputGrad: boolean): HeapOffset {
    const { k, hidden: H } = this;
    const where = `${this.label} backward`;
    const w = this.forwardRan(where, batch, time);
    checkBuffer(k, where, 'dOutput', dOutput, { time, batch, hidden: H });
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
   * Gate activations and cell of the last forward of this shape, for the panel.
   * Returns arrays `[time, batch, hidden]` per gate, copied out of the heap.
   */
  activations(batch: number, time: number): GateActivations {
    const w = this.forwardRan(`${this.label} activations`, batch, time);
    const BH = batch * this.hidden;
    return copyActivations(this.k, time * batch, this.hidden, w.gates, w.c + BH, w.h + BH);
  }

  /** The workspace of the last forward of shape (batch, time); throws if there was none. */
  private forwardRan(where: string, batch: number, time: number): LstmWork {
    checkCount(where, 'batch', batch, 0);
    checkCount(where, 'time', time, 0);
    const w = this.work.get(batch, time);
    if (w.input < 0) throw new RangeError(`${where}: no forward of batch ${batch}, time ${time} ran before it`);
    return w;
  }

  // Batch-1 inference (lstm-inference.ts) and the panel's trace (lstm-trace.ts), on this layer's weights.

  /**
   * Makes the packed copies of wIh and wHh that `project`, `recur` and `trace` stream (16-bit
   * weights with a scale per column). Call after loading or training: whenever the weights change.
   */
  packForInference(): void {
    this.inference.pack();
  }

  /** Whether `packForInference` has run: `project`, `recur` and `trace` throw until it has. */
  get packed(): boolean {
    return this.inference.packed;
  }

  /** The heap blocks `[offset, floats]` packForInference writes (none before its first call). */
  packedBlocks(): [HeapOffset, HeapLength][] {
    return this.inference.packedBlocks();
  }

  /** out `[rows, 4*hidden]` = input `[rows, inputSize]`·wIh + b: `LstmInference.project`. */
  project(rows: number, input: HeapOffset, out: HeapOffset): void {
    this.inference.project(rows, input, out);
  }

  /** `time` steps of one stream from the input parts in gates `[time, 4*hidden]`: `LstmInference.recur`. */
  recur(time: number, gates: HeapOffset, state: HeapOffset, out: HeapOffset): void {
    this.inference.recur(time, gates, state, out);
  }

  /** `recur` that also writes every step's c to cells `[time, hidden]`: lstm-trace.ts. */
  trace(time: number, gates: HeapOffset, state: HeapOffset, out: HeapOffset, cells: HeapOffset): void {
    traceLstm(this.inference, time, gates, state, out, cells);
  }
}

/** Scratch for one (batch, time) shape. Slot 0 of h and c holds the initial state. */
class LstmWork {
  input: HeapOffset = -1; // [time, batch, input], the last forward's; -1 before one
  readonly gates: HeapOffset; // [time, batch, 4*hidden] pre-activations, then activations
  readonly h: HeapOffset; // [time+1, batch, hidden]
  readonly c: HeapOffset; // [time+1, batch, hidden]
  readonly dGates: HeapOffset; // [time, batch, 4*hidden]
  readonly dc: HeapOffset; // [batch, hidden] ∂L/∂c flowing back one step
  readonly dInput: HeapOffset; // [time, batch, input]

  constructor(k: Kernels, batch: number, time: number, input: number, hidden: number) {
    this.gates = k.alloc(time * batch * 4 * hidden);
    this.h = k.alloc((time + 1) * batch * hidden);
    this.c = k.alloc((time + 1) * batch * hidden);
    this.dGates = k.alloc(time * batch * 4 * hidden);
    this.dc = k.alloc(batch * hidden);
    this.dInput = k.alloc(time * batch * input);
  }
}
