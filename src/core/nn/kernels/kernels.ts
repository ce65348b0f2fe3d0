/**
 * Where a buffer starts: an element index into `Kernels.heap` (float32 wasm: byte address / 4),
 * -1 for none. An alias, not a brand: layers step through buffers by arithmetic
 * (`gates + t * 4 * hidden`), which a brand would turn into a cast at every step.
 */
export type HeapOffset = number;

/** How long a buffer is, in heap elements (floats), not bytes. */
export type HeapLength = number;

/**
 * The numeric kernels every layer is written against.
 *
 * A `Kernels` owns one flat heap of floats (a WebAssembly memory for the fast
 * backend, a plain typed array for the reference one). Layers never hold arrays:
 * they hold element offsets into the heap, as C code holds pointers, so the same
 * layer code runs on float32 wasm (speed) and float64 JS (gradient checks).
 *
 * Conventions for every kernel:
 * - matrices are row-major and contiguous; `[rows, cols]` in the comments;
 * - every pointer argument is an element offset into `heap` (`HeapOffset`), every length a count of
 *   heap elements (`HeapLength`);
 * - integer ids (characters, targets) are stored in the heap as floats (exact below 2^24);
 * - LSTM gate order is PyTorch's: i, f, g, o (input, forget, candidate, output),
 *   each block `hidden` wide inside a `[batch, 4*hidden]` row.
 */
export interface Kernels {
  /** 'wasm' or 'reference-f32' / 'reference-f64'. */
  readonly name: string;
  /** What reports call them, e.g. 'wasm (relaxed SIMD, fused multiply-add)'. */
  readonly description: string;
  /** A view of the whole heap. Re-read it after `alloc`: the memory may have grown. */
  readonly heap: Float32Array | Float64Array;
  /** Allocates `n` zeroed floats aligned to 16 bytes; returns their element offset. */
  alloc(n: HeapLength): HeapOffset;

  /** c[m,n] = a[m,k] · b[k,n], or c += that when `accumulate`. */
  matmul(m: number, n: number, k: number, a: HeapOffset, b: HeapOffset, c: HeapOffset, accumulate: boolean): void;
  /** c[m,n] = aᵀ · b with a[k,m], b[k,n] (weight gradients: k = batch*time), or c += that. */
  matmulTN(m: number, n: number, k: number, a: HeapOffset, b: HeapOffset, c: HeapOffset, accumulate: boolean): void;
  /** dst[cols,rows] = src[rows,cols]ᵀ. */
  transpose(rows: number, cols: number, src: HeapOffset, dst: HeapOffset): void;
  /**
   * dst = b[k,n] as 16-bit integers with a scale per column (`quantizedSize(k, n)` floats): what
   * `matvecQuantized` streams, half the bytes of float weights. Each weight is within half a step
   * of 1/16383 of its column's largest magnitude.
   */
  packQuantized(k: number, n: number, b: HeapOffset, dst: HeapOffset): void;
  /**
   * y[n] = x[k] · B, or y += that, B packed by `packQuantized(k, n, …)`, x rounded to 13 bits of
   * its largest magnitude and the products summed exactly as integers: batch-1 inference, whose
   * speed is how fast the weights stream. k ≤ MAX_QUANTIZED_K. y must not overlap x.
   */
  matvecQuantized(n: number, k: number, x: HeapOffset, packed: HeapOffset, y: HeapOffset, accumulate: boolean): void;

  fill(n: HeapLength, dst: HeapOffset, value: number): void;
  copy(n: HeapLength, src: HeapOffset, dst: HeapOffset): void;
  /** dst += src */
  addInto(n: HeapLength, src: HeapOffset, dst: HeapOffset): void;
  /** dst *= src (element-wise; dropout masks) */
  mulInto(n: HeapLength, src: HeapOffset, dst: HeapOffset): void;
  /** x *= s */
  scale(n: HeapLength, x: HeapOffset, s: number): void;
  /** Σ x², accumulated in float64. */
  sumSquares(n: HeapLength, x: HeapOffset): number;
  /** dst[r,:] = row[:] for every r < rows (bias initialisation). */
  broadcastRows(rows: number, cols: number, row: HeapOffset, dst: HeapOffset): void;
  /** dst[:] += Σ_r src[r,:] (bias gradients). */
  sumRowsInto(rows: number, cols: number, src: HeapOffset, dst: HeapOffset): void;
  /** dst[i,:] = table[ids[i],:] for i < n (embedding lookup). */
  gather(n: number, dim: number, table: HeapOffset, ids: HeapOffset, dst: HeapOffset): void;
  /** dTable[ids[i],:] += src[i,:] for i < n (embedding gradient). */
  scatterAdd(n: number, dim: number, src: HeapOffset, ids: HeapOffset, dTable: HeapOffset): void;

  /**
   * One LSTM time step after the matrix products.
   * gates[batch,4*hidden]: in, pre-activations (x·W_ih + h·W_hh + b); out, activations
   *   i=σ, f=σ, g=tanh, o=σ in place (kept for backward and for the gate heatmaps).
   * cPrev[batch,hidden] in; c[batch,hidden] out = f*cPrev + i*g; h[batch,hidden] out = o*tanh(c).
   */
  lstmForward(batch: number, hidden: number, gates: HeapOffset, cPrev: HeapOffset, c: HeapOffset, h: HeapOffset): void;
  /**
   * Backward through one LSTM time step's element-wise part.
   * gates: the activations saved by lstmForward; cPrev, c as in forward.
   * dh[batch,hidden] in: total ∂L/∂h_t. dc[batch,hidden] in: ∂L/∂c_t from step t+1; out: ∂L/∂c_{t-1}.
   * dGates[batch,4*hidden] out: ∂L/∂(pre-activations), same gate order.
   */
  lstmBackward(batch: number, hidden: number, gates: HeapOffset, cPrev: HeapOffset, c: HeapOffset,
    dh: HeapOffset, dc: HeapOffset, dGates: HeapOffset): void;
  /** x = tanh(x) in place (vanilla RNN step: h = tanh(pre)). */
  tanhInPlace(n: HeapLength, x: HeapOffset): void;
  /** dPre = dh * (1 - h²) (vanilla RNN step backward). */
  tanhBackward(n: HeapLength, h: HeapOffset, dh: HeapOffset, dPre: HeapOffset): void;

  /**
   * Row-wise softmax cross-entropy over logits[rows,vocab] against targets[rows] (ids as floats).
   * Returns Σ -log p(target) in nats. If dLogits >= 0, writes (softmax - onehot) * gradScale there
   * (dLogits may equal logits: in place).
   */
  softmaxCrossEntropy(rows: number, vocab: number, logits: HeapOffset, targets: HeapOffset,
    dLogits: HeapOffset, gradScale: number): number;

  /**
   * Adam step over n parameters: m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g²;
   * p -= stepSize * m / (sqrt(v) + eps), with the bias corrections already folded into stepSize
   * (stepSize = lr * sqrt(1-b2^t) / (1-b1^t)).
   */
  adam(n: HeapLength, param: HeapOffset, grad: HeapOffset, m: HeapOffset, v: HeapOffset,
    stepSize: number, beta1: number, beta2: number, eps: number): void;
}

/** Columns per panel of `packQuantized`. */
export const PANEL_WIDTH = 16;

/** Longest x of `matvecQuantized` (its quantised copy has a fixed buffer in the wasm module). */
export const MAX_QUANTIZED_K = 16384;

export function checkQuantizedK(k: number): void {
  if (k > MAX_QUANTIZED_K) throw new RangeError(`quantised products take inputs of at most ${MAX_QUANTIZED_K}, got ${k}`);
}

/** Floats of b[k,n] packed by `packQuantized`: the column scales, then two 16-bit rows a float. */
export function quantizedSize(k: number, n: number): HeapLength {
  const npad = Math.ceil(n / PANEL_WIDTH) * PANEL_WIDTH;
  return npad * (1 + Math.ceil(k / 2));
}
