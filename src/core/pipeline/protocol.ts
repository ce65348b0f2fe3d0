import type { LayerShape, StagePlan } from './plan';

/**
 * Messages between the calling thread (stage 0 of pipelined priming) and a worker stage.
 * Messages only start things (build, run a prime); the chunks themselves travel through shared
 * memory (`ChunkRing`), signalled with Atomics (`Control`), so the calling thread can block
 * for them synchronously and a run costs one message per worker, not one per chunk.
 */
export interface StageInit {
  kind: 'init';
  /** This worker's stage (≥ 1) in `plan`. */
  stage: number;
  plan: StagePlan[];
  /** Every layer's input and hidden width. */
  layers: LayerShape[];
  /** Characters per chunk at most (INFER_CHUNK). */
  chunk: number;
  /** Whether the rows of a cut follow the load (`CutBalancer`) or keep the plan's share. */
  balance: boolean;
  /** The control block (`Control`). */
  control: SharedArrayBuffer;
  /** One per cut: rings[c] between stage c and c+1 (`ChunkRing`). */
  rings: SharedArrayBuffer[];
  /** The first layer whose weights `StageRun.weights` holds. */
  weightsFrom: number;
  /** float32 `[stateSize]`, the model's state layout: each stage's layers' state in, then out. */
  states: SharedArrayBuffer;
}

export interface StageRun {
  kind: 'run';
  /** Written to the stage's `done` word when it has finished. */
  run: number;
  /** Rows of each chunk, in order. */
  times: number[];
  /** Chunk indices, ascending, after which the stage writes its layers' state to snapshot i. */
  snapshots: number[];
  /** float32 `[snapshots, stateSize]`, sent when first needed or grown; else the last one holds. */
  snapshotBuffer?: SharedArrayBuffer;
  /**
   * Sent when the weights changed (`CharModel.refreshInference`; and on the first run): float32
   * weights of layers ≥ `weightsFrom` (`weightLayout`), to copy and repack before the first chunk.
   * Sent, not kept: held by nobody after the run, it costs no memory between weight changes.
   */
  weights?: SharedArrayBuffer;
}

export type ToStage = StageInit | StageRun;

export type FromStage =
  | { kind: 'ready' }
  | { kind: 'failed'; message: string };

/** Where layer l's wIh `[input, 4*hidden]`, wHh `[hidden, 4*hidden]` and b `[4*hidden]` lie in the weights buffer (floats). */
export interface LayerWeights {
  wIh: number;
  wHh: number;
  b: number;
}

/** Layers from `from` on, one after another, each wIh, wHh, b; returns offsets (sparse) and total floats. */
export function weightLayout(layers: LayerShape[], from: number): { at: LayerWeights[]; floats: number } {
  const at: LayerWeights[] = [];
  let n = 0;
  for (let l = from; l < layers.length; l++) {
    const { inputSize: I, hidden: H } = layers[l];
    at[l] = { wIh: n, wHh: n + I * 4 * H, b: n + (I + H) * 4 * H };
    n += (I + H + 1) * 4 * H;
  }
  return { at, floats: n };
}
