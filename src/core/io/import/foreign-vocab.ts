import { Vocab } from '../../data/vocab';

/**
 * The vocabulary of a model trained elsewhere (PyTorch, Keras), as its notebook saved it, read
 * into the characters of its ids: `chars[id]` is the character of foreign id `id`. Accepted JSON:
 *   ["a", "b", ...]                      the characters, indexed by id (idx2char / itos)
 *   {"a": 0, "b": 1, ...}                char → id (char2idx / stoi)
 *   {"0": "a", "1": "b", ...}            id → char, as Python's json writes a dict of int keys
 *   "ab..."                              one string, one character per code point
 *   {"char2idx": <one of those>, ...}    wrapped under one of WRAPPER_KEYS (the first present wins)
 * Ids must be exactly 0 … n-1; every entry exactly one code point, not U+FFFD, no duplicates.
 * Throws a one-line Error about "it" (the caller says which vocabulary).
 */
export function parseForeignVocab(json: unknown): string[] {
  const chars = toChars(json, 0);
  if (chars.length === 0) throw new Error('it is empty');
  // Vocab.fromChars checks each entry (one code point, no lone surrogate, no U+FFFD, no duplicate).
  Vocab.fromChars(chars);
  return chars;
}

/** Keys a vocabulary is commonly saved under, in the order they are tried. */
export const WRAPPER_KEYS = ['char2idx', 'char_to_idx', 'char_to_ix', 'stoi', 'idx2char', 'idx_to_char', 'ix_to_char',
  'itos', 'chars', 'vocab', 'vocabulary'];

function toChars(json: unknown, depth: number): string[] {
  if (typeof json === 'string') return [...json];
  if (Array.isArray(json)) {
    json.forEach((c, i) => { if (typeof c !== 'string') throw new Error(`entry ${i} is not a string`); });
    return json as string[];
  }
  if (typeof json !== 'object' || json === null) throw new Error(`it is ${json === null ? 'null' : `a ${typeof json}`}, not a list or a map`);
  const object = json as Record<string, unknown>;
  const wrapper = depth === 0 ? WRAPPER_KEYS.find((k) => Object.hasOwn(object, k)) : undefined;
  if (wrapper !== undefined) return toChars(object[wrapper], depth + 1);
  const entries = Object.entries(object);
  if (entries.length > 0 && entries.every(([, v]) => typeof v === 'number')) return fromCharToId(entries as [string, number][]);
  if (entries.length > 0 && entries.every(([k, v]) => /^(0|[1-9]\d*)$/.test(k) && typeof v === 'string')) {
    return fromCharToId(entries.map(([k, v]) => [v as string, Number(k)]));
  }
  throw new Error('it is neither a list of characters, a {character: id} map, an {id: character} map, '
    + `nor one under ${WRAPPER_KEYS.map((k) => `"${k}"`).join(', ')}`);
}

/** Characters by id from (character, id) pairs; the ids must be exactly 0 … n-1. */
function fromCharToId(pairs: [string, number][]): string[] {
  const chars: string[] = new Array(pairs.length);
  for (const [ch, id] of pairs) {
    if (!Number.isInteger(id) || id < 0 || id >= pairs.length) {
      throw new Error(`id ${id} (${JSON.stringify(ch)}) is outside 0 … ${pairs.length - 1}: ids must be 0 … n-1 with no gaps`);
    }
    if (chars[id] !== undefined) throw new Error(`id ${id} is given to both ${JSON.stringify(chars[id])} and ${JSON.stringify(ch)}`);
    chars[id] = ch;
  }
  return chars;
}

/**
 * char-lstm's vocabulary for foreign characters: sorted by code point, the unknown slot last
 * (`vocab.size` = chars.length + 1), and `newId[foreignId]`, where each foreign row goes.
 */
export function charLstmOrder(chars: readonly string[]): { vocab: Vocab; newId: Int32Array } {
  const sorted = [...chars].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  const vocab = Vocab.fromChars(sorted);
  return { vocab, newId: Int32Array.from(chars, (c) => vocab.id(c)) };
}

/**
 * `[rows.length / width, width]` foreign rows into char-lstm order: `[newId.length + 1, width]`
 * with row newId[i] = foreign row i, and the last row (the unknown slot) all `fill`.
 */
export function reorderRows(rows: Float32Array, width: number, newId: Int32Array, fill = 0): Float32Array {
  const out = new Float32Array((newId.length + 1) * width);
  newId.forEach((to, from) => out.set(rows.subarray(from * width, (from + 1) * width), to * width));
  out.fill(fill, newId.length * width);
  return out;
}
