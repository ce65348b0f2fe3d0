import type { Kernels } from '../nn/kernels/kernels';
import { Parameters, type ParamSpec } from '../nn/parameters';
import { Embedding } from '../nn/embedding';
import { LstmLayer } from '../nn/lstm';
import { RnnLayer } from '../nn/rnn';
import { Dense } from '../nn/dense';
import type { RecurrentLayer } from '../nn/recurrent';
import { Workspaces } from '../nn/workspaces';
import type { Random } from '../math/random';
import type { ModelConfig } from './config';
import { validateConfig } from './validate-config';
import type { Primer } from './primer';

/** Characters `infer` takes per call at most: one input product per chunk, not per character. */
export const INFER_CHUNK = 128;

/** Heap buffers of batch-1 inference (`infer`), made on first use, sized for INFER_CHUNK. */
interface InferWork {
  /** `[vocab, 4*hidden]`: embedding·wIh + b of layer 0 for every id, so its input part is a lookup. */
  table: number;
  ids: number; // [INFER_CHUNK]
  gates: number; // [INFER_CHUNK, 4*hidden], shared by the layers in turn
  outs: [number, number]; // [INFER_CHUNK, hidden] each: layer outputs, alternating
}

/** Heap buffers of one (batch, time) shape: ids and targets `[time, batch]`, dropout masks. */
interface BatchWork {
  ids: number;
  targets: number;
  masks: number[]; // per recurrent layer, [time*batch, hidden], only with dropout
  dropped: number[];
}

/**
 * Embedding → stacked recurrent layers (dropout between) → dense logits over the vocabulary.
 *
 * Batches are time-major: row r = t*batch + b. Recurrent state is a heap buffer the caller owns
 * (`newState`), laid out layer after layer, each `[stateSize/hidden][batch, hidden]` (h, then c).
 */
export class CharModel {
  readonly params: Parameters;
  readonly layers: RecurrentLayer[] = [];
  private readonly embedding: Embedding;
  private readonly dense: Dense;
  private readonly work: Workspaces<BatchWork>;
  private lastTrain = false;
  private readonly scratchStates = new Map<number, number>();
  private inferWork: InferWork | null = null;
  private generation = 0;
  /**
   * Pipelined priming over worker threads, once `PipelinedPrimer.start` (src/core/pipeline) has
   * made it for this model (the editor does; null otherwise, and after its `close`).
   * Stepper.feed uses it for long texts.
   */
  primer: Primer | null = null;

  static specs(config: ModelConfig): ParamSpec[] {
    const specs = [...Embedding.specs('embedding', config.vocabSize, config.embedding)];
    for (let l = 0; l < config.layers; l++) {
      const input = l === 0 ? config.embedding : config.hidden;
      const layer = config.cell === 'lstm' ? LstmLayer : RnnLayer;
      specs.push(...layer.specs(`layer${l}`, input, config.hidden));
    }
    specs.push(...Dense.specs('dense', config.hidden, config.vocabSize));
    return specs;
  }

  /** Builds the model; with `rng` the weights are freshly initialised, otherwise zero (to be loaded). */
  constructor(readonly k: Kernels, readonly config: ModelConfig, rng?: Random) {
    validateConfig(config);
    const specs = CharModel.specs(config);
    this.params = new Parameters(k, specs);
    this.embedding = new Embedding(k, this.params, 'embedding', config.embedding);
    for (let l = 0; l < config.layers; l++) {
      const input = l === 0 ? config.embedding : config.hidden;
      this.layers.push(config.cell === 'lstm'
        ? new LstmLayer(k, this.params, `layer${l}`, input, config.hidden)
        : new RnnLayer(k, this.params, `layer${l}`, input, config.hidden));
    }
    this.dense = new Dense(k, this.params, 'dense', config.hidden, config.vocabSize);
    this.work = new Workspaces((batch, time) => this.makeWork(batch, time));
    if (rng) this.params.initialise(specs, rng);
  }

  /** Floats of recurrent state per stream, over all layers. */
  get stateSize(): number {
    return this.layers.reduce((s, l) => s + l.stateSize, 0);
  }

  /** A zeroed state buffer for `batch` streams. */
  newState(batch: number): number {
    return this.k.alloc(batch * this.stateSize);
  }

  /**
   * A state buffer for `batch` streams shared by short-lived users (evaluation, steppers), who
   * load their own state into it before use; allocated once per batch size.
   */
  scratchState(batch: number): number {
    let at = this.scratchStates.get(batch);
    if (at === undefined) {
      at = this.newState(batch);
      this.scratchStates.set(batch, at);
    }
    return at;
  }

  /** Heap offsets where the caller writes ids and targets `[time, batch]` before `forward`. */
  inputs(batch: number, time: number): { ids: number; targets: number } {
    const w = this.work.get(batch, time);
    return { ids: w.ids, targets: w.targets };
  }

  /**
   * Runs the ids at `inputs(batch, time).ids` from `state` and returns the logits offset
   * `[time*batch, vocab]`. `state` is left as it was: call `carry` to advance it.
   * With `dropoutRng`, dropout is applied (training).
   */
  forward(batch: number, time: number, state: number, dropoutRng?: Random): number {
    const w = this.work.get(batch, time);
    const train = dropoutRng !== undefined && this.config.dropout > 0;
    this.lastTrain = train;
    let x = this.embedding.forward(batch, time, w.ids);
    let at = state;
    this.layers.forEach((layer, l) => {
      x = layer.forward(batch, time, x, at);
      at += batch * layer.stateSize;
      if (train) {
        this.fillMask(w.masks[l], batch * time * layer.hidden, dropoutRng);
        this.k.copy(batch * time * layer.hidden, x, w.dropped[l]);
        this.k.mulInto(batch * time * layer.hidden, w.masks[l], w.dropped[l]);
        x = w.dropped[l];
      }
    });
    return this.dense.forward(batch, time, x);
  }

  /** Writes the state the last forward of this shape ended with into `state`. */
  carry(batch: number, time: number, state: number): void {
    let at = state;
    for (const layer of this.layers) {
      layer.finalState(batch, time, at);
      at += batch * layer.stateSize;
    }
  }

  /**
   * Mean cross-entropy of `logits` against `inputs(batch, time).targets`, in nats/char. With
   * `withGrad`, the logits buffer is replaced by ∂loss/∂logits, ready for `backward`.
   */
  loss(batch: number, time: number, logits: number, withGrad: boolean): number {
    const rows = batch * time;
    const w = this.work.get(batch, time);
    const total = this.k.softmaxCrossEntropy(rows, this.config.vocabSize, logits, w.targets,
      withGrad ? logits : -1, 1 / rows);
    return total / rows;
  }

  /** Adds ∂loss/∂parameters to the gradient block, from ∂loss/∂logits at `dLogits`. */
  backward(batch: number, time: number, dLogits: number): void {
    const w = this.work.get(batch, time);
    let dx = this.dense.backward(batch, time, dLogits);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const layer = this.layers[l];
      if (this.lastTrain) this.k.mulInto(batch * time * layer.hidden, w.masks[l], dx);
      dx = layer.backward(batch, time, dx, true);
    }
    this.embedding.backward(batch, time, w.ids, dx);
  }

  /**
   * Makes batch-1 inference (`infer`) read the weights as they are now: repacks them and rebuilds
   * the layer-0 lookup table (about a millisecond for model M). Needed after the weights change;
   * every Stepper made from scratch calls it, so a new Stepper always sees the current weights.
   */
  refreshInference(): void {
    const lstms = this.lstmLayers();
    if (!lstms) return; // RNN layers: `infer` runs the training forward, which reads the weights live
    const { k, config } = this;
    if (!this.inferWork) {
      const G = 4 * config.hidden;
      this.inferWork = {
        table: k.alloc(config.vocabSize * G),
        ids: k.alloc(INFER_CHUNK),
        gates: k.alloc(INFER_CHUNK * G),
        outs: [k.alloc(INFER_CHUNK * config.hidden), k.alloc(INFER_CHUNK * config.hidden)],
      };
    }
    for (const layer of lstms) layer.packForInference();
    lstms[0].project(config.vocabSize, this.params.get('embedding.table').value, this.inferWork.table);
    this.generation++;
  }

  /**
   * Everything batch-1 inference reads, as of the last `refreshInference`, in one array: the
   * parameter block, then (LSTM models) each layer's packed weights and the layer-0 lookup
   * table. Another model of the same config on the same kind of kernels takes it with
   * `adoptInference`: a thread that adapts weights hands them over whole, sparing the receiver
   * the repack (27 ms for the default 2x512 model).
   */
  inferenceSnapshot(): Float32Array {
    if (!this.inferWork) this.refreshInference();
    const blocks = this.inferenceBlocks();
    const out = new Float32Array(blocks.reduce((n, [, size]) => n + size, 0));
    const heap = this.k.heap;
    let at = 0;
    for (const [offset, size] of blocks) {
      out.set(heap.subarray(offset, offset + size), at);
      at += size;
    }
    return out;
  }

  /** Makes inference read `snapshot` (an `inferenceSnapshot` of a model like this one), as a refresh after setting its weights would. */
  adoptInference(snapshot: Float32Array): void {
    if (!this.inferWork) this.refreshInference();
    const blocks = this.inferenceBlocks();
    const floats = blocks.reduce((n, [, size]) => n + size, 0);
    if (snapshot.length !== floats) {
      throw new RangeError(`the inference snapshot has ${snapshot.length} floats, this model reads ${floats}: it is of another model`);
    }
    const heap = this.k.heap;
    let at = 0;
    for (const [offset, size] of blocks) {
      heap.set(snapshot.subarray(at, at + size), offset);
      at += size;
    }
    this.generation++;
  }

  private inferenceBlocks(): [number, number][] {
    const blocks: [number, number][] = [[this.params.values, this.params.count]];
    const lstms = this.lstmLayers();
    if (!lstms || !this.inferWork) return blocks;
    for (const layer of lstms) blocks.push(...layer.packedBlocks());
    blocks.push([this.inferWork.table, this.config.vocabSize * 4 * this.config.hidden]);
    return blocks;
  }

  /** Counts `refreshInference` and `adoptInference` calls: copies of the inference weights elsewhere are current while it is unchanged. */
  get inferGeneration(): number {
    return this.generation;
  }

  /**
   * Heap offset of the layer-0 lookup table `[vocab, 4*hidden]` (embedding·wIh + b) that `infer`
   * gathers from; made by `refreshInference` if not yet. LSTM models only.
   */
  inferTable(): number {
    if (!this.lstmLayers()) throw new Error('the lookup table is made for LSTM layers only');
    if (!this.inferWork) this.refreshInference();
    return (this.inferWork as InferWork).table;
  }

  /** Logits `[vocab]` (heap offset) of one row `[hidden]` of the last layer's output at `h`, as `infer` makes them. */
  logitsFor(h: number): number {
    return this.dense.forward(1, 1, h);
  }

  /**
   * Inference on one stream, no dropout: feeds ids[from, from+time) (time ≤ INFER_CHUNK) from
   * `state` (heap, `[stateSize]`), leaves the final state there, and returns the offset of the
   * logits `[vocab]` for the character after the last. The same numbers as `forward` and
   * `carry` up to float rounding, but layer 0's input part is a table lookup, the recurrent
   * products stream packed weights, and only the last character gets logits.
   * Reads the weights as of the last `refreshInference` (made on first use).
   */
  infer(ids: ArrayLike<number>, from: number, time: number, state: number): number {
    if (!(Number.isInteger(time) && time >= 1 && time <= INFER_CHUNK)) {
      throw new RangeError(`infer takes 1 … ${INFER_CHUNK} characters, got ${time}`);
    }
    const lstms = this.lstmLayers();
    if (!lstms) return this.inferByForward(ids, from, time, state);
    if (!this.inferWork) this.refreshInference();
    const { k } = this;
    const w = this.inferWork as InferWork;
    const heap = k.heap;
    for (let t = 0; t < time; t++) heap[w.ids + t] = ids[from + t];
    k.gather(time, 4 * this.config.hidden, w.table, w.ids, w.gates);
    let x = -1, at = state;
    lstms.forEach((layer, l) => {
      if (l > 0) layer.project(time, x, w.gates);
      layer.recur(time, w.gates, at, w.outs[l % 2]);
      x = w.outs[l % 2];
      at += layer.stateSize;
    });
    return this.logitsFor(x + (time - 1) * this.config.hidden);
  }

  /** The layers when all are LSTMs (the case `infer` has a fast path for), else null. */
  lstmLayers(): LstmLayer[] | null {
    return this.layers.every((l) => l instanceof LstmLayer) ? this.layers as LstmLayer[] : null;
  }

  /** `infer` for other cells: the training forward over the chunk, logits of its last row. */
  private inferByForward(ids: ArrayLike<number>, from: number, time: number, state: number): number {
    const { ids: at } = this.inputs(1, time);
    const heap = this.k.heap;
    for (let t = 0; t < time; t++) heap[at + t] = ids[from + t];
    const logits = this.forward(1, time, state);
    this.carry(1, time, state);
    return logits + (time - 1) * this.config.vocabSize;
  }

  private makeWork(batch: number, time: number): BatchWork {
    const rows = batch * time;
    const withDropout = this.config.dropout > 0;
    return {
      ids: this.k.alloc(rows),
      targets: this.k.alloc(rows),
      masks: withDropout ? this.layers.map((l) => this.k.alloc(rows * l.hidden)) : [],
      dropped: withDropout ? this.layers.map((l) => this.k.alloc(rows * l.hidden)) : [],
    };
  }

  /** Inverted dropout: kept units are scaled by 1/(1-p) so inference needs no rescaling. */
  private fillMask(mask: number, n: number, rng: Random): void {
    const p = this.config.dropout, keep = 1 / (1 - p), heap = this.k.heap;
    for (let i = 0; i < n; i++) heap[mask + i] = rng.next() < p ? 0 : keep;
  }
}
