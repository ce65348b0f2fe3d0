// Batch-1 products on 16-bit integer weights: y[n] (+)= x[k] · B with B quantised per column.
// Pointers are byte addresses, sizes element counts.
//
// A step of inference reads every weight once, so its speed is how fast the weights stream
// through the core: for an LSTM 512 (12 MB of float32 weights a character, more than the 1 MB
// L2) that is the L3's bandwidth, not arithmetic. Half the bytes, and `i32x4.dot_i16x8_s`
// (pmaddwd: 8 products in one instruction, against 4 for f32x4 mul + add in two) halve both.
//
// Numbers: column j of B is stored as round(B[:,j] / sB_j) with sB_j = max|B[:,j]| / QW, and x as
// round(x / sx) with sx = max|x| / QX, so each is within half a step of 1/QW (1/QX) of its
// column's (the vector's) largest value. Products are summed exactly in i32 over 8 row pairs
// (|sum| ≤ 16·QW·QX < 2^31), then in f32; y_j gets sum_j · sB_j · sx.

/** Largest |weight| step: 14 bits. */
const QW: f32 = 16383;
/** Largest |x| step: 13 bits. With QW, 16 products of the largest magnitude sum below 2^31. */
const QX: f32 = 8191;
/** Row pairs summed in i32 before the sum moves to f32. */
const PAIRS_PER_FLUSH = 8;
/** Columns per panel. */
const PW = 16;
/** Longest x: the quantised copy of x lives in static memory. */
const MAX_K = 16384;

const xq: usize = memory.data(MAX_K * 2, 16);
const edge: usize = memory.data(PW * 4, 16);

/**
 * dst = b[k,n] quantised: first the column scales sB `[npad]` (f32, npad = n rounded up to 16),
 * then 16-column panels of row pairs `[npad/16][ceil(k/2)][16 columns x 2 rows]` (i16, each
 * column's two rows side by side, as `dot_i16x8_s` pairs them), zero-padded. Floats in all:
 * npad · (1 + ceil(k/2)).
 */
export function packQuantized(k: i32, n: i32, b: usize, dst: usize): void {
  const npad = (n + PW - 1) & ~(PW - 1);
  const pairs = (k + 1) >> 1;
  const ldb = <usize>n << 2;
  const panels = dst + (<usize>npad << 2);
  for (let j = 0; j < npad; j++) {
    let most: f32 = 0;
    if (j < n) for (let p = 0; p < k; p++) most = max(most, abs(load<f32>(b + <usize>p * ldb + (<usize>j << 2))));
    const step: f32 = most / QW;
    store<f32>(dst + (<usize>j << 2), step);
    const inverse: f32 = most > 0 ? QW / most : 0;
    // Column j: panel j/16, lane j%16 of each 64-byte row pair.
    const col = panels + <usize>(j >> 4) * pairs * 64 + (<usize>(j & 15) << 2);
    for (let pp = 0; pp < pairs; pp++) {
      for (let r = 0; r < 2; r++) {
        const p = 2 * pp + r;
        const v: f32 = j < n && p < k ? load<f32>(b + <usize>p * ldb + (<usize>j << 2)) : 0;
        store<i16>(col + <usize>pp * 64 + (<usize>r << 1), <i16>clampQ(nearest(v * inverse), QW));
      }
    }
  }
}

/**
 * y[n] = x[k] · B, or y += that, B packed by `packQuantized(k, n, …)`; k ≤ MAX_K. y must not
 * overlap x. Any x (its scale is its own largest magnitude); x all zero gives exactly 0.
 */
export function matvecQuantized(n: i32, k: i32, x: usize, packed: usize, y: usize, accumulate: i32): void {
  const sx = quantizeX(k, x);
  const npad = (n + PW - 1) & ~(PW - 1);
  const pairs = (k + 1) >> 1;
  const panelBytes = <usize>pairs * 64;
  let bp = packed + (<usize>npad << 2);
  for (let j = 0; j < n; j += PW) {
    let f0 = f32x4.splat(0), f1 = f32x4.splat(0), f2 = f32x4.splat(0), f3 = f32x4.splat(0);
    let p = bp, xp = xq;
    for (let pp = 0; pp < pairs; pp += PAIRS_PER_FLUSH) {
      let s0 = i32x4.splat(0), s1 = i32x4.splat(0), s2 = i32x4.splat(0), s3 = i32x4.splat(0);
      const end = min(pairs, pp + PAIRS_PER_FLUSH);
      for (let q = pp; q < end; q++) {
        const a = v128.load32_splat(xp);
        s0 = i32x4.add(s0, i32x4.dot_i16x8_s(a, v128.load(p)));
        s1 = i32x4.add(s1, i32x4.dot_i16x8_s(a, v128.load(p, 16)));
        s2 = i32x4.add(s2, i32x4.dot_i16x8_s(a, v128.load(p, 32)));
        s3 = i32x4.add(s3, i32x4.dot_i16x8_s(a, v128.load(p, 48)));
        p += 64;
        xp += 4;
      }
      f0 = f32x4.add(f0, f32x4.convert_i32x4_s(s0));
      f1 = f32x4.add(f1, f32x4.convert_i32x4_s(s1));
      f2 = f32x4.add(f2, f32x4.convert_i32x4_s(s2));
      f3 = f32x4.add(f3, f32x4.convert_i32x4_s(s3));
    }
    const sp = packed + (<usize>j << 2);
    const scale = f32x4.splat(sx);
    f0 = f32x4.mul(f32x4.mul(f0, v128.load(sp)), scale);
    f1 = f32x4.mul(f32x4.mul(f1, v128.load(sp, 16)), scale);
    f2 = f32x4.mul(f32x4.mul(f2, v128.load(sp, 32)), scale);
    f3 = f32x4.mul(f32x4.mul(f3, v128.load(sp, 48)), scale);
    const yp = y + (<usize>j << 2);
    const w = min(PW, n - j);
    if (w == PW) {
      if (accumulate) {
        f0 = f32x4.add(f0, v128.load(yp)); f1 = f32x4.add(f1, v128.load(yp, 16));
        f2 = f32x4.add(f2, v128.load(yp, 32)); f3 = f32x4.add(f3, v128.load(yp, 48));
      }
      v128.store(yp, f0); v128.store(yp, f1, 16); v128.store(yp, f2, 32); v128.store(yp, f3, 48);
    } else {
      v128.store(edge, f0); v128.store(edge, f1, 16); v128.store(edge, f2, 32); v128.store(edge, f3, 48);
      for (let c = 0; c < w; c++) {
        const o = <usize>c << 2;
        const v = load<f32>(edge + o);
        store<f32>(yp + o, accumulate ? load<f32>(yp + o) + v : v);
      }
    }
    bp += panelBytes;
  }
}

/** xq = round(x / sx) as i16 pairs (an odd k padded with 0); returns sx = max|x| / QX. */
function quantizeX(k: i32, x: usize): f32 {
  let most = f32x4.splat(0);
  const k4 = k & ~3;
  let i = 0;
  for (; i < k4; i += 4) most = f32x4.max(most, f32x4.abs(v128.load(x + (<usize>i << 2))));
  let m = max(max(f32x4.extract_lane(most, 0), f32x4.extract_lane(most, 1)),
    max(f32x4.extract_lane(most, 2), f32x4.extract_lane(most, 3)));
  for (; i < k; i++) m = max(m, abs(load<f32>(x + (<usize>i << 2))));
  const inverse: f32 = m > 0 ? QX / m : 0;
  const inv = f32x4.splat(inverse);
  i = 0;
  for (; i < k4; i += 4) {
    const q = i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(x + (<usize>i << 2)), inv)));
    // |q| ≤ QX: narrowing to i16 cannot saturate. Lanes 0-3 hold the four values.
    v128.store64_lane(xq + (<usize>i << 1), i16x8.narrow_i32x4_s(q, q), 0);
  }
  for (; i < k; i++) store<i16>(xq + (<usize>i << 1), <i16>clampQ(nearest(load<f32>(x + (<usize>i << 2)) * inverse), QX));
  if (k & 1) store<i16>(xq + (<usize>k << 1), 0);
  return m / QX;
}

function clampQ(v: f32, limit: f32): i32 {
  return <i32>min(limit, max(-limit, v));
}
