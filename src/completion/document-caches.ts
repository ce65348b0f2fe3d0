import type { Vocab } from '../core/data/vocab';
import { DocumentCache } from '../core/mix/document-cache';
import { CACHE_WINDOW_CHARS, cacheWindowStart } from '../core/mix/editor-document-cache';
import { encodeForModel } from './document-states';
import { commonPrefix, flatCopy, isBoundary } from './text-offsets';

/** Offsets are document offsets: UTF-16 code units, as editors count them. */
export interface DocumentCachesOptions {
  /** Documents kept; the least recently asked-for is dropped first. Default 32. */
  maxDocuments?: number;
  /**
   * A cache learns from a multiple of this, [windowChars, 2*windowChars) before the cursor. Default
   * 8192 (CACHE_WINDOW_CHARS: `char-lstm eval` reads its caches the same way, EditorDocumentCache).
   */
  windowChars?: number;
  /** The caches' n-gram order. Default 6, as the mixture's weights were fitted with. */
  order?: number;
}

interface Learned {
  anchor: number;
  /** `document[anchor, anchor + text.length)`: what `cache` has read. */
  text: string;
  cache: DocumentCache;
}

/**
 * A document cache (core/mix/document-cache.ts) per open document: what was written earlier in
 * the document — an identifier just defined, a name repeated down the page — taught to an
 * n-gram that completions mix in. It learns the text before the cursor from a window start
 * (at most 2*windowChars back, so a request in a huge document costs at most that many
 * characters), one keystroke at a time while typing goes forward; an edit inside the learned
 * text, or a new window, starts it again. Text it learned past the cursor (the cursor moved
 * back) is kept: it is the document's own text either way.
 */
export class DocumentCaches {
  /** `charsLearned`: characters (code points) read into caches; `restarts`: caches started again. */
  readonly stats = { charsLearned: 0, restarts: 0 };
  private readonly docs = new Map<string, Learned>();
  private readonly maxDocuments: number;
  private readonly windowChars: number;
  readonly order: number;

  constructor(readonly vocab: Vocab, options: DocumentCachesOptions = {}) {
    this.maxDocuments = options.maxDocuments ?? 32;
    this.windowChars = options.windowChars ?? CACHE_WINDOW_CHARS;
    this.order = options.order ?? 6;
  }

  /** Where the cache of a request at `offset` starts learning: the text from there must be given. */
  windowStart(offset: number): number {
    return cacheWindowStart(offset, this.windowChars);
  }

  /**
   * A cache that has learned `document[windowStart(offset), offset)` (at least) and read the
   * characters just before `offset`, to read a completion on without learning it. `text` is the
   * document from `textStart` on, starting at or before `windowStart(offset)`.
   */
  readerAt(docKey: string, text: string, offset: number, textStart = 0): DocumentCache {
    const anchor = this.windowStart(offset);
    if (textStart > anchor) throw new RangeError(`the text given starts at ${textStart}, after the cache's window start ${anchor}`);
    let doc = this.docs.get(docKey);
    this.docs.delete(docKey);
    const from = anchor - textStart;
    if (!doc || doc.anchor !== anchor || commonPrefix(doc.text, text, from) < doc.text.length) {
      if (doc) this.stats.restarts++;
      doc = { anchor, text: '', cache: new DocumentCache(this.vocab.size, this.order) };
    }
    this.docs.set(docKey, doc);
    if (this.docs.size > this.maxDocuments) this.docs.delete(this.docs.keys().next().value as string);

    // Learn up to the cursor, but never up to the middle of a CRLF or a surrogate pair: its
    // halves would be read as two characters.
    let end = offset - textStart;
    if (!isBoundary(text, end)) end--;
    if (end > from + doc.text.length) {
      const ids = encodeForModel(this.vocab, text.slice(from + doc.text.length, end));
      for (const id of ids) doc.cache.step(id);
      this.stats.charsLearned += ids.length;
      doc.text = flatCopy(text.slice(from, end));
    }
    const before = text.slice(Math.max(0, offset - textStart - 2 * this.order), offset - textStart);
    return doc.cache.readerAfter(encodeForModel(this.vocab, before));
  }

  forget(docKey: string): void {
    this.docs.delete(docKey);
  }
}
