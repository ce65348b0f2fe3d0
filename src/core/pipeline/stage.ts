import type { Kernels } from '../nn/kernels/kernels';
import type { LstmLayer } from '../nn/lstm';
import type { LayerShape, StagePlan } from './plan';

/**
 * One stage's share of a priming chunk, on one thread's heap: the same kernel calls, on the same
 * rows, in the same order as `CharModel.infer` makes for those layers, so the numbers are the same
 * to the bit. Stage 0 runs on the calling thread with the model's own layers; the others in
 * worker threads, each with copies of its layers.
 *
 * Heap buffers (floats), each sized for one chunk of INFER_CHUNK rows:
 *   ids    `[chunk]`                     stage 0: the chunk's character ids
 *   gates  `[chunk, 4*hidden]`           input part, then activations, of the layer running
 *   input  `[chunk, input_first]`        stages ≥ 1: rows of the previous layer's h from the ring
 *   outs   2 × `[chunk, hidden]`         layer outputs, alternating
 *   send   `[chunk, 4*hidden_next]`      rows of the next stage's first input part, projected here
 *   state  `[stateSize]`                 the whole model's state layout; this stage uses its layers'
 */
export class StageRunner {
  readonly ids: number;
  readonly gates: number;
  readonly input: number;
  readonly send: number;
  readonly state: number;
  /** Offset of layer l's [h, c] in `state` (and in every state vector). */
  readonly stateOffsets: number[];
  private readonly outs: [number, number];
  /** The last chunk's outputs of the stage's last layer `[time, hidden]`. */
  lastOut = -1;

  /**
   * `layers[l]` must exist for first ≤ l ≤ last and for the layer after the cut out (its
   * `project` only). `table`: stage 0's layer-0 lookup `[vocab, 4*hidden_0]` (CharModel.inferTable).
   */
  constructor(private readonly k: Kernels, private readonly layers: (LstmLayer | undefined)[],
    shapes: LayerShape[], readonly plan: StagePlan, chunk: number, private readonly table = -1) {
    const own = shapes.slice(plan.first, plan.last + 1);
    const G = Math.max(...own.map((s) => 4 * s.hidden)), H = Math.max(...own.map((s) => s.hidden));
    this.ids = plan.cutIn ? -1 : k.alloc(chunk);
    this.gates = k.alloc(chunk * G);
    this.input = plan.cutIn ? k.alloc(chunk * shapes[plan.first].inputSize) : -1;
    this.outs = [k.alloc(chunk * H), k.alloc(chunk * H)];
    this.send = plan.cutOut ? k.alloc(chunk * 4 * shapes[plan.cutOut.layer].hidden) : -1;
    this.stateOffsets = [];
    let at = 0;
    for (const s of shapes) {
      this.stateOffsets.push(at);
      at += 2 * s.hidden;
    }
    this.state = k.alloc(at);
  }

  /**
   * Runs one chunk of `time` rows whose inputs are in place: ids (stage 0), or what the ring
   * delivered, the first `rowsIn` rows of the input part in `gates` and the rest of the previous
   * layer's h in `input`. Advances the stage's layers' state; leaves the outputs of its last layer
   * at `lastOut` and, with a cut after it, the first `rowsOut` rows of the next layer's input part
   * in `send`. Row counts must keep to `cutRows`'s rule (each part 0, all, or ≥ 4 rows).
   */
  run(time: number, rowsIn = 0, rowsOut = 0): void {
    const { k, plan, layers } = this;
    const first = layers[plan.first] as LstmLayer;
    if (!plan.cutIn) {
      k.gather(time, 4 * first.hidden, this.table, this.ids, this.gates);
    } else if (rowsIn < time) {
      const I = first.inputSize;
      first.project(time - rowsIn, this.input + rowsIn * I, this.gates + rowsIn * 4 * first.hidden);
    }
    let x = -1;
    for (let l = plan.first; l <= plan.last; l++) {
      const layer = layers[l] as LstmLayer;
      if (l > plan.first) layer.project(time, x, this.gates);
      const out = this.outs[l % 2];
      layer.recur(time, this.gates, this.state + this.stateOffsets[l], out);
      x = out;
    }
    this.lastOut = x;
    if (plan.cutOut && rowsOut > 0) (layers[plan.cutOut.layer] as LstmLayer).project(rowsOut, x, this.send);
  }
}
