/**
 * The one protocol between the extension and its panel (a webview). Both sides import these
 * types (and `applyRunMessage`, the rule for folding live run messages into the history) and
 * nothing else of each other. The webview speaks first (`ready`); requests carry a
 * `requestId` that their answer repeats, so an answer to a request the webview has since
 * replaced (the cursor moved on) is recognised and dropped. Losses are nats/char.
 *
 * Activations travel as Float32Array (VS Code posts typed arrays to webviews without JSON),
 * row-major `[time, hidden]`: row t is the character `chars[t]`, column u the unit.
 */
import type { EndEvent, TrainEvent } from '../core/train/events';
import type { Signal } from '../core/model/signal';

/** The training events the panel draws, for the webview, which imports nothing else of src/. */
export type { EndEvent, StartEvent, StepEvent, TrainEvent } from '../core/train/events';

/**
 * Which run: 'lstm' is a "Train on Workspace" run (the workspace model; an LSTM unless
 * `charLstm.training.cell` says otherwise), 'rnn' the vanilla RNN comparison run.
 */
export type RunKind = 'lstm' | 'rnn';

/** One training run as the panel draws it: every event so far, in order. */
export interface RunHistory {
  runId: number;
  kind: RunKind;
  /** What was trained on: "12 files, 340,000 chars" once read, the folders' names before. */
  corpus: string;
  events: TrainEvent[];
  /** False once the run has ended or failed. */
  running: boolean;
  /** How the run ended, once it has (also when it ended before its `end` event: cancelled while reading). */
  ended?: EndEvent['reason'];
  /** Why the run failed, if it did. */
  failure?: string;
  /** Step events are kept for every this-many-th step (see appendEvent); 1 when absent. */
  stepStride?: number;
}

/** The gates and state the Insides view draws, per unit and character (defined by the core). */
export { SIGNALS, type Signal } from '../core/model/signal';

/** The LSTM's insides over the text before the cursor, for one layer. */
export interface Insides {
  /** The active model's name in the status bar ("default", "workspace", a file name). */
  model: string;
  /** The characters read, oldest first (one code point each; '\n' for line ends). */
  chars: string[];
  layer: number;
  layers: number;
  hidden: number;
  /** `[time, hidden]` each: gates in (0, 1), the cell state unbounded. */
  values: Record<Signal, Float32Array>;
  /** The model's five most likely next characters at the cursor, most likely first. */
  next: { char: string; p: number }[];
  /** True when the text before the cursor was longer than `chars` (only the last part is read). */
  truncated: boolean;
}

/** Why there are no insides to show: each is a clear state in the panel, never a blank. */
export type InsidesUnavailable =
  | { reason: 'no-model' }
  | { reason: 'no-editor' }
  | { reason: 'empty'; /** the file's name */ file: string }
  | { reason: 'not-lstm'; /** the model's cell, e.g. "rnn" */ cell: string }
  | { reason: 'failed'; message: string };

/** Webview → extension. */
export type FromPanel =
  /** The page has loaded and listens: send the current state. */
  | { type: 'ready' }
  /** Insides for the active editor's cursor, for this layer; answered by `insides`. */
  | { type: 'inspect'; requestId: number; layer: number }
  /** Train a vanilla RNN of the same size on the same data for the same budget as the last LSTM run. */
  | { type: 'compareRnn' }
  | { type: 'cancelTraining' };

/** Extension → webview. */
export type ToPanel =
  /** After `ready` (and after a reload mid-training): every run of this session so far. */
  | { type: 'history'; runs: RunHistory[] }
  | { type: 'runStarted'; runId: number; kind: RunKind; corpus: string }
  /** The worker has read the workspace: what the run learns from. */
  | { type: 'runCorpus'; runId: number; corpus: string }
  | { type: 'trainEvent'; runId: number; event: TrainEvent }
  /** The run is over (after its `end` event, if it got that far). */
  | { type: 'runEnded'; runId: number; reason: EndEvent['reason'] }
  | { type: 'runFailed'; runId: number; message: string }
  /** Whether the comparison button can start a run now, and if not why ("training is running"). */
  | { type: 'compareState'; enabled: boolean; reason?: string }
  /** The cursor or the text moved: the webview asks again with `inspect` (for its chosen layer). */
  | { type: 'cursorMoved' }
  | { type: 'insides'; requestId: number; insides: Insides }
  | { type: 'insidesUnavailable'; requestId: number; why: InsidesUnavailable };

/** The live messages of the training runs, sent after `history`. */
export type RunMessage = Extract<ToPanel, { type: 'runStarted' | 'runCorpus' | 'trainEvent' | 'runEnded' | 'runFailed' }>;

/**
 * Applies one live message to the runs received in `history`, as the webview does, with the
 * extension's rules: a new run closes one still marked running, and a message for a run that is
 * not running (a late event of an old run) is ignored. Changes `runs` in place and returns it.
 */
export function applyRunMessage(runs: RunHistory[], m: RunMessage): RunHistory[] {
  if (m.type === 'runStarted') {
    for (const r of runs) {
      if (r.running) {
        r.running = false;
        r.ended = 'cancelled';
      }
    }
    if (!runs.some((r) => r.runId === m.runId)) runs.push({ runId: m.runId, kind: m.kind, corpus: m.corpus, events: [], running: true });
    return runs;
  }
  const run = runs.find((r) => r.runId === m.runId && r.running);
  if (!run) return runs;
  switch (m.type) {
    case 'runCorpus': run.corpus = m.corpus; break;
    case 'trainEvent': appendEvent(run, m.event); break;
    case 'runEnded': run.running = false; run.ended = m.reason; break;
    case 'runFailed': run.running = false; run.failure = m.message; break;
  }
  return runs;
}

/** A run keeps at most this many step events (validations are all kept). */
export const MAX_STEP_EVENTS = 2000;

/**
 * Adds an event to a run. Step events are kept on a grid of every `stepStride`-th step, and the
 * stride doubles (dropping every second kept step) whenever MAX_STEP_EVENTS are held, so an
 * hours-long run stays a small `history` message with its curve evenly sampled; the latest step
 * is always kept too (the stats line reads it) until the next one replaces it. Deterministic, so
 * the extension and the webview hold the same events.
 */
export function appendEvent(run: RunHistory, event: TrainEvent): void {
  if (event.kind !== 'step') {
    run.events.push(event);
    return;
  }
  const stride = run.stepStride ?? 1;
  const last = run.events[run.events.length - 1];
  if (last?.kind === 'step' && last.step % stride !== 0) run.events.pop();
  run.events.push(event);
  let steps = 0;
  for (const e of run.events) if (e.kind === 'step') steps++;
  if (steps < MAX_STEP_EVENTS) return;
  run.stepStride = 2 * stride;
  run.events = run.events.filter((e, i) => e.kind !== 'step' || e.step % (2 * stride) === 0 || i === run.events.length - 1);
}
