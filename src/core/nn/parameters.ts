import type { HeapLength, HeapOffset, Kernels } from './kernels/kernels';
import type { Random } from '../math/random';

/**
 * How a parameter starts: uniform in [-scale, scale] (or, with `terms`, the sum of that many
 * such draws), normal(0, scale), or a constant.
 */
export type Init =
  | { kind: 'uniform'; scale: number; terms?: number }
  | { kind: 'normal'; scale: number }
  | { kind: 'constant'; value: number };

export interface ParamSpec {
  name: string;
  shape: number[];
  init: Init;
}

/** One parameter's place in the shared blocks. Offsets are heap element offsets. */
export interface Param {
  readonly name: string;
  readonly shape: readonly number[];
  readonly size: HeapLength;
  readonly value: HeapOffset;
  /** -1 where the parameters have no gradient block. */
  readonly grad: HeapOffset;
}

/**
 * All of a model's parameters in one contiguous heap block, their gradients in a second block of
 * the same layout. One block means Adam, clipping and zeroing are each a single kernel call over
 * every parameter, and saving is one copy.
 */
export class Parameters {
  readonly list: Param[] = [];
  readonly values: HeapOffset;
  readonly grads: HeapOffset;
  readonly count: HeapLength;

  /**
   * `withGrads` false: no gradient block (every `grad` is -1), for copies that only run inference
   * (the worker stages of pipelined priming).
   */
  constructor(private readonly k: Kernels, specs: ParamSpec[], withGrads = true) {
    const sizes = specs.map((s) => s.shape.reduce((a, b) => a * b, 1));
    // Each parameter starts on a 4-float boundary so SIMD kernels see aligned rows.
    const padded = sizes.map((n) => Math.ceil(n / 4) * 4);
    this.count = padded.reduce((a, b) => a + b, 0);
    this.values = k.alloc(this.count);
    this.grads = withGrads ? k.alloc(this.count) : -1;
    let at = 0;
    specs.forEach((spec, i) => {
      this.list.push({ name: spec.name, shape: spec.shape, size: sizes[i], value: this.values + at,
        grad: withGrads ? this.grads + at : -1 });
      at += padded[i];
    });
  }

  /** Trainable floats, without the alignment padding that `count` includes. */
  get trainable(): number {
    return this.list.reduce((n, p) => n + p.size, 0);
  }

  get(name: string): Param {
    const p = this.list.find((q) => q.name === name);
    if (!p) throw new Error(`no parameter named ${name}`);
    return p;
  }

  initialise(specs: ParamSpec[], rng: Random): void {
    const heap = this.k.heap;
    for (const spec of specs) {
      const p = this.get(spec.name);
      for (let i = 0; i < p.size; i++) heap[p.value + i] = draw(spec.init, rng);
    }
  }

  zeroGrads(): void {
    this.k.fill(this.count, this.grads, 0);
  }
}

function draw(init: Init, rng: Random): number {
  switch (init.kind) {
    case 'constant':
      return init.value;
    case 'uniform': {
      let sum = 0;
      for (let i = 0; i < (init.terms ?? 1); i++) sum += (rng.next() * 2 - 1) * init.scale;
      return sum;
    }
    case 'normal': {
      // Box-Muller; 1 - u keeps the logarithm finite.
      const u = 1 - rng.next();
      return init.scale * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
    }
  }
}
