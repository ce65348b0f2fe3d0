import type { Strategy } from '../core/sampling/strategy';
import type { CompletionEngine, CompletionResult } from './complete';

/**
 * What a completion request needs of an editor's document (VS Code's TextDocument, through a
 * few lines of adapter): enough to read a window of it and to tell whether it changed.
 */
export interface EditorDocument {
  /** Identifies the document across requests (its URI). */
  readonly key: string;
  /** Grows with every change of the text (TextDocument.version); read live. */
  readonly version: number;
  /**
   * The text of `[start, end)` clamped to the document, or a little more (an editor may widen it
   * to keep a CRLF whole), and the document offset it starts at.
   */
  read(start: number, end: number): { text: string; start: number };
}

/** One request of the editor, in document offsets (UTF-16 code units). */
export interface EditorRequest {
  offset: number;
  selectedSuggestion?: { replaceStart: number; replaceEnd: number; text: string };
  strategy: Strategy;
  maxChars: number;
  stopAtEndOfLine: boolean;
  seed?: number;
  /** Waited before reading the document, so a burst of keystrokes costs one completion. */
  debounceMs: number;
}

/** Why a request gave nothing. */
export type StaleReason = 'cancelled' | 'edited' | 'no model';

export type EditorOutcome =
  | { kind: 'done'; result: CompletionResult | null; textRead: number }
  | { kind: 'stale'; reason: StaleReason };

/**
 * Null while a request asked for at document version `version` is still current: not cancelled
 * (the editor cancels a request when it asks anew, e.g. at the next keystroke) and the document
 * unchanged. A completion computed for another version would be ghost text for text that is no
 * longer there, placed at offsets that no longer mean the same.
 */
export function staleReason(version: number, doc: Pick<EditorDocument, 'version'>, cancelled: boolean): StaleReason | null {
  if (cancelled) return 'cancelled';
  if (doc.version !== version) return 'edited';
  return null;
}

export interface EditorRequestHooks {
  /** The engine of the active model, read after the debounce (a model may load meanwhile). */
  engine(): CompletionEngine | null | undefined;
  isCancelled(): boolean;
  /** Told the text a completion was made from, once it is done and still current (TypingAdaptation.observe). */
  read?(docKey: string, text: string, textStart: number, offset: number): void;
  /** Waits `ms`; setTimeout by default (a test may step time itself). */
  wait?(ms: number): Promise<void>;
}

/**
 * A completion for an editor: waits out the debounce, gives up if the request went stale
 * meanwhile, reads only the window of the document the engine needs (never the whole
 * document: `getText()` of a 50 MB document costs ~90 ms), completes, and checks again that
 * the document is still the one completed.
 */
export async function completeInEditor(doc: EditorDocument, req: EditorRequest, hooks: EditorRequestHooks): Promise<EditorOutcome> {
  const version = doc.version;
  if (req.debounceMs > 0) {
    await (hooks.wait ?? sleep)(req.debounceMs);
  }
  const before = staleReason(version, doc, hooks.isCancelled());
  if (before) return { kind: 'stale', reason: before };
  const engine = hooks.engine();
  if (!engine) return { kind: 'stale', reason: 'no model' };
  const sel = req.selectedSuggestion;
  const needed = engine.textNeeded(sel ? sel.replaceStart : req.offset, sel ? sel.replaceEnd : req.offset);
  const { text, start } = doc.read(needed.start, needed.end);
  const result = engine.complete({
    docKey: doc.key, text, textStart: start, offset: req.offset, strategy: req.strategy, maxChars: req.maxChars,
    stopAtEndOfLine: req.stopAtEndOfLine, seed: req.seed, selectedSuggestion: sel,
  });
  // The engine runs synchronously today, so nothing can change during it; checked anyway, so
  // an engine that yields (a worker, a pipelined primer) cannot bring back a stale completion.
  const after = staleReason(version, doc, hooks.isCancelled());
  if (after) return { kind: 'stale', reason: after };
  hooks.read?.(doc.key, text, start, req.offset);
  return { kind: 'done', result, textRead: text.length };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
