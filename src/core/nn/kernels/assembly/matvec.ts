// One row times a matrix (batch-1 inference): y[n] (+)= x[k] · B[k,n]. Pointers are byte
// addresses, sizes element counts.
//
// With one row every float of B is used once, so the speed is how fast B streams through the
// core, not how often it is reused. Walking down 16-column blocks of a row-major B (a 4 KiB
// step per row when n = 1024) costs a TLB and cache-set miss per row; these kernels read B in
// address order instead. For 256x1024 (an LSTM 256's recurrent product) on one core here:
// 57 µs down the columns, 28 µs with `vecTimesMatrix`, 24 µs with `matvecPanels` (22 GFLOP/s).
// V8 gives wasm 15 xmm registers and schedules all of an iteration's loads first, so the loop
// bodies keep every live value in a register (accumulators + splats + loaded rows ≤ 15); with
// more accumulators one spills and the loop runs at half speed.

/** Floats per panel row: `packPanels` lays B out as [ceil(n/16)][k][16]. */
const PW = 16;

const edge: usize = memory.data(PW * 4, 16);

/**
 * dst = b[k,n] in 16-column panels `[ceil(n/16)][k][16]`, the last panel zero-padded, so that
 * `matvecPanels` reads it front to back. Weights are packed once per weights version.
 */
export function packPanels(k: i32, n: i32, b: usize, dst: usize): void {
  const ldb = <usize>n << 2;
  for (let j = 0; j < n; j += PW) {
    const w = min(PW, n - j);
    let src = b + (<usize>j << 2);
    if (w == PW) {
      for (let p = 0; p < k; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        v128.store(dst, v128.load(src, 32), 32);
        v128.store(dst, v128.load(src, 48), 48);
        src += ldb;
        dst += PW << 2;
      }
    } else {
      for (let p = 0; p < k; p++) {
        for (let x = 0; x < PW; x++) store<f32>(dst + (<usize>x << 2), x < w ? load<f32>(src + (<usize>x << 2)) : 0);
        src += ldb;
        dst += PW << 2;
      }
    }
  }
}

/**
 * y[n] (+)= x[k] · B with B packed by `packPanels(k, n, ...)`: per panel four f32x4
 * accumulators, two k steps per iteration (2 splats + 8 loads + 4 sums = 14 registers).
 * y must not overlap x.
 */
export function matvecPanels(n: i32, k: i32, x: usize, panels: usize, y: usize, accumulate: i32): void {
  const panelBytes = <usize>k * (PW << 2);
  let bp = panels;
  for (let j = 0; j < n; j += PW) {
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let xp = x;
    let p = bp;
    const pairsEnd = bp + (<usize>(k >> 1)) * (PW << 3);
    for (; p < pairsEnd; p += PW << 3) {
      const a = v128.load32_splat(xp);
      const b = v128.load32_splat(xp, 4);
      s0 = f32x4.add(s0, f32x4.add(f32x4.mul(a, v128.load(p)), f32x4.mul(b, v128.load(p, 64))));
      s1 = f32x4.add(s1, f32x4.add(f32x4.mul(a, v128.load(p, 16)), f32x4.mul(b, v128.load(p, 80))));
      s2 = f32x4.add(s2, f32x4.add(f32x4.mul(a, v128.load(p, 32)), f32x4.mul(b, v128.load(p, 96))));
      s3 = f32x4.add(s3, f32x4.add(f32x4.mul(a, v128.load(p, 48)), f32x4.mul(b, v128.load(p, 112))));
      xp += 8;
    }
    if (k & 1) {
      const a = v128.load32_splat(xp);
      s0 = f32x4.add(s0, f32x4.mul(a, v128.load(p)));
      s1 = f32x4.add(s1, f32x4.mul(a, v128.load(p, 16)));
      s2 = f32x4.add(s2, f32x4.mul(a, v128.load(p, 32)));
      s3 = f32x4.add(s3, f32x4.mul(a, v128.load(p, 48)));
    }
    const yp = y + (<usize>j << 2);
    const w = min(PW, n - j);
    if (w == PW) {
      if (accumulate) {
        s0 = f32x4.add(s0, v128.load(yp)); s1 = f32x4.add(s1, v128.load(yp, 16));
        s2 = f32x4.add(s2, v128.load(yp, 32)); s3 = f32x4.add(s3, v128.load(yp, 48));
      }
      v128.store(yp, s0); v128.store(yp, s1, 16); v128.store(yp, s2, 32); v128.store(yp, s3, 48);
    } else {
      // The padded last panel: only its first w columns exist in y.
      v128.store(edge, s0); v128.store(edge, s1, 16); v128.store(edge, s2, 32); v128.store(edge, s3, 48);
      for (let c = 0; c < w; c++) {
        const o = <usize>c << 2;
        const v = load<f32>(edge + o);
        store<f32>(yp + o, accumulate ? load<f32>(yp + o) + v : v);
      }
    }
    bp += panelBytes;
  }
}

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
