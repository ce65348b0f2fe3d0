// Document text as editors count it (UTF-16 code units), where a cached reading stays valid.

/** Length of the common prefix of `cached` and `text` from `from`. */
export function commonPrefix(cached: string, text: string, from: number): number {
  if (text.startsWith(cached, from)) return cached.length;
  const n = Math.min(cached.length, text.length - from);
  let i = 0;
  while (i < n && cached.charCodeAt(i) === text.charCodeAt(from + i)) i++;
  return i;
}

/** False between the halves of a surrogate pair or of a CRLF. */
export function isBoundary(text: string, at: number): boolean {
  const before = text.charCodeAt(at - 1), after = text.charCodeAt(at);
  if (before === 0x0d && after === 0x0a) return false;
  return !(before >= 0xd800 && before <= 0xdbff && after >= 0xdc00 && after <= 0xdfff);
}

/**
 * A copy not backed by `text`: V8 slices keep their parent string alive, which would pin a
 * whole (possibly megabytes long) old version of every cached document.
 */
export function flatCopy(s: string): string {
  return Buffer.from(s, 'utf16le').toString('utf16le');
}
