import type { CharModel } from '../core/model/char-model';
import type { Vocab } from '../core/data/vocab';
import { Stepper } from '../core/sampling/stepper';
import { commonPrefix, flatCopy, isBoundary } from './text-offsets';

/**
 * Positions and lengths here are document offsets: UTF-16 code units, as editors count them.
 * The model itself steps once per code point, so `stats.stepsRun` can be smaller than the
 * number of code units consumed when the text has astral characters or CRLF line ends.
 */
export interface DocumentStatesOptions {
  /** Documents kept; the least recently asked-for is dropped first. Default 32. */
  maxDocuments?: number;
  /** The state starts from zero at a multiple of this, [windowChars, 2*windowChars) before the offset. Default 2048. */
  windowChars?: number;
  /** A copy of the state is kept every this many code units after the window start. Default 256. */
  checkpointChars?: number;
}

/** A state after consuming `text[anchor, anchor + pos)`. Stored ones are never mutated. */
interface Mark {
  pos: number;
  stepper: Stepper;
}

interface Window {
  anchor: number;
  /** `text[anchor, anchor + consumed.length)` of the last request; every mark describes a prefix of it. */
  consumed: string;
  /** The state of the last request: continued in place when the next one is further on. */
  head: Mark;
  /** By position; position 0 is the zero state. */
  checkpoints: Map<number, Stepper>;
  /**
   * The last few requests' states. The suggest widget asks for the state at the start of the
   * word being completed, a few characters back: usually one of these, so that costs nothing.
   */
  recent: Mark[];
}

const RECENT_STATES = 4;
const WINDOWS_PER_DOCUMENT = 2;

/**
 * Model state per open document, so that typing one character costs one model step rather
 * than a re-read of the prefix. The state at an offset is the model's reading of a window of
 * the text before it, from a zero state at the window's start (`anchor`), so a request in a
 * huge document costs at most 2*windowChars steps. Build a new one for a new model.
 */
export class DocumentStates {
  /**
   * `stepsRun`: characters (code points) fed to the model. `restarts`: times the last state
   * could not be continued (an edit before it, a move backwards, a new window) and the state
   * was rebuilt from a checkpoint or from zero.
   */
  readonly stats = { stepsRun: 0, restarts: 0 };
  /** Most recently used window first. */
  private readonly docs = new Map<string, Window[]>();
  private readonly maxDocuments: number;
  private readonly windowChars: number;
  /** A copy of the state is kept at every multiple of this (document offsets) a window has read. */
  readonly checkpointChars: number;
  private readonly zero: Stepper;

  constructor(readonly model: CharModel, readonly vocab: Vocab, options: DocumentStatesOptions = {}) {
    this.maxDocuments = positiveInteger(options.maxDocuments ?? 32, 'maxDocuments');
    this.windowChars = positiveInteger(options.windowChars ?? 2048, 'windowChars');
    this.checkpointChars = positiveInteger(options.checkpointChars ?? 256, 'checkpointChars');
    this.zero = new Stepper(model);
  }

  /**
   * A state that has consumed `document[anchor, offset)`, whose `logits` predict the character at
   * `offset` (null when nothing was consumed: offset 0). The caller owns the returned Stepper.
   *
   * `text` is the document from offset `textStart` on (default 0: the whole document). It must
   * start at or before `windowOf(offset).start`; reaching `windowOf(offset).end` (or the end of
   * the document) gives exactly the states and costs the whole document would. Shorter text is
   * still read correctly, but states cached beyond its end are dropped as if that text had changed.
   */
  stateAt(docKey: string, text: string, offset: number, textStart = 0): Stepper {
    if (!Number.isInteger(textStart) || textStart < 0) {
      throw new RangeError(`textStart must be a whole number ≥ 0, got ${textStart}`);
    }
    const textEnd = textStart + text.length;
    if (!Number.isInteger(offset) || offset < textStart || offset > textEnd) {
      throw new RangeError(`offset ${offset} is outside the text given (${textStart} … ${textEnd})`);
    }
    const anchor = this.anchorFor(offset);
    if (textStart > anchor) {
      throw new RangeError(`the text given starts at ${textStart}, after the window start ${anchor} of offset ${offset}`);
    }
    // From here on `text` is read at document offsets minus `base`.
    const base = textStart;
    const windows = this.docs.get(docKey) ?? [];
    this.docs.delete(docKey);
    let win = windows.find((w) => w.anchor === anchor);
    if (!win) {
      if (windows.length > 0) this.stats.restarts++;
      win = this.freshWindow(anchor);
    }
    // The previous window is kept too, so a cursor going back and forth over a window
    // boundary does not re-read a whole window each time.
    this.docs.set(docKey, [win, ...windows.filter((w) => w !== win)].slice(0, WINDOWS_PER_DOCUMENT));
    if (this.docs.size > this.maxDocuments) this.docs.delete(this.docs.keys().next().value as string);

    const target = offset - anchor;
    const valid = commonPrefix(win.consumed, text, anchor - base);
    // A state at pos is reusable if the text it consumed is unchanged and pos does not fall
    // inside a surrogate pair or a CRLF, whose halves the encoder would read differently.
    const ok = (pos: number) => pos === 0 || (pos <= valid && isBoundary(text, anchor - base + pos));
    for (const pos of win.checkpoints.keys()) if (!ok(pos)) win.checkpoints.delete(pos);
    win.recent = win.recent.filter((m) => ok(m.pos));
    const headOk = ok(win.head.pos);

    let start: Mark = headOk && win.head.pos <= target ? win.head : { pos: 0, stepper: this.zero };
    for (const [pos, stepper] of win.checkpoints) if (pos <= target && pos > start.pos) start = { pos, stepper };
    for (const m of win.recent) if (m.pos <= target && m.pos > start.pos) start = m;

    win.consumed = flatCopy(text.slice(anchor - base, anchor - base + Math.max(valid, target)));
    if (start.pos === target && headOk && win.head.pos > target) {
      // Answered from a stored state; the head stays ahead, likely where typing resumes.
      return start.stepper.clone();
    }
    if (start !== win.head) {
      if (!(headOk && win.head.pos <= target)) this.stats.restarts++;
      win.head = { pos: start.pos, stepper: start.stepper.clone() };
    }
    this.advance(win, text, base, target);
    if (!win.checkpoints.has(target)) {
      win.recent = [...win.recent.filter((m) => m.pos !== target), { pos: target, stepper: win.head.stepper.clone() }]
        .slice(-RECENT_STATES);
    }
    return win.head.stepper.clone();
  }

  /** Drops a document's states (it was closed). */
  forget(docKey: string): void {
    this.docs.delete(docKey);
  }

  /** Drops every document's states. */
  clear(): void {
    this.docs.clear();
  }

  /** Documents currently cached. */
  get size(): number {
    return this.docs.size;
  }

  /**
   * The part of a document `stateAt(…, offset)` reads: from the window's start (where the state
   * starts from zero) up to 2*windowChars after it, the furthest a cached state of that window
   * can reach. Text given from `start` to `end` (or to the document's end) gives exactly the
   * states and costs the whole document would.
   */
  windowOf(offset: number): { start: number; end: number } {
    const start = this.anchorFor(offset);
    return { start, end: start + 2 * this.windowChars };
  }

  /** Where the state starts from zero: bounds the cost of a first request to < 2*windowChars steps. */
  private anchorFor(offset: number): number {
    return Math.max(0, (Math.floor(offset / this.windowChars) - 1) * this.windowChars);
  }

  private freshWindow(anchor: number): Window {
    return {
      anchor,
      consumed: '',
      head: { pos: 0, stepper: this.zero.clone() },
      checkpoints: new Map([[0, this.zero]]),
      recent: [],
    };
  }

  /**
   * Feeds the head up to `target`, keeping a checkpoint at every multiple of checkpointChars. The
   * pieces between checkpoints go to the model in one call (`Stepper.feedPieces`), so that a
   * pipelined primer overlaps them rather than starting and draining once per piece.
   */
  private advance(win: Window, text: string, base: number, target: number): void {
    const { head } = win;
    const anchor = win.anchor - base; // where the window starts in `text`
    const every = this.checkpointChars;
    const pieces: ArrayLike<number>[] = [];
    const ends: number[] = [];
    for (let pos = head.pos; pos < target;) {
      let next = Math.min(target, (Math.floor(pos / every) + 1) * every);
      // Never end a piece between the halves of a pair: each half would be read on its own.
      if (next < target && !isBoundary(text, anchor + next)) next++;
      pieces.push(encodeForModel(this.vocab, text.slice(anchor + pos, anchor + next)));
      ends.push(next);
      pos = next;
    }
    const after = head.stepper.feedPieces(pieces);
    pieces.forEach((ids, i) => {
      const next = ends[i];
      this.stats.stepsRun += ids.length;
      if (next % every === 0 && isBoundary(text, anchor + next) && !win.checkpoints.has(next)) {
        win.checkpoints.set(next, after[i]);
      }
    });
    head.pos = Math.max(head.pos, target);
  }
}

/**
 * Ids of document text as the model was trained on it: the corpus reader turns CRLF and lone
 * CR into LF, so a CRLF document is read as if it had LF line ends.
 */
export function encodeForModel(vocab: Vocab, text: string): Uint8Array | Uint16Array | Int32Array {
  return vocab.encode(text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text);
}

function positiveInteger(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a whole number ≥ 1, got ${n}`);
  return n;
}
