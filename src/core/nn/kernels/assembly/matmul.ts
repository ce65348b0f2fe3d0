// Matrix products: packed, cache-blocked GEMM with a 4x8 f32x4 register tile.
// All pointers are byte addresses; sizes are element counts.
//
// Blocking (GotoBLAS order): for each NC-wide column block and KC-deep slice of k, B[kc,nc] is
// packed into 8-column panels ([nc/8][kc][8], contiguous, zero-padded) so the micro-kernel
// streams it without the 4 KiB-stride cache-set conflicts a row length of 1024 floats causes;
// A[mc,kc] is packed into 4-row panels ([mc/4][kc][4]). One 8 KiB B panel then stays in L1
// while all A panels of the block (MC*KC*4 = 64 KiB, L2) pass over it.

import { madd } from './madd';
import { vecTimesMatrix } from './matvec';

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 64;
const NC = 512;

// Scratch for the packed blocks: static, below __heap_base, so the JS allocator never hands it out.
const packedA: usize = memory.data(MC * KC * 4, 64);
const packedB: usize = memory.data(KC * NC * 4, 64);
const edgeTile: usize = memory.data(MR * NR * 4, 16);

/** c[m,n] = a[m,k] · b[k,n], or c += that when accumulate != 0. */
export function matmul(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: i32): void {
  gemm(m, n, k, a, b, c, accumulate != 0, false);
}

/** c[m,n] = aᵀ · b with a[k,m], b[k,n], or c += that when accumulate != 0. */
export function matmulTN(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: i32): void {
  gemm(m, n, k, a, b, c, accumulate != 0, true);
}

function gemm(m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, accumulate: bool, transA: bool): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    if (!accumulate) fillZero(<usize>m * <usize>n, c);
    return;
  }
  if (m < MR) {
    // Thin products (batch-1 inference): B is read once per row of A, packing would only add a copy.
    for (let i = 0; i < m; i++) {
      const ci = c + (<usize>(i * n) << 2);
      // Row i of A: contiguous (NN), or column i of a[k,m], m floats apart (TN).
      if (transA) rowTimesMatrix(n, k, a + (<usize>i << 2), <usize>m << 2, b, ci, accumulate);
      else vecTimesMatrix(n, k, a + (<usize>(i * k) << 2), b, ci, accumulate);
    }
    return;
  }
  const ldc = <usize>n << 2;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      // The first k slice overwrites C unless accumulating; later slices add.
      const add = accumulate || pc > 0;
      packB(b, n, pc, jc, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        if (transA) packAT(a, m, pc, ic, kc, mc);
        else packAN(a, k, pc, ic, kc, mc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = packedB + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const cp = c + (<usize>((ic + ir) * n + jc + jr) << 2);
            microKernel(kc, packedA + (<usize>(ir * kc) << 2), bp, cp, ldc, mr, nr, add);
          }
        }
      }
    }
  }
}

/** C[4,8] tile (+)= Ap[kc][4] · Bp[kc][8]; only the top-left mr x nr part is written. */
// @ts-ignore: decorator
@inline
function microKernel(kc: i32, ap: usize, bp: usize, cp: usize, ldc: usize, mr: i32, nr: i32, add: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let av = v128.load32_splat(ap);
    c00 = madd(av, b0, c00);
    c01 = madd(av, b1, c01);
    av = v128.load32_splat(ap, 4);
    c10 = madd(av, b0, c10);
    c11 = madd(av, b1, c11);
    av = v128.load32_splat(ap, 8);
    c20 = madd(av, b0, c20);
    c21 = madd(av, b1, c21);
    av = v128.load32_splat(ap, 12);
    c30 = madd(av, b0, c30);
    c31 = madd(av, b1, c31);
    ap += 16;
    bp += 32;
  }
  if (mr == MR && nr == NR) {
    if (add) {
      c00 = f32x4.add(c00, v128.load(cp)); c01 = f32x4.add(c01, v128.load(cp, 16));
      c10 = f32x4.add(c10, v128.load(cp + ldc)); c11 = f32x4.add(c11, v128.load(cp + ldc, 16));
      c20 = f32x4.add(c20, v128.load(cp + 2 * ldc)); c21 = f32x4.add(c21, v128.load(cp + 2 * ldc, 16));
      c30 = f32x4.add(c30, v128.load(cp + 3 * ldc)); c31 = f32x4.add(c31, v128.load(cp + 3 * ldc, 16));
    }
    v128.store(cp, c00); v128.store(cp, c01, 16);
    v128.store(cp + ldc, c10); v128.store(cp + ldc, c11, 16);
    v128.store(cp + 2 * ldc, c20); v128.store(cp + 2 * ldc, c21, 16);
    v128.store(cp + 3 * ldc, c30); v128.store(cp + 3 * ldc, c31, 16);
    return;
  }
  // Partial tile at the right or bottom edge: spill the registers, copy the valid part.
  v128.store(edgeTile, c00); v128.store(edgeTile, c01, 16);
  v128.store(edgeTile, c10, 32); v128.store(edgeTile, c11, 48);
  v128.store(edgeTile, c20, 64); v128.store(edgeTile, c21, 80);
  v128.store(edgeTile, c30, 96); v128.store(edgeTile, c31, 112);
  for (let r = 0; r < mr; r++) {
    const row = cp + <usize>r * ldc;
    const t = edgeTile + (<usize>(r * NR) << 2);
    for (let j = 0; j < nr; j++) {
      const o = <usize>j << 2;
      const v = load<f32>(t + o);
      store<f32>(row + o, add ? load<f32>(row + o) + v : v);
    }
  }
}

/** Packs b[pc:pc+kc, jc:jc+nc] (row length n) into 8-column panels [nc/8][kc][8], zero-padded. */
function packB(b: usize, n: i32, pc: i32, jc: i32, kc: i32, nc: i32): void {
  const ldb = <usize>n << 2;
  let dst = packedB;
  for (let jr = 0; jr < nc; jr += NR) {
    let src = b + <usize>pc * ldb + (<usize>(jc + jr) << 2);
    const nr = min(NR, nc - jr);
    if (nr == NR) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += ldb;
        dst += 32;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < NR; j++) store<f32>(dst + (<usize>j << 2), j < nr ? load<f32>(src + (<usize>j << 2)) : 0);
        src += ldb;
        dst += 32;
      }
    }
  }
}

/** Packs a[ic:ic+mc, pc:pc+kc] of a[m,k] (row length k) into 4-row panels [mc/4][kc][4]: a 4 x kc transpose each. */
function packAN(a: usize, k: i32, pc: i32, ic: i32, kc: i32, mc: i32): void {
  const lda = <usize>k << 2;
  let dst = packedA;
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    const src = a + <usize>(ic + ir) * lda + (<usize>pc << 2);
    if (mr == MR) {
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const s = src + (<usize>p << 2);
        const r0 = v128.load(s), r1 = v128.load(s + lda), r2 = v128.load(s + 2 * lda), r3 = v128.load(s + 3 * lda);
        // 4x4 transpose: rows r0..r3 of A become columns of the panel.
        const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
        v128.store(dst, v128.shuffle<f64>(t0, t1, 0, 2));
        v128.store(dst, v128.shuffle<f64>(t0, t1, 1, 3), 16);
        v128.store(dst, v128.shuffle<f64>(t2, t3, 0, 2), 32);
        v128.store(dst, v128.shuffle<f64>(t2, t3, 1, 3), 48);
        dst += 64;
      }
      for (; p < kc; p++) {
        const s = src + (<usize>p << 2);
        store<f32>(dst, load<f32>(s));
        store<f32>(dst, load<f32>(s + lda), 4);
        store<f32>(dst, load<f32>(s + 2 * lda), 8);
        store<f32>(dst, load<f32>(s + 3 * lda), 12);
        dst += 16;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const s = src + (<usize>p << 2);
        for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), r < mr ? load<f32>(s + <usize>r * lda) : 0);
        dst += 16;
      }
    }
  }
}

/** Packs columns ic:ic+mc of rows pc:pc+kc of a[k,m] (row length m) into 4-row panels [mc/4][kc][4]. */
function packAT(a: usize, m: i32, pc: i32, ic: i32, kc: i32, mc: i32): void {
  const lda = <usize>m << 2;
  let dst = packedA;
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    let src = a + <usize>pc * lda + (<usize>(ic + ir) << 2);
    if (mr == MR) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        src += lda;
        dst += 16;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) store<f32>(dst + (<usize>r << 2), r < mr ? load<f32>(src + (<usize>r << 2)) : 0);
        src += lda;
        dst += 16;
      }
    }
  }
}

/** c[n] (+)= Σ_p a(p) · b[p,:], a(p) at aPtr + p*aStep bytes: one row of C without packing. */
function rowTimesMatrix(n: i32, k: i32, aPtr: usize, aStep: usize, b: usize, c: usize, accumulate: bool): void {
  const ldb = <usize>n << 2;
  let j = 0;
  // 16 columns = one cache line of each B row, four independent accumulators.
  for (; j + 16 <= n; j += 16) {
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let ap = aPtr;
    let bp = b + (<usize>j << 2);
    for (let p = 0; p < k; p++) {
      const av = v128.load32_splat(ap);
      s0 = madd(av, v128.load(bp), s0);
      s1 = madd(av, v128.load(bp, 16), s1);
      s2 = madd(av, v128.load(bp, 32), s2);
      s3 = madd(av, v128.load(bp, 48), s3);
      ap += aStep;
      bp += ldb;
    }
    const cp = c + (<usize>j << 2);
    if (accumulate) {
      s0 = f32x4.add(s0, v128.load(cp)); s1 = f32x4.add(s1, v128.load(cp, 16));
      s2 = f32x4.add(s2, v128.load(cp, 32)); s3 = f32x4.add(s3, v128.load(cp, 48));
    }
    v128.store(cp, s0); v128.store(cp, s1, 16); v128.store(cp, s2, 32); v128.store(cp, s3, 48);
  }
  for (; j + 4 <= n; j += 4) {
    let s = f32x4.splat(0);
    let ap = aPtr;
    let bp = b + (<usize>j << 2);
    for (let p = 0; p < k; p++) {
      s = madd(v128.load32_splat(ap), v128.load(bp), s);
      ap += aStep;
      bp += ldb;
    }
    const cp = c + (<usize>j << 2);
    v128.store(cp, accumulate ? f32x4.add(s, v128.load(cp)) : s);
  }
  for (; j < n; j++) {
    let s: f32 = 0;
    let ap = aPtr;
    let bp = b + (<usize>j << 2);
    for (let p = 0; p < k; p++) {
      s += load<f32>(ap) * load<f32>(bp);
      ap += aStep;
      bp += ldb;
    }
    const cp = c + (<usize>j << 2);
    store<f32>(cp, accumulate ? load<f32>(cp) + s : s);
  }
}

/** Zeroes n floats at dst. */
function fillZero(n: usize, dst: usize): void {
  memory.fill(dst, 0, n << 2);
}
