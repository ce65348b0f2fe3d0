/**
 * Where on a line a completion makes sense, judged from the line's text after the cursor.
 * The model only reads what comes before the cursor, so what follows is handled by rules.
 */

/** Letters, digits, combining marks and connector punctuation (`_`), in any script. */
const WORD_START = /^[\p{L}\p{N}\p{M}\p{Pc}]/u;

/**
 * True when the character right after the cursor continues a word: a completion there would
 * only retype (or split) the word that follows, so none is offered.
 */
export function isInsideWord(lineTextAfterCursor: string): boolean {
  return WORD_START.test(lineTextAfterCursor);
}

/**
 * The rest of a line that still allows a completion: nothing, or closers an editor typically
 * auto-inserted (brackets, quotes, `>`) with at most one trailing `:` `{` `;` or `,`, and
 * whitespace. Any other text after the cursor means the model, blind to it, would write
 * something that clashes with it. (The same rule GitHub Copilot applies mid-line.)
 */
export function restAllowsCompletion(lineTextAfterCursor: string): boolean {
  // The language of /^\s*[)\]}>"'`]*\s*[:{;,]?\s*$/, read in one pass: as a regular expression
  // V8 backtracks through the three runs of spaces, cubic in their length (1,000 spaces and a
  // letter after the cursor took 1.1 s, 8,000 took 4.5 minutes).
  const s = lineTextAfterCursor;
  let i = 0;
  const skip = (set: (ch: string) => boolean) => {
    while (i < s.length && set(s[i])) i++;
  };
  skip(isSpace);
  skip((ch) => CLOSERS.includes(ch));
  skip(isSpace);
  if (i < s.length && TRAILING.includes(s[i])) i++;
  skip(isSpace);
  return i === s.length;
}

const CLOSERS = ')]}>"\'`';
const TRAILING = ':{;,';
const SPACE = /^\s$/;
const isSpace = (ch: string) => SPACE.test(ch);

const OPENING = '([{';
const CLOSING = ')]}';

/**
 * `completion` cut where it would retype the closers already after the cursor: at its first
 * character, outside brackets the completion itself opened, that equals the first non-space
 * character of `lineTextAfterCursor`. The generated text from there on would duplicate the
 * existing `)` / `"` / `);` …, and the user keeps those anyway. Trailing whitespace left before
 * the cut is dropped as well.
 *
 * Examples with `);` after the cursor: `a, b)` → `a, b`; `f(x), y);` → `f(x), y`; `x` → `x`.
 * Quotes are not paired (an opening and a closing quote look alike), so with `"` after the
 * cursor the completion stops at its first quote.
 */
export function trimDuplicateClosers(completion: string, lineTextAfterCursor: string): string {
  const closer = lineTextAfterCursor.trimStart()[0];
  if (closer === undefined) return completion;
  let depth = 0;
  for (let i = 0; i < completion.length; i++) {
    const ch = completion[i];
    if (depth <= 0 && ch === closer) return completion.slice(0, i).trimEnd();
    if (OPENING.includes(ch)) depth++;
    else if (CLOSING.includes(ch)) depth--;
  }
  return completion;
}
