/** How the panel writes a character the model read: line ends, spaces and control characters made visible. */
export function showChar(ch: string): string {
  if (ch === '\n') return '↵';
  if (ch === ' ') return '·';
  if (ch === '\t') return '→';
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20) return String.fromCodePoint(0x2400 + code);
  if (code === 0x7f) return '␡';
  return ch;
}

/** A character for a tooltip or a table: shown visibly and named when it is whitespace. */
export function describeChar(ch: string): string {
  if (ch === '\n') return '↵ (newline)';
  if (ch === ' ') return '· (space)';
  if (ch === '\t') return '→ (tab)';
  return `'${showChar(ch)}'`;
}
