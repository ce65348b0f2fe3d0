import type { Kernels } from './kernels';
import { ReferenceKernels } from './reference';
import { loadWasmKernels } from './wasm';

export type Backend = 'wasm' | 'reference';

/**
 * Fresh kernels with their own heap: WebAssembly SIMD by default; the plain-JS float32
 * reference (about 10x slower) when asked for, or when WebAssembly cannot load, with `onFallback`
 * told why.
 */
export function createKernels(backend: Backend = 'wasm', onFallback?: (why: string) => void): Kernels {
  if (backend === 'reference') return new ReferenceKernels('f32');
  try {
    return loadWasmKernels();
  } catch (e) {
    onFallback?.(`WebAssembly kernels unavailable (${(e as Error).message}); using the slower JS kernels`);
    return new ReferenceKernels('f32');
  }
}
