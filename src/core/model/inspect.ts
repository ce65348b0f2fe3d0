import type { CharModel } from './char-model';
import type { LstmLayer } from '../nn/lstm';
import type { ModelConfig } from './config';
import { softmax } from '../math/softmax';
import type { Signal } from './signal';

export { SIGNALS, type Signal } from './signal';

/** Characters an inspection reads at most: the panel shows a window before the cursor, not a file. */
export const INSPECT_MAX_CHARS = 512;

/**
 * Multiply-adds of one block's input projection that `inspectBlock` aims at: 2^25, 32 rows of
 * the default model's layer 2 (512 → 4·512), about 3 ms on one core.
 */
const BLOCK_MACS = 2 ** 25;

/**
 * Characters per block of an inspection of a model of this shape: a layer's input projection (one
 * matrix product) covers a block, then its recurrent steps run through it. A power of two from 4
 * to 64 whose widest projection is at most BLOCK_MACS multiply-adds (32 for 2x512, 64 for 256 or
 * less): a product is the one piece of work a slice cannot split, and each costs a repacking of
 * its weights. The last block of a text takes a remainder of fewer than 4 with it, so that every
 * product has at least 4 rows and takes the matrix product's blocked path, as `infer`'s chunks do.
 */
export function inspectBlock(config: ModelConfig): number {
  const input = config.layers > 1 ? Math.max(config.embedding, config.hidden) : config.embedding;
  const rows = BLOCK_MACS / (input * 4 * config.hidden);
  return Math.min(64, Math.max(4, 2 ** Math.floor(Math.log2(rows))));
}

export interface LayerInsides {
  /** `[time, hidden]` each, row t after character t: gates in (0, 1), the cell state unbounded. */
  values: Record<Signal, Float32Array>;
}

export interface InspectResult extends LayerInsides {
  /** Probabilities `[vocabSize]` of the character after the last id (sum 1). */
  next: Float32Array;
}

/** Thrown for models whose layers are not LSTMs: they have no gates to show. */
export class NotLstmError extends Error {
  constructor(readonly cell: string) {
    super(`the insides view needs an LSTM; this model's cell is ${JSON.stringify(cell)}`);
    this.name = 'NotLstmError';
  }
}

/**
 * Heap scratch of one model's inspections, made on first use, sized for one block. Valid within
 * one `Inspection.step` only: whatever must outlive it is copied out to the inspection's own arrays.
 */
interface InspectWork {
  /** Rows of the largest block: `inspectBlock` plus a remainder of up to 3. */
  rows: number;
  ids: number; // [rows]
  embedded: number; // [rows, embedding]
  gates: number; // [rows, 4*hidden]: one layer's gates for the block
  outs: number; // [rows, hidden]: one layer's outputs for the block (the next layer's input)
  cells: number; // [rows, hidden]
  state: number; // [stateSize]: every layer's h, then c
  logits: number; // [vocab]
}

const works = new WeakMap<CharModel, InspectWork>();

/**
 * Runs `model` on `ids` from a zero state, as one stream without dropout, and returns layer
 * `layer`'s gates and cell after every character, and the next character's probabilities.
 * One call to `new Inspection(model, ids, layer)` run to the end: see there.
 */
export function inspectLstm(model: CharModel, ids: ArrayLike<number>, layer: number): InspectResult {
  const inspection = new Inspection(model, ids, layer);
  inspection.step(Infinity);
  return inspection.result;
}

/**
 * An inspection of layer `layer` of `model` over `ids` (see `inspectLstm`) that runs in slices:
 * each `step(maxChars)` does at most about the work of `maxChars` characters and returns whether
 * it is done, so a caller on a busy thread (the extension host) can yield between slices.
 * The numbers do not depend on how it is sliced: the input projections cover the same blocks
 * whatever the slices, and a recurrent step computes the same from h and c whether they come
 * from the step before or from the slice before, so any slicing gives `inspectLstm`'s result to
 * the bit.
 *
 * It runs the inference path (packed weights, like a Stepper), block by block (`inspectBlock`
 * characters: each layer's input projection for the block, then its recurrent steps), in heap
 * scratch shared by the model's inspections: about (block + 3)·(6·hidden + embedding) floats
 * whatever the length (0.44 MB for the default 2x512 model). Between slices its state (every
 * layer's h and c, the block's gates and outputs so far) lives in arrays of its own, so anything
 * may run between slices: Steppers, the pipelined primer, a `refreshInference`, other
 * inspections, allocations that grow the heap (the heap is re-read at every slice; no view of it
 * is kept). The recurrent weights are read as packed for inference (packed here if never), the
 * input weights and biases as they are, as a Stepper reads them, so the insides are those of the
 * model the completions come from; no Stepper's state, and no other inference buffer, is
 * touched. The weights must not change before it is done (repacking the same weights, as every
 * new Stepper does, is harmless).
 * Cost: one recurrent step per character per layer, every layer (the next-character
 * probabilities need the top one), about what priming the same text costs.
 */
export class Inspection {
  readonly time: number;
  private readonly ids: Float64Array;
  private readonly layers: LstmLayer[];
  /** Where each layer's [h, c] starts in the state. */
  private readonly stateAt: number[];
  private readonly values: Record<Signal, Float32Array>;
  /** Every layer's h, then c, as after the characters done so far. */
  private readonly state: Float64Array;
  /** The current block's gates of the current layer (projected input parts; rows from `traced` on). */
  private readonly gates: Float64Array;
  /** The current block's outputs: of the current layer, rows before `traced`; before its projection, the layer below's. */
  private readonly outs: Float64Array;
  /** Work units (multiply-adds / 4·hidden) a character costs through every layer. */
  private readonly charCost: number;
  private work = 0;
  /** Characters per block (`inspectBlock`). */
  readonly block: number;
  /** First character of the current block, and its rows. */
  private from = 0;
  private rows: number;
  /** The layer the block is at. */
  private at = 0;
  /** Rows of the block that layer `at` has stepped through; -1 before its input projection. */
  private traced = -1;
  private out: InspectResult | null = null;

  constructor(readonly model: CharModel, ids: ArrayLike<number>, readonly layer: number) {
    const { config } = model;
    if (config.cell !== 'lstm') throw new NotLstmError(config.cell);
    const layers = model.layers as LstmLayer[];
    if (!(Number.isInteger(layer) && layer >= 0 && layer < layers.length)) {
      throw new RangeError(`layer must be 0 … ${layers.length - 1}, got ${layer}`);
    }
    const time = ids.length;
    if (time > INSPECT_MAX_CHARS) {
      throw new RangeError(`inspect reads at most ${INSPECT_MAX_CHARS} characters, got ${time}`);
    }
    for (let t = 0; t < time; t++) {
      const id = ids[t];
      if (!(Number.isInteger(id) && id >= 0 && id < config.vocabSize)) {
        throw new RangeError(`id ${t} is ${id}, not in 0 … ${config.vocabSize - 1}`);
      }
    }
    this.time = time;
    this.ids = Float64Array.from(ids as ArrayLike<number>);
    this.layers = layers;
    let at = 0;
    this.stateAt = layers.map((l) => (at += l.stateSize) - l.stateSize);
    const H = config.hidden;
    this.values = {
      input: new Float32Array(time * H), forget: new Float32Array(time * H),
      output: new Float32Array(time * H), cell: new Float32Array(time * H),
    };
    // Float64: exact for either heap (float32 wasm, float64 reference).
    this.state = new Float64Array(model.stateSize);
    this.block = inspectBlock(config);
    this.gates = new Float64Array((this.block + 3) * 4 * H);
    this.outs = new Float64Array((this.block + 3) * H);
    this.charCost = layers.reduce((s, l) => s + l.inputSize + l.hidden, 0);
    this.rows = blockRows(0, time, this.block);
  }

  /** Whether the result is ready. */
  get done(): boolean {
    return this.out !== null;
  }

  /** Characters' worth of work done so far (fractional; `time` when done). */
  get progress(): number {
    return this.charCost === 0 ? 0 : this.work / this.charCost;
  }

  /** The insides; throws before `done`. */
  get result(): InspectResult {
    if (!this.out) throw new Error('the inspection is not done: call step() until it returns true');
    return this.out;
  }

  /**
   * Runs at most about `maxChars` characters' worth of work (≥ 1, Infinity for all): recurrent
   * steps, and the input projections of the blocks they reach, costed by their multiply-adds
   * (a character through a layer costs its input width plus its hidden width). Always makes some
   * progress: a block's input projection (`block` rows) is never split, so with a small
   * `maxChars` one slice may be that projection alone. Returns whether the inspection is done.
   */
  step(maxChars: number): boolean {
    if (this.out) return true;
    if (!(maxChars >= 1)) throw new RangeError(`maxChars must be at least 1, got ${maxChars}`);
    const { model, layers } = this;
    const { k, config } = model;
    for (const l of layers) if (!l.packed) l.packForInference();
    const w = workFor(model);
    // Allocation is over (packing, scratch): this view stays valid to the end of the slice.
    const heap = k.heap;
    const H = config.hidden, G = 4 * H;
    heap.set(this.state, w.state);
    this.restore(heap, w);
    let budget = maxChars * this.charCost, progressed = false;
    const table = model.params.get('embedding.table').value;
    while (this.from < this.time) {
      const n = this.rows, lstm = layers[this.at];
      if (this.traced < 0) {
        const cost = n * lstm.inputSize;
        if (progressed && cost > budget) break;
        if (this.at === 0) {
          for (let t = 0; t < n; t++) heap[w.ids + t] = this.ids[this.from + t];
          k.gather(n, config.embedding, table, w.ids, w.embedded);
          lstm.project(n, w.embedded, w.gates);
        } else {
          lstm.project(n, w.outs, w.gates); // the layer below's outputs, read before they are overwritten
        }
        this.traced = 0;
        budget -= cost;
        this.work += cost;
        progressed = true;
      }
      let steps = Math.min(n - this.traced, Math.max(0, Math.floor(budget / H)));
      if (steps === 0 && !progressed) steps = 1;
      if (steps === 0) break;
      const t0 = this.traced;
      lstm.trace(steps, w.gates + t0 * G, w.state + this.stateAt[this.at], w.outs + t0 * H, w.cells);
      if (this.at === this.layer) {
        const { values } = this;
        for (let t = 0; t < steps; t++) {
          const row = w.gates + (t0 + t) * G, to = (this.from + t0 + t) * H;
          values.input.set(heap.subarray(row, row + H), to);
          values.forget.set(heap.subarray(row + H, row + 2 * H), to);
          values.output.set(heap.subarray(row + 3 * H, row + 4 * H), to);
        }
        values.cell.set(heap.subarray(w.cells, w.cells + steps * H), (this.from + t0) * H);
      }
      this.traced += steps;
      budget -= steps * H;
      this.work += steps * H;
      progressed = true;
      if (this.traced === n) {
        this.traced = -1;
        if (++this.at === layers.length) {
          this.at = 0;
          this.from += n;
          this.rows = blockRows(this.from, this.time, this.block);
        }
      }
    }
    this.state.set(heap.subarray(w.state, w.state + model.stateSize));
    this.save(heap, w);
    if (this.from < this.time) return false;
    this.out = { values: this.values, next: nextProbabilities(model, w) };
    return true;
  }

  /** Puts the block's gates and outputs, as the last slice left them, back in the heap. */
  private restore(heap: Float32Array | Float64Array, w: InspectWork): void {
    if (this.from >= this.time) return;
    const H = this.model.config.hidden, G = 4 * H, n = this.rows;
    if (this.traced >= 0) {
      heap.set(this.gates.subarray(this.traced * G, n * G), w.gates + this.traced * G);
      heap.set(this.outs.subarray(0, this.traced * H), w.outs);
    } else if (this.at > 0) {
      heap.set(this.outs.subarray(0, n * H), w.outs);
    }
  }

  /** Copies out of the heap what the next slice needs of the block (see `restore`). */
  private save(heap: Float32Array | Float64Array, w: InspectWork): void {
    if (this.from >= this.time) return;
    const H = this.model.config.hidden, G = 4 * H, n = this.rows;
    if (this.traced >= 0) {
      this.gates.set(heap.subarray(w.gates + this.traced * G, w.gates + n * G), this.traced * G);
      this.outs.set(heap.subarray(w.outs, w.outs + this.traced * H));
    } else if (this.at > 0) {
      this.outs.set(heap.subarray(w.outs, w.outs + n * H));
    }
  }
}

/** Rows of the block starting at `from`: `block`, or the rest when fewer than 4 would be left after it. */
function blockRows(from: number, time: number, block: number): number {
  const rest = time - from;
  return rest - block < 4 ? rest : block;
}

/** Softmax of the dense layer over the top layer's final h (all zero for no ids). */
function nextProbabilities(model: CharModel, w: InspectWork): Float32Array {
  const { k, config, params } = model;
  const V = config.vocabSize, H = config.hidden;
  const top = w.state + model.stateSize - 2 * H; // the last layer's [h, c]
  k.copy(V, params.get('dense.b').value, w.logits);
  k.matmul(1, V, H, top, params.get('dense.w').value, w.logits, true);
  return new Float32Array(softmax(k.heap.subarray(w.logits, w.logits + V)));
}

function workFor(model: CharModel): InspectWork {
  let w = works.get(model);
  if (!w) {
    const { k, config } = model;
    const rows = inspectBlock(config) + 3, H = config.hidden;
    w = {
      rows,
      ids: k.alloc(rows),
      embedded: k.alloc(rows * config.embedding),
      gates: k.alloc(rows * 4 * H),
      outs: k.alloc(rows * H),
      cells: k.alloc(rows * H),
      state: k.alloc(model.stateSize),
      logits: k.alloc(config.vocabSize),
    };
    works.set(model, w);
  }
  return w;
}
