import type { Kernels } from './kernels/kernels';
import type { Parameters, ParamSpec, Param } from './parameters';
import { Workspaces } from './workspaces';

/** Embedding table `[vocab, dim]`: ids `[rows]` (floats holding integers) → vectors `[rows, dim]`. */
export class Embedding {
  private readonly table: Param;
  private readonly work: Workspaces<number>;

  static specs(prefix: string, vocab: number, dim: number): ParamSpec[] {
    return [{ name: `${prefix}.table`, shape: [vocab, dim], init: { kind: 'normal', scale: 1 } }];
  }

  constructor(private readonly k: Kernels, params: Parameters, prefix: string, readonly dim: number) {
    this.table = params.get(`${prefix}.table`);
    this.work = new Workspaces((batch, time) => k.alloc(batch * time * dim));
  }

  forward(batch: number, time: number, ids: number): number {
    const out = this.work.get(batch, time);
    this.k.gather(batch * time, this.dim, this.table.value, ids, out);
    return out;
  }

  backward(batch: number, time: number, ids: number, dOutput: number): void {
    this.k.scatterAdd(batch * time, this.dim, dOutput, ids, this.table.grad);
  }
}
