import { INFER_CHUNK, type CharModel } from './char-model';
import type { LstmLayer } from '../nn/lstm';
import { softmax } from '../sampling/softmax';
import type { Signal } from './signal';

export { SIGNALS, type Signal } from './signal';

/** Characters `inspectLstm` reads at most: the panel shows a window before the cursor, not a file. */
export const INSPECT_MAX_CHARS = 512;

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

/** Heap buffers of one model's inspections, made on first use, sized for INFER_CHUNK rows. */
interface InspectWork {
  ids: number; // [chunk]
  embedded: number; // [chunk, embedding]
  gates: number; // [chunk, 4*hidden], shared by the layers in turn
  outs: [number, number]; // [chunk, hidden] each: layer outputs, alternating
  cells: number; // [chunk, hidden]
  state: number; // [stateSize]: every layer's h, then c
  logits: number; // [vocab]
}

const works = new WeakMap<CharModel, InspectWork>();

/**
 * Runs `model` on `ids` from a zero state, as one stream without dropout, and returns layer
 * `layer`'s gates and cell after every character, and the next character's probabilities.
 *
 * It runs the inference path (packed weights, like a Stepper), chunk by chunk in buffers of its
 * own: a fixed 7·128·hidden floats of heap whatever the length (1.8 MB for hidden 512), where
 * the training forward would keep a workspace for every distinct length it was given. The weights are read as of the model's last
 * `refreshInference` (packed here if never), so the insides are those of the model the
 * completions come from; no Stepper's state, and no other inference buffer, is touched.
 * Cost: one recurrent step per character per layer, every layer (the next-character
 * probabilities need the top one), about what priming the same text costs.
 */
export function inspectLstm(model: CharModel, ids: ArrayLike<number>, layer: number): InspectResult {
  const { config, k } = model;
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
  for (const l of layers) if (!l.packed) l.packForInference();
  const w = workFor(model);
  const H = config.hidden, G = 4 * H;
  const values: Record<Signal, Float32Array> = {
    input: new Float32Array(time * H), forget: new Float32Array(time * H),
    output: new Float32Array(time * H), cell: new Float32Array(time * H),
  };
  // Allocation is over (packing, work): this view stays valid to the end.
  const heap = k.heap;
  heap.fill(0, w.state, w.state + model.stateSize);
  const table = model.params.get('embedding.table').value;
  for (let from = 0; from < time; from += INFER_CHUNK) {
    const n = Math.min(INFER_CHUNK, time - from);
    for (let t = 0; t < n; t++) heap[w.ids + t] = ids[from + t];
    k.gather(n, config.embedding, table, w.ids, w.embedded);
    let x = w.embedded, at = w.state;
    layers.forEach((lstm, l) => {
      lstm.project(n, x, w.gates);
      lstm.trace(n, w.gates, at, w.outs[l % 2], w.cells);
      if (l === layer) {
        for (let t = 0; t < n; t++) {
          const row = w.gates + t * G, to = (from + t) * H;
          values.input.set(heap.subarray(row, row + H), to);
          values.forget.set(heap.subarray(row + H, row + 2 * H), to);
          values.output.set(heap.subarray(row + 3 * H, row + 4 * H), to);
        }
        values.cell.set(heap.subarray(w.cells, w.cells + n * H), from * H);
      }
      x = w.outs[l % 2];
      at += lstm.stateSize;
    });
  }
  return { values, next: nextProbabilities(model, w) };
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
    const rows = INFER_CHUNK, H = config.hidden;
    w = {
      ids: k.alloc(rows),
      embedded: k.alloc(rows * config.embedding),
      gates: k.alloc(rows * 4 * H),
      outs: [k.alloc(rows * H), k.alloc(rows * H)],
      cells: k.alloc(rows * H),
      state: k.alloc(model.stateSize),
      logits: k.alloc(config.vocabSize),
    };
    works.set(model, w);
  }
  return w;
}
