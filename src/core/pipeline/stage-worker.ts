/**
 * A worker stage of pipelined priming (see PipelinedPrimer): copies of a few consecutive LSTM
 * layers on its own WebAssembly kernels. Per run it takes each chunk from the ring before it,
 * runs its layers (StageRunner) and passes the result to the ring after it, if any; at the end
 * it writes its layers' state back. Between runs it waits for a message, using no CPU.
 */
import { parentPort } from 'node:worker_threads';
import { loadWasmKernels } from '../nn/kernels/wasm';
import type { Kernels } from '../nn/kernels/kernels';
import { Parameters, type ParamSpec } from '../nn/parameters';
import { LstmLayer } from '../nn/lstm';
import { Control } from './control';
import { ChunkRing } from './ring';
import { CutBalancer } from './balance';
import { StageRunner } from './stage';
import { weightLayout, type FromStage, type StageInit, type StageRun, type ToStage } from './protocol';

const port = parentPort;
if (!port) throw new Error('a priming stage must run in a worker thread');
const post = (message: FromStage) => port.postMessage(message);

/**
 * A stalled neighbour is the caller's to notice (it aborts after its own, shorter, limit); this
 * only keeps a stage from sleeping forever if the caller vanished without aborting.
 */
const IDLE_MS = 60_000;

class Stage {
  private readonly k: Kernels = loadWasmKernels();
  private readonly layers: (LstmLayer | undefined)[] = [];
  private readonly params: Parameters;
  private readonly runner: StageRunner;
  private readonly ringIn: ChunkRing;
  private readonly ringOut: ChunkRing | null;
  private readonly balancer: CutBalancer | null;
  private readonly states: Float32Array;
  private snapshots: Float32Array<ArrayBufferLike> = new Float32Array(0);
  private readonly stateSize: number;
  /** Layers with copies here: the stage's own, and the next stage's first (its `project`). */
  private readonly held: number[] = [];

  constructor(private readonly init: StageInit, private readonly control: Control) {
    const { k } = this;
    const { plan, stage, layers: shapes, chunk } = init;
    const me = plan[stage];
    const upTo = me.cutOut ? me.cutOut.layer : me.last;
    const specs: ParamSpec[] = [];
    for (let l = me.first; l <= upTo; l++) {
      this.held.push(l);
      specs.push(...LstmLayer.specs(`layer${l}`, shapes[l].inputSize, shapes[l].hidden));
    }
    this.params = new Parameters(k, specs, false); // inference only: no gradient block
    for (const l of this.held) this.layers[l] = new LstmLayer(k, this.params, `layer${l}`, shapes[l].inputSize, shapes[l].hidden);
    this.runner = new StageRunner(k, this.layers, shapes, me, chunk);
    const cutIn = me.cutIn!;
    this.ringIn = new ChunkRing(init.rings[stage - 1], this.control, stage - 1, chunk,
      4 * shapes[cutIn.layer].hidden, shapes[cutIn.layer].inputSize);
    this.ringOut = me.cutOut ? new ChunkRing(init.rings[stage], this.control, stage, chunk,
      4 * shapes[me.cutOut.layer].hidden, shapes[me.cutOut.layer].inputSize) : null;
    this.balancer = me.cutOut ? new CutBalancer(me.cutOut.share, init.balance) : null;
    this.states = new Float32Array(init.states);
    this.stateSize = this.states.length;
    // WebAssembly starts in V8's baseline compiler and is optimised once hot: one chunk on the
    // (still zero) weights here, so that the first prime does not run at baseline speed.
    for (const l of this.held) (this.layers[l] as LstmLayer).packForInference();
    this.runner.run(chunk);
  }

  run(m: StageRun): void {
    const { k, runner, control, init: { stage, plan } } = this;
    const me = plan[stage];
    if (m.weights) this.loadWeights(new Float32Array(m.weights));
    if (m.snapshotBuffer) this.snapshots = new Float32Array(m.snapshotBuffer);
    const mine = runner.stateOffsets[me.first];
    const end = runner.stateOffsets[me.last] + 2 * (this.layers[me.last] as LstmLayer).hidden;
    k.heap.set(this.states.subarray(mine, end), runner.state + mine);
    let snap = 0;
    m.times.forEach((time, i) => {
      const rowsIn = this.ringIn.take(k, i, time, runner.gates, runner.input, IDLE_MS);
      const { ringOut, balancer } = this;
      const rowsOut = balancer ? balancer.rows(time, i === m.times.length - 1) : 0;
      runner.run(time, rowsIn, rowsOut);
      if (m.snapshots[snap] === i) {
        this.snapshots.set(k.heap.subarray(runner.state + mine, runner.state + end), snap * this.stateSize + mine);
        snap++;
      }
      if (ringOut) {
        balancer?.observe(ringOut.busy(i));
        ringOut.put(k, i, time, rowsOut, runner.send, runner.lastOut, IDLE_MS);
      }
      control.set(stage, 'progress', i + 1);
    });
    this.states.set(k.heap.subarray(runner.state + mine, runner.state + end), mine);
    control.set(stage, 'done', m.run);
    control.set(stage, 'progress', m.times.length + 1);
  }

  /** Copies the caller's weights into this heap and repacks them, as refreshInference does. */
  private loadWeights(weights: Float32Array): void {
    const { k, init } = this;
    const { at } = weightLayout(init.layers, init.weightsFrom);
    const heap = k.heap;
    for (const l of this.held) {
      const { inputSize: I, hidden: H } = init.layers[l];
      const sizes = { wIh: I * 4 * H, wHh: H * 4 * H, b: 4 * H };
      for (const name of ['wIh', 'wHh', 'b'] as const) {
        const from = at[l][name];
        heap.set(weights.subarray(from, from + sizes[name]), this.params.get(`layer${l}.${name}`).value);
      }
    }
    for (const l of this.held) (this.layers[l] as LstmLayer).packForInference();
  }
}

let stage: Stage | undefined;
let control: Control | undefined;
port.on('message', (m: ToStage) => {
  try {
    if (m.kind === 'init') {
      control = new Control(m.control, m.plan.length);
      stage = new Stage(m, control);
      control.set(m.stage, 'ready', 1);
      post({ kind: 'ready' });
    } else {
      if (!stage) throw new Error('run before init');
      stage.run(m);
    }
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    // The caller may be blocked waiting for this stage: the control block wakes it at once.
    control?.fail(message);
    post({ kind: 'failed', message });
  }
});
