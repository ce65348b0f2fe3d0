import { checkQuantizedK, PANEL_WIDTH, type Kernels } from './kernels';

type Heap = Float32Array | Float64Array;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
/** The steps of `packQuantized` / `matvecQuantized`, as in assembly/matvec-q.ts. */
const Q_WEIGHT = 16383, Q_X = 8191;
const clampQ = (v: number, limit: number): number => Math.min(limit, Math.max(-limit, v));
const f32 = Math.fround;
/** WebAssembly's `nearest`: ties to even. */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Plain-JS kernels, written to be obviously right rather than fast. With float64 they back
 * the numeric gradient checks; with float32 they are the fallback where WebAssembly is missing
 * and the reference the wasm kernels are tested against.
 */
export class ReferenceKernels implements Kernels {
  readonly name: string;
  readonly description: string;
  private data: Heap;
  private used = 0;

  constructor(private readonly precision: 'f32' | 'f64' = 'f64', initialFloats = 1 << 16) {
    this.name = `reference-${precision}`;
    this.description = `plain JS (${precision})`;
    this.data = precision === 'f32' ? new Float32Array(initialFloats) : new Float64Array(initialFloats);
  }

  get heap(): Heap {
    return this.data;
  }

  alloc(n: number): number {
    const offset = this.used;
    this.used += Math.ceil(n / 4) * 4;
    if (this.used > this.data.length) {
      const bigger = this.precision === 'f32'
        ? new Float32Array(Math.max(this.used, this.data.length * 2))
        : new Float64Array(Math.max(this.used, this.data.length * 2));
      bigger.set(this.data);
      this.data = bigger;
    }
    return offset;
  }

  matmul(m: number, n: number, k: number, a: number, b: number, c: number, accumulate: boolean): void {
    const h = this.data;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = accumulate ? h[c + i * n + j] : 0;
        for (let p = 0; p < k; p++) s += h[a + i * k + p] * h[b + p * n + j];
        h[c + i * n + j] = s;
      }
    }
  }

  matmulTN(m: number, n: number, k: number, a: number, b: number, c: number, accumulate: boolean): void {
    const h = this.data;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = accumulate ? h[c + i * n + j] : 0;
        for (let p = 0; p < k; p++) s += h[a + p * m + i] * h[b + p * n + j];
        h[c + i * n + j] = s;
      }
    }
  }

  // The same integers as the wasm kernels (assembly/matvec-q.ts): column scales as numbers at
  // dst, then the 16-bit panels byte for byte, through a view of the heap's bytes.
  packQuantized(k: number, n: number, b: number, dst: number): void {
    checkQuantizedK(k);
    const h = this.data;
    const npad = Math.ceil(n / PANEL_WIDTH) * PANEL_WIDTH, pairs = Math.ceil(k / 2);
    const panels = this.int16At(dst + npad, npad * pairs * 2);
    for (let j = 0; j < npad; j++) {
      let most = 0;
      for (let p = 0; j < n && p < k; p++) most = Math.max(most, Math.abs(h[b + p * n + j]));
      // float32 arithmetic, as the wasm kernel's, so that both round to the same integers.
      h[dst + j] = f32(most / Q_WEIGHT);
      const inverse = most > 0 ? f32(Q_WEIGHT / most) : 0;
      for (let p = 0; p < 2 * pairs; p++) {
        const v = j < n && p < k ? h[b + p * n + j] : 0;
        const q = clampQ(roundHalfEven(f32(v * inverse)), Q_WEIGHT);
        panels[Math.floor(j / PANEL_WIDTH) * pairs * 32 + (p >> 1) * 32 + (j % PANEL_WIDTH) * 2 + (p & 1)] = q;
      }
    }
  }

  matvecQuantized(n: number, k: number, x: number, packed: number, y: number, accumulate: boolean): void {
    const h = this.data;
    const npad = Math.ceil(n / PANEL_WIDTH) * PANEL_WIDTH, pairs = Math.ceil(k / 2);
    const panels = this.int16At(packed + npad, npad * pairs * 2);
    let most = 0;
    for (let p = 0; p < k; p++) most = Math.max(most, Math.abs(h[x + p]));
    const xq = new Int32Array(2 * pairs);
    const inverse = most > 0 ? f32(Q_X / most) : 0;
    for (let p = 0; p < k; p++) xq[p] = clampQ(roundHalfEven(f32(h[x + p] * inverse)), Q_X);
    for (let j = 0; j < n; j++) {
      const col = Math.floor(j / PANEL_WIDTH) * pairs * 32 + (j % PANEL_WIDTH) * 2;
      let s = 0;
      for (let p = 0; p < 2 * pairs; p++) s += xq[p] * panels[col + (p >> 1) * 32 + (p & 1)];
      const v = s * h[packed + j] * f32(most / Q_X);
      h[y + j] = accumulate ? h[y + j] + v : v;
    }
  }

  /** An Int16Array over `count` 16-bit values of the heap's bytes from element `at` on. */
  private int16At(at: number, count: number): Int16Array {
    return new Int16Array(this.data.buffer, this.data.byteOffset + at * this.data.BYTES_PER_ELEMENT, count);
  }

  transpose(rows: number, cols: number, src: number, dst: number): void {
    const h = this.data;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) h[dst + c * rows + r] = h[src + r * cols + c];
  }

  fill(n: number, dst: number, value: number): void {
    this.data.fill(value, dst, dst + n);
  }

  copy(n: number, src: number, dst: number): void {
    this.data.copyWithin(dst, src, src + n);
  }

  addInto(n: number, src: number, dst: number): void {
    const h = this.data;
    for (let i = 0; i < n; i++) h[dst + i] += h[src + i];
  }

  mulInto(n: number, src: number, dst: number): void {
    const h = this.data;
    for (let i = 0; i < n; i++) h[dst + i] *= h[src + i];
  }

  scale(n: number, x: number, s: number): void {
    const h = this.data;
    for (let i = 0; i < n; i++) h[x + i] *= s;
  }

  sumSquares(n: number, x: number): number {
    const h = this.data;
    let s = 0;
    for (let i = 0; i < n; i++) s += h[x + i] * h[x + i];
    return s;
  }

  broadcastRows(rows: number, cols: number, row: number, dst: number): void {
    for (let r = 0; r < rows; r++) this.data.copyWithin(dst + r * cols, row, row + cols);
  }

  sumRowsInto(rows: number, cols: number, src: number, dst: number): void {
    const h = this.data;
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) h[dst + c] += h[src + r * cols + c];
  }

  gather(n: number, dim: number, table: number, ids: number, dst: number): void {
    const h = this.data;
    for (let i = 0; i < n; i++) {
      const from = table + h[ids + i] * dim;
      h.copyWithin(dst + i * dim, from, from + dim);
    }
  }

  scatterAdd(n: number, dim: number, src: number, ids: number, dTable: number): void {
    const h = this.data;
    for (let i = 0; i < n; i++) {
      const to = dTable + h[ids + i] * dim;
      for (let d = 0; d < dim; d++) h[to + d] += h[src + i * dim + d];
    }
  }

  lstmForward(batch: number, hidden: number, gates: number, cPrev: number, c: number, h: number): void {
    const x = this.data;
    for (let b = 0; b < batch; b++) {
      const row = gates + b * 4 * hidden;
      for (let j = 0; j < hidden; j++) {
        const i = sigmoid(x[row + j]);
        const f = sigmoid(x[row + hidden + j]);
        const g = Math.tanh(x[row + 2 * hidden + j]);
        const o = sigmoid(x[row + 3 * hidden + j]);
        x[row + j] = i;
        x[row + hidden + j] = f;
        x[row + 2 * hidden + j] = g;
        x[row + 3 * hidden + j] = o;
        const cell = f * x[cPrev + b * hidden + j] + i * g;
        x[c + b * hidden + j] = cell;
        x[h + b * hidden + j] = o * Math.tanh(cell);
      }
    }
  }

  lstmBackward(batch: number, hidden: number, gates: number, cPrev: number, c: number,
    dh: number, dc: number, dGates: number): void {
    const x = this.data;
    for (let b = 0; b < batch; b++) {
      const row = gates + b * 4 * hidden;
      const drow = dGates + b * 4 * hidden;
      for (let j = 0; j < hidden; j++) {
        const s = b * hidden + j;
        const i = x[row + j], f = x[row + hidden + j], g = x[row + 2 * hidden + j], o = x[row + 3 * hidden + j];
        const tc = Math.tanh(x[c + s]);
        const dhs = x[dh + s];
        const dcTotal = x[dc + s] + dhs * o * (1 - tc * tc);
        x[drow + j] = dcTotal * g * i * (1 - i);
        x[drow + hidden + j] = dcTotal * x[cPrev + s] * f * (1 - f);
        x[drow + 2 * hidden + j] = dcTotal * i * (1 - g * g);
        x[drow + 3 * hidden + j] = dhs * tc * o * (1 - o);
        x[dc + s] = dcTotal * f;
      }
    }
  }

  tanhInPlace(n: number, x: number): void {
    const h = this.data;
    for (let i = 0; i < n; i++) h[x + i] = Math.tanh(h[x + i]);
  }

  tanhBackward(n: number, h: number, dh: number, dPre: number): void {
    const x = this.data;
    for (let i = 0; i < n; i++) x[dPre + i] = x[dh + i] * (1 - x[h + i] * x[h + i]);
  }

  softmaxCrossEntropy(rows: number, vocab: number, logits: number, targets: number,
    dLogits: number, gradScale: number): number {
    const x = this.data;
    let loss = 0;
    for (let r = 0; r < rows; r++) {
      const row = logits + r * vocab;
      let max = -Infinity;
      for (let v = 0; v < vocab; v++) max = Math.max(max, x[row + v]);
      let sum = 0;
      for (let v = 0; v < vocab; v++) sum += Math.exp(x[row + v] - max);
      const target = x[targets + r];
      loss += Math.log(sum) - (x[row + target] - max);
      if (dLogits >= 0) {
        const drow = dLogits + r * vocab;
        for (let v = 0; v < vocab; v++) {
          const p = Math.exp(x[row + v] - max) / sum;
          x[drow + v] = (p - (v === target ? 1 : 0)) * gradScale;
        }
      }
    }
    return loss;
  }

  adam(n: number, param: number, grad: number, m: number, v: number,
    stepSize: number, beta1: number, beta2: number, eps: number): void {
    const x = this.data;
    for (let i = 0; i < n; i++) {
      const g = x[grad + i];
      const mi = beta1 * x[m + i] + (1 - beta1) * g;
      const vi = beta2 * x[v + i] + (1 - beta2) * g * g;
      x[m + i] = mi;
      x[v + i] = vi;
      x[param + i] -= stepSize * mi / (Math.sqrt(vi) + eps);
    }
  }
}
