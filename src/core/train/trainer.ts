import type { Kernels } from '../nn/kernels/kernels';
import { Adam } from '../nn/adam';
import { CharModel } from '../model/char-model';
import type { ModelConfig } from '../model/config';
import type { Vocab } from '../data/vocab';
import { seededRandom } from '../math/random';
import { generate } from '../sampling/generate';
import { describeStrategy, type Strategy } from '../sampling/strategy';
import { StreamBatches } from '../data/batches';
import { evaluate } from '../eval/evaluate';
import type { TrainConfig } from './config';
import type { EndEvent, TrainEvent } from './events';
import { Throughput } from './throughput';
import { PeerThreads, splitStreams } from './peer-threads';
import { runFingerprint, type RunCheckpoint } from './run-checkpoint';
import { validationOverrunMs } from './budget';

export interface TrainOptions {
  kernels: Kernels;
  vocab: Vocab;
  /** Training and held-out text. */
  train: string;
  valid: string;
  /** A fresh model of this shape, or `resume` to continue from loaded weights. */
  model: Omit<ModelConfig, 'vocabSize'> | CharModel;
  config: TrainConfig;
  signal?: AbortSignal;
  onEvent?: (event: TrainEvent) => void;
  /** Called (and awaited) on every new best validation loss, with the model holding those weights. */
  onBest?: (model: CharModel, info: CheckpointInfo) => Promise<void> | void;
  /** Give `onBest` each validation text character's probability (CheckpointInfo.targetProbs). */
  keepTargetProbs?: boolean;
  /** Go on from this run checkpoint exactly (the model must have its shape; its weights are replaced). */
  resumeFrom?: RunCheckpoint;
  /**
   * Called (and awaited) with the whole run's state after every validation and when a cancel is
   * seen between steps: what `resumeFrom` continues from.
   */
  onCheckpoint?: (checkpoint: RunCheckpoint) => Promise<void> | void;
}

export interface CheckpointInfo {
  validLoss: number;
  epoch: number;
  step: number;
  charsSeen: number;
  /**
   * With `keepTargetProbs`: per character of the validation text (the first maxValidChars of
   * the held-out text), the probability the model gave it; NaN where it was not predicted (each
   * stream's first character, the tails beyond whole windows). What a mixture's weights are
   * fitted on.
   */
  targetProbs?: Float64Array;
}

export interface TrainResult {
  /** The model with its best weights restored (the last weights if it never validated). */
  model: CharModel;
  end: EndEvent;
  best: CheckpointInfo | null;
}

/** A run that cannot go on for a reason the user can act on (too little text, divergence). */
export class TrainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainError';
  }
}

const SAMPLE_STRATEGY: Strategy = { kind: 'temperature', temperature: 0.8 };
const SAMPLE_CHARS = 200;
/** UTF-16 units of the held-out text that the validation samples continue. */
const SAMPLE_PRIME = 40;

/**
 * Trains with Adam and truncated BPTT over `batch` streams, validating every
 * `validateEvery` steps (or each epoch), offering each new best to `onBest`, stopping at the
 * epoch count, the time limit, `patience` validations without progress, or `signal`; each
 * validation without progress multiplies the learning rate by `lrDecay`.
 */
export function train(opts: TrainOptions): Promise<TrainResult> {
  // Encoded here, not in the async `run`: its frames live across every await and would hold the
  // texts (and through V8's slices the whole corpus) to the end. A caller that lets go of its own
  // references lets a large corpus's text be collected while training runs.
  const { train: trainText, valid, ...rest } = opts;
  try {
    return run(rest, {
      trainIds: opts.vocab.encode(trainText),
      // A copy: a view would keep the whole held-out tail's ids alive.
      validIds: opts.vocab.encode(valid).slice(0, opts.config.maxValidChars),
      prime: detached(valid.slice(0, SAMPLE_PRIME)),
    });
  } catch (e) {
    return Promise.reject(e);
  }
}

interface Encoded {
  trainIds: ArrayLike<number>;
  validIds: ArrayLike<number>;
  /** The start of the held-out text, which every validation's sample continues. */
  prime: string;
}

async function run(opts: Omit<TrainOptions, 'train' | 'valid'>, { trainIds, validIds, prime }: Encoded): Promise<TrainResult> {
  const { kernels: k, vocab, config, signal } = opts;
  const emit = opts.onEvent ?? (() => {});
  const rng = seededRandom(config.seed);
  const model = opts.model instanceof CharModel
    ? opts.model
    : new CharModel(k, { ...opts.model, vocabSize: vocab.size }, rng);
  const shape = StreamBatches.fit(trainIds.length, config.batch, config.seqLen);
  if (!shape) throw new TrainError('the training text needs at least two characters');
  const batches = new StreamBatches(trainIds, shape.batch, shape.seqLen);
  const { batch: B, seqLen: T } = shape;
  // The lead thread takes the first share of the streams, peers the rest.
  const shares = splitStreams(B, config.threads, k.name);
  const lead = shares[0];
  const perEpoch = batches.steps;
  const totalSteps = config.maxSteps > 0 ? Math.min(config.maxSteps, perEpoch * config.epochs) : perEpoch * config.epochs;
  const validateEvery = config.validateEvery > 0 ? Math.min(config.validateEvery, perEpoch) : perEpoch;
  emit({ kind: 'start', backend: k.description, threads: shares.length, parameters: model.params.trainable, trainChars: trainIds.length,
    validChars: validIds.length, batch: B, seqLen: T, stepsPerEpoch: perEpoch, epochs: config.epochs,
    adjusted: B !== config.batch || T !== config.seqLen
      ? `the training text has ${trainIds.length} characters: batch ${B}, sequence length ${T}` : undefined });

  const adam = new Adam(k, model.params);
  const state = model.newState(lead);
  const { ids, targets } = model.inputs(lead, T);
  const { maxMinutes: _, ...arithmetic } = config;
  const fingerprint = runFingerprint(trainIds, validIds,
    JSON.stringify({ ...arithmetic, shares, seqLen: T, model: model.config }));
  const resume = opts.resumeFrom;
  if (resume) {
    if (resume.fingerprint !== fingerprint) {
      throw new TrainError('the run checkpoint was made on another text or with other settings (batch, length, '
        + 'learning rate, schedule, steps, seed, threads or shape): resume with the ones it was started with');
    }
    k.heap.set(resume.values, model.params.values);
    adam.restore({ t: resume.adamT, m: resume.m, v: resume.v });
    k.heap.set(resume.states[0], state);
    rng.state = resume.rngStates[0];
  }
  const peers = shares.length > 1 ? await PeerThreads.start(k, { model: model.config, shares, seqLen: T,
    seed: config.seed, paramCount: model.params.count, resume: resume && { states: resume.states, rngStates: resume.rngStates } }) : null;
  const clock = new Throughput();
  const deadline = config.maxMinutes > 0 ? clock.start + config.maxMinutes * 60_000 : Infinity;
  // A validation is part of the budget: past this it stops, and its loss is that of the windows it read.
  const validationDeadline = deadline + validationOverrunMs(config.maxMinutes * 60_000);
  /** The best validation's loss per window, so a shortened one is compared on the same windows. */
  let bestWindowLosses: Float64Array | null = null;
  /** How long the last step took, ms (0 before the first: a run always makes one). */
  let lastStepMs = 0;
  let best: CheckpointInfo | null = resume?.best ?? null;
  let bestValues: Float32Array | null = resume?.bestValues ?? null;
  let sinceBest = resume?.sinceBest ?? 0, step = resume?.step ?? 0, validatedAt = resume?.validatedAt ?? 0;
  let smooth = NaN, lr = resume?.lr ?? config.lr;
  let reason: EndEvent['reason'] = 'completed';

  const checkpoint = async (): Promise<void> => {
    if (!opts.onCheckpoint) return;
    const moments = adam.snapshot();
    const others = (await peers?.snapshot()) ?? [];
    const b = best as CheckpointInfo | null;
    await opts.onCheckpoint({
      step, lr, sinceBest, validatedAt, fingerprint, adamT: moments.t, m: moments.m, v: moments.v,
      best: b && { validLoss: b.validLoss, epoch: b.epoch, step: b.step, charsSeen: b.charsSeen },
      values: Float32Array.from(k.heap.subarray(model.params.values, model.params.values + model.params.count)),
      bestValues,
      rngStates: [rng.state, ...others.map((o) => o.rng)],
      states: [Float32Array.from(k.heap.subarray(state, state + lead * model.stateSize)), ...others.map((o) => o.state)],
    });
  };

  const validate = async (epoch: number): Promise<void> => {
    validatedAt = step;
    const targetProbs = opts.keepTargetProbs ? new Float64Array(validIds.length).fill(NaN) : undefined;
    const evaluation = await evaluate(model, validIds, B, T, signal, targetProbs, validationDeadline);
    const { loss, windowLosses } = evaluation;
    const shortened = windowLosses.length < evaluation.windows;
    const improved = Number.isFinite(loss) && (best === null || loss < lossToBeat(best.validLoss, bestWindowLosses, windowLosses.length));
    const sample = generate(model, vocab, prime, SAMPLE_CHARS, SAMPLE_STRATEGY, seededRandom(config.seed + step));
    if (improved) {
      best = { validLoss: loss, epoch, step, charsSeen: step * B * T, targetProbs };
      bestWindowLosses = windowLosses.slice();
      bestValues = Float32Array.from(k.heap.subarray(model.params.values, model.params.values + model.params.count));
      sinceBest = 0;
      await opts.onBest?.(model, best);
    } else {
      sinceBest++;
      if (config.schedule === 'plateau') lr *= config.lrDecay;
    }
    emit({ kind: 'validation', epoch, step, charsSeen: step * B * T, loss, best: improved,
      bestLoss: best?.validLoss ?? loss, lr, sample, sampleStrategy: describeStrategy(SAMPLE_STRATEGY),
      ...(shortened ? { shortened: { chars: evaluation.chars, of: evaluation.chars / windowLosses.length * evaluation.windows } } : {}) });
    await checkpoint();
  };

  // A resumed run starts mid-epoch with the carried states it saved.
  let epoch = Math.floor(step / perEpoch) + 1;
  let first = step % perEpoch;
  try {
    outer: for (; epoch <= config.epochs; epoch++, first = 0) {
      if (first === 0) k.fill(lead * model.stateSize, state, 0);
      for (let s = first; s < perEpoch; s++) {
        if (signal?.aborted) { reason = 'cancelled'; await checkpoint(); break outer; }
        // A step that would end past the budget is not begun (the last one's time says how long it takes).
        if (Date.now() + lastStepMs >= deadline) { reason = 'time-limit'; break outer; }
        const stepStarted = Date.now();
        if (step >= totalSteps) break outer;
        if (config.schedule === 'cosine') lr = cosineRate(config.lr, step, totalSteps);
        peers?.begin(model.params.values, batches, s, s === 0);
        batches.fill(s, k.heap, ids, targets, 0, lead);
        model.params.zeroGrads();
        const logits = model.forward(lead, T, state, rng);
        let loss = model.loss(lead, T, logits, true);
        model.backward(lead, T, logits);
        model.carry(lead, T, state);
        if (peers) {
          // The batch's mean loss: each thread's mean weighted by its share of the rows.
          k.scale(model.params.count, model.params.grads, lead / B);
          loss = loss * lead / B + await peers.finish(model.params.grads);
        }
        adam.step(lr, config.clip);
        lastStepMs = Date.now() - stepStarted;
        step++;
        smooth = Number.isNaN(smooth) ? loss : 0.95 * smooth + 0.05 * loss;
        const rate = clock.record(B * T);
        emit({ kind: 'step', epoch, step, stepsPerEpoch: perEpoch, totalSteps, loss, smoothLoss: smooth,
          charsSeen: step * B * T, charsPerSec: rate, elapsedMs: clock.elapsed(),
          etaMs: Math.min((totalSteps - step) * B * T / Math.max(rate, 1e-9) * 1000, deadline - Date.now()) });
        if (!Number.isFinite(loss)) throw new TrainError(`training diverged at step ${step} (loss ${loss}); try a lower --lr`);
        if (step % validateEvery === 0 || s === perEpoch - 1) {
          await validate(epoch);
          if (config.patience > 0 && sinceBest >= config.patience) { reason = 'early-stop'; break outer; }
        }
        await new Promise((r) => setImmediate(r));
      }
    }
    // The steps since the last validation (cut off by the time limit or --max-steps) are part of
    // the budget: give them their chance to be best.
    if ((reason === 'time-limit' || reason === 'completed') && step > validatedAt) await validate(Math.min(epoch, config.epochs));
  } catch (e) {
    if (!signal?.aborted) throw e;
    reason = 'cancelled';
  } finally {
    await peers?.close();
  }
  if (bestValues) k.heap.set(bestValues, model.params.values);
  const end: EndEvent = { kind: 'end', reason, bestLoss: (best as CheckpointInfo | null)?.validLoss ?? null,
    steps: step, charsSeen: step * B * T, elapsedMs: clock.elapsed() };
  emit(end);
  return { model, end, best };
}

/**
 * What a validation over its first `windows` windows must beat: the best's loss over those same
 * windows where they are known (a shortened validation against a whole one), else its loss.
 */
function lossToBeat(bestLoss: number, bestWindowLosses: Float64Array | null, windows: number): number {
  if (!bestWindowLosses || windows >= bestWindowLosses.length) return bestLoss;
  let sum = 0;
  for (let s = 0; s < windows; s++) sum += bestWindowLosses[s];
  return sum / windows;
}

/** The learning rate at `step` of `total`: half a cosine from `base` down to a twentieth of it. */
export function cosineRate(base: number, step: number, total: number): number {
  const floor = base / 20;
  return floor + (base - floor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(step / total, 1)));
}

/**
 * `text` in a string of its own. V8 cuts a slice of 13 or more characters as a view that keeps
 * the whole source string alive; this copy lets the corpus go.
 */
function detached(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += text[i];
  return out;
}
