/**
 * Cuts a text of ids into `batch` contiguous streams and serves consecutive windows of each,
 * so the state a stream ends one step with is the right start for its next step (truncated
 * BPTT, as in char-rnn). Step s of an epoch covers positions [s*seqLen, (s+1)*seqLen) of every
 * stream; targets are the next characters.
 */
export class StreamBatches {
  readonly streamLength: number;
  readonly steps: number;

  constructor(private readonly ids: ArrayLike<number>, readonly batch: number, readonly seqLen: number) {
    // One extra character at the end of each stream supplies the last target.
    this.streamLength = Math.floor((ids.length - 1) / batch);
    this.steps = Math.floor(this.streamLength / seqLen);
  }

  /**
   * Writes step `s`'s ids and targets of streams [first, first+count), time-major
   * `[seqLen, count]`, into `heap` (all streams by default; a thread's share when training
   * data-parallel).
   */
  fill(s: number, heap: Float32Array | Float64Array, idsAt: number, targetsAt: number,
    first = 0, count = this.batch): void {
    const { seqLen, ids } = this;
    for (let b = 0; b < count; b++) {
      const start = (first + b) * this.streamLength + s * seqLen;
      for (let t = 0; t < seqLen; t++) {
        heap[idsAt + t * count + b] = ids[start + t];
        heap[targetsAt + t * count + b] = ids[start + t + 1];
      }
    }
  }

  /**
   * The largest batch ≤ `batch` and seqLen ≤ `seqLen` that give at least one step over
   * `length` ids, or null when the text has fewer than two characters.
   */
  static fit(length: number, batch: number, seqLen: number): { batch: number; seqLen: number } | null {
    if (length < 2) return null;
    const T = Math.min(seqLen, length - 1);
    const B = Math.max(1, Math.min(batch, Math.floor((length - 1) / T)));
    return { batch: B, seqLen: T };
  }
}
