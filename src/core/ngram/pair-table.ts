/**
 * An open-addressing hash from a pair of non-negative 32-bit integers (a, b) to a dense id
 * 0, 1, 2, … in insertion order. The n-gram trie uses it with a = a node's id and b = a
 * character id, so every node is one entry and per-node data lives in parallel typed arrays
 * indexed by the same id.
 *
 * Memory per entry: 8 bytes of keys (`a`, `b`) plus one Int32 slot at a load of 1/4 to 1/2,
 * so 16 to 24 bytes, and twice that for a moment while the arrays double.
 * Linear probing; the table never removes entries.
 */
export class PairTable {
  /** First key of entry `id`. The arrays may be longer than `size`; read only `[0, size)`. */
  a: Int32Array;
  /** Second key of entry `id`. */
  b: Int32Array;
  /** Entries added so far. */
  size = 0;
  /** `id + 1` per slot, 0 = empty; its length is a power of two ≥ 2 × capacity of `a`. */
  private slots: Int32Array;
  private mask: number;

  /** `initial` entries fit before the first growth; at most `maxSize` are ever added. */
  constructor(initial: number, readonly maxSize: number) {
    const capacity = Math.max(16, Math.min(initial, maxSize));
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
    this.slots = new Int32Array(slotCount(capacity));
    this.mask = this.slots.length - 1;
  }

  /** The id of (a, b), or -1. */
  get(a: number, b: number): number {
    const { slots, mask } = this;
    for (let s = hash(a, b) & mask; ; s = (s + 1) & mask) {
      const entry = slots[s];
      if (entry === 0) return -1;
      const id = entry - 1;
      if (this.a[id] === a && this.b[id] === b) return id;
    }
  }

  /** The id of (a, b), added if new; -1 when it is new and the table holds `maxSize` entries. */
  add(a: number, b: number): number {
    const found = this.get(a, b);
    if (found >= 0) return found;
    if (this.size >= this.maxSize) return -1;
    if (this.size === this.a.length) this.grow();
    const id = this.size++;
    this.a[id] = a;
    this.b[id] = b;
    this.place(id);
    return id;
  }

  /** Bytes held by the table's arrays. */
  get bytes(): number {
    return this.a.byteLength + this.b.byteLength + this.slots.byteLength;
  }

  private place(id: number): void {
    const { slots, mask } = this;
    let s = hash(this.a[id], this.b[id]) & mask;
    while (slots[s] !== 0) s = (s + 1) & mask;
    slots[s] = id + 1;
  }

  private grow(): void {
    const capacity = Math.min(this.a.length * 2, this.maxSize);
    const a = new Int32Array(capacity), b = new Int32Array(capacity);
    a.set(this.a);
    b.set(this.b);
    this.a = a;
    this.b = b;
    this.slots = new Int32Array(slotCount(capacity));
    this.mask = this.slots.length - 1;
    for (let id = 0; id < this.size; id++) this.place(id);
  }
}

/** Slots for `capacity` entries: the power of two ≥ 2 × capacity (load ≤ 1/2). */
function slotCount(capacity: number): number {
  let n = 32;
  while (n < 2 * capacity) n *= 2;
  return n;
}

/** Mixes both keys into 32 bits (multiplicative hashing, then a xor-shift for the low bits). */
function hash(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
