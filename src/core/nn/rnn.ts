import type { HeapOffset, Kernels } from './kernels/kernels';
import type { Parameters, ParamSpec, Param } from './parameters';
import type { RecurrentLayer } from './recurrent';
import { Workspaces } from './workspaces';

/**
 * A vanilla tanh RNN layer, h[t] = tanh(x[t]·wIh + h[t-1]·wHh + b), for the LSTM-versus-RNN
 * comparison. Same layout and batching as LstmLayer with one gate:
 * wIh `[input, hidden]`, wHh `[hidden, hidden]`, b `[hidden]`.
 */
export class RnnLayer implements RecurrentLayer {
  readonly stateSize: number;
  private readonly wIh: Param;
  private readonly wHh: Param;
  private readonly b: Param;
  private readonly work: Workspaces<RnnWork>;
  private readonly wIhT: HeapOffset; // [hidden, input]
  private readonly wHhT: HeapOffset; // [hidden, hidden]

  static specs(prefix: string, input: number, hidden: number): ParamSpec[] {
    const scale = 1 / Math.sqrt(hidden);
    return [
      { name: `${prefix}.wIh`, shape: [input, hidden], init: { kind: 'uniform', scale } },
      { name: `${prefix}.wHh`, shape: [hidden, hidden], init: { kind: 'uniform', scale } },
      { name: `${prefix}.b`, shape: [hidden], init: { kind: 'constant', value: 0 } },
    ];
  }

  constructor(private readonly k: Kernels, params: Parameters, prefix: string,
    readonly inputSize: number, readonly hidden: number) {
    this.stateSize = hidden;
    this.wIh = params.get(`${prefix}.wIh`);
    this.wHh = params.get(`${prefix}.wHh`);
    this.b = params.get(`${prefix}.b`);
    this.wIhT = k.alloc(hidden * inputSize);
    this.wHhT = k.alloc(hidden * hidden);
    this.work = new Workspaces((batch, time) => new RnnWork(k, batch, time, inputSize, hidden));
  }

  forward(batch: number, time: number, input: HeapOffset, state: HeapOffset): HeapOffset {
    const { k, hidden: H } = this;
    const w = this.work.get(batch, time);
    const BH = batch * H;
    w.input = input;
    k.copy(BH, state, w.h);
    // h[1..time] first holds the input projections for all steps at once.
    const out = w.h + BH;
    k.broadcastRows(time * batch, H, this.b.value, out);
    k.matmul(time * batch, H, this.inputSize, input, this.wIh.value, out, true);
    for (let t = 0; t < time; t++) {
      k.matmul(batch, H, H, w.h + t * BH, this.wHh.value, out + t * BH, true);
      k.tanhInPlace(BH, out + t * BH);
    }
    return out;
  }

  finalState(batch: number, time: number, state: HeapOffset): void {
    const BH = batch * this.hidden;
    this.k.copy(BH, this.work.get(batch, time).h + time * BH, state);
  }

  backward(batch: number, time: number, dOutput: HeapOffset, needInputGrad: boolean): HeapOffset {
    const { k, hidden: H } = this;
    const w = this.work.get(batch, time);
    const BH = batch * H, rows = time * batch;
    k.transpose(H, H, this.wHh.value, this.wHhT);
    for (let t = time - 1; t >= 0; t--) {
      const dPre = w.dPre + t * BH;
      k.tanhBackward(BH, w.h + (t + 1) * BH, dOutput + t * BH, dPre);
      if (t > 0) k.matmul(batch, H, H, dPre, this.wHhT, dOutput + (t - 1) * BH, true);
    }
    k.matmulTN(this.inputSize, H, rows, w.input, w.dPre, this.wIh.grad, true);
    k.matmulTN(H, H, rows, w.h, w.dPre, this.wHh.grad, true);
    k.sumRowsInto(rows, H, w.dPre, this.b.grad);
    if (!needInputGrad) return -1;
    k.transpose(this.inputSize, H, this.wIh.value, this.wIhT);
    k.matmul(rows, this.inputSize, H, w.dPre, this.wIhT, w.dInput, false);
    return w.dInput;
  }
}

class RnnWork {
  input: HeapOffset = -1;
  readonly h: HeapOffset; // [time+1, batch, hidden], slot 0 the initial state
  readonly dPre: HeapOffset; // [time, batch, hidden] ∂L/∂pre-activation
  readonly dInput: HeapOffset; // [time, batch, input]

  constructor(k: Kernels, batch: number, time: number, input: number, hidden: number) {
    this.h = k.alloc((time + 1) * batch * hidden);
    this.dPre = k.alloc(time * batch * hidden);
    this.dInput = k.alloc(time * batch * input);
  }
}
