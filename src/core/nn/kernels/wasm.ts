import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { checkQuantizedK, type Kernels } from './kernels';

/** The exports of kernels.wasm (assembly/kernels.ts): byte pointers, i32 sizes, f32 data. */
interface WasmExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  matmul(m: number, n: number, k: number, a: number, b: number, c: number, accumulate: number): void;
  matmulTN(m: number, n: number, k: number, a: number, b: number, c: number, accumulate: number): void;
  transpose(rows: number, cols: number, src: number, dst: number): void;
  packQuantized(k: number, n: number, b: number, dst: number): void;
  matvecQuantized(n: number, k: number, x: number, packed: number, y: number, accumulate: number): void;
  fill(n: number, dst: number, value: number): void;
  copy(n: number, src: number, dst: number): void;
  addInto(n: number, src: number, dst: number): void;
  mulInto(n: number, src: number, dst: number): void;
  scale(n: number, x: number, s: number): void;
  sumSquares(n: number, x: number): number;
  broadcastRows(rows: number, cols: number, row: number, dst: number): void;
  sumRowsInto(rows: number, cols: number, src: number, dst: number): void;
  gather(n: number, dim: number, table: number, ids: number, dst: number): void;
  scatterAdd(n: number, dim: number, src: number, ids: number, dTable: number): void;
  lstmForward(batch: number, hidden: number, gates: number, cPrev: number, c: number, h: number): void;
  lstmBackward(batch: number, hidden: number, gates: number, cPrev: number, c: number,
    dh: number, dc: number, dGates: number): void;
  tanhInPlace(n: number, x: number): void;
  tanhBackward(n: number, h: number, dh: number, dPre: number): void;
  softmaxCrossEntropy(rows: number, vocab: number, logits: number, targets: number,
    dLogits: number, withGrad: number, gradScale: number): number;
  adam(n: number, param: number, grad: number, m: number, v: number,
    stepSize: number, beta1: number, beta2: number, eps: number): void;
}

const PAGE_BYTES = 65536;

/**
 * Which build: 'fused' (kernels-relaxed.wasm: relaxed SIMD, the matrix products' multiply-adds
 * fused, 1.3-1.45x the GEMM speed here), 'baseline' (kernels.wasm: SIMD128 only), or 'best': fused
 * where the engine runs it. CHAR_LSTM_WASM=baseline|fused in the environment overrides 'best'.
 */
export type WasmVariant = 'best' | 'fused' | 'baseline';

const compiled = new Map<'fused' | 'baseline', WebAssembly.Module>();

/**
 * Compiles a build of the kernels once per process; every call gets its own instance and memory.
 * 'best' takes the fused build where it validates: relaxed SIMD is on by default from V8 11.4
 * (VS Code's Electron, Node 22); on Node 20 it sits behind a V8 flag, which is turned on here
 * (the flag only admits the relaxed instructions to WebAssembly validation). Threads of one
 * process (pipeline stages, training peers) all take the same build, so their numbers agree.
 */
export function loadWasmKernels(variant: WasmVariant = 'best'): WasmKernels {
  const which = variant === 'best' ? bestVariant() : variant;
  let module = compiled.get(which);
  if (!module) {
    const bytes = readBuild(which);
    if (which === 'fused' && !relaxedSimdValidates(bytes)) {
      throw new Error('this JavaScript engine has no relaxed SIMD for kernels-relaxed.wasm');
    }
    module = new WebAssembly.Module(bytes);
    compiled.set(which, module);
  }
  const instance = new WebAssembly.Instance(module, {
    env: { abort: () => { throw new Error('kernels.wasm aborted'); } },
  });
  return new WasmKernels(instance.exports as unknown as WasmExports, which === 'fused');
}

/** What reports call each build. */
export const WASM_DESCRIPTIONS = {
  fused: 'wasm (relaxed SIMD, fused multiply-add)',
  baseline: 'wasm (SIMD128)',
} as const;

let best: 'fused' | 'baseline' | undefined;

/** The build 'best' loads here (decided once per process; CHAR_LSTM_WASM overrides it). */
export function bestVariant(): 'fused' | 'baseline' {
  const forced = process.env.CHAR_LSTM_WASM;
  if (forced === 'fused' || forced === 'baseline') return forced;
  if (!best) {
    try {
      best = relaxedSimdValidates(readBuild('fused')) ? 'fused' : 'baseline';
    } catch {
      best = 'baseline'; // no relaxed build beside the bundle: the baseline one still works
    }
  }
  return best;
}

function readBuild(which: 'fused' | 'baseline'): Uint8Array<ArrayBuffer> {
  const name = which === 'fused' ? 'kernels-relaxed.wasm' : 'kernels.wasm';
  const file = path.join(__dirname, name);
  if (!fs.existsSync(file)) throw new Error(`${name} not found at ${file}: run \`npm run build\``);
  return new Uint8Array(fs.readFileSync(file));
}

function relaxedSimdValidates(bytes: Uint8Array<ArrayBuffer>): boolean {
  if (WebAssembly.validate(bytes)) return true;
  try {
    v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    return false;
  }
  return WebAssembly.validate(bytes);
}

/**
 * Kernels over a WebAssembly memory: float32, SIMD. Offsets are float indices into `heap`
 * (byte address / 4); each method multiplies them by 4 for the wasm side.
 */
export class WasmKernels implements Kernels {
  readonly name = 'wasm';
  readonly description: string;
  private view: Float32Array;
  /** Next free byte; everything below is handed out (or static data of the module). */
  private top: number;

  /** `fused`: the relaxed-SIMD build, whose matrix products fuse multiply and add. */
  constructor(private readonly w: WasmExports, readonly fused: boolean) {
    this.description = WASM_DESCRIPTIONS[fused ? 'fused' : 'baseline'];
    this.top = align16(w.heapBase());
    this.view = new Float32Array(w.memory.buffer);
  }

  get heap(): Float32Array {
    // memory.grow detaches the old buffer: views over it read as empty.
    if (this.view.buffer !== this.w.memory.buffer) this.view = new Float32Array(this.w.memory.buffer);
    return this.view;
  }

  alloc(n: number): number {
    const start = this.top;
    const end = start + align16(n * 4);
    const have = this.w.memory.buffer.byteLength;
    if (end > have) this.w.memory.grow(Math.ceil((end - have) / PAGE_BYTES));
    this.top = end;
    // No zero fill: nothing is ever written above `top` (the kernels' own buffers are static data
    // below heapBase), so this memory is still the zeros instantiation or grow gave it. Left
    // untouched, a buffer costs no resident memory until used: an evaluation shape's gradient
    // buffers, which forward-only passes never write, stay out of the resident set.
    return start / 4;
  }

  matmul(m: number, n: number, k: number, a: number, b: number, c: number, accumulate: boolean): void {
    this.w.matmul(m, n, k, a * 4, b * 4, c * 4, accumulate ? 1 : 0);
  }

  matmulTN(m: number, n: number, k: number, a: number, b: number, c: number, accumulate: boolean): void {
    this.w.matmulTN(m, n, k, a * 4, b * 4, c * 4, accumulate ? 1 : 0);
  }

  transpose(rows: number, cols: number, src: number, dst: number): void {
    this.w.transpose(rows, cols, src * 4, dst * 4);
  }

  packQuantized(k: number, n: number, b: number, dst: number): void {
    checkQuantizedK(k);
    this.w.packQuantized(k, n, b * 4, dst * 4);
  }

  matvecQuantized(n: number, k: number, x: number, packed: number, y: number, accumulate: boolean): void {
    this.w.matvecQuantized(n, k, x * 4, packed * 4, y * 4, accumulate ? 1 : 0);
  }

  fill(n: number, dst: number, value: number): void {
    this.w.fill(n, dst * 4, value);
  }

  copy(n: number, src: number, dst: number): void {
    this.w.copy(n, src * 4, dst * 4);
  }

  addInto(n: number, src: number, dst: number): void {
    this.w.addInto(n, src * 4, dst * 4);
  }

  mulInto(n: number, src: number, dst: number): void {
    this.w.mulInto(n, src * 4, dst * 4);
  }

  scale(n: number, x: number, s: number): void {
    this.w.scale(n, x * 4, s);
  }

  sumSquares(n: number, x: number): number {
    return this.w.sumSquares(n, x * 4);
  }

  broadcastRows(rows: number, cols: number, row: number, dst: number): void {
    this.w.broadcastRows(rows, cols, row * 4, dst * 4);
  }

  sumRowsInto(rows: number, cols: number, src: number, dst: number): void {
    this.w.sumRowsInto(rows, cols, src * 4, dst * 4);
  }

  gather(n: number, dim: number, table: number, ids: number, dst: number): void {
    this.w.gather(n, dim, table * 4, ids * 4, dst * 4);
  }

  scatterAdd(n: number, dim: number, src: number, ids: number, dTable: number): void {
    this.w.scatterAdd(n, dim, src * 4, ids * 4, dTable * 4);
  }

  lstmForward(batch: number, hidden: number, gates: number, cPrev: number, c: number, h: number): void {
    this.w.lstmForward(batch, hidden, gates * 4, cPrev * 4, c * 4, h * 4);
  }

  lstmBackward(batch: number, hidden: number, gates: number, cPrev: number, c: number,
    dh: number, dc: number, dGates: number): void {
    this.w.lstmBackward(batch, hidden, gates * 4, cPrev * 4, c * 4, dh * 4, dc * 4, dGates * 4);
  }

  tanhInPlace(n: number, x: number): void {
    this.w.tanhInPlace(n, x * 4);
  }

  tanhBackward(n: number, h: number, dh: number, dPre: number): void {
    this.w.tanhBackward(n, h * 4, dh * 4, dPre * 4);
  }

  softmaxCrossEntropy(rows: number, vocab: number, logits: number, targets: number,
    dLogits: number, gradScale: number): number {
    const withGrad = dLogits >= 0;
    return this.w.softmaxCrossEntropy(rows, vocab, logits * 4, targets * 4,
      withGrad ? dLogits * 4 : 0, withGrad ? 1 : 0, gradScale);
  }

  adam(n: number, param: number, grad: number, m: number, v: number,
    stepSize: number, beta1: number, beta2: number, eps: number): void {
    this.w.adam(n, param * 4, grad * 4, m * 4, v * 4, stepSize, beta1, beta2, eps);
  }
}

function align16(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
