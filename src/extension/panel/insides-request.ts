/**
 * The answer to the panel's `inspect` request, from plain inputs: the text before the cursor
 * (read as the completion path reads it: CRLF and lone CR as LF, one model step per code point)
 * and the active model; computed in slices of a few milliseconds with pauses between them
 * (`answerInSlices`), given up as soon as it is no longer wanted. No vscode import, so it is
 * unit-tested in plain Node; insides-source.ts gathers the inputs from the editor.
 */
import type { CharModel } from '../../core/model/char-model';
import type { ModelConfig } from '../../core/model/config';
import type { Vocab } from '../../core/data/vocab';
import { INSPECT_MAX_CHARS, Inspection, type InspectResult } from '../../core/model/inspect';
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

/** What `InspectJob` steps: an `Inspection`, or a stand-in in tests. */
export interface SlicedInspection {
  step(maxChars: number): boolean;
  readonly progress: number;
  readonly result: InspectResult;
}

export type BeginInspection = (model: CharModel, ids: ArrayLike<number>, layer: number) => SlicedInspection;

const beginInspection: BeginInspection = (model, ids, layer) => new Inspection(model, ids, layer);

/**
 * One `inspect` request: the inputs are read when it is made (the text at the cursor then), the
 * insides of `layer` (clamped to the model's layers) over the characters before the cursor are
 * computed by `step`, a slice at a time. A request with nothing to compute has its answer at once.
 */
export class InspectJob {
  /** The model it computes on; null when its answer needed none. */
  readonly model: CharModel | null = null;
  private readonly inspection: SlicedInspection | null = null;
  /** What the answer says besides the values and the next characters. */
  private readonly shown: Omit<Insides, 'values' | 'next'> | null = null;
  private readonly vocab: Vocab | null = null;
  private answer: InspectAnswer | null = null;

  constructor(active: InspectModel | null, editor: InspectEditor | null, layer: number,
    begin: BeginInspection = beginInspection) {
    if (!active) {
      this.answer = { ok: false, why: { reason: 'no-model' } };
      return;
    }
    const { config } = active.model;
    if (config.cell !== 'lstm') {
      this.answer = { ok: false, why: { reason: 'not-lstm', cell: config.cell } };
      return;
    }
    if (!editor) {
      this.answer = { ok: false, why: { reason: 'no-editor' } };
      return;
    }
    const { chars, truncated } = lastChars(editor.before, editor.fromStart);
    if (chars.length === 0) {
      this.answer = { ok: false, why: { reason: 'empty', file: editor.file } };
      return;
    }
    const at = Number.isInteger(layer) ? Math.min(Math.max(layer, 0), config.layers - 1) : 0;
    try {
      this.inspection = begin(active.model, active.vocab.encode(chars.join('')), at);
    } catch (e) {
      this.answer = failed(e);
      return;
    }
    this.model = active.model;
    this.vocab = active.vocab;
    this.shown = { model: active.label, chars, layer: at, layers: config.layers, hidden: config.hidden, truncated };
  }

  /** Characters' worth of work done so far (see `Inspection.progress`). */
  get progress(): number {
    return this.inspection?.progress ?? 0;
  }

  /** Runs about `maxChars` characters' worth more of the computation (Infinity: all of it); the answer once there is one. */
  step(maxChars: number): InspectAnswer | null {
    if (this.answer) return this.answer;
    const inspection = this.inspection as SlicedInspection;
    try {
      if (inspection.step(maxChars)) {
        const { values, next } = inspection.result;
        const shown = this.shown as Omit<Insides, 'values' | 'next'>;
        this.answer = { ok: true, insides: { ...shown, values, next: topNext(next, this.vocab as Vocab, NEXT_CHARS) } };
      }
    } catch (e) {
      this.answer = failed(e);
    }
    return this.answer;
  }
}

function failed(e: unknown): InspectAnswer {
  return { ok: false, why: { reason: 'failed', message: (e as Error)?.message ?? String(e) } };
}

/** The answer to `inspect`, computed at once (one blocking call: see `answerInSlices`). */
export function answerInspect(active: InspectModel | null, editor: InspectEditor | null, layer: number,
  begin: BeginInspection = beginInspection): InspectAnswer {
  return new InspectJob(active, editor, layer, begin).step(Infinity) as InspectAnswer;
}

/**
 * How long a slice should hold the thread: 6 ms, so that with the spread between slices (a
 * block's input projection falls in one) they stay within about 8 ms, far under what a typist
 * notices.
 */
export const SLICE_TARGET_MS = 6;

/**
 * Characters of a first slice on a model of this shape, before any is timed: 5·10^7
 * multiply-adds' worth (about 5 ms on one core; 15 characters for the default 2x512 model, 58
 * for 2x256), at least 1. The slices after it follow the time they take (`answerInSlices`).
 */
export function firstSliceChars(config: ModelConfig): number {
  let macs = 0;
  for (let l = 0; l < config.layers; l++) macs += 4 * config.hidden * ((l === 0 ? config.embedding : config.hidden) + config.hidden);
  return Math.max(1, Math.min(INSPECT_MAX_CHARS, Math.floor(5e7 / macs)));
}

export interface SliceOptions {
  /** The longest a slice should take, ms (default SLICE_TARGET_MS). */
  targetMs?: number;
  /** Characters of the first slice (default `firstSliceChars` of the model). */
  firstChars?: number;
  /** Lets the thread's other work run between slices (default: until setImmediate). */
  pause?: () => Promise<void>;
  /** Milliseconds, for timing slices (default performance.now). */
  now?: () => number;
  /** Told after every slice: the characters' worth it did and how long it took. */
  onSlice?: (chars: number, ms: number) => void;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The answer to `job`, computed a slice at a time with a pause after each (`setImmediate`: the
 * keystrokes, completions and messages that came in meanwhile run first), so that no slice holds
 * the extension host much longer than `targetMs`. The slices adapt to the machine: each is sized
 * from the speed of the one before (at most twice, at least half its size). `wanted` is asked
 * before every slice and before answering: once it says no (a newer request, the cursor moved,
 * another model), the computation is dropped and the result is null.
 */
export async function answerInSlices(job: InspectJob, wanted: () => boolean,
  options: SliceOptions = {}): Promise<InspectAnswer | null> {
  const { targetMs = SLICE_TARGET_MS, pause = nextTurn, now = () => performance.now(), onSlice } = options;
  if (!job.model) {
    // Nothing to compute (no model, no editor, …): the answer is there already.
    const answer = job.step(Infinity);
    return wanted() ? answer : null;
  }
  let chars = options.firstChars ?? firstSliceChars(job.model.config);
  for (;;) {
    if (!wanted()) return null;
    const before = job.progress, started = now();
    const answer = job.step(chars);
    const ms = now() - started, did = job.progress - before;
    onSlice?.(did, ms);
    if (answer) return wanted() ? answer : null;
    if (did > 0) {
      const fit = ms > 0 ? Math.floor((did * targetMs) / ms) : 2 * chars;
      chars = Math.max(1, Math.floor(chars / 2), Math.min(2 * chars, fit));
    }
    await pause();
  }
}

/** What the panel's report says of the insides computed while it was open. */
export class InsidesStats {
  answered = 0;
  /** Given up before done: superseded by a newer request, a cursor move, an edit, another model. */
  abandoned = 0;
  slices = 0;
  longestSliceMs = 0;

  /** Counts a slice of computation (not an answer that needed none). */
  slice(ms: number): void {
    this.slices++;
    this.longestSliceMs = Math.max(this.longestSliceMs, ms);
  }

  /** E.g. "insides: 6 answered, 3 abandoned, 71 slices, longest slice 7.2 ms". */
  describe(): string {
    return `insides: ${this.answered} answered, ${this.abandoned} abandoned, ${this.slices} slices, `
      + `longest slice ${this.longestSliceMs.toFixed(1)} ms`;
  }
}

/**
 * The panel's `inspect` requests, one computed at a time: a new request, or `cancel` (the cursor
 * moved, the text or the model changed, the page went away), gives up the one on its way, whose
 * answer would be stale (the page drops answers to all but its latest request anyway).
 */
export class InspectRequests {
  /** Moves on with every request and every `cancel`: an answer for an older one is dropped. */
  private generation = 0;
  /** The insides computed so far, for the panel's report. */
  readonly stats = new InsidesStats();

  constructor(private readonly options: SliceOptions = {}) {}

  /**
   * The answer to `job`, in slices (`answerInSlices`); null if it was given up: a newer
   * request or `cancel` came first, or `current()` (say, whether the model it reads is still
   * the active one) turned false.
   */
  async answer(job: InspectJob, current: () => boolean = () => true): Promise<InspectAnswer | null> {
    const generation = ++this.generation;
    const wanted = () => this.generation === generation && current();
    const onSlice = (chars: number, ms: number) => {
      this.stats.slice(ms);
      this.options.onSlice?.(chars, ms);
    };
    const answer = await answerInSlices(job, wanted, { ...this.options, onSlice });
    if (answer) this.stats.answered++;
    else this.stats.abandoned++;
    return answer;
  }

  /** Gives up the answer being computed, if any. */
  cancel(): void {
    this.generation++;
  }
}

/** The `n` most likely next characters, most likely first (ties: lower id first). */
export function topNext(probabilities: ArrayLike<number>, vocab: Vocab, n: number): { char: string; p: number }[] {
  const ids = Array.from({ length: probabilities.length }, (_, i) => i);
  ids.sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  return ids.slice(0, n).map((id) => ({ char: vocab.char(id), p: probabilities[id] }));
}
