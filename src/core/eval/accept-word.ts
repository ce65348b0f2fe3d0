import type { CharClasses } from './char-classes';

/**
 * How many characters of a ghost text one Ctrl+Right (VS Code's "Accept Next Word Of Inline
 * Suggestion", `InlineCompletionsModel.acceptNextWord`) accepts, with a word being a run of
 * letters, digits and `_` (VS Code uses the language's word definition, which is close to it
 * for prose and most code): a word when the ghost text starts with one, else everything up to
 * the next word, but at most through the first run of white space. So "the cat" takes two
 * presses for "the" and " " and a third for "cat"; ", cat" takes ", " then "cat"; " = 1" takes
 * " ", "= ", "1".
 *
 * `ghost(i)` is the i-th id of the rest of the ghost text, -1 past its end; it is read only as
 * far as the part accepted and one id beyond, so a lazily computed ghost text stays short.
 */
export function acceptedLength(ghost: (i: number) => number, classes: CharClasses): number {
  const { word, space } = classes;
  const isWord = (i: number) => { const id = ghost(i); return id >= 0 && word[id] === 1; };
  const isSpace = (i: number) => { const id = ghost(i); return id >= 0 && space[id] === 1; };
  let i = 0;
  if (isWord(0)) {
    while (isWord(i)) i++;
    return i;
  }
  // Not a word: up to the next word, cut after the first run of white space if that ends sooner.
  while (ghost(i) >= 0 && !isWord(i) && !isSpace(i)) i++;
  while (isSpace(i)) i++;
  return i;
}

/** A ghost text held in an array, read as `acceptedLength` reads it, from `from`. */
export function fromArray(ids: ArrayLike<number>, from = 0): (i: number) => number {
  return (i) => (from + i < ids.length ? ids[from + i] : -1);
}
