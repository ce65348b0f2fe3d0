// AssemblyScript: compiled to kernels.wasm by esbuild.mjs.
export function heapBase(): usize {
  return __heap_base;
}
export function scale(n: i32, x: usize, s: f32): void {
  const vs = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = x + (<usize>i << 2);
    v128.store(p, f32x4.mul(v128.load(p), vs));
  }
  for (; i < n; i++) {
    const p = x + (<usize>i << 2);
    store<f32>(p, load<f32>(p) * s);
  }
}
export function expTest(x: f32): f32 { return Mathf.exp(x); }
