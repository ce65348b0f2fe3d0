// One row times a float matrix: y[n] (+)= x[k] · B[k,n], matmul's path for m < 4. Pointers are
// byte addresses, sizes element counts.
//
// With one row every float of B is used once, so the speed is how fast B streams through the
// core, not how often it is reused. Walking down 16-column blocks of a row-major B (a 4 KiB
// step per row when n = 1024) costs a TLB and cache-set miss per row; this reads B in address
// order instead. For 256x1024 (an LSTM 256's recurrent product) on one core here: 57 µs down the
// columns, 28 µs here, 24 µs on float 16-column panels (22 GFLOP/s), 14.5 µs on the 16-bit
// panels inference uses (matvec-q.ts).

/**
 * c[n] (+)= a[k] · b[k,n] on unpacked, row-major b: four rows of b per pass over c, each row
 * read in address order, c (in L1) holding the sums. The small-m path of `matmul`.
 */
export function vecTimesMatrix(n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: bool): void {
  if (!accumulate) memory.fill(c, 0, <usize>n << 2);
  const ldb = <usize>n << 2;
  const vecBytes = <usize>(n & ~3) << 2;
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const ap = a + (<usize>p << 2);
    const a0 = v128.load32_splat(ap), a1 = v128.load32_splat(ap, 4);
    const a2 = v128.load32_splat(ap, 8), a3 = v128.load32_splat(ap, 12);
    const r0 = b + <usize>p * ldb, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
    let j: usize = 0;
    for (; j < vecBytes; j += 16) {
      const s = f32x4.add(
        f32x4.add(f32x4.mul(a0, v128.load(r0 + j)), f32x4.mul(a1, v128.load(r1 + j))),
        f32x4.add(f32x4.mul(a2, v128.load(r2 + j)), f32x4.mul(a3, v128.load(r3 + j))));
      v128.store(c + j, f32x4.add(v128.load(c + j), s));
    }
    const x0 = load<f32>(ap), x1 = load<f32>(ap, 4), x2 = load<f32>(ap, 8), x3 = load<f32>(ap, 12);
    for (; j < ldb; j += 4) {
      store<f32>(c + j, load<f32>(c + j) + ((x0 * load<f32>(r0 + j) + x1 * load<f32>(r1 + j))
        + (x2 * load<f32>(r2 + j) + x3 * load<f32>(r3 + j))));
    }
  }
  for (; p < k; p++) {
    const ap = a + (<usize>p << 2);
    const a0 = v128.load32_splat(ap);
    const r0 = b + <usize>p * ldb;
    let j: usize = 0;
    for (; j < vecBytes; j += 16) v128.store(c + j, f32x4.add(v128.load(c + j), f32x4.mul(a0, v128.load(r0 + j))));
    const x0 = load<f32>(ap);
    for (; j < ldb; j += 4) store<f32>(c + j, load<f32>(c + j) + x0 * load<f32>(r0 + j));
  }
}
