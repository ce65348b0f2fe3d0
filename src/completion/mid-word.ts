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
const CLOSERS_ONLY = /^\s*[)\]}>"'`]*\s*[:{;,]?\s*$/;

export function restAllowsCompletion(lineTextAfterCursor: string): boolean {
  return CLOSERS_ONLY.test(lineTextAfterCursor);
}

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
