import type { Kernels } from '../nn/kernels/kernels';
import { createKernels } from '../nn/kernels/select';
import type { ModelConfig } from '../model/config';
import { Vocab } from '../data/vocab';
import { seededRandom } from '../math/random';
import { DEFAULT_TRAIN_CONFIG } from './config';
import { evaluate } from '../eval/evaluate';
import type { StepEvent } from './events';
import { train } from './trainer';

/** What a probe measures: a model shape and the step shape it trains with. */
export interface ProbeShape {
  model: Omit<ModelConfig, 'vocabSize'>;
  /** Streams per step and characters per stream (the trainer's `batch` and `seqLen`). */
  batch: number;
  seqLen: number;
}

/** Measured speeds of one shape, in characters per second. */
export interface Speed {
  /** Training (forward, backward, Adam, the threads' hand-off), as the trainer runs it. */
  train: number;
  /** Validation (forward only, on the lead thread), as the trainer's `evaluate` runs it. */
  evaluate: number;
}

export interface ProbeOptions {
  /** Threads as in TrainConfig.threads (0: one per core). */
  threads?: number;
  /** Seconds of timed training after the warm-up step; the whole probe takes about twice this. */
  seconds?: number;
  /** Text to train on (a sample of the corpus); random printable ASCII by default. */
  sample?: string;
  signal?: AbortSignal;
  /** Fresh kernels per probe (each probe's model lives on its own heap); WebAssembly by default. */
  kernels?: () => Kernels;
}

/** The first step pays for JIT, first touch of every buffer and the peers' start: not timed. */
const WARM_UP_STEPS = 1;
/** Timed steps at least, however long they take (one of a large model takes a second). */
const MIN_TIMED_STEPS = 1;
/** Share of the probe's time given to timing validation (forward only). */
const EVALUATE_SHARE = 0.25;

/**
 * Chars/s of `shape` on this machine now, from a few real steps of the product's own trainer
 * (so peers, clipping and Adam are all in the figure) and a short forward-only pass through
 * `evaluate`. Rejects with the signal's reason when aborted.
 */
export async function probeSpeed(shape: ProbeShape, options: ProbeOptions = {}): Promise<Speed> {
  const seconds = options.seconds ?? 1;
  const { signal } = options;
  signal?.throwIfAborted();
  const kernels = (options.kernels ?? (() => createKernels()))();
  // Enough text that no epoch ends inside the probe (an epoch end validates, which is not training).
  const stepChars = shape.batch * shape.seqLen;
  const text = repeatTo(options.sample ?? randomText(4096), stepChars * 64 + 1);
  const vocab = Vocab.fromText(text);

  const steps: StepEvent[] = [];
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort);
  try {
    const { model } = await train({
      kernels, vocab, train: text, valid: text.slice(0, 2), model: shape.model, signal: stop.signal,
      config: { ...DEFAULT_TRAIN_CONFIG, batch: shape.batch, seqLen: shape.seqLen, threads: options.threads ?? 0,
        epochs: 1_000, maxMinutes: 0, patience: 0, validateEvery: 0 },
      onEvent: (e) => {
        if (e.kind !== 'step') return;
        steps.push(e);
        const timed = steps.length - 1 - WARM_UP_STEPS;
        if (timed >= MIN_TIMED_STEPS && e.elapsedMs - steps[WARM_UP_STEPS].elapsedMs >= seconds * 1000) stop.abort();
      },
    });
    signal?.throwIfAborted();
    const first = steps[WARM_UP_STEPS], last = steps[steps.length - 1];
    const trainRate = (last.charsSeen - first.charsSeen) / Math.max((last.elapsedMs - first.elapsedMs) / 1000, 1e-3);
    const evaluateRate = await timeEvaluate(model, vocab.encode(text), shape, seconds * EVALUATE_SHARE / (1 - EVALUATE_SHARE), signal);
    return { train: trainRate, evaluate: evaluateRate };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/**
 * Forward-only chars/s over windows of `ids`: one window, then twice as many, until a pass lasts
 * `seconds` (training has warmed the forward path already).
 */
async function timeEvaluate(model: Parameters<typeof evaluate>[0], ids: ArrayLike<number> & { slice(a: number, b: number): ArrayLike<number> },
  shape: ProbeShape, seconds: number, signal?: AbortSignal): Promise<number> {
  const windowChars = shape.batch * shape.seqLen;
  for (let windows = 1; ; windows *= 2) {
    const slice = ids.slice(0, Math.min(ids.length, windows * windowChars + 1));
    const start = performance.now();
    const { chars } = await evaluate(model, slice, shape.batch, shape.seqLen, signal);
    const elapsed = (performance.now() - start) / 1000;
    if (elapsed >= seconds || slice.length === ids.length) return chars / Math.max(elapsed, 1e-6);
  }
}

/** `text` repeated (and cut) to `length` UTF-16 units. */
function repeatTo(text: string, length: number): string {
  if (text.length === 0) throw new Error('the probe sample is empty');
  return text.repeat(Math.ceil(length / text.length)).slice(0, length);
}

/** Printable ASCII with spaces and line ends, seeded: a vocabulary of ~97, like source code's. */
function randomText(length: number): string {
  const rng = seededRandom(7);
  let out = '';
  for (let i = 0; i < length; i++) {
    const r = rng.next();
    out += r < 0.15 ? ' ' : r < 0.18 ? '\n' : String.fromCharCode(33 + Math.floor(rng.next() * 94));
  }
  return out;
}
