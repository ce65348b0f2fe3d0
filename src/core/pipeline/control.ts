/**
 * The control block of a priming pipeline: Int32 words in a SharedArrayBuffer that every stage
 * of the pipeline reads and writes with Atomics, and a short text area for a stage's error.
 * Threads hand work to each other by bumping a counter word and `Atomics.notify`ing it; the other
 * side sleeps in `Atomics.wait` on that word (no spinning), always with a time limit.
 *
 * Words: [0] abort (set by the calling thread to stop every stage), [1] failed (bytes of the
 * error text + 1, set by a stage that threw), then per stage s (≥ 1; stage 0, the caller, has
 * its words too, unused but for `produced`):
 *   ready     1 once the stage's thread has built its layers
 *   done      id of the last run the stage finished
 *   progress  chunks the stage finished in this run (+1 when done): what "still working" means
 *   produced  chunks the stage wrote into its outgoing ring (the cut after it)
 *   consumed  chunks the stage took from its incoming ring (the cut before it)
 */

const ABORT = 0;
const FAILED = 1;
const HEADER = 2;
const PER_STAGE = 5;
const TEXT_BYTES = 1024;

export type StageWord = 'ready' | 'done' | 'progress' | 'produced' | 'consumed';
const OFFSET: Record<StageWord, number> = { ready: 0, done: 1, progress: 2, produced: 3, consumed: 4 };

/** Why a wait ended without its condition: the pipeline must not be trusted with this run. */
export class PipelineStopped extends Error {}

export class Control {
  readonly words: Int32Array;
  private readonly text: Uint8Array;

  /** A fresh block for `stages` stages. */
  static create(stages: number): Control {
    return new Control(new SharedArrayBuffer(4 * (HEADER + PER_STAGE * stages) + TEXT_BYTES), stages);
  }

  constructor(readonly buffer: SharedArrayBuffer, readonly stages: number) {
    const n = HEADER + PER_STAGE * stages;
    this.words = new Int32Array(buffer, 0, n);
    this.text = new Uint8Array(buffer, 4 * n, TEXT_BYTES);
  }

  word(stage: number, which: StageWord): number {
    return HEADER + PER_STAGE * stage + OFFSET[which];
  }

  get(stage: number, which: StageWord): number {
    return Atomics.load(this.words, this.word(stage, which));
  }

  /** Stores and wakes whoever waits on the word. */
  set(stage: number, which: StageWord, value: number): void {
    const at = this.word(stage, which);
    Atomics.store(this.words, at, value);
    Atomics.notify(this.words, at);
  }

  /**
   * Sleeps until `ok(value of the word)`. Throws PipelineStopped when the pipeline is aborted or
   * a stage failed, or when the word has not changed for `idleMs` (the stage that should move it
   * is stuck or gone): every change restarts the clock, so a long run of steady progress is fine.
   */
  waitUntil(stage: number, which: StageWord, ok: (value: number) => boolean, idleMs: number): void {
    const at = this.word(stage, which);
    let last = Atomics.load(this.words, at);
    let deadline = performance.now() + idleMs;
    for (;;) {
      const value = Atomics.load(this.words, at);
      if (ok(value)) return;
      this.throwIfStopped();
      const now = performance.now();
      if (value !== last) {
        last = value;
        deadline = now + idleMs;
      }
      if (now >= deadline) {
        throw new PipelineStopped(`a priming thread made no progress for ${Math.round(idleMs)} ms (stage ${stage}, ${which} = ${value})`);
      }
      Atomics.wait(this.words, at, value, deadline - now);
    }
  }

  throwIfStopped(): void {
    const failed = Atomics.load(this.words, FAILED);
    if (failed > 0) {
      const message = new TextDecoder().decode(this.text.slice(0, failed - 1));
      throw new PipelineStopped(`a priming thread failed: ${message}`);
    }
    if (Atomics.load(this.words, ABORT) !== 0) throw new PipelineStopped('the priming pipeline was stopped');
  }

  /** A stage threw: records why (the first failure wins) and wakes every waiter. */
  fail(message: string): void {
    const bytes = new TextEncoder().encode(message).subarray(0, TEXT_BYTES);
    if (Atomics.compareExchange(this.words, FAILED, 0, -1) !== 0) return;
    this.text.set(bytes);
    Atomics.store(this.words, FAILED, bytes.length + 1);
    this.wakeAll();
  }

  /** The calling thread gives up on the pipeline: every stage's waits end. */
  abort(): void {
    Atomics.store(this.words, ABORT, 1);
    this.wakeAll();
  }

  /** Counters of a new run back to zero (every stage is idle between runs). */
  resetRun(): void {
    for (let s = 0; s < this.stages; s++) {
      for (const w of ['progress', 'produced', 'consumed'] as const) Atomics.store(this.words, this.word(s, w), 0);
    }
  }

  private wakeAll(): void {
    for (let i = 0; i < this.words.length; i++) Atomics.notify(this.words, i);
  }
}
