// Memory-bound array kernels: fills, copies, element-wise arithmetic, reductions, embeddings, Adam.
// Pointers are byte addresses, sizes element counts, data f32.

// @ts-ignore: decorator
@inline
function at(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

export function fill(n: i32, dst: usize, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), v);
  for (; i < n; i++) store<f32>(at(dst, i), value);
}

/** memmove semantics: src and dst may overlap. */
export function copy(n: i32, src: usize, dst: usize): void {
  if (n > 0) memory.copy(dst, src, <usize>n << 2);
}

/** dst += src */
export function addInto(n: i32, src: usize, dst: usize): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const s = at(src, i), d = at(dst, i);
    v128.store(d, f32x4.add(v128.load(d), v128.load(s)));
    v128.store(d, f32x4.add(v128.load(d, 16), v128.load(s, 16)), 16);
  }
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.add(v128.load(at(dst, i)), v128.load(at(src, i))));
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) + load<f32>(at(src, i)));
}

/** dst *= src */
export function mulInto(n: i32, src: usize, dst: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(dst, i), f32x4.mul(v128.load(at(dst, i)), v128.load(at(src, i))));
  for (; i < n; i++) store<f32>(at(dst, i), load<f32>(at(dst, i)) * load<f32>(at(src, i)));
}

/** x *= s */
export function scale(n: i32, x: usize, s: f32): void {
  const vs = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(at(x, i), f32x4.mul(v128.load(at(x, i)), vs));
  for (; i < n; i++) store<f32>(at(x, i), load<f32>(at(x, i)) * s);
}

/** Σ x² in f64 (gradient norms of millions of parameters would lose digits in f32). */
export function sumSquares(n: i32, x: usize): f64 {
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(at(x, i));
    const a = f64x2.promote_low_f32x4(v);
    const b = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
    lo = f64x2.add(lo, f64x2.mul(a, a));
    hi = f64x2.add(hi, f64x2.mul(b, b));
  }
  const sum = f64x2.add(lo, hi);
  let s = f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1);
  for (; i < n; i++) {
    const v = <f64>load<f32>(at(x, i));
    s += v * v;
  }
  return s;
}

/** dst[r,:] = row[:] for r < rows. */
export function broadcastRows(rows: i32, cols: i32, row: usize, dst: usize): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) memory.copy(dst + <usize>r * bytes, row, bytes);
}

/** dst[:] += Σ_r src[r,:], row by row (same summation order as the reference: bit-identical). */
export function sumRowsInto(rows: i32, cols: i32, src: usize, dst: usize): void {
  const bytes = <usize>cols << 2;
  for (let r = 0; r < rows; r++) addInto(cols, src + <usize>r * bytes, dst);
}

/** dst[i,:] = table[ids[i],:] for i < n; ids are f32 holding integers. */
export function gather(n: i32, dim: i32, table: usize, ids: usize, dst: usize): void {
  const bytes = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const id = <usize><i32>load<f32>(at(ids, i));
    memory.copy(dst + <usize>i * bytes, table + id * bytes, bytes);
  }
}

/** dTable[ids[i],:] += src[i,:] for i < n. */
export function scatterAdd(n: i32, dim: i32, src: usize, ids: usize, dTable: usize): void {
  const bytes = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const id = <usize><i32>load<f32>(at(ids, i));
    addInto(dim, src + <usize>i * bytes, dTable + id * bytes);
  }
}

/** dst[cols,rows] = src[rows,cols]ᵀ, in 32x32 tiles (both sides stay in L1) of 4x4 SIMD transposes. */
export function transpose(rows: i32, cols: i32, src: usize, dst: usize): void {
  const ls = <usize>cols << 2; // src row stride, bytes
  const ld = <usize>rows << 2; // dst row stride, bytes
  for (let r0 = 0; r0 < rows; r0 += 32) {
    const r1 = min(rows, r0 + 32);
    for (let c0 = 0; c0 < cols; c0 += 32) {
      const c1 = min(cols, c0 + 32);
      let r = r0;
      for (; r + 4 <= r1; r += 4) {
        let c = c0;
        for (; c + 4 <= c1; c += 4) {
          const s = src + <usize>r * ls + (<usize>c << 2);
          const a0 = v128.load(s), a1 = v128.load(s + ls), a2 = v128.load(s + 2 * ls), a3 = v128.load(s + 3 * ls);
          const t0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
          const d = dst + <usize>c * ld + (<usize>r << 2);
          v128.store(d, v128.shuffle<f64>(t0, t1, 0, 2));
          v128.store(d + ld, v128.shuffle<f64>(t0, t1, 1, 3));
          v128.store(d + 2 * ld, v128.shuffle<f64>(t2, t3, 0, 2));
          v128.store(d + 3 * ld, v128.shuffle<f64>(t2, t3, 1, 3));
        }
        for (; c < c1; c++) {
          for (let q = r; q < r + 4; q++) {
            store<f32>(dst + <usize>c * ld + (<usize>q << 2), load<f32>(src + <usize>q * ls + (<usize>c << 2)));
          }
        }
      }
      for (; r < r1; r++) {
        for (let c = c0; c < c1; c++) {
          store<f32>(dst + <usize>c * ld + (<usize>r << 2), load<f32>(src + <usize>r * ls + (<usize>c << 2)));
        }
      }
    }
  }
}

/**
 * Adam step. The betas come in as f64 so 1-β is formed before rounding to f32
 * (f32(1) - f32(0.999) is off by 1.3e-5 relative).
 */
export function adam(n: i32, param: usize, grad: usize, m: usize, v: usize,
  stepSize: f32, beta1: f64, beta2: f64, eps: f32): void {
  const b1 = <f32>beta1, c1 = <f32>(1 - beta1);
  const b2 = <f32>beta2, c2 = <f32>(1 - beta2);
  const vb1 = f32x4.splat(b1), vc1 = f32x4.splat(c1), vb2 = f32x4.splat(b2), vc2 = f32x4.splat(c2);
  const vStep = f32x4.splat(stepSize), vEps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(grad + o);
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vc1, g));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vc2, f32x4.mul(g, g)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const update = f32x4.div(f32x4.mul(vStep, mi), f32x4.add(f32x4.sqrt(vi), vEps));
    v128.store(param + o, f32x4.sub(v128.load(param + o), update));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grad + o);
    const mi = b1 * load<f32>(m + o) + c1 * g;
    const vi = b2 * load<f32>(v + o) + c2 * (g * g);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(param + o, load<f32>(param + o) - stepSize * mi / (Mathf.sqrt(vi) + eps));
  }
}
