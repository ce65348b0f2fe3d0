/**
 * A peer thread of data-parallel training: a replica of the model that computes the gradient
 * of its share of every batch. It keeps its streams' recurrent state between steps, as the
 * lead keeps its own, so truncated BPTT carries state exactly as on one thread. It runs at the
 * OS priority of the thread that starts it (on Linux a new thread inherits its creator's nice
 * value: the extension's training worker lowers its own, the CLI does not).
 */
import { parentPort } from 'node:worker_threads';
import { loadWasmKernels } from '../nn/kernels/wasm';
import type { Kernels } from '../nn/kernels/kernels';
import { CharModel } from '../model/char-model';
import { seededRandom, type SeededRandom } from '../math/random';
import type { FromPeer, PeerInit, PeerStep, ToPeer } from './peer-protocol';

const port = parentPort;
if (!port) throw new Error('the training peer must run in a worker thread');
const post = (message: FromPeer) => port.postMessage(message);

class Replica {
  private readonly k: Kernels = loadWasmKernels();
  private readonly model: CharModel;
  private readonly state: number;
  private readonly rng: SeededRandom;
  private readonly params: Float32Array;
  private readonly grads: Float32Array;

  constructor(private readonly init: PeerInit) {
    this.model = new CharModel(this.k, init.model);
    this.state = this.model.newState(init.streams);
    this.model.inputs(init.streams, init.seqLen); // allocates the batch's buffers once
    this.rng = seededRandom(init.seed);
    if (init.resume) {
      this.k.heap.set(init.resume.state, this.state);
      this.rng.state = init.resume.rng;
    }
    this.params = new Float32Array(init.params);
    this.grads = new Float32Array(init.grads);
  }

  snapshot(): FromPeer {
    const n = this.init.streams * this.model.stateSize;
    return { kind: 'snapshot', state: Float32Array.from(this.k.heap.subarray(this.state, this.state + n)), rng: this.rng.state };
  }

  step(m: PeerStep): number {
    const { k, model, init: { streams: B, seqLen: T } } = this;
    const { values, grads, count } = model.params;
    if (m.resetState) k.fill(B * model.stateSize, this.state, 0);
    const { ids, targets } = model.inputs(B, T);
    const heap = k.heap;
    heap.set(this.params, values);
    heap.set(m.batch.subarray(0, B * T), ids);
    heap.set(m.batch.subarray(B * T), targets);
    model.params.zeroGrads();
    const logits = model.forward(B, T, this.state, this.rng);
    const loss = model.loss(B, T, logits, true);
    model.backward(B, T, logits);
    model.carry(B, T, this.state);
    k.scale(count, grads, m.weight);
    this.grads.set(k.heap.subarray(grads, grads + count));
    return loss * m.weight;
  }
}

let replica: Replica | undefined;
port.on('message', (m: ToPeer) => {
  try {
    if (m.kind === 'init') {
      replica = new Replica(m);
      post({ kind: 'ready' });
    } else if (m.kind === 'snapshot') {
      if (!replica) throw new Error('snapshot before init');
      post(replica.snapshot());
    } else {
      if (!replica) throw new Error('step before init');
      post({ kind: 'done', weightedLoss: replica.step(m) });
    }
  } catch (e) {
    post({ kind: 'failed', message: (e as Error).message ?? String(e) });
  }
});
