import type { Vocab } from '../data/vocab';

/** A word is a run of letters, digits and `_` in any script. */
const WORD = /^[\p{L}\p{N}_]$/u;
/** What JavaScript's `trimEnd` and `\s` treat as white space (line ends included). */
const SPACE = /^\s$/u;

/** Per character id, 1 where it is in the class. The unknown id (U+FFFD) is in none. */
export interface CharClasses {
  word: Uint8Array;
  space: Uint8Array;
  /** LF and CR: where a single-line ghost text stops. */
  lineEnd: Uint8Array;
  unknownId: number;
}

export function charClasses(vocab: Vocab): CharClasses {
  const word = new Uint8Array(vocab.size), space = new Uint8Array(vocab.size), lineEnd = new Uint8Array(vocab.size);
  for (let id = 0; id < vocab.size; id++) {
    const ch = vocab.char(id);
    word[id] = WORD.test(ch) ? 1 : 0;
    space[id] = SPACE.test(ch) ? 1 : 0;
    lineEnd[id] = ch === '\n' || ch === '\r' ? 1 : 0;
  }
  return { word, space, lineEnd, unknownId: vocab.unknownId };
}

/** Whether a word starts at `i`: a word character after a non-word character (or at 0). */
export function isWordStart(ids: ArrayLike<number>, i: number, classes: CharClasses): boolean {
  return classes.word[ids[i]] === 1 && (i === 0 || classes.word[ids[i - 1]] === 0);
}

/** Length of the run of word characters at `ids[from]` (0 if none). */
export function wordLength(ids: ArrayLike<number>, from: number, classes: CharClasses): number {
  let i = from;
  while (i < ids.length && classes.word[ids[i]] === 1) i++;
  return i - from;
}
