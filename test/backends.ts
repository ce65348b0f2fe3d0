// The kernel backends every numeric test runs on, with the tolerance their precision allows.
import type { Kernels } from '../src/core/nn/kernels/kernels';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { loadWasmKernels } from '../src/core/nn/kernels/wasm';

export function backends(): [string, () => Kernels, number][] {
  return [
    ['reference-f32', () => new ReferenceKernels('f32'), 2e-5],
    ['wasm', () => loadWasmKernels(), 2e-5],
  ];
}
