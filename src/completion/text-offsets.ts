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

/**
 * The offset in `text` after `ids` model ids read from `from` (a boundary), as encodeForModel
 * counts them: one per code point, a CRLF one.
 */
export function unitsAfterIds(text: string, from: number, ids: number): number {
  let at = from;
  for (let n = 0; n < ids && at < text.length; n++) {
    at++;
    if (at < text.length && !isBoundary(text, at)) at++;
  }
  return at;
}
