import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { INFER_CHUNK, type CharModel } from '../model/char-model';
import type { PrimeChunk, Primed, Primer } from '../model/primer';
import { startWorker } from '../threads/start-worker';
import { Control, PipelineStopped } from './control';
import { ChunkRing } from './ring';
import { CutBalancer } from './balance';
import { StageRunner } from './stage';
import { planStages, type LayerShape, type StagePlan } from './plan';
import { weightLayout, type FromStage, type StageRun, type ToStage } from './protocol';

export interface PrimerOptions {
  /** Threads, the calling one included (one stage each); default one per core; at most one per layer. */
  threads?: number;
  /** Told once, with why, when the pipeline is given up for good (later primes run on one thread). */
  onFallback?: (reason: string) => void;
  /**
   * A worker that makes no progress for this many ms, plus 8 times the calling thread's slowest
   * chunk of the run, counts as failed. Default 2000.
   */
  stallMs?: number;
  /** Workers not ready after this many ms count as failed. Default 60 000. */
  startMs?: number;
  /** Fewest chunks a prime must have to be pipelined; shorter ones run on one thread. Default MIN_CHUNKS. */
  minChunks?: number;
  /** Whether the rows split between two stages follow the load (default) or keep the plan's share. */
  balance?: boolean;
  /** Starts a stage's worker thread; default the bundled stage-worker (tests pass one that fails). */
  spawn?: () => Worker;
}

/**
 * A prime of 1 chunk cannot overlap anything: layer 1 waits for layer 0's whole chunk. From 2 on
 * the layers overlap: on model M (2 cores, medians of 40 interleaved runs) 2 chunks took 16.6 ms
 * pipelined against 19.3 ms on one thread, 3 chunks 24.1 against 34.5, 4 chunks 30.0 against 49.4.
 */
export const MIN_CHUNKS = 2;

/**
 * Priming (feeding a long text to a zero or carried state, `Stepper.feed`) of a stacked LSTM
 * spread over threads as a pipeline over the layers: while the calling thread runs layer 0 on
 * chunk k, a worker runs layer 1 on chunk k-1, and so on (`planStages` groups layers when there
 * are more layers than cores, and splits an input product's rows between two stages; the split
 * then follows the load, `CutBalancer`).
 * Chunks pass through shared memory (`ChunkRing`), signalled with Atomics, so `prime` is
 * synchronous: the calling thread blocks in Atomics.wait for the workers at the end (and when it
 * runs too far ahead of them). Every stage makes the kernel calls `CharModel.infer` makes for its
 * layers, in the same order, so the state and logits are the same to the bit.
 *
 * One per model, owned by it (`model.primer`), started once, closed when the model goes. Workers
 * hold copies of their layers' weights, refreshed when `model.inferGeneration` moves. Any failure
 * (a worker that cannot start, throws, or stalls) gives the pipeline up for good: `prime`
 * returns null from then on, `failure` says why, and `onFallback` is told once. Waits are
 * bounded, workers are unref'd (they never keep the process alive) and idle without CPU.
 */
export class PipelinedPrimer implements Primer {
  /** Why the pipeline was given up, or null while it works. */
  failure: string | null = null;
  /** `pipelined`: primes run through the pipeline (the others ran on one thread). */
  readonly stats = { pipelined: 0 };
  /** Resolves true once every worker is ready, false if the pipeline failed or closed first. */
  readonly ready: Promise<boolean>;
  readonly plan: StagePlan[];
  readonly minChunks: number;
  private readonly shapes: LayerShape[];
  private readonly control: Control;
  private readonly workers: Worker[] = [];
  private readonly runner: StageRunner;
  private readonly ringOut: ChunkRing;
  private readonly balancer: CutBalancer;
  private readonly weightsFrom: number;
  private readonly states: Float32Array;
  private snapshots: Float32Array<ArrayBufferLike> = new Float32Array(0);
  /** Heap `[hidden]`: the last layer's h, for `logitsFor`. */
  private readonly hRow: number;
  private readonly stallMs: number;
  private readonly onFallback?: (reason: string) => void;
  private generation = -1;
  private runs = 0;
  private allReady = false;
  private closed = false;
  private settle: (ready: boolean) => void = () => {};
  private readonly startTimer: NodeJS.Timeout;

  /** Why `model` gets no pipeline with `threads` threads, or null when it does. */
  static whyNot(model: CharModel, threads = availableParallelism()): string | null {
    if (model.k.name !== 'wasm') return `the kernels are ${model.k.name}, not WebAssembly`;
    if (!model.lstmLayers()) return 'only LSTM layers are pipelined';
    if (model.layers.length < 2) return 'one layer: nothing to pipeline';
    if (threads < 2) return 'one thread: nothing to pipeline';
    if (typeof SharedArrayBuffer !== 'function') return 'no SharedArrayBuffer';
    return null;
  }

  /**
   * Starts the workers for `model` and sets `model.primer` (closing one it had); null when the
   * model gets no pipeline (`whyNot`). Returns at once: until the workers are ready (`ready`),
   * priming runs on one thread.
   */
  static start(model: CharModel, options: PrimerOptions = {}): PipelinedPrimer | null {
    const threads = options.threads ?? availableParallelism();
    if (PipelinedPrimer.whyNot(model, threads) !== null) return null;
    void model.primer?.close();
    const shapes = model.layers.map((l) => ({ inputSize: l.inputSize, hidden: l.hidden }));
    const plan = planStages(shapes, threads);
    if (plan.length < 2) return null;
    const primer = new PipelinedPrimer(model, shapes, plan, options);
    model.primer = primer;
    return primer;
  }

  private constructor(private readonly model: CharModel, shapes: LayerShape[], plan: StagePlan[], options: PrimerOptions) {
    this.shapes = shapes;
    this.plan = plan;
    this.minChunks = Math.max(2, options.minChunks ?? MIN_CHUNKS);
    this.stallMs = options.stallMs ?? 2000;
    this.onFallback = options.onFallback;
    const { k } = model;
    this.control = Control.create(plan.length);
    const rings = plan.slice(0, -1).map((p) => {
      const j = (p.cutOut as { layer: number }).layer;
      return new SharedArrayBuffer(ChunkRing.bytes(INFER_CHUNK, 4 * shapes[j].hidden, shapes[j].inputSize));
    });
    const cut = plan[0].cutOut as NonNullable<StagePlan['cutOut']>;
    this.ringOut = new ChunkRing(rings[0], this.control, 0, INFER_CHUNK, 4 * shapes[cut.layer].hidden, shapes[cut.layer].inputSize);
    const balance = options.balance ?? true;
    this.balancer = new CutBalancer(cut.share, balance);
    this.weightsFrom = cut.layer;
    const states = new SharedArrayBuffer(4 * model.stateSize);
    this.states = new Float32Array(states);
    this.runner = new StageRunner(k, model.lstmLayers() as NonNullable<ReturnType<CharModel['lstmLayers']>>,
      shapes, plan[0], INFER_CHUNK, model.inferTable());
    this.hRow = k.alloc(shapes[shapes.length - 1].hidden);

    this.ready = new Promise((resolve) => { this.settle = resolve; });
    const spawn = options.spawn ?? (() => startWorker('infer-stage.js', path.join(__dirname, 'stage-worker.ts')));
    this.startTimer = setTimeout(() => this.giveUp(`the priming threads were not ready after ${options.startMs ?? 60_000} ms`),
      options.startMs ?? 60_000);
    this.startTimer.unref();
    for (let s = 1; s < plan.length; s++) {
      let worker: Worker;
      try {
        worker = spawn();
      } catch (e) {
        this.giveUp(`a priming thread could not start: ${(e as Error).message}`);
        return;
      }
      worker.unref();
      this.workers.push(worker);
      worker.on('message', (m: FromStage) => {
        if (m.kind === 'failed') this.giveUp(`a priming thread failed: ${m.message}`);
        else if (m.kind === 'ready') this.checkReady();
      });
      worker.on('error', (e) => this.giveUp(`a priming thread crashed: ${e.message}`));
      worker.on('exit', (code) => this.giveUp(`a priming thread exited (code ${code})`));
      const init: ToStage = { kind: 'init', stage: s, plan, layers: shapes, chunk: INFER_CHUNK, balance,
        control: this.control.buffer, rings, weightsFrom: this.weightsFrom, states };
      worker.postMessage(init);
    }
  }

  /**
   * Runs `chunks` from `state` (`[stateSize]`, updated in place) through the pipeline, as
   * `CharModel.infer` would one after another. Null, with `state` untouched, when the pipeline
   * is not (or no longer) available or the prime is shorter than `minChunks`: run it on one thread.
   */
  prime(chunks: PrimeChunk[], state: Float32Array): Primed | null {
    if (this.failure !== null || this.closed || chunks.length < this.minChunks || !this.checkReady()) return null;
    try {
      const primed = this.run(chunks, state);
      this.stats.pipelined++;
      return primed;
    } catch (e) {
      this.giveUp(e instanceof PipelineStopped ? e.message : `pipelined priming failed: ${(e as Error).message}`);
      return null;
    }
  }

  /** Stops the workers; priming runs on one thread from now on. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.model.primer === this) this.model.primer = null;
    this.stop();
    await Promise.all(this.workers.map((w) => w.terminate().catch(() => 0)));
  }

  private run(chunks: PrimeChunk[], state: Float32Array): Primed {
    const { model, control, runner, shapes } = this;
    const { k } = model;
    const weights = model.inferGeneration !== this.generation ? this.copyWeights() : undefined;
    const stateSize = state.length;
    this.states.set(state);
    const marked = chunks.flatMap((c, i) => (c.snapshot ? [i] : []));
    let snapshotBuffer: SharedArrayBuffer | undefined;
    if (marked.length * stateSize > this.snapshots.length) {
      snapshotBuffer = new SharedArrayBuffer(4 * marked.length * stateSize);
      this.snapshots = new Float32Array(snapshotBuffer);
    }
    control.resetRun();
    const run = ++this.runs;
    const message: StageRun = { kind: 'run', run, times: chunks.map((c) => c.time), snapshots: marked, snapshotBuffer, weights };
    for (const w of this.workers) w.postMessage(message);

    // Stage 0 here: layers 0 … plan[0].last, their state at the start of the state vector.
    const mine = runner.stateOffsets[this.plan[0].last] + 2 * shapes[this.plan[0].last].hidden;
    k.heap.set(state.subarray(0, mine), runner.state);
    const ours: Float32Array[] = [];
    let slowest = 0;
    chunks.forEach((c, i) => {
      const started = performance.now();
      const heap = k.heap;
      for (let t = 0; t < c.time; t++) heap[runner.ids + t] = c.ids[c.from + t];
      const rows = this.balancer.rows(c.time, i === chunks.length - 1);
      runner.run(c.time, 0, rows);
      if (c.snapshot) ours.push(k.heap.slice(runner.state, runner.state + mine) as Float32Array);
      slowest = Math.max(slowest, performance.now() - started);
      this.balancer.observe(this.ringOut.busy(i));
      this.ringOut.put(k, i, c.time, rows, runner.send, runner.lastOut, this.stallMs + 8 * slowest);
    });
    for (let s = 1; s < this.plan.length; s++) {
      control.waitUntil(s, 'progress', () => control.get(s, 'done') === run, this.stallMs + 8 * slowest);
    }

    // Stage 0's layers from this heap, the others from the workers; `state` changes last, so
    // that a failure anywhere before leaves it as it came, for one thread to start from.
    const final = new Float32Array(stateSize);
    final.set(k.heap.subarray(runner.state, runner.state + mine), 0);
    final.set(this.states.subarray(mine, stateSize), mine);
    const snapshots = ours.map((own, j) => {
      const s = new Float32Array(stateSize);
      s.set(own, 0);
      s.set(this.snapshots.subarray(j * stateSize + mine, (j + 1) * stateSize), mine);
      return { state: s, logits: this.logitsOf(s) };
    });
    const logits = this.logitsOf(final);
    state.set(final);
    return { logits, snapshots };
  }

  /** The logits after a state: the dense layer on the last layer's h, as `infer` computes them. */
  private logitsOf(state: Float32Array): Float32Array {
    const { model, runner, shapes } = this;
    const last = shapes.length - 1, at = runner.stateOffsets[last], H = shapes[last].hidden;
    model.k.heap.set(state.subarray(at, at + H), this.hRow);
    const logits = model.logitsFor(this.hRow);
    const heap = model.k.heap; // re-read: the first dense call may allocate
    return Float32Array.from(heap.subarray(logits, logits + model.config.vocabSize));
  }

  /** The workers' layers' weights as they are now, for them to reload (refreshInference ran). */
  private copyWeights(): SharedArrayBuffer {
    const { model, shapes } = this;
    const { at, floats } = weightLayout(shapes, this.weightsFrom);
    const buffer = new SharedArrayBuffer(4 * floats), weights = new Float32Array(buffer);
    const heap = model.k.heap;
    for (let l = this.weightsFrom; l < shapes.length; l++) {
      for (const name of ['wIh', 'wHh', 'b'] as const) {
        const p = model.params.get(`layer${l}.${name}`);
        weights.set(heap.subarray(p.value, p.value + p.size), at[l][name]);
      }
    }
    this.generation = model.inferGeneration;
    return buffer;
  }

  /** True once every worker has built its layers (read from shared memory: works mid-task). */
  private checkReady(): boolean {
    if (this.allReady) return true;
    if (this.failure !== null || this.closed || this.workers.length < this.plan.length - 1) return false;
    for (let s = 1; s < this.plan.length; s++) if (this.control.get(s, 'ready') !== 1) return false;
    this.allReady = true;
    clearTimeout(this.startTimer);
    this.settle(true);
    return true;
  }

  /** Gives the pipeline up for good (once): stops the workers and says why. */
  private giveUp(reason: string): void {
    if (this.failure !== null || this.closed) return;
    this.failure = reason;
    this.stop();
    for (const w of this.workers) void w.terminate().catch(() => 0);
    this.onFallback?.(reason);
  }

  private stop(): void {
    clearTimeout(this.startTimer);
    this.control.abort();
    this.settle(false);
  }
}
