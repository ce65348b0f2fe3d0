import type { CharModel } from '../core/model/char-model';
import type { Vocab } from '../core/data/vocab';
import type { Stepper } from '../core/sampling/stepper';
import type { Strategy } from '../core/sampling/strategy';
import { pick } from '../core/sampling/pick';
import { seededRandom } from '../core/math/random';
import type { CharPredictor } from '../core/eval/predictor';
import { LstmPredictor } from '../core/eval/lstm-predictor';
import { NgramPredictor } from '../core/ngram/ngram-predictor';
import { MixturePredictor } from '../core/mix/mixture-predictor';
import type { WorkspaceMixture } from '../core/mix/workspace-mixture';
import { DocumentStates, encodeForModel } from './document-states';
import { DocumentCaches } from './document-caches';
import { applyStopRules } from './stop-rules';
import { isInsideWord, restAllowsCompletion, trimDuplicateClosers } from './mid-word';

/**
 * The text after the cursor that is read to decide whether a completion fits there, at most: a
 * line whose rest is longer counts as having other text after the cursor (no completion), so a
 * request never scans a long line's rest, however long the line.
 */
export const REST_OF_LINE_LIMIT = 1024;

/**
 * Offsets (`offset`, the suggestion's range, the result's range) are document offsets: UTF-16
 * code units, as editors count them.
 */
export interface CompletionRequest {
  /** Identifies the document across requests (e.g. its URI). */
  docKey: string;
  /**
   * The document, or the part of it from `textStart` on that `CompletionEngine.textNeeded` names
   * (more is fine): a request then costs the same in a 50 MB document as in a small one.
   */
  text: string;
  /** The document offset of `text[0]`; default 0 (`text` is the whole document). */
  textStart?: number;
  /** The cursor. */
  offset: number;
  strategy: Strategy;
  /** Characters (code points) to generate at most, not counting a selected suggestion's text. */
  maxChars: number;
  stopAtEndOfLine: boolean;
  /** Seeds the sampler, so a request can be replayed; default 0. */
  seed?: number;
  /** The item selected in the editor's suggest widget: the completion must start with its text. */
  selectedSuggestion?: { replaceStart: number; replaceEnd: number; text: string };
}

export interface CompletionResult {
  /** Replaces `text[replaceStart, replaceEnd)`. */
  insertText: string;
  replaceStart: number;
  replaceEnd: number;
  /** Characters run through the model for this request (catching up, then generating). */
  modelSteps: number;
  /** Wall time of the request, milliseconds. */
  ms: number;
}

/**
 * Inline completions from a character model: the model's continuation of the text before the
 * cursor, trimmed to a line and to what the rest of the line leaves room for. With a
 * `mixture` (a workspace model's n-gram and weights), each next character comes from the LSTM,
 * the workspace n-gram and a cache of the open document mixed.
 */
export class CompletionEngine {
  /** Per open document, the cache the mixture mixes in; null without a mixture. */
  readonly caches: DocumentCaches | null;

  constructor(readonly model: CharModel, readonly vocab: Vocab,
    readonly states = new DocumentStates(model, vocab), readonly mixture: WorkspaceMixture | null = null) {
    if (mixture && mixture.ngram.vocabSize !== vocab.size) {
      throw new RangeError(`the n-gram has ${mixture.ngram.vocabSize} character ids but the model ${vocab.size}`);
    }
    this.caches = mixture ? new DocumentCaches(vocab, { order: mixture.cacheOrder }) : null;
  }

  /**
   * The part of the document a request at `from` (the cursor, or the start of the selected
   * suggestion's range) needs, `to` being the cursor or the end of that range: pass
   * `document[start, end)` (clamped to the document) as `text` with `textStart: start`. It
   * spans the model's window before the cursor and REST_OF_LINE_LIMIT characters after it, a
   * few kilobytes; the completion and the cached states are exactly those of the whole document.
   */
  textNeeded(from: number, to = from): { start: number; end: number } {
    const window = this.states.windowOf(from);
    const start = Math.min(window.start, this.caches?.windowStart(from) ?? Infinity);
    return { start, end: Math.max(window.end, to + REST_OF_LINE_LIMIT + 1) };
  }

  /** A completion at `req.offset`, or null where none should be shown. */
  complete(req: CompletionRequest): CompletionResult | null {
    const started = performance.now();
    const { text, offset } = req;
    const base = req.textStart ?? 0;
    if (!(Number.isInteger(base) && base >= 0)) throw new RangeError(`textStart must be a whole number ≥ 0, got ${base}`);
    const end = base + text.length;
    if (!Number.isInteger(offset) || offset < base || offset > end) {
      throw new RangeError(`offset ${offset} is outside the text given (${base} … ${end})`);
    }
    if (!(Number.isInteger(req.maxChars) && req.maxChars >= 0)) {
      throw new RangeError(`maxChars must be a whole number ≥ 0, got ${req.maxChars}`);
    }
    const sel = req.selectedSuggestion;
    if (sel && !(Number.isInteger(sel.replaceStart) && Number.isInteger(sel.replaceEnd)
      && sel.replaceStart >= base && sel.replaceStart <= offset && offset <= sel.replaceEnd && sel.replaceEnd <= end)) {
      throw new RangeError(`suggestion range ${sel.replaceStart} … ${sel.replaceEnd} does not contain the cursor ${offset}`);
    }
    const replaceStart = sel ? sel.replaceStart : offset;
    const replaceEnd = sel ? sel.replaceEnd : offset;
    // What stays after the completion once accepted (with a suggestion: after the word it replaces).
    const rest = restOfLine(text, replaceEnd - base);
    if (rest === null || isInsideWord(rest) || !restAllowsCompletion(rest)) return null;

    const stepsBefore = this.states.stats.stepsRun;
    const stepper = this.states.stateAt(req.docKey, text, replaceStart, base);
    let steps = this.states.stats.stepsRun - stepsBefore;
    const predictor = this.predictorAt(req.docKey, text, replaceStart, base, stepper);
    if (sel) {
      // On our own copies: the caches keep the document's real text, not the suggestion.
      const ids = encodeForModel(this.vocab, sel.text);
      for (const id of ids) predictor.step(id);
      steps += ids.length;
    }
    if (stepper.logits === null) {
      // Nothing before the cursor: start as after a line end, like `generate` does.
      predictor.step(this.vocab.id('\n'));
      steps++;
    }
    const sampled = this.sample(predictor, req);
    steps += sampled.steps;
    const rules = { stopAtEndOfLine: req.stopAtEndOfLine, maxChars: req.maxChars };
    const continuation = trimDuplicateClosers(applyStopRules(sampled.text, rules), rest);
    const insertText = (sel?.text ?? '') + continuation;
    if (insertText.trim() === '') return null;
    return { insertText, replaceStart, replaceEnd, modelSteps: steps, ms: performance.now() - started };
  }

  /** Drops a closed document's cached state. */
  forget(docKey: string): void {
    this.states.forget(docKey);
    this.caches?.forget(docKey);
  }

  /**
   * What predicts the completion at `offset`: the LSTM state `stepper` (which has read the text
   * before it) alone, or mixed with the workspace n-gram and the document's cache, each having
   * read the same text.
   */
  private predictorAt(docKey: string, text: string, offset: number, base: number, stepper: Stepper): CharPredictor {
    const lstm = LstmPredictor.reading(stepper);
    const { mixture, caches } = this;
    if (!mixture || !caches) return lstm;
    const before = encodeForModel(this.vocab, text.slice(Math.max(0, offset - base - 2 * mixture.order), offset - base));
    return new MixturePredictor([
      lstm,
      NgramPredictor.after(mixture.ngram, mixture.order, before),
      caches.readerAt(docKey, text, offset, base),
    ], mixture.weights);
  }

  /**
   * Up to `maxChars` characters from `predictor` (which must have read something), stopping
   * before a line end when only the line is wanted. The unknown id is never picked: it would
   * print U+FFFD.
   */
  private sample(predictor: CharPredictor, req: CompletionRequest): { text: string; steps: number } {
    const rng = seededRandom(req.seed ?? 0);
    const unknown = this.vocab.unknownId;
    let text = '';
    let steps = 0;
    for (let n = 0; n < req.maxChars; n++) {
      // Logits or log-probabilities: pick reads either (softmax of log p is p). A copy: scores
      // are the predictor's own.
      const scores = Float64Array.from(predictor.scores());
      scores[unknown] = -Infinity;
      const id = pick(scores, req.strategy, rng);
      const ch = this.vocab.char(id);
      if (req.stopAtEndOfLine && (ch === '\n' || ch === '\r')) break;
      text += ch;
      if (n + 1 < req.maxChars) {
        predictor.step(id);
        steps++;
      }
    }
    return { text, steps };
  }
}

/**
 * `text` from `at` to the end of its line (or of `text`), or null when that is longer than
 * REST_OF_LINE_LIMIT: only that much is scanned, whatever the length of the line.
 */
function restOfLine(text: string, at: number): string | null {
  const limit = Math.min(text.length, at + REST_OF_LINE_LIMIT + 1);
  for (let i = at; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return text.slice(at, i);
  }
  return limit - at > REST_OF_LINE_LIMIT ? null : text.slice(at, limit);
}
