import type { Vocab } from '../data/vocab';
import { acceptedLength } from './accept-word';
import { charClasses, isWordStart, wordLength, type CharClasses } from './char-classes';
import { GHOST_MAX_CHARS, GreedyGhost } from './greedy-ghost';
import type { CharPredictor } from './predictor';

/**
 * What completions are worth on a held-out text, for any next-character predictor:
 *
 * - top-1: how often the likeliest next character (the greedy pick; never the unknown id, so an
 *   unknown character in the text always counts as a miss) is the text's next character;
 * - word match: at each word start (a letter, digit or `_` after anything else; words are runs
 *   of those), whether the first word of the ghost text shown there (greedy-ghost.ts) is the
 *   text's next word: the same word, completely, and no ghost text or one starting with
 *   anything but a word is a miss;
 * - characters saved: a person types the text; wherever the cursor is, the ghost text shown
 *   there is accepted Ctrl+Right by Ctrl+Right (accept-word.ts) as long as the part accepted
 *   is the text's next characters, then the next character is typed by hand (a new ghost text
 *   then shows, and so on). Each Ctrl+Right and each typed character is one keystroke:
 *   saved = (characters - keystrokes) / characters. A ghost text is never partly kept after a
 *   mismatch: the person types on, and the ghost text of the new position is the one shown.
 *
 * Cost: one predictor step per character, plus the greedy rollouts, extended only as far as
 * they are read and only where the text leaves the last one (GreedyGhost): on tinyshakespeare
 * about 3 LSTM steps a position in all (15,668 for 5,000), 6 s with the default 2×512 model.
 * So the positions are capped: at most `maxChars`, in evenly spaced slices of `sliceChars`,
 * each read after the `contextChars` characters before it (as the editor reads a window before
 * the cursor; a slice at the very start reads a line end, as CompletionEngine does).
 * Deterministic.
 */
export interface MetricsOptions {
  /** Positions measured at most; the whole text when it is shorter. Default 5,000. */
  maxChars?: number;
  /** Characters per slice, about; default 1,000. */
  sliceChars?: number;
  /** Characters read before each slice, at most; default 2,048. */
  contextChars?: number;
  /** Ghost text length, characters; default 40 (`charLstm.completion.maxChars`). */
  ghostChars?: number;
  /**
   * For predictors whose model changes as they read the text (DynamicReader's): a number that
   * changes with the model, so that no ghost text rolled out before a change is shown after it.
   */
  revision?: () => number;
}

export interface CompletionMetrics {
  /** Positions measured (code points), and in how many slices. */
  chars: number;
  slices: number;
  /** Fraction of positions whose greedy next character was right. */
  top1: number;
  /** Word starts measured, and the fraction whose ghost text's first word was the text's. */
  wordStarts: number;
  wordMatch: number;
  /** Simulated keystrokes (typed characters + accepts) and accepts alone. */
  keystrokes: number;
  accepts: number;
  /** (chars - keystrokes) / chars. */
  charsSaved: number;
}

export const METRICS_DEFAULTS = { maxChars: 5000, sliceChars: 1000, contextChars: 2048, ghostChars: GHOST_MAX_CHARS } as const;

/**
 * Measures the predictor made by `start(context, at)`, which must have read `context` (the ids
 * just before position `at` of `ids`). Called once per slice, `at` increasing; each predictor
 * made is stepped on the slice's text (`step`), the ghost texts being rolled out on its clones.
 */
export function completionMetrics(start: (context: ArrayLike<number>, at: number) => CharPredictor,
  ids: ArrayLike<number>, vocab: Vocab, options: MetricsOptions = {}): CompletionMetrics {
  const o = { ...METRICS_DEFAULTS, ...options };
  const classes = charClasses(vocab);
  const tally = { chars: 0, top1: 0, wordStarts: 0, wordMatches: 0, keystrokes: 0, accepts: 0 };
  const slices = sliceText(ids.length, o.maxChars, o.sliceChars);
  const lineEnd = vocab.id('\n');
  for (const { from, to } of slices) {
    const contextFrom = Math.max(0, from - o.contextChars);
    const context = from > 0 ? Array.prototype.slice.call(ids, contextFrom, from) as number[] : [lineEnd];
    const ghost = new GreedyGhost(start(context, from), classes, o.ghostChars, o.revision);
    measureSlice(ghost, ids, from, to, classes, tally);
  }
  const { chars } = tally;
  return {
    chars, slices: slices.length,
    top1: ratio(tally.top1, chars),
    wordStarts: tally.wordStarts, wordMatch: ratio(tally.wordMatches, tally.wordStarts),
    keystrokes: tally.keystrokes, accepts: tally.accepts,
    charsSaved: ratio(chars - tally.keystrokes, chars),
  };
}

/** Reads ids[from, to) through `ghost`, counting into `tally`. */
function measureSlice(ghost: GreedyGhost, ids: ArrayLike<number>, from: number, to: number, classes: CharClasses,
  tally: { chars: number; top1: number; wordStarts: number; wordMatches: number; keystrokes: number; accepts: number }): void {
  let cursor = from; // where the simulated person is: everything before it is written
  for (let p = from; p < to; p++) {
    tally.chars++;
    if (ghost.next() === ids[p]) tally.top1++;
    if (isWordStart(ids, p, classes)) {
      tally.wordStarts++;
      // The ghost text's first word is the text's word: the same n characters, then no word character.
      const n = wordLength(ids, p, classes);
      let same = 0;
      while (same < n && ghost.at(same) === ids[p + same]) same++;
      const after = ghost.at(n);
      if (same === n && (after < 0 || !classes.word[after])) tally.wordMatches++;
    }
    if (p === cursor) {
      let used = 0;
      for (;;) {
        const n = acceptedLength((i) => ghost.at(used + i), classes);
        if (n === 0 || cursor + n > to || !matches(ghost, used, ids, cursor, n)) break;
        cursor += n;
        used += n;
        tally.accepts++;
        tally.keystrokes++;
      }
      if (used === 0) {
        cursor++;
        tally.keystrokes++;
      }
    }
    ghost.advance(ids[p]);
  }
}

/** Whether the ghost text's ids [from, from+n) are the text's ids [at, at+n). */
function matches(ghost: GreedyGhost, from: number, ids: ArrayLike<number>, at: number, n: number): boolean {
  if (at + n > ids.length) return false;
  for (let i = 0; i < n; i++) if (ghost.at(from + i) !== ids[at + i]) return false;
  return true;
}

/**
 * At most `maxChars` positions of a text of `length`: the whole text when it is no longer,
 * else floor(maxChars / sliceChars) slices of equal size, the first at the start, the last
 * at the end and the others evenly spaced between.
 */
export function sliceText(length: number, maxChars: number, sliceChars: number): { from: number; to: number }[] {
  if (!(Number.isInteger(maxChars) && maxChars >= 0)) throw new RangeError(`maxChars must be a whole number ≥ 0, got ${maxChars}`);
  if (!(Number.isInteger(sliceChars) && sliceChars >= 1)) throw new RangeError(`sliceChars must be a whole number ≥ 1, got ${sliceChars}`);
  if (length === 0 || maxChars === 0) return [];
  if (length <= maxChars) return [{ from: 0, to: length }];
  const count = Math.max(1, Math.floor(maxChars / sliceChars));
  const size = Math.floor(maxChars / count);
  return Array.from({ length: count }, (_, i) => {
    const from = count === 1 ? 0 : Math.floor(i * (length - size) / (count - 1));
    return { from, to: from + size };
  });
}

function ratio(a: number, b: number): number {
  return b === 0 ? NaN : a / b;
}
