/**
 * Turns a file's bytes into text, or says why they are not text. Decided from the bytes alone:
 *
 * - A byte-order mark decides: UTF-8, UTF-16 LE/BE, UTF-32 LE/BE; the mark itself is dropped.
 *   Bytes invalid in the encoding a mark names are judged as if it were not there (binary data
 *   may start with FF FE by chance), and the skip's detail says what the mark promised.
 * - Otherwise a NUL byte in the first 8 KiB means binary (git's test; UTF-16 without a mark is
 *   not guessed at).
 * - Valid UTF-8 is UTF-8.
 * - Invalid UTF-8 is read as legacy 8-bit text, Windows-1252 (the superset of Latin-1 that
 *   Western-European Windows and most "ANSI" files use), only when it looks like such text:
 *   no NUL anywhere, at most 1% of its bytes control characters other than tab, line feed,
 *   form feed, carriage return and escape (else 'binary': about 11% of random bytes are), none of
 *   the five bytes Windows-1252 leaves undefined, and its non-UTF-8 bytes mostly alone (runs of at
 *   most 2 on average: a Western language has an accented letter here and there, while Cyrillic,
 *   Greek or CJK text in their own 8-bit code pages has whole words of them, which Windows-1252
 *   would only garble; those are 'unknown-encoding'). Valid UTF-8 sequences inside such a file are
 *   kept as UTF-8 (a UTF-8 file with a stray Latin-1 byte loses nothing): encoding
 *   'utf-8+windows-1252'.
 *
 * Line ends become \n whatever the encoding: the editor hands completions \n-joined lines.
 * No ICU-dependent TextDecoder labels are used (only UTF-8), so this works in any Node/Electron.
 */

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32le' | 'utf-32be' | 'windows-1252' | 'utf-8+windows-1252';

export type Decoded =
  | { text: string; encoding: TextEncoding }
  | { reason: 'binary' | 'unknown-encoding'; detail: string };

/** The binary check looks for a NUL byte in this many leading bytes, as git does. */
const BINARY_SNIFF_BYTES = 8 * 1024;

/** Names for people, e.g. in "3 files read as Windows-1252". */
export const ENCODING_LABELS: Record<TextEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16LE',
  'utf-16be': 'UTF-16BE',
  'utf-32le': 'UTF-32LE',
  'utf-32be': 'UTF-32BE',
  'windows-1252': 'Windows-1252',
  'utf-8+windows-1252': 'UTF-8 with stray Windows-1252 bytes',
};

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Windows-1252 as the WHATWG Encoding Standard decodes it (what TextDecoder('windows-1252') gives):
 * Latin-1 except 0x80-0x9F, where it has typographic characters; the five bytes it leaves undefined
 * decode to the C1 controls of the same value.
 */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];
const CP1252 = Array.from({ length: 256 }, (_, b) => String.fromCharCode(b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] : b));
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

export function decodeBytes(input: Uint8Array): Decoded {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const decoded = decodeRaw(bytes);
  if ('reason' in decoded) return decoded;
  return { text: decoded.text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'), encoding: decoded.encoding };
}

function decodeRaw(bytes: Buffer): Decoded {
  const marked = decodeMarked(bytes);
  if (marked !== null && !('reason' in marked)) return marked;
  // A mark the bytes do not bear out may be chance (binary data starting with FF FE): judge the
  // bytes as if it were not there, and say what the mark promised.
  const plain = decodeUnmarked(bytes);
  if (marked !== null && 'reason' in plain) return { reason: plain.reason, detail: `${marked.detail}; ${plain.detail}` };
  return plain;
}

/** By the UTF-16 or UTF-32 byte-order mark, or null if there is none. (UTF-8's is left to the UTF-8 decoder.) */
function decodeMarked(bytes: Buffer): Decoded | null {
  // UTF-32 LE's mark starts with UTF-16 LE's: test it first.
  if (startsWith(bytes, [0xff, 0xfe, 0x00, 0x00])) return decodeUtf32(bytes.subarray(4), false);
  if (startsWith(bytes, [0x00, 0x00, 0xfe, 0xff])) return decodeUtf32(bytes.subarray(4), true);
  if (startsWith(bytes, [0xff, 0xfe])) return decodeUtf16(bytes.subarray(2), false);
  if (startsWith(bytes, [0xfe, 0xff])) return decodeUtf16(bytes.subarray(2), true);
  return null;
}

function decodeUnmarked(bytes: Buffer): Decoded {
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { reason: 'binary', detail: 'has NUL bytes' };
  try {
    return { text: UTF8.decode(bytes), encoding: 'utf-8' };
  } catch {
    return decodeLegacy(bytes);
  }
}

function startsWith(bytes: Buffer, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

function decodeUtf16(body: Buffer, bigEndian: boolean): Decoded {
  const name = bigEndian ? 'UTF-16BE' : 'UTF-16LE';
  const invalid: Decoded = { reason: 'unknown-encoding', detail: `not valid ${name} after its byte-order mark` };
  if (body.length % 2 !== 0) return invalid;
  const le = bigEndian ? Buffer.from(body).swap16() : body;
  // Buffer's utf16le decoder never fails: check the surrogate pairs first.
  for (let i = 0; i < le.length; i += 2) {
    const unit = le.readUInt16LE(i);
    if (unit >= 0xdc00 && unit <= 0xdfff) return invalid;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 2 < le.length ? le.readUInt16LE(i + 2) : 0;
      if (!(next >= 0xdc00 && next <= 0xdfff)) return invalid;
      i += 2;
    }
  }
  return { text: le.toString('utf16le'), encoding: bigEndian ? 'utf-16be' : 'utf-16le' };
}

function decodeUtf32(body: Buffer, bigEndian: boolean): Decoded {
  const name = bigEndian ? 'UTF-32BE' : 'UTF-32LE';
  if (body.length % 4 !== 0) return { reason: 'unknown-encoding', detail: `not valid ${name} after its byte-order mark` };
  const parts: string[] = [];
  const chunk: number[] = [];
  for (let i = 0; i < body.length; i += 4) {
    const cp = bigEndian ? body.readUInt32BE(i) : body.readUInt32LE(i);
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return { reason: 'unknown-encoding', detail: `not valid ${name} after its byte-order mark` };
    }
    chunk.push(cp);
    if (chunk.length === 8192) parts.push(String.fromCodePoint(...chunk.splice(0)));
  }
  parts.push(String.fromCodePoint(...chunk));
  return { text: parts.join(''), encoding: bigEndian ? 'utf-32be' : 'utf-32le' };
}

/** Invalid UTF-8: Windows-1252 where it looks like Western legacy text (see the file comment), else why not. */
function decodeLegacy(bytes: Buffer): Decoded {
  let controls = 0, legacy = 0, runs = 0, undefinedBytes = 0, utf8Sequences = 0;
  let inRun = false;
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    if (b < 0x80) {
      if (b === 0) return { reason: 'binary', detail: 'has NUL bytes' };
      if (isControl(b)) controls++;
      inRun = false;
      i++;
      continue;
    }
    const length = utf8SequenceLength(bytes, i);
    if (length > 0) {
      utf8Sequences++;
      inRun = false;
      i += length;
      continue;
    }
    legacy++;
    if (CP1252_UNDEFINED.has(b)) undefinedBytes++;
    if (!inRun) runs++;
    inRun = true;
    i++;
  }
  if (controls * 100 > bytes.length) return { reason: 'binary', detail: 'not UTF-8, and full of control characters' };
  if (undefinedBytes > 0) return { reason: 'unknown-encoding', detail: 'not UTF-8, and has bytes Windows-1252 leaves undefined' };
  if (legacy > 2 * runs) {
    return { reason: 'unknown-encoding', detail: 'not UTF-8, and its non-ASCII bytes come in runs unlike Windows-1252 text' };
  }

  // Valid UTF-8 spans as UTF-8, every other byte as Windows-1252.
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length;) {
    const length = bytes[i] < 0x80 ? 1 : utf8SequenceLength(bytes, i);
    if (length > 0) { i += length; continue; }
    if (start < i) parts.push(bytes.toString('utf8', start, i));
    parts.push(CP1252[bytes[i]]);
    start = ++i;
  }
  if (start < bytes.length) parts.push(bytes.toString('utf8', start));
  return { text: parts.join(''), encoding: utf8Sequences > 0 ? 'utf-8+windows-1252' : 'windows-1252' };
}

/** C0 controls and DEL, except tab, line feed, form feed, carriage return and escape (ANSI colours in logs). */
function isControl(b: number): boolean {
  return (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0c && b !== 0x0d && b !== 0x1b) || b === 0x7f;
}

/** Length of the well-formed UTF-8 sequence of 2-4 bytes at `i` (Unicode's table 3-7), or 0. */
function utf8SequenceLength(bytes: Buffer, i: number): number {
  const b0 = bytes[i];
  const within = (j: number, lo: number, hi: number) => j < bytes.length && bytes[j] >= lo && bytes[j] <= hi;
  if (b0 >= 0xc2 && b0 <= 0xdf) return within(i + 1, 0x80, 0xbf) ? 2 : 0;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80, hi = b0 === 0xed ? 0x9f : 0xbf;
    return within(i + 1, lo, hi) && within(i + 2, 0x80, 0xbf) ? 3 : 0;
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80, hi = b0 === 0xf4 ? 0x8f : 0xbf;
    return within(i + 1, lo, hi) && within(i + 2, 0x80, 0xbf) && within(i + 3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}
