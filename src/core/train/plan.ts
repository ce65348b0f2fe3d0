/**
 * Training defaults sized to the text and the time budget: the model shape, dropout, sequence
 * length, epoch count and validation rhythm, and why, one user-facing sentence per choice.
 *
 * The rule: the largest shape of a small ladder that comes near its best validation loss within
 * the budget. A shape of P parameters on N characters of training text gets there after about
 *     needed = min(CHARS_PER_PARAM · P, EPOCHS_TO_BEST · N)    characters of training:
 * on a large text the model has to take in enough characters; on a small one the passes over
 * the text run out first (then dropout and early stopping keep it from memorising). The budget
 * gives it its measured speed, less a margin, times the time validation leaves. A text limit,
 * P ≤ MAX_PARAMS_PER_CHAR · N, keeps a tiny text from a model that would only memorise it and
 * cost more on every keystroke. So a small text gets a model as large as its passes allow, and
 * past a few hundred kB the budget decides: on two cores in 10 minutes a smaller, faster model
 * ends lower than a larger one still falling. The constants come from bench/sizing.ts runs.
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

/**
 * Characters per parameter a shape needs on a large text before a larger one would not do
 * better. On 20 MB of TypeScript, two cores: in 3 minutes 1×128 (~160 chars per parameter)
 * ended at 1.28 nats/char, 2×128 (~30) at 1.38, 2×192 (~7) at 1.40, 2×256 (~2) at 1.42; in 10
 * minutes 1×128 (~230) ended at 1.19, 2×128 (~75) at 1.16 and 2×256 (~7) at 1.15, the optimum
 * flat. Per character larger shapes learn faster, per second smaller ones do; 40 takes 1×128
 * for 3 minutes and 2×128 for 10.
 */
export const CHARS_PER_PARAM = 40;
/**
 * Passes over a small text a shape needs to come near its best. In 3 minutes on 200 kB of
 * Shakespeare 2×192 after 12 epochs (1.68 nats/char, still falling) beat 2×128 at its best after
 * 21 (1.71); on 200 kB of code model M after 13 (1.35) beat 1×128's best after 58 (1.41). Tiny
 * texts take longer (20 kB: 27 to 48 epochs), but there the text limit decides.
 */
export const EPOCHS_TO_BEST = 15;
/**
 * Text limit, parameters per character of training text. On 20 kB of Shakespeare 2×256
 * (48 per character, dropout 0.3) ended 0.03 nats/char below 1×128 (5): not worth a model that
 * costs nine times as much on every keystroke.
 */
export const MAX_PARAMS_PER_CHAR = 10;
/** The share of the probed speed counted on: runs here trained at 0.85 to 1.4 times it, as other work came and went. */
export const SPEED_MARGIN = 0.9;
/**
 * Dropout by parameters per character of text, when the run passes over it many times. On 20 kB
 * of Shakespeare 1×128 (5 per character) did as well without dropout as with 0.2, 2×128 (12)
 * better with 0.2 than 0.4; on 200 kB 2×256 (5) learned faster per character with 0.2 than 0.4.
 */
const DROPOUT_BY_PARAMS_PER_CHAR: readonly { atLeast: number; dropout: number }[] = [
  { atLeast: 20, dropout: 0.3 },
  { atLeast: 3, dropout: 0.2 },
  { atLeast: 0.5, dropout: 0.1 },
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
export const PATIENCE = 4;
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
  /** Characters it needs to come near its best, and those the budget lets it train on (Infinity: no limit). */
  charsNeeded: number;
  charsInBudget: number;
  /** Passes over the text the budget makes. */
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
  const seqLen = seqLenFor(N, batch);
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

  const choice = await choose(ladder, params, N, estimateOf);
  const e = choice.estimate;
  const paramsPerChar = e.parameters / N;
  // Passes over the text until early stopping (small texts) or the budget's end: what risks memorising.
  const passes = Math.min(e.charsInBudget, EPOCHS_TO_BEST * N) / N;
  const dropout = dropoutFor(passes, paramsPerChar);
  const stepsPerEpoch = Math.max(1, Math.floor(N / (batch * seqLen)));
  // The trainer validates at every epoch's end anyway: more steps than an epoch means once per epoch.
  const validateEvery = Math.max(1, Math.min(stepsPerEpoch,
    Math.round(e.validateEverySec * e.speed.train * SPEED_MARGIN / (batch * seqLen))));
  // Enough epochs that the time limit or early stopping ends the run; without a limit, twice what it needs.
  const epochs = Number.isFinite(e.charsInBudget) ? 1.5 * e.epochs : 2 * e.charsNeeded / N;
  const reasons = [
    ...explainShape(choice, { N, minutes: input.minutes, fixed: ladder.length === 1 }),
    explainDropout(dropout, passes, paramsPerChar),
    (validateEvery >= stepsPerEpoch
      ? `Validation after every epoch (~${formatSeconds(N / (e.speed.train * SPEED_MARGIN))} of training)`
      : `Validation every ${validateEvery} steps (~${formatSeconds(e.validateEverySec)})`)
      + `, ${formatSeconds(e.validationSec)} each; training stops after ${PATIENCE} validations without a new best.`,
  ];
  if (seqLen !== DEFAULT_TRAIN_CONFIG.seqLen) {
    reasons.push(`Sequence length ${seqLen}: the text is short, and shorter windows make more steps per epoch.`);
  }
  return {
    model: { ...choice.shape, dropout },
    config: { batch, seqLen, lr: DEFAULT_TRAIN_CONFIG.lr, validateEvery, patience: PATIENCE,
      epochs: Math.max(1, Math.min(MAX_EPOCHS, Math.ceil(epochs))) },
    reasons,
    expected: e,
  };
}

/** A short text gets shorter windows, so an epoch still has MIN_STEPS_PER_EPOCH distinct steps. */
export function seqLenFor(trainChars: number, batch: number): number {
  return trainChars / (batch * DEFAULT_TRAIN_CONFIG.seqLen) < MIN_STEPS_PER_EPOCH ? SHORT_SEQ_LEN : DEFAULT_TRAIN_CONFIG.seqLen;
}

/** The shape chosen, and the next larger one with why it was not (if one was refused). */
interface Choice {
  shape: Shape;
  estimate: Estimate;
  /** The smallest shape with more parameters than the text allows. */
  textLimited: { shape: Shape; parameters: number } | null;
  /** The next larger shape, refused by the time limit. */
  timeLimited: { shape: Shape; estimate: Estimate } | null;
  smallest: boolean;
}

/**
 * The largest shape within the text limit (no probe needed) and the time limit (by bisection:
 * three probes rather than seven; a larger, slower shape never needs fewer characters).
 */
async function choose(ladder: readonly Shape[], params: (s: Shape) => number, N: number,
  estimateOf: (s: Shape) => Promise<Estimate>): Promise<Choice> {
  let hi = 0;
  while (hi + 1 < ladder.length && params(ladder[hi + 1]) <= MAX_PARAMS_PER_CHAR * N) hi++;
  const over = ladder[hi + 1];
  let lo = 0;
  let timeLimited: Choice['timeLimited'] = null;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const e = await estimateOf(ladder[mid]);
    if (e.charsInBudget >= e.charsNeeded) lo = mid;
    else {
      hi = mid - 1;
      timeLimited = { shape: ladder[mid], estimate: e };
    }
  }
  return { shape: ladder[lo], estimate: await estimateOf(ladder[lo]), timeLimited,
    textLimited: over && !timeLimited ? { shape: over, parameters: params(over) } : null, smallest: lo === 0 };
}

function explainShape(c: Choice, o: { N: number; minutes: number; fixed: boolean }): string[] {
  const e = c.estimate;
  const reasons = [`${formatCount(o.N)} chars to train on and ${o.minutes > 0 ? `a ${formatMinutes(o.minutes)} budget` : 'no time limit'}: `
    + `${describeShape(c.shape)} (embedding ${c.shape.embedding}, ${formatCount(e.parameters)} parameters) trains at `
    + `~${formatCount(e.speed.train)} chars/s here`
    + (Number.isFinite(e.charsInBudget) ? ` and sees ~${formatCount(e.charsInBudget)} chars (${formatEpochs(e.epochs)}) in the budget` : '')
    + `; it needs ~${formatCount(e.charsNeeded)} to come near its best (${describeNeed(e)}).`];
  if (o.fixed) return [...reasons, 'The shape is the one in your settings.'];
  if (c.timeLimited) {
    const t = c.timeLimited.estimate;
    reasons.push(`${describeShape(c.timeLimited.shape)} (${formatCount(t.parameters)} parameters) trains at ~${formatCount(t.speed.train)} `
      + `chars/s: it would need ~${formatCount(t.charsNeeded)} chars (${describeNeed(t)}) and the budget gives it ~${formatCount(t.charsInBudget)}.`);
  } else if (c.textLimited) {
    reasons.push(`${describeShape(c.textLimited.shape)} (${formatCount(c.textLimited.parameters)} parameters) would have more than `
      + `${MAX_PARAMS_PER_CHAR} per character of text: larger models only memorise a text this short.`);
  }
  if (c.smallest && e.charsInBudget < e.charsNeeded) {
    reasons.push('Even the smallest model needs more time than that to come near its best: a longer budget would help.');
  }
  return reasons;
}

/** Dropout for a run of `passes` over a text with `paramsPerChar` parameters per character. */
function dropoutFor(passes: number, paramsPerChar: number): number {
  return passes < DROPOUT_FROM_EPOCHS ? 0 : DROPOUT_BY_PARAMS_PER_CHAR.find((d) => paramsPerChar >= d.atLeast)?.dropout ?? 0;
}

function explainDropout(dropout: number, passes: number, paramsPerChar: number): string {
  if (dropout > 0) {
    return `Dropout ${dropout}: ${formatEpochs(passes)} over a text with ${formatRatio(paramsPerChar)} parameters per character would memorise it.`;
  }
  if (passes >= DROPOUT_FROM_EPOCHS) return `No dropout: the model is small for the text (${formatRatio(paramsPerChar)} parameters per character).`;
  return `No dropout: ${passes < 1 ? `the run reads ${formatEpochs(passes)}, each character once at most`
    : `${formatEpochs(passes)} read each character too few times`}, too little to memorise it.`;
}

/**
 * Characters a shape of `parameters` at `speed` trains on in the budget, counting on
 * SPEED_MARGIN of its speed and giving validation its share, and how often it validates.
 */
export function estimate(parameters: number, speed: Speed, o: { N: number; validChars: number; budgetSec: number }): Estimate {
  const trainRate = speed.train * SPEED_MARGIN;
  const validationSec = o.validChars / speed.evaluate;
  // Often enough for early stopping to act, rarely enough that validating stays a small share.
  const charsNeeded = Math.min(CHARS_PER_PARAM * parameters, EPOCHS_TO_BEST * o.N);
  const spread = (Number.isFinite(o.budgetSec) ? o.budgetSec : charsNeeded / trainRate) / VALIDATIONS_PER_BUDGET;
  const validateEverySec = Math.max(spread, validationSec * (1 - MAX_VALIDATION_SHARE) / MAX_VALIDATION_SHARE);
  // Validation's largest share, not its estimate: then a longer text (more to validate) never raises the count.
  const charsInBudget = trainRate * o.budgetSec * (1 - MAX_VALIDATION_SHARE);
  return { parameters, speed, charsNeeded, charsInBudget, epochs: charsInBudget / o.N, validationSec, validateEverySec };
}

/** Trainable parameters of `shape` over a vocabulary of `vocabSize` ids. */
export function countParams(shape: Shape, vocabSize: number): number {
  return CharModel.specs({ ...shape, vocabSize }).reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
}

function describeNeed(e: Estimate): string {
  return e.charsNeeded < CHARS_PER_PARAM * e.parameters ? `${EPOCHS_TO_BEST} passes over the text` : `${CHARS_PER_PARAM} per parameter`;
}

function describeShape(s: Shape): string {
  return `${s.layers}×${s.hidden}`;
}

/** 950, 18 k, 2.1 M: characters or parameters, two significant digits. */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(2))} M`;
  if (n >= 1e3) return `${Number((n / 1e3).toPrecision(2))} k`;
  return String(Math.round(n));
}

export function formatEpochs(epochs: number): string {
  if (epochs < 1) return `${epochs.toFixed(2)} of an epoch`;
  return `${epochs < 10 ? epochs.toFixed(1) : Math.round(epochs).toLocaleString('en-US')} epochs`;
}

/** 0.42, 3.1, 15, 130. */
function formatRatio(x: number): string {
  return x < 1 ? x.toFixed(2) : x < 10 ? x.toFixed(1) : String(Math.round(x));
}

function formatMinutes(minutes: number): string {
  return `${Number(minutes.toFixed(1))}-minute`;
}

export function formatSeconds(sec: number): string {
  if (sec < 1) return `${Math.max(1, Math.round(sec * 1000))} ms`;
  return sec < 90 ? `${sec < 10 ? sec.toFixed(1) : Math.round(sec)} s` : `${(sec / 60).toFixed(1)} min`;
}
