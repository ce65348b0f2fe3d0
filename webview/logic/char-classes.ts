/**
 * Character classes the insides view searches units by (quote-tracking and line-length units,
 * as in Karpathy, Johnson & Fei-Fei 2015). Every character is in at most one class; the
 * specific classes (quote, bracket) are taken out of the general ones (punctuation).
 */
export type CharClass = 'quote' | 'newline' | 'bracket' | 'space' | 'letter' | 'digit' | 'punctuation';
export const CHAR_CLASSES: readonly CharClass[] = ['quote', 'newline', 'bracket', 'space', 'letter', 'digit', 'punctuation'];

/** Names for the class picker, plural as in "units that respond to quotes". */
export const CLASS_NAMES: Readonly<Record<CharClass, string>> = {
  quote: 'quotes', newline: 'line ends', bracket: 'brackets', space: 'spaces and tabs',
  letter: 'letters', digit: 'digits', punctuation: 'other punctuation and symbols',
};

// Straight quotes, the backtick, and the typographic ones: ‘ ’ ‚ ‛ “ ” „ ‟ ‹ › « ».
const QUOTES = new Set(['\'', '"', '`', '\u2018', '\u2019', '\u201A', '\u201B', '\u201C', '\u201D', '\u201E', '\u201F', '\u2039', '\u203A', '\u00AB', '\u00BB']);
const BRACKETS = new Set(['(', ')', '[', ']', '{', '}', '<', '>']);
// '\r' too, in case a caller keeps Windows line ends; and the Unicode line and paragraph separators.
const NEWLINES = new Set(['\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029']);

/**
 * The class of one character (a code point), or null for what is in none (control and format
 * characters). Letters include combining marks; digits are any number (Unicode N); punctuation
 * is the rest of Unicode P and S (symbols such as + = $ |).
 */
export function classOf(char: string): CharClass | null {
  if (QUOTES.has(char)) return 'quote';
  if (NEWLINES.has(char)) return 'newline';
  if (BRACKETS.has(char)) return 'bracket';
  if (char === '\t' || /^\p{Zs}$/u.test(char)) return 'space';
  if (/^[\p{L}\p{M}]$/u.test(char)) return 'letter';
  if (/^\p{N}$/u.test(char)) return 'digit';
  if (/^[\p{P}\p{S}]$/u.test(char)) return 'punctuation';
  return null;
}

export function inClass(char: string, cls: CharClass): boolean {
  return classOf(char) === cls;
}
