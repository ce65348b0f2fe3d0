import type { Kernels } from './kernels/kernels';
import type { Parameters } from './parameters';

/**
 * Adam (Kingma & Ba, 2015) over a whole parameter block, with global-norm gradient clipping.
 * Moments m and v live beside the parameters in the heap, same layout.
 */
export class Adam {
  private readonly m: number;
  private readonly v: number;
  private t = 0;

  constructor(private readonly k: Kernels, private readonly params: Parameters,
    readonly beta1 = 0.9, readonly beta2 = 0.999, readonly eps = 1e-8) {
    this.m = k.alloc(params.count);
    this.v = k.alloc(params.count);
  }

  /** Adam's step count and `[count]` moments, copied: what a resumed run needs to step on exactly. */
  snapshot(): { t: number; m: Float32Array; v: Float32Array } {
    const { k, params: { count } } = this;
    return { t: this.t, m: Float32Array.from(k.heap.subarray(this.m, this.m + count)), v: Float32Array.from(k.heap.subarray(this.v, this.v + count)) };
  }

  restore(saved: { t: number; m: Float32Array; v: Float32Array }): void {
    this.t = saved.t;
    this.k.heap.set(saved.m, this.m);
    this.k.heap.set(saved.v, this.v);
  }

  /** Clips the gradients to global norm `clip` (0: no clipping), then steps; returns the norm before clipping. */
  step(lr: number, clip: number): number {
    const { k, params } = this;
    const norm = Math.sqrt(k.sumSquares(params.count, params.grads));
    if (clip > 0 && norm > clip) k.scale(params.count, params.grads, clip / norm);
    this.t++;
    // θ -= lr·m̂/(√v̂ + eps) with m̂ = m/(1-β1ᵗ), v̂ = v/(1-β2ᵗ), as PyTorch and the paper's
    // Algorithm 1 have it, computed as stepSize·m/(√v + eps·√(1-β2ᵗ)). Passing eps unscaled would
    // be the paper's "ε̂" variant, whose effective eps is 30x larger at the first step.
    const root = Math.sqrt(1 - this.beta2 ** this.t);
    const stepSize = lr * root / (1 - this.beta1 ** this.t);
    k.adam(params.count, params.values, params.grads, this.m, this.v, stepSize, this.beta1, this.beta2, this.eps * root);
    return norm;
  }
}
