import type { Kernels } from './kernels/kernels';
import type { Parameters, ParamSpec, Param } from './parameters';
import { Workspaces } from './workspaces';

/** Dense layer y `[rows, out]` = x `[rows, in]` · w `[in, out]` + b `[out]` (the logits). */
export class Dense {
  private readonly w: Param;
  private readonly b: Param;
  private readonly wT: number; // [out, in] for backward
  private readonly work: Workspaces<{ input: number; out: number; dInput: number }>;

  static specs(prefix: string, input: number, output: number): ParamSpec[] {
    const scale = 1 / Math.sqrt(input);
    return [
      { name: `${prefix}.w`, shape: [input, output], init: { kind: 'uniform', scale } },
      { name: `${prefix}.b`, shape: [output], init: { kind: 'uniform', scale } },
    ];
  }

  constructor(private readonly k: Kernels, params: Parameters, prefix: string,
    readonly inputSize: number, readonly outputSize: number) {
    this.w = params.get(`${prefix}.w`);
    this.b = params.get(`${prefix}.b`);
    this.wT = k.alloc(inputSize * outputSize);
    this.work = new Workspaces((batch, time) => ({
      input: -1,
      out: k.alloc(batch * time * outputSize),
      dInput: k.alloc(batch * time * inputSize),
    }));
  }

  /** Returns the output offset `[batch*time, out]`; the workspace is keyed by (batch, time). */
  forward(batch: number, time: number, input: number): number {
    const w = this.work.get(batch, time);
    w.input = input;
    const rows = batch * time;
    this.k.broadcastRows(rows, this.outputSize, this.b.value, w.out);
    this.k.matmul(rows, this.outputSize, this.inputSize, input, this.w.value, w.out, true);
    return w.out;
  }

  /** dOutput `[rows, out]` → adds weight gradients, returns ∂L/∂input `[rows, in]`. */
  backward(batch: number, time: number, dOutput: number): number {
    const w = this.work.get(batch, time);
    const rows = batch * time;
    this.k.matmulTN(this.inputSize, this.outputSize, rows, w.input, dOutput, this.w.grad, true);
    this.k.sumRowsInto(rows, this.outputSize, dOutput, this.b.grad);
    this.k.transpose(this.inputSize, this.outputSize, this.w.value, this.wT);
    this.k.matmul(rows, this.inputSize, this.outputSize, dOutput, this.wT, w.dInput, false);
    return w.dInput;
  }
}
