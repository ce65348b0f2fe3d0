// The kernel backends every numeric test runs on, with the tolerance their precision allows.
import type { Kernels } from '../src/core/nn/kernels/kernels';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { loadWasmKernels } from '../src/core/nn/kernels/wasm';

export function backends(): [string, () => Kernels, number][] {
  return [
    ['reference-f32', () => new ReferenceKernels('f32'), 2e-5],
    // Both builds: the fused one where this Node runs relaxed SIMD (V8 flag on Node 20), and the
    // SIMD128 one that every engine runs.
    ['wasm', () => loadWasmKernels('fused'), 2e-5],
    ['wasm-baseline', () => loadWasmKernels('baseline'), 2e-5],
  ];
}

/**
 * How far batch-1 inference (`CharModel.infer`, `Stepper`, `inspectLstm`) may be from the
 * training forward, or a single-step path from a chunked one: its recurrent products stream
 * 16-bit weights against 13-bit inputs (`matvecQuantized`): each gate pre-activation moves by
 * about 1e-5 to 1e-4 (the tests' models stay below 1e-4 over a few hundred steps; 5e-5 was the
 * float32 paths' own tolerance).
 */
export const INFERENCE_TOLERANCE = 2e-4;
