import type { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { startWorker } from '../threads/start-worker';
import type { Kernels } from '../nn/kernels/kernels';
import type { ModelConfig } from '../model/config';
import type { StreamBatches } from '../data/batches';
import type { FromPeer, ToPeer } from './peer-protocol';

/** Below this many streams a thread's matrix products get too thin to pay for the hand-off. */
const MIN_STREAMS_PER_THREAD = 4;

/**
 * How many threads train, and the batch's streams each takes (the lead first): `threads` 0
 * means one per core. Only the WebAssembly kernels run in peers, so other backends use one.
 */
export function splitStreams(batch: number, threads: number, backend: string): number[] {
  const wanted = threads > 0 ? threads : availableParallelism();
  const n = backend === 'wasm' ? Math.max(1, Math.min(wanted, Math.floor(batch / MIN_STREAMS_PER_THREAD))) : 1;
  return Array.from({ length: n }, (_, i) => Math.floor(batch / n) + (i < batch % n ? 1 : 0));
}

interface Peer {
  worker: Worker;
  first: number;
  streams: number;
  grads: Float32Array;
  /** Replies that arrived before anyone waited for them. */
  inbox: FromPeer[];
  pending: { resolve: (m: FromPeer) => void; reject: (e: Error) => void } | null;
  failure: Error | null;
}

/**
 * The lead's side of data-parallel training: peer threads, each with a model replica, that
 * compute the gradients of their streams while the lead computes its own. Per step the lead
 * copies the parameters once into shared memory and adds each peer's gradient into its block:
 * 2 × 4 bytes × parameters per peer, about 7 MB for model M, against ~300 ms of arithmetic.
 */
export class PeerThreads {
  private readonly params: Float32Array;
  private readonly scratch: number;

  private constructor(private readonly k: Kernels, private readonly peers: Peer[],
    private readonly batch: number, private readonly seqLen: number, paramsBuffer: SharedArrayBuffer) {
    this.params = new Float32Array(paramsBuffer);
    this.scratch = k.alloc(this.params.length);
  }

  /**
   * Starts a peer for each share after the first (the lead's) and waits until each has built
   * its replica.
   */
  static async start(k: Kernels, opts: { model: ModelConfig; shares: number[]; seqLen: number; seed: number;
    paramCount: number; resume?: { states: Float32Array[]; rngStates: number[] } }): Promise<PeerThreads> {
    const paramsBuffer = new SharedArrayBuffer(opts.paramCount * 4);
    const peers: Peer[] = [];
    let first = opts.shares[0];
    for (let i = 1; i < opts.shares.length; i++) {
      const grads = new SharedArrayBuffer(opts.paramCount * 4);
      const peer: Peer = { worker: startWorker('train-peer.js', path.join(__dirname, 'peer-worker.ts')), first, streams: opts.shares[i],
        grads: new Float32Array(grads), inbox: [], pending: null, failure: null };
      first += opts.shares[i];
      watch(peer);
      peers.push(peer);
      send(peer, { kind: 'init', model: opts.model, streams: peer.streams, seqLen: opts.seqLen,
        seed: opts.seed + 7919 * i, params: paramsBuffer, grads,
        ...(opts.resume ? { resume: { state: opts.resume.states[i], rng: opts.resume.rngStates[i] } } : {}) });
    }
    const threads = new PeerThreads(k, peers, first, opts.seqLen, paramsBuffer);
    try {
      await Promise.all(peers.map((p) => reply(p)));
    } catch (e) {
      await threads.close();
      throw e;
    }
    return threads;
  }

  /** Sends step `s` to every peer with the current parameters `[count]` at heap offset `values`. */
  begin(values: number, batches: StreamBatches, s: number, resetState: boolean): void {
    this.params.set(this.k.heap.subarray(values, values + this.params.length));
    for (const peer of this.peers) {
      const rows = peer.streams * this.seqLen;
      const batch = new Float32Array(2 * rows);
      batches.fill(s, batch, 0, rows, peer.first, peer.streams);
      send(peer, { kind: 'step', batch, resetState, weight: peer.streams / this.batch });
    }
  }

  /**
   * Waits for every peer of the step and adds their weighted gradients into `[count]` at
   * `grads`; returns the sum of their weighted losses (nats/char).
   */
  async finish(grads: number): Promise<number> {
    let loss = 0;
    for (const peer of this.peers) {
      const m = await reply(peer);
      if (m.kind !== 'done') throw new Error(`a training thread answered ${m.kind}`);
      loss += m.weightedLoss;
      this.k.heap.set(peer.grads, this.scratch);
      this.k.addInto(this.params.length, this.scratch, grads);
    }
    return loss;
  }

  /** Each peer's carried state and generator word, in share order. */
  async snapshot(): Promise<{ state: Float32Array; rng: number }[]> {
    const out: { state: Float32Array; rng: number }[] = [];
    for (const peer of this.peers) {
      send(peer, { kind: 'snapshot' });
      const m = await reply(peer);
      if (m.kind !== 'snapshot') throw new Error(`a training thread answered ${m.kind}`);
      out.push({ state: m.state, rng: m.rng });
    }
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.peers.map((p) => p.worker.terminate()));
  }
}

function send(peer: Peer, message: ToPeer): void {
  peer.worker.postMessage(message);
}

function watch(peer: Peer): void {
  const fail = (e: Error) => {
    peer.failure ??= e;
    peer.pending?.reject(peer.failure);
    peer.pending = null;
  };
  peer.worker.on('message', (m: FromPeer) => {
    if (m.kind === 'failed') return fail(new Error(`a training thread failed: ${m.message}`));
    if (peer.pending) peer.pending.resolve(m);
    else peer.inbox.push(m);
    peer.pending = null;
  });
  peer.worker.on('error', (e) => fail(new Error(`a training thread crashed: ${e.message}`)));
  peer.worker.on('exit', (code) => fail(new Error(`a training thread exited (code ${code})`)));
}

/** The peer's next message (one request is outstanding per peer at a time). */
function reply(peer: Peer): Promise<FromPeer> {
  const early = peer.inbox.shift();
  if (early) return Promise.resolve(early);
  if (peer.failure) return Promise.reject(peer.failure);
  return new Promise((resolve, reject) => { peer.pending = { resolve, reject }; });
}
