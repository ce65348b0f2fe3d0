import type { Kernels } from '../nn/kernels/kernels';
import { Parameters, type ParamSpec } from '../nn/parameters';
import { Embedding } from '../nn/embedding';
import { LstmLayer } from '../nn/lstm';
import { RnnLayer } from '../nn/rnn';
import { Dense } from '../nn/dense';
import type { RecurrentLayer } from '../nn/recurrent';
import { Workspaces } from '../nn/workspaces';
import type { Random } from '../sampling/random';
import type { ModelConfig } from './config';
import { validateConfig } from './validate-config';

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
    if (rng) {
      this.params.initialise(specs, rng);
      for (const layer of this.layers) if (layer instanceof LstmLayer) layer.setForgetBias(1);
    }
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
