import type { ModelConfig } from '../model/config';

/**
 * Messages between the trainer (the lead thread) and its peer threads in data-parallel
 * training. Every step the lead writes the parameters into one shared block; each peer runs
 * forward and backward over its share of the batch's streams on its own replica and writes
 * its gradient into its own shared block. Ids and losses travel in the messages.
 */
export interface PeerInit {
  kind: 'init';
  model: ModelConfig;
  /** This peer's streams (its share of the batch) and the BPTT window. */
  streams: number;
  seqLen: number;
  /** Seed of this peer's dropout masks. */
  seed: number;
  /** A resumed run's carried state `[streams, stateSize]` and generator word for this peer. */
  resume?: { state: Float32Array; rng: number };
  /** `[count]` float32 parameters, written by the lead before every step. */
  params: SharedArrayBuffer;
  /** `[count]` float32 ∂loss/∂parameters, written by the peer, already weighted by its share. */
  grads: SharedArrayBuffer;
}

export interface PeerStep {
  kind: 'step';
  /** `[seqLen, streams]` ids, then `[seqLen, streams]` targets, time-major. */
  batch: Float32Array;
  /** Start the streams from a zero state (a new epoch). */
  resetState: boolean;
  /** This peer's rows / the batch's rows: its gradient and loss are scaled by it. */
  weight: number;
}

/** Asks for the peer's carried state and generator word (a run checkpoint). */
export interface PeerSnapshot {
  kind: 'snapshot';
}

export type ToPeer = PeerInit | PeerStep | PeerSnapshot;

export type FromPeer =
  | { kind: 'ready' }
  /** Mean loss over the peer's rows in nats/char, times its weight. */
  | { kind: 'done'; weightedLoss: number }
  | { kind: 'snapshot'; state: Float32Array; rng: number }
  | { kind: 'failed'; message: string };
