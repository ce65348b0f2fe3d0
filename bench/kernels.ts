import type { Kernels } from '../src/core/nn/kernels/kernels';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { loadWasmKernels } from '../src/core/nn/kernels/wasm';

/** [label, m, n, k, transposed A]: a training step's h·W_hh, the output layer over a batch, a weight gradient. */
const SHAPES: [string, number, number, number, boolean][] = [
  ['matmul 32x1024x256', 32, 1024, 256, false],
  ['matmul 3200x1024x64', 3200, 1024, 64, false],
  ['matmulTN 256x1024x3200', 256, 1024, 3200, true],
];

/**
 * GFLOP/s (2·m·n·k per product) of the fastest run within `seconds` (at least one run), after
 * `warmupSeconds` of untimed runs: wasm starts in V8's baseline tier (Liftoff) and switches to
 * optimised code only on a later call, once the background compile is done.
 */
function gflops(kernels: Kernels, m: number, n: number, k: number, transA: boolean,
  warmupSeconds: number, seconds: number): number {
  const a = kernels.alloc(m * k), b = kernels.alloc(k * n), c = kernels.alloc(m * n);
  const heap = kernels.heap;
  for (let i = 0; i < m * k; i++) heap[a + i] = Math.random() - 0.5;
  for (let i = 0; i < k * n; i++) heap[b + i] = Math.random() - 0.5;
  /** Seconds taken by one product. */
  const run = (): number => {
    const t = process.hrtime.bigint();
    if (transA) kernels.matmulTN(m, n, k, a, b, c, false);
    else kernels.matmul(m, n, k, a, b, c, false);
    return Number(process.hrtime.bigint() - t) / 1e9;
  };
  for (let spent = 0; spent < warmupSeconds;) spent += run();
  let best = Infinity;
  for (let spent = 0; spent === 0 || spent < seconds;) {
    const t = run();
    best = Math.min(best, t);
    spent += t;
  }
  return (2 * m * n * k) / best / 1e9;
}

/**
 * GFLOP/s of the three matmul shapes on wasm and (unless `withReference` is false: it takes
 * about ten seconds) on the float32 reference kernels.
 */
export function benchKernels(withReference = true): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [label, m, n, k, transA] of SHAPES) {
    // A fresh heap per shape keeps the largest one (~40 MB) from lingering into the others.
    result[`wasm ${label}`] = Number(gflops(loadWasmKernels(), m, n, k, transA, 0.3, 0.5).toFixed(1));
    // Plain JS tiers up inside its loops (OSR), so one run is representative; it takes seconds.
    if (withReference) result[`reference-f32 ${label}`] = Number(gflops(new ReferenceKernels("f32"), m, n, k, transA, 0, 0).toFixed(2));
  }
  return result;
}
