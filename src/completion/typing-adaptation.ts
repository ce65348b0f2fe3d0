import type { Learner } from '../core/dynamic/typed-text-learner';
import { TYPING_SETTINGS } from '../core/dynamic/typed-text-learner';
import type { CompletionEngine } from './complete';
import { encodeForModel } from './document-states';
import { isBoundary, unitsAfterIds } from './text-offsets';

export interface TypingAdaptationOptions {
  /** Characters per gradient step; the learner's segment. Default TYPING_SETTINGS.segment (50). */
  segment?: number;
  /**
   * The most text (UTF-16 units) between two requests that is learnt: a cursor that moved
   * further (a jump, a paste) starts afresh where it is. Default 1024.
   */
  maxStretch?: number;
  /** After the weights of a stretch were adopted. */
  onLearned?(): void;
  /** Once, when the learner failed (learning stops; the weights adopted so far stay). */
  onFailure?(why: string): void;
}

/** Where a document's next stretch starts, and the reader's state having read the text before it. */
interface Mark {
  offset: number;
  state: Float32Array;
}

const MAX_DOCUMENTS = 32;

/**
 * Dynamic evaluation in the editor (Krause et al. 2018): the model's weights follow what the
 * person types, so completions pick up new names and phrasing within a few lines.
 *
 * Each completion request tells `observe` where the cursor is. The text from a document's mark
 * (where the last stretch ended, or the last multiple of 256 before where the cursor first was)
 * to the cursor is sent to the
 * learner once it holds a segment or more, with the state the model had read up to the mark;
 * the learner takes one gradient step per segment on its copy of the weights and sends them back
 * packed for inference, and the engine's model adopts them between requests (≈5 ms for the
 * default model). One stretch is learnt at a time; text typed meanwhile waits for the next.
 *
 * The states the engine has cached stay valid: dynamic evaluation carries the state read under
 * earlier weights, as here. The weights live in memory only: a model file is never written, and
 * `close` (the setting turned off) puts the original weights back.
 */
export class TypingAdaptation {
  /** Steps and stretches learnt; the last stretch's loss before its steps (nats/char); why learning stopped, if it did. */
  readonly stats = { steps: 0, stretches: 0, lastLoss: NaN, failure: null as string | null };
  private readonly marks = new Map<string, Mark>();
  private readonly segment: number;
  private readonly maxStretch: number;
  /** The weights as loaded, for `close`. */
  private readonly original: Float32Array;
  private busy: Promise<void> | null = null;
  private closed = false;

  constructor(readonly engine: CompletionEngine, private readonly learner: Learner, private readonly options: TypingAdaptationOptions = {}) {
    this.segment = options.segment ?? TYPING_SETTINGS.segment;
    this.maxStretch = options.maxStretch ?? 1024;
    this.original = engine.model.inferenceSnapshot();
  }

  /**
   * After a request at `offset`, `text` being the document from `textStart` on (as given to
   * `CompletionEngine.complete`): learns the text typed since the document's mark when there
   * is a segment of it.
   */
  observe(docKey: string, text: string, textStart: number, offset: number): void {
    if (this.closed || this.stats.failure) return;
    const mark = this.marks.get(docKey);
    const gap = mark ? offset - mark.offset : -1;
    if (!mark || gap < 0 || gap > this.maxStretch || mark.offset < textStart) {
      const at = this.firstMark(text, textStart, offset);
      this.setMark(docKey, { offset: at, state: this.engine.states.stateAt(docKey, text, at, textStart).state });
      return;
    }
    if (this.busy) return;
    const from = mark.offset - textStart;
    const ids = Int32Array.from(encodeForModel(this.engine.vocab, text.slice(from, offset - textStart)));
    if (ids.length < this.segment + 1) return;
    this.busy = this.learner.learn({ ids, state: mark.state }).then((r) => {
      if (this.closed) return;
      this.engine.model.adoptInference(r.snapshot);
      this.stats.steps += r.steps;
      this.stats.stretches++;
      this.stats.lastLoss = r.loss;
      if (this.marks.get(docKey) === mark) {
        this.setMark(docKey, { offset: textStart + unitsAfterIds(text, from, r.consumed), state: r.state });
      }
      this.options.onLearned?.();
    }, (e: Error) => {
      if (this.closed) return;
      this.stats.failure = e.message;
      this.options.onFailure?.(e.message);
    }).finally(() => {
      this.busy = null;
    });
  }

  /** Resolves once no stretch is being learnt (and its weights, if any, were adopted). */
  async idle(): Promise<void> {
    while (this.busy) await this.busy;
  }

  /** Drops a closed document's mark. */
  forget(docKey: string): void {
    this.marks.delete(docKey);
  }

  /** Stops learning; with `restore`, the model reads the weights it was loaded with again. */
  async close(restore: boolean): Promise<void> {
    this.closed = true;
    await this.learner.close();
    if (restore) this.engine.model.adoptInference(this.original);
  }

  /**
   * Where learning starts in a document first asked about at `offset` (or after a jump): the
   * last multiple of the state cache's checkpoint spacing (256) at or before it, whose state the
   * cache already holds (the same window as the cursor's, since windows start at multiples of
   * it), so marking costs no model step; and a document's segments do not depend on when the
   * editor first asked.
   */
  private firstMark(text: string, textStart: number, offset: number): number {
    let at = Math.max(textStart, offset - (offset % this.engine.states.checkpointChars));
    if (at > textStart && !isBoundary(text, at - textStart)) at--;
    return at;
  }

  private setMark(docKey: string, mark: Mark): void {
    this.marks.delete(docKey);
    this.marks.set(docKey, mark);
    if (this.marks.size > MAX_DOCUMENTS) this.marks.delete(this.marks.keys().next().value as string);
  }
}
