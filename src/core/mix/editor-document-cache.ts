import type { CharPredictor } from '../eval/predictor';
import { DocumentCache } from './document-cache';
import type { ContextMatcher } from './mixture-predictor';

/**
 * The editor's document caches (src/completion/document-caches.ts) learn a window of the text
 * before the cursor that starts at a multiple of this, [CACHE_WINDOW_CHARS, 2*CACHE_WINDOW_CHARS)
 * back (the whole text before it within the first two windows).
 */
export const CACHE_WINDOW_CHARS = 8192;

/** Where the document cache of a completion at `offset` starts learning. */
export function cacheWindowStart(offset: number, windowChars = CACHE_WINDOW_CHARS): number {
  return Math.max(0, (Math.floor(offset / windowChars) - 1) * windowChars);
}

/**
 * A document cache read along a text as the editor's caches read it: one per document (it
 * starts afresh at each of `documentStarts`), having learned, at each position, the text of its
 * document from `cacheWindowStart` of that position on. Two caches are kept, the one in use and
 * the one the next window will use, so a step costs two cache steps. Positions count code
 * points (the editor's windows count UTF-16 units: the same on text without astral characters).
 * `clone()` gives a copy that reads on without learning, as the editor's completions read.
 */
export class EditorDocumentCache implements CharPredictor, ContextMatcher {
  private readonly starts: Set<number>;
  /** The cache in use, and the one that has learned from the current window's multiple on (null in the first window). */
  private current!: DocumentCache;
  private next: DocumentCache | null = null;
  private docStart = 0;
  private position = 0;

  constructor(readonly vocabSize: number, readonly order = 6, documentStarts: readonly number[] = [],
    readonly windowChars = CACHE_WINDOW_CHARS) {
    if (!(Number.isInteger(windowChars) && windowChars >= 1)) throw new RangeError(`windowChars must be a whole number ≥ 1, got ${windowChars}`);
    this.starts = new Set(documentStarts);
    this.current = this.fresh();
  }

  /** A cache that has read `ids[0, at)`: learned the window of `at`'s document before it (at most 3 windows of steps). */
  static at(ids: ArrayLike<number>, at: number, vocabSize: number, order = 6, documentStarts: readonly number[] = [],
    windowChars = CACHE_WINDOW_CHARS): EditorDocumentCache {
    const cache = new EditorDocumentCache(vocabSize, order, documentStarts, windowChars);
    let docStart = 0;
    for (const s of documentStarts) if (s <= at && s > docStart) docStart = s;
    const u = at - docStart;
    const learned = (from: number) => {
      const c = cache.fresh();
      for (let i = docStart + from; i < at; i++) c.step(ids[i]);
      return c;
    };
    cache.current = learned(cacheWindowStart(u, windowChars));
    cache.next = u >= windowChars ? learned(Math.floor(u / windowChars) * windowChars) : null;
    cache.docStart = docStart;
    cache.position = at;
    return cache;
  }

  scores(): Float64Array {
    return this.current.scores();
  }

  step(id: number): void {
    this.current.step(id);
    this.next?.step(id);
    const p = ++this.position;
    if (this.starts.has(p)) {
      this.docStart = p;
      this.current = this.fresh();
      this.next = null;
    } else if ((p - this.docStart) % this.windowChars === 0) {
      // A new window: the editor's cache now starts one window back, where `next` started.
      if (this.next) this.current = this.next;
      this.next = this.fresh();
    }
  }

  matchedContext(): number {
    return this.current.matchedContext();
  }

  clone(): DocumentCache {
    return this.current.clone();
  }

  private fresh(): DocumentCache {
    return new DocumentCache(this.vocabSize, this.order);
  }
}
