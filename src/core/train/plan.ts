/**
 * Training defaults sized to the text and the time budget: the model shape, dropout, sequence
 * length, epoch count and validation rhythm, and why, one user-facing sentence per choice.
 *
 * The rule: the largest shape of a small ladder within two limits, each in characters per
 * parameter (P parameters, N characters of training text):
 * - text: P ≤ MAX_PARAMS_PER_CHAR · N. A larger model gains next to nothing on a small text
 *   (it memorises instead) and costs more on every keystroke; dropout and early stopping, set
 *   here too, keep the one chosen from memorising.
 * - time: the characters the budget lets the shape train on (its measured speed, less a margin,
 *   times the budget less validation) ≥ CHARS_SEEN_PER_PARAM · P. A larger model would end the
 *   budget far from its best; fewer than one epoch is fine.
 * Both limits only ever admit more shapes for a larger text or a longer budget, so a larger
 * text never gets a smaller model. The constants come from runs of bench/sizing.ts.
 */
import type { ModelConfig } from '../model/config';
import { CharModel } from '../model/char-model';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from './config';
import type { ProbeShape, Speed } from './speed-probe';

export type Shape = Omit<ModelConfig, 'vocabSize'>;

/** From small to large; each rung costs about twice the one before per character. */
export const SHAPE_LADDER: readonly Shape[] = [
  { cell: 'lstm', embedding: 16, hidden: 64, layers: 1, dropout: 0 },
  { cell: 'lstm', embedding: 32, hidden: 128, layers: 1, dropout: 0 },
  { cell: 'lstm', embedding: 32, hidden: 128, layers: 2, dropout: 0 },
  { cell: 'lstm', embedding: 48, hidden: 192, layers: 2, dropout: 0 },
  { cell: 'lstm', embedding: 64, hidden: 256, layers: 2, dropout: 0 },
  { cell: 'lstm', embedding: 64, hidden: 384, layers: 2, dropout: 0 },
  { cell: 'lstm', embedding: 64, hidden: 512, layers: 2, dropout: 0 },
];

/** Time limit: characters a shape must be able to train on per parameter within the budget. */
export const CHARS_SEEN_PER_PARAM = 15;
/** Text limit: parameters per character of training text, at most. */
export const MAX_PARAMS_PER_CHAR = 10;
/** The share of the measured speed counted on: the machine's other work slows training down. */
const SPEED_MARGIN = 0.8;
/** Dropout by parameters per character of text, when the budget passes over it many times. */
const DROPOUT_BY_PARAMS_PER_CHAR: readonly { atLeast: number; dropout: number }[] = [
  { atLeast: 5, dropout: 0.3 },
  { atLeast: 1, dropout: 0.2 },
  { atLeast: 0.2, dropout: 0.1 },
];
/** Fewer passes than this see each character too rarely to memorise it: no dropout. */
const DROPOUT_FROM_EPOCHS = 3;
/** Validations per budget, about: enough for early stopping to see the curve flatten. */
const VALIDATIONS_PER_BUDGET = 30;
/** Validation takes at most this share of the budget. */
const MAX_VALIDATION_SHARE = 0.1;
/** Below this many steps per epoch at the default length, windows are SHORT_SEQ_LEN long. */
const MIN_STEPS_PER_EPOCH = 20;
const SHORT_SEQ_LEN = 50;
const PATIENCE = 4;
const MAX_EPOCHS = 1_000;

export interface PlanInput {
  /** Characters (code points) of training and of validation text. */
  trainChars: number;
  validChars: number;
  /** Minutes of training (what is left of the budget after probing); 0 for no limit. */
  minutes: number;
  /** Measured speed of a candidate (probeSpeed); asked for a few shapes, each once. */
  speed: (shape: ProbeShape) => Speed | Promise<Speed>;
  /** Ids of the vocabulary, for parameter counts; about 100 for code. */
  vocabSize?: number;
  /** Streams per step; the trainer's default. */
  batch?: number;
  /** The shapes to choose from, small to large (SHAPE_LADDER); one shape to size only the rest for it. */
  shapes?: readonly Shape[];
}

export interface TrainingPlan {
  model: Shape;
  config: Pick<TrainConfig, 'batch' | 'seqLen' | 'lr' | 'epochs' | 'validateEvery' | 'patience'>;
  /** One sentence each, for the training report. */
  reasons: string[];
  /** The numbers behind the choice. */
  expected: Estimate;
}

/** What a shape would do in the budget. */
export interface Estimate {
  parameters: number;
  speed: Speed;
  /** Characters the budget lets it train on (Infinity: no limit), and passes over the text that makes. */
  charsInBudget: number;
  epochs: number;
  /** Seconds of one validation, and of training between two. */
  validationSec: number;
  validateEverySec: number;
}

/** Picks shape and settings for `trainChars` of text in `minutes`, probing speeds through `input.speed`. */
export async function planTraining(input: PlanInput): Promise<TrainingPlan> {
  const batch = input.batch ?? DEFAULT_TRAIN_CONFIG.batch;
  const N = Math.max(1, input.trainChars);
  const validChars = Math.min(Math.max(0, input.validChars), DEFAULT_TRAIN_CONFIG.maxValidChars);
  const budgetSec = input.minutes > 0 ? input.minutes * 60 : Infinity;
  // A short text gets shorter windows, so an epoch still has MIN_STEPS_PER_EPOCH distinct steps.
  const seqLen = N / (batch * DEFAULT_TRAIN_CONFIG.seqLen) < MIN_STEPS_PER_EPOCH ? SHORT_SEQ_LEN : DEFAULT_TRAIN_CONFIG.seqLen;
  const ladder = input.shapes && input.shapes.length > 0 ? input.shapes : SHAPE_LADDER;
  const params = (shape: Shape) => countParams(shape, input.vocabSize ?? 100);
  const estimates = new Map<Shape, Promise<Estimate>>();
  const estimateOf = (shape: Shape): Promise<Estimate> => {
    if (!estimates.has(shape)) {
      estimates.set(shape, Promise.resolve(input.speed({ model: shape, batch, seqLen }))
        .then((speed) => estimate(params(shape), speed, { N, validChars, budgetSec })));
    }
    return estimates.get(shape) as Promise<Estimate>;
  };

  // The text limit needs no probe; the time limit, by bisection, three probes rather than seven.
  let hi = 0;
  while (hi + 1 < ladder.length && params(ladder[hi + 1]) <= MAX_PARAMS_PER_CHAR * N) hi++;
  const textLimited = hi + 1 < ladder.length ? ladder[hi + 1] : null;
  let lo = 0;
  let timeLimited: { shape: Shape; estimate: Estimate } | null = null;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const e = await estimateOf(ladder[mid]);
    if (e.charsInBudget >= CHARS_SEEN_PER_PARAM * e.parameters) lo = mid;
    else {
      hi = mid - 1;
      timeLimited = { shape: ladder[mid], estimate: e };
    }
  }
  const shape = ladder[lo];
  const e = await estimateOf(shape);

  const paramsPerChar = e.parameters / N;
  const dropout = e.epochs < DROPOUT_FROM_EPOCHS ? 0
    : DROPOUT_BY_PARAMS_PER_CHAR.find((d) => paramsPerChar >= d.atLeast)?.dropout ?? 0;
  const stepsPerEpoch = Math.max(1, Math.floor(N / (batch * seqLen)));
  const trainRate = e.speed.train * SPEED_MARGIN;
  const validateEvery = Math.max(1, Math.round(e.validateEverySec * trainRate / (batch * seqLen)));
  // Enough epochs that the time limit or early stopping ends the run; without a limit, the characters it needs.
  const epochs = Number.isFinite(e.epochs) ? 1.5 * e.epochs : 1.5 * CHARS_SEEN_PER_PARAM * e.parameters / N;

  const reasons = [`${formatCount(N)} chars to train on and ${Number.isFinite(budgetSec)
    ? `a ${formatMinutes(input.minutes)} budget` : 'no time limit'}: ${describeShape(shape)} (embedding ${shape.embedding}, `
    + `${formatCount(e.parameters)} parameters) trains at ~${formatCount(e.speed.train)} chars/s here and `
    + (Number.isFinite(e.charsInBudget) ? `sees ~${formatCount(e.charsInBudget)} chars (${formatEpochs(e.epochs)}) in the budget, `
      + `${formatRatio(e.charsInBudget / e.parameters)} per parameter.` : 'has all the time it needs.')];
  if (ladder.length === 1) reasons.push('The shape is the one in your settings.');
  else if (timeLimited) {
    const t = timeLimited.estimate;
    reasons.push(`${describeShape(timeLimited.shape)} (${formatCount(t.parameters)} parameters, ~${formatCount(t.speed.train)} chars/s) `
      + `would see only ${formatRatio(t.charsInBudget / t.parameters)} chars per parameter; it needs ${CHARS_SEEN_PER_PARAM} to come near its best.`);
  } else if (textLimited && lo === hi) {
    reasons.push(`${describeShape(textLimited)} (${formatCount(params(textLimited))} parameters) would be more than `
      + `${MAX_PARAMS_PER_CHAR} per character of text: larger models only memorise a text this short.`);
  }
  if (lo === 0 && e.charsInBudget < CHARS_SEEN_PER_PARAM * e.parameters && ladder.length > 1) {
    reasons.push(`Even the smallest model sees fewer than ${CHARS_SEEN_PER_PARAM} chars per parameter: a longer budget would help.`);
  }
  reasons.push(dropout > 0
    ? `Dropout ${dropout}: ${formatEpochs(e.epochs)} over a text with ${formatRatio(paramsPerChar)} parameters per character would memorise it.`
    : e.epochs < DROPOUT_FROM_EPOCHS
      ? `No dropout: ${formatEpochs(e.epochs)} see each character too few times to memorise it.`
      : `No dropout: the model is small for the text (${formatRatio(paramsPerChar)} parameters per character).`);
  reasons.push((validateEvery >= stepsPerEpoch
    ? `Validation after every epoch (~${formatSeconds(N / trainRate)} of training)`
    : `Validation every ${validateEvery} steps (~${formatSeconds(e.validateEverySec)})`)
    + `, ${formatSeconds(e.validationSec)} each; training stops after ${PATIENCE} validations without a new best.`);
  if (seqLen !== DEFAULT_TRAIN_CONFIG.seqLen) {
    reasons.push(`Sequence length ${seqLen}: the text is short, and shorter windows make more steps per epoch.`);
  }
  return {
    model: { ...shape, dropout },
    config: { batch, seqLen, lr: DEFAULT_TRAIN_CONFIG.lr, validateEvery, patience: PATIENCE,
      epochs: Math.max(1, Math.min(MAX_EPOCHS, Math.ceil(epochs))) },
    reasons,
    expected: e,
  };
}

/**
 * Characters a shape of `parameters` at `speed` trains on in the budget, counting on
 * SPEED_MARGIN of its speed and giving validation its share, and how often it validates.
 */
function estimate(parameters: number, speed: Speed, o: { N: number; validChars: number; budgetSec: number }): Estimate {
  const trainRate = speed.train * SPEED_MARGIN;
  const validationSec = o.validChars / speed.evaluate;
  // Often enough for early stopping to act, rarely enough that validating stays a small share.
  const spread = (Number.isFinite(o.budgetSec) ? o.budgetSec : CHARS_SEEN_PER_PARAM * parameters / trainRate) / VALIDATIONS_PER_BUDGET;
  const validateEverySec = Math.max(spread, validationSec * (1 - MAX_VALIDATION_SHARE) / MAX_VALIDATION_SHARE);
  // Validation's largest share, not its estimate: then a longer text (more to validate) never raises the count.
  const charsInBudget = trainRate * o.budgetSec * (1 - MAX_VALIDATION_SHARE);
  return { parameters, speed, charsInBudget, epochs: charsInBudget / o.N, validationSec, validateEverySec };
}

/** Trainable parameters of `shape` over a vocabulary of `vocabSize` ids. */
export function countParams(shape: Shape, vocabSize: number): number {
  return CharModel.specs({ ...shape, vocabSize }).reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
}

function describeShape(s: Shape): string {
  return `${s.layers}×${s.hidden}`;
}

/** 950, 18 k, 2.1 M: characters or parameters, two significant digits. */
function formatCount(n: number): string {
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(2))} M`;
  if (n >= 1e3) return `${Number((n / 1e3).toPrecision(2))} k`;
  return String(Math.round(n));
}

function formatEpochs(epochs: number): string {
  return epochs < 1 ? `${epochs.toFixed(2)} of an epoch` : `${epochs < 10 ? epochs.toFixed(1) : Math.round(epochs)} epochs`;
}

/** 0.42, 3.1, 15, 130. */
function formatRatio(x: number): string {
  return x < 1 ? x.toFixed(2) : x < 10 ? x.toFixed(1) : String(Math.round(x));
}

function formatMinutes(minutes: number): string {
  return `${Number(minutes.toFixed(1))}-minute`;
}

function formatSeconds(sec: number): string {
  if (sec < 1) return `${Math.max(1, Math.round(sec * 1000))} ms`;
  return sec < 90 ? `${sec < 10 ? sec.toFixed(1) : Math.round(sec)} s` : `${(sec / 60).toFixed(1)} min`;
}
