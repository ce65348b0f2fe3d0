import type { CharModel } from '../core/model/char-model';
import type { Vocab } from '../core/data/vocab';
import type { Stepper } from '../core/sampling/stepper';
import type { Strategy } from '../core/sampling/strategy';
import { pick } from '../core/sampling/pick';
import { seededRandom } from '../core/sampling/random';
import { DocumentStates, encodeForModel } from './document-states';
import { applyStopRules } from './stop-rules';
import { isInsideWord, restAllowsCompletion, trimDuplicateClosers } from './mid-word';

/** Offsets are UTF-16 code units into `text`, as editors count them. */
export interface CompletionRequest {
  /** Identifies the document across requests (e.g. its URI). */
  docKey: string;
  /** The whole document. */
  text: string;
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
 * cursor, trimmed to a line and to what the rest of the line leaves room for.
 */
export class CompletionEngine {
  constructor(readonly model: CharModel, readonly vocab: Vocab,
    readonly states = new DocumentStates(model, vocab)) {}

  /** A completion at `req.offset`, or null where none should be shown. */
  complete(req: CompletionRequest): CompletionResult | null {
    const started = performance.now();
    const { text, offset } = req;
    if (!Number.isInteger(offset) || offset < 0 || offset > text.length) {
      throw new RangeError(`offset ${offset} is outside the document (0 … ${text.length})`);
    }
    if (!(Number.isInteger(req.maxChars) && req.maxChars >= 0)) {
      throw new RangeError(`maxChars must be a whole number ≥ 0, got ${req.maxChars}`);
    }
    const sel = req.selectedSuggestion;
    if (sel && !(Number.isInteger(sel.replaceStart) && Number.isInteger(sel.replaceEnd)
      && sel.replaceStart >= 0 && sel.replaceStart <= offset && offset <= sel.replaceEnd && sel.replaceEnd <= text.length)) {
      throw new RangeError(`suggestion range ${sel.replaceStart} … ${sel.replaceEnd} does not contain the cursor ${offset}`);
    }
    const replaceStart = sel ? sel.replaceStart : offset;
    const replaceEnd = sel ? sel.replaceEnd : offset;
    // What stays after the completion once accepted (with a suggestion: after the word it replaces).
    const rest = restOfLine(text, replaceEnd);
    if (isInsideWord(rest) || !restAllowsCompletion(rest)) return null;

    const stepsBefore = this.states.stats.stepsRun;
    const stepper = this.states.stateAt(req.docKey, text, replaceStart);
    let steps = this.states.stats.stepsRun - stepsBefore;
    if (sel) {
      // On our own copy: the cache keeps the document's real text, not the suggestion.
      const ids = encodeForModel(this.vocab, sel.text);
      if (ids.length > 0) stepper.feed(ids);
      steps += ids.length;
    }
    if (stepper.logits === null) {
      // Nothing before the cursor: start as after a line end, like `generate` does.
      stepper.step(this.vocab.id('\n'));
      steps++;
    }
    const sampled = this.sample(stepper, req);
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
  }

  /**
   * Up to `maxChars` characters from `stepper` (which must have logits), stopping before a
   * line end when only the line is wanted. The unknown id is never picked: it would print U+FFFD.
   */
  private sample(stepper: Stepper, req: CompletionRequest): { text: string; steps: number } {
    const rng = seededRandom(req.seed ?? 0);
    const unknown = this.vocab.unknownId;
    let logits = stepper.logits as Float32Array;
    let text = '';
    let steps = 0;
    for (let n = 0; n < req.maxChars; n++) {
      logits[unknown] = -Infinity;
      const id = pick(logits, req.strategy, rng);
      const ch = this.vocab.char(id);
      if (req.stopAtEndOfLine && (ch === '\n' || ch === '\r')) break;
      text += ch;
      if (n + 1 < req.maxChars) {
        logits = stepper.step(id);
        steps++;
      }
    }
    return { text, steps };
  }
}

/** `text` from `offset` to the end of its line. */
function restOfLine(text: string, offset: number): string {
  const end = text.slice(offset).search(/[\r\n]/);
  return end < 0 ? text.slice(offset) : text.slice(offset, offset + end);
}
