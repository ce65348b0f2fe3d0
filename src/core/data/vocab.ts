/**
 * The character vocabulary: a bijection between the characters of a corpus and
 * dense integer ids `0 … size-1`, the rows of the embedding and the columns of
 * the output layer.
 *
 * A "character" is one Unicode code point, not one UTF-16 unit, so an emoji or
 * a CJK extension-B ideograph is a single id and sampling can never emit half a
 * surrogate pair. Lone surrogates are never vocabulary entries: they cannot be
 * written to a UTF-8 model file, and corpus text (decoded strictly) has none.
 *
 * The last id (`size - 1`) is reserved for "unknown": every code point outside
 * the vocabulary encodes to it and it decodes to U+FFFD. For that reason U+FFFD
 * itself is never an ordinary entry; it still round-trips through the unknown id.
 */

/** What the unknown id decodes to. */
export const UNKNOWN_CHAR = '\uFFFD';

/** Above this code point a char lives in the `astral` map rather than the BMP table. */
const BMP_SIZE = 0x10000;

/** Tab, newline and printable ASCII: what any code or prose needs, kept by a pretrained vocabulary. */
export const PRINTABLE_ASCII = '\t\n' + Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('');

export class Vocab {
  /** The known characters, sorted by code point; index = id. Excludes the unknown slot. */
  readonly chars: readonly string[];
  /** Number of ids including the unknown slot: `chars.length + 1` (= ModelConfig.vocabSize). */
  readonly size: number;
  /** The id every unknown character maps to: `size - 1`. */
  readonly unknownId: number;

  /** BMP code unit → id; `unknownId` where absent. 256 KiB, so encoding is one array read per char. */
  private readonly bmp: Int32Array;
  /** Astral code point → id (emoji, rare CJK): few enough for a Map. */
  private readonly astral: Map<number, number>;

  private constructor(sortedChars: string[]) {
    this.chars = Object.freeze(sortedChars);
    this.size = sortedChars.length + 1;
    this.unknownId = sortedChars.length;
    this.bmp = new Int32Array(BMP_SIZE).fill(this.unknownId);
    this.astral = new Map();
    sortedChars.forEach((ch, id) => {
      const cp = ch.codePointAt(0)!;
      if (cp < BMP_SIZE) this.bmp[cp] = id;
      else this.astral.set(cp, id);
    });
  }

  /**
   * The distinct code points of `text` (those seen at least `minCount` times, and every one of
   * `always`), sorted by code point, plus the unknown slot. A pretraining corpus keeps a rare
   * character out (a stray CJK line in one README) while every printable ASCII one stays in.
   */
  static fromText(text: string, { minCount = 1, always = '' }: { minCount?: number; always?: string } = {}): Vocab {
    // One pass of charCodeAt over a table, not a string per character: a 50 MB corpus in a tenth
    // of the time, with no garbage.
    const bmp = new Uint32Array(BMP_SIZE);
    const astral = new Map<number, number>();
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const u = text.charCodeAt(i);
      if (isHighSurrogate(u) && i + 1 < n && isLowSurrogate(text.charCodeAt(i + 1))) {
        const cp = ((u - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00) + 0x10000;
        astral.set(cp, (astral.get(cp) ?? 0) + 1);
        i++;
      } else {
        bmp[u]++;
      }
    }
    for (const ch of always) {
      const cp = ch.codePointAt(0)!;
      if (cp < BMP_SIZE) bmp[cp] = Math.max(bmp[cp], minCount);
      else astral.set(cp, Math.max(astral.get(cp) ?? 0, minCount));
    }
    const sorted: string[] = [];
    for (let cp = 0; cp < BMP_SIZE; cp++) {
      if (bmp[cp] >= minCount && bmp[cp] > 0 && !isLoneSurrogate(cp) && cp !== UNKNOWN_CHAR.charCodeAt(0)) sorted.push(String.fromCharCode(cp));
    }
    for (const cp of [...astral.keys()].sort((a, b) => a - b)) {
      if (astral.get(cp)! >= minCount) sorted.push(String.fromCodePoint(cp));
    }
    return new Vocab(sorted);
  }

  /**
   * Rebuilds a vocabulary saved as `vocab.chars` (ids are the array positions,
   * so the order is kept as given). Throws on anything that could not have come
   * from `fromText`'s contract: duplicates, entries that are not exactly one
   * code point, lone surrogates, or the reserved U+FFFD.
   */
  static fromChars(chars: readonly string[]): Vocab {
    if (!Array.isArray(chars)) throw new Error('vocabulary must be an array of characters');
    const seen = new Map<string, number>();
    chars.forEach((ch, i) => {
      if (typeof ch !== 'string') throw new Error(`vocabulary entry ${i} is not a string`);
      if (!isSingleCodePoint(ch)) {
        throw new Error(`vocabulary entry ${i} (${JSON.stringify(ch)}) is not exactly one character`);
      }
      if (isLoneSurrogate(ch.codePointAt(0)!)) {
        throw new Error(`vocabulary entry ${i} (${JSON.stringify(ch)}) is a lone surrogate`);
      }
      if (ch === UNKNOWN_CHAR) {
        throw new Error(`vocabulary entry ${i} is U+FFFD, which is reserved for the unknown id`);
      }
      const previous = seen.get(ch);
      if (previous !== undefined) {
        throw new Error(`vocabulary entry ${i} (${JSON.stringify(ch)}) duplicates entry ${previous}`);
      }
      seen.set(ch, i);
    });
    return new Vocab([...chars]);
  }

  /**
   * One id per code point of `text`; characters outside the vocabulary → `unknownId`. One byte
   * an id when the vocabulary has at most 256 ids (plain text, most code), two when it fits
   * (always, short of 65,536 characters), else four.
   */
  encode(text: string): Uint8Array | Uint16Array | Int32Array {
    // Two passes: counting code points first sizes the result exactly, and writing straight into
    // the compact array keeps a 50 MB ASCII corpus at 50 MB of ids with no wider copy on the way.
    const n = text.length;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const u = text.charCodeAt(i);
      if (isHighSurrogate(u) && i + 1 < n && isLowSurrogate(text.charCodeAt(i + 1))) i++;
      count++;
    }
    const ids = this.size <= 0x100 ? new Uint8Array(count)
      : this.size <= 0x10000 ? new Uint16Array(count) : new Int32Array(count);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const u = text.charCodeAt(i);
      if (isHighSurrogate(u) && i + 1 < n && isLowSurrogate(text.charCodeAt(i + 1))) {
        const cp = ((u - 0xd800) << 10) + (text.charCodeAt(i + 1) - 0xdc00) + 0x10000;
        ids[k++] = this.astral.get(cp) ?? this.unknownId;
        i++;
      } else {
        // A lone surrogate reads the table slot it indexes, which is always unknown.
        ids[k++] = this.bmp[u];
      }
    }
    return ids;
  }

  /** The text of `ids`; throws RangeError on an id outside `0 … size-1` (a caller bug, not bad input). */
  decode(ids: ArrayLike<number>): string {
    const parts: string[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) parts[i] = this.char(ids[i]);
    return parts.join('');
  }

  /** The id of one character; `unknownId` if it is not in the vocabulary. */
  id(char: string): number {
    if (!isSingleCodePoint(char)) {
      throw new RangeError(`Vocab.id expects exactly one character, got ${JSON.stringify(char)}`);
    }
    const cp = char.codePointAt(0)!;
    return cp < BMP_SIZE ? this.bmp[cp] : (this.astral.get(cp) ?? this.unknownId);
  }

  /** The character of one id; U+FFFD for `unknownId`. */
  char(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.size) {
      throw new RangeError(`character id ${id} is outside the vocabulary (size ${this.size})`);
    }
    return id === this.unknownId ? UNKNOWN_CHAR : this.chars[id];
  }
}

function isSingleCodePoint(s: string): boolean {
  if (s.length === 1) return true;
  return s.length === 2 && isHighSurrogate(s.charCodeAt(0)) && isLowSurrogate(s.charCodeAt(1));
}

function isHighSurrogate(u: number): boolean {
  return u >= 0xd800 && u <= 0xdbff;
}

function isLowSurrogate(u: number): boolean {
  return u >= 0xdc00 && u <= 0xdfff;
}

function isLoneSurrogate(cp: number): boolean {
  return cp >= 0xd800 && cp <= 0xdfff;
}
