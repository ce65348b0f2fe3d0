/** The words of `wordText` by default: a dozen, about 30 distinct characters. */
export const WORDS = ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'a', 'lazy', 'dog', 'and', 'runs', 'away'];

/**
 * About `chars` characters of lines of 8 words drawn from `words`, each line ending in `.` and a
 * line end; the same text for the same seed. Repetitive enough for a tiny model to learn in a
 * hundred steps: the CLI tests' training text.
 */
export function wordText(chars: number, seed = 7, words: readonly string[] = WORDS): string {
  let state = seed;
  const lines: string[] = [];
  for (let n = 0; n < chars;) {
    const line = Array.from({ length: 8 }, () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return words[(state >>> 16) % words.length]; // the low bits of this LCG cycle fast
    }).join(' ') + '.';
    lines.push(line);
    n += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}
