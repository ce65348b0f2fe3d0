export interface StopRules {
  /** Keep only the rest of the current line: the usual single-line ghost text. */
  stopAtEndOfLine: boolean;
  /** At most this many characters (code points, as the model counts them). */
  maxChars: number;
}

/**
 * Trims generated text to what is shown as a completion.
 *
 * - With `stopAtEndOfLine`, the text is cut at its first line end (LF or CR). A text that
 *   starts with a line end therefore gives '': at the end of a line where the model's best
 *   guess is "this line is finished", nothing is suggested.
 * - Then it is cut to `maxChars` code points, never between the halves of a surrogate pair.
 * - Then trailing whitespace is dropped (so whitespace alone gives ''): a ghost text's trailing
 *   spaces or line ends are invisible, and accepting should insert only what the user saw.
 */
export function applyStopRules(generated: string, rules: StopRules): string {
  if (!(Number.isInteger(rules.maxChars) && rules.maxChars >= 0)) {
    throw new RangeError(`maxChars must be a whole number ≥ 0, got ${rules.maxChars}`);
  }
  let text = generated;
  if (rules.stopAtEndOfLine) {
    const end = text.search(/[\r\n]/);
    if (end >= 0) text = text.slice(0, end);
  }
  return firstCodePoints(text, rules.maxChars).trimEnd();
}

/** The first `n` code points of `text`. */
function firstCodePoints(text: string, n: number): string {
  if (text.length <= n) return text;
  let units = 0;
  let count = 0;
  for (const ch of text) {
    if (count === n) break;
    units += ch.length;
    count++;
  }
  return text.slice(0, units);
}
