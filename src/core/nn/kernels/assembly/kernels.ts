// AssemblyScript entry point, compiled to kernels.wasm by esbuild.mjs (SIMD128, no runtime).
// Exports take byte pointers into linear memory, element counts as i32, and f32 data;
// the TypeScript wrapper (../wasm.ts) converts the element offsets layers use.
export { matmul, matmulTN } from './matmul';
export { packQuantized, matvecQuantized } from './matvec-q';
export {
  fill, copy, addInto, mulInto, scale, sumSquares, broadcastRows, sumRowsInto,
  gather, scatterAdd, transpose, adam,
} from './elementwise';
export {
  lstmForward, lstmBackward, tanhInPlace, tanhBackward, softmaxCrossEntropy,
} from './activations';

/** First free byte after the static data (including the GEMM packing buffers). */
export function heapBase(): usize {
  return __heap_base;
}
