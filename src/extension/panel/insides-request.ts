/**
 * The answer to the panel's `inspect` request, from plain inputs: the text before the cursor
 * (read as the completion path reads it: CRLF and lone CR as LF, one model step per code point)
 * and the active model. No vscode import, so it is unit-tested in plain Node; insides-source.ts
 * gathers the inputs from the editor.
 */
import type { CharModel } from '../../core/model/char-model';
import type { Vocab } from '../../core/data/vocab';
import { inspectLstm } from '../../core/model/inspect';
import type { Insides, InsidesUnavailable } from '../../protocol/panel';

/** Characters before the cursor the panel shows (Karpathy et al. draw about as many per line). */
export const INSIDES_CHARS = 120;
/** Next characters listed. */
export const NEXT_CHARS = 5;

/**
 * UTF-16 code units to read before the cursor so that `max` characters are surely among them:
 * a character is at most two units (a surrogate pair, or CRLF read as one '\n'), plus one for a
 * pair cut in half at the start. A file of one very long line costs no more than this.
 */
export function unitsToRead(max = INSIDES_CHARS): number {
  return 2 * max + 1;
}

/**
 * The last `max` characters of `before` (the text just before the cursor; `fromStart` when it
 * begins at the start of the document), one code point each, line ends as '\n'.
 * `truncated` when the document had more before them.
 */
export function lastChars(before: string, fromStart: boolean, max = INSIDES_CHARS): { chars: string[]; truncated: boolean } {
  const text = before.includes('\r') ? before.replace(/\r\n?/g, '\n') : before;
  const all = Array.from(text);
  // Read from inside the document, the first unit may be half of a pair whose other half was
  // left out: never shown, since at least max + 1 characters were read (see unitsToRead).
  const chars = all.length > max ? all.slice(all.length - max) : all;
  return { chars, truncated: !fromStart || all.length > max };
}

/** The active model as the panel needs it. */
export interface InspectModel {
  /** The status bar's name of the model: "default", "workspace", a file name. */
  label: string;
  model: CharModel;
  vocab: Vocab;
}

/** The text before the cursor of the editor the panel follows. */
export interface InspectEditor {
  /** The file's name, for the "empty" state. */
  file: string;
  /** Text just before the cursor: at most `unitsToRead()` code units of it. */
  before: string;
  /** Whether `before` starts at the start of the document. */
  fromStart: boolean;
}

export type InspectAnswer = { ok: true; insides: Insides } | { ok: false; why: InsidesUnavailable };

/** The insides of `layer` (clamped to the model's layers) over the characters before the cursor. */
export function answerInspect(active: InspectModel | null, editor: InspectEditor | null, layer: number,
  inspect: typeof inspectLstm = inspectLstm): InspectAnswer {
  if (!active) return { ok: false, why: { reason: 'no-model' } };
  const { config } = active.model;
  if (config.cell !== 'lstm') return { ok: false, why: { reason: 'not-lstm', cell: config.cell } };
  if (!editor) return { ok: false, why: { reason: 'no-editor' } };
  const { chars, truncated } = lastChars(editor.before, editor.fromStart);
  if (chars.length === 0) return { ok: false, why: { reason: 'empty', file: editor.file } };
  const at = Number.isInteger(layer) ? Math.min(Math.max(layer, 0), config.layers - 1) : 0;
  try {
    const ids = active.vocab.encode(chars.join(''));
    const { values, next } = inspect(active.model, ids, at);
    return {
      ok: true,
      insides: {
        model: active.label, chars, layer: at, layers: config.layers, hidden: config.hidden,
        values, next: topNext(next, active.vocab, NEXT_CHARS), truncated,
      },
    };
  } catch (e) {
    return { ok: false, why: { reason: 'failed', message: (e as Error).message ?? String(e) } };
  }
}

/** The `n` most likely next characters, most likely first (ties: lower id first). */
export function topNext(probabilities: ArrayLike<number>, vocab: Vocab, n: number): { char: string; p: number }[] {
  const ids = Array.from({ length: probabilities.length }, (_, i) => i);
  ids.sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  return ids.slice(0, n).map((id) => ({ char: vocab.char(id), p: probabilities[id] }));
}
