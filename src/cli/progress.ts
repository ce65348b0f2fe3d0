import { MultiBar, type SingleBar } from 'cli-progress';
import type { EndEvent, TrainEvent, ValidationEvent } from '../core/train/events';

/** Where text goes: process.stderr / process.stdout, or a fake in tests. */
export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** Terminal width in characters, when a terminal. */
  columns?: number;
}

export interface ReporterOptions {
  /** Human-readable lines, and the bar. */
  stderr: Output;
  /** When given, every event is written here as one JSON line instead of drawing the bar. */
  json?: Output;
  /** Draw the bar; default: only when `stderr` is a terminal (redrawing a log file is noise). */
  bar?: boolean;
}

/** Lines of a validation sample shown; more would push the log off a small terminal. */
const SAMPLE_LINES = 2;
/** Width assumed when the output is not a terminal, in characters. */
const DEFAULT_COLUMNS = 100;

/**
 * Shows training as it happens: a one-line progress bar (epoch, step/total, smoothed train loss,
 * last validation loss, chars/s, ETA) with each validation printed above it, or JSON lines.
 */
export class TrainReporter {
  private multi: MultiBar | null = null;
  private bar: SingleBar | null = null;
  private epochs = 0;
  private lastValid = NaN;

  constructor(private readonly opts: ReporterOptions) {}

  /** A line above the bar (or just a line when there is none). */
  line(text: string): void {
    if (this.multi) this.multi.log(`${text}\n`);
    else this.opts.stderr.write(`${text}\n`);
  }

  readonly onEvent = (event: TrainEvent): void => {
    if (this.opts.json) {
      this.opts.json.write(`${JSON.stringify(event)}\n`);
      return;
    }
    switch (event.kind) {
      case 'start':
        this.epochs = event.epochs;
        this.line(`training ${formatCount(event.parameters)} parameters (${event.backend} kernels, ${plural(event.threads, 'thread')}) on `
          + `${formatCount(event.trainChars)} chars, validating on ${formatCount(event.validChars)}; `
          + `batch ${event.batch} × ${event.seqLen} chars, ${plural(event.stepsPerEpoch, 'step')} per epoch`);
        if (event.adjusted) this.line(`note: ${event.adjusted}`);
        if (this.opts.bar ?? this.opts.stderr.isTTY === true) this.startBar(event.stepsPerEpoch * event.epochs);
        break;
      case 'step':
        this.bar?.update(event.step, {
          epoch: `${event.epoch}/${this.epochs}`,
          loss: event.smoothLoss.toFixed(3),
          valid: Number.isNaN(this.lastValid) ? '–' : this.lastValid.toFixed(3),
          rate: formatRate(event.charsPerSec),
          etaText: formatDuration(event.etaMs),
        });
        break;
      case 'validation':
        this.lastValid = event.loss;
        this.bar?.update({ valid: event.loss.toFixed(3) });
        for (const text of formatValidation(event, this.opts.stderr.columns || DEFAULT_COLUMNS)) this.line(text);
        break;
      case 'end':
        this.stop();
        break;
    }
  };

  /** Removes the bar (idempotent), first flushing lines still waiting to be drawn above it. */
  stop(): void {
    if (!this.multi) return;
    this.multi.update();
    this.multi.stop();
    this.multi = null;
    this.bar = null;
  }

  private startBar(total: number): void {
    this.multi = new MultiBar({
      stream: this.opts.stderr as unknown as NodeJS.WritableStream,
      format: 'epoch {epoch} {bar} {value}/{total} | loss {loss} | valid {valid} | {rate} chars/s | ETA {etaText}',
      barsize: 20,
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      hideCursor: true,
      // The command handles Ctrl-C itself: the bar must not install its own handler.
      gracefulExit: false,
      clearOnComplete: false,
    });
    this.bar = this.multi.create(total, 0, { epoch: `1/${this.epochs}`, loss: '–', valid: '–', rate: '–', etaText: '–' });
  }
}

/** The validation line, then up to two indented lines of the sample, each cut to `columns`. */
export function formatValidation(e: ValidationEvent, columns: number): string[] {
  const head = `epoch ${e.epoch} step ${formatCount(e.step)}: valid loss ${e.loss.toFixed(3)} nats/char `
    + `(${bitsPerChar(e.loss).toFixed(3)} bits/char)${e.best ? '  best' : `  lr now ${e.lr.toPrecision(2)}`}`
    + (e.shortened ? `  (on ${formatCount(e.shortened.chars)} of ${formatCount(e.shortened.of)} chars: the time budget ran out)` : '');
  const indent = '    ';
  const lines = e.sample.split('\n');
  const shown = lines.slice(0, SAMPLE_LINES).map((l, i) => {
    const more = i === SAMPLE_LINES - 1 && lines.length > SAMPLE_LINES;
    return indent + truncate(printable(l) + (more ? ' …' : ''), Math.max(columns - indent.length - 1, 10));
  });
  return [head, ...shown];
}

/** The closing line: why training ended, the best loss, volume, time, speed, and where the model is. */
export function formatSummary(end: EndEvent, saved: string): string {
  const why = { completed: 'done', cancelled: 'cancelled', 'time-limit': 'time limit reached',
    'early-stop': 'stopped early (validation loss stopped improving)' }[end.reason];
  const best = end.bestLoss === null ? 'no validation loss'
    : `best valid loss ${end.bestLoss.toFixed(3)} nats/char (${bitsPerChar(end.bestLoss).toFixed(3)} bits/char)`;
  const rate = end.charsSeen / Math.max(end.elapsedMs / 1000, 1e-3);
  return `${why}: ${best}; ${formatCount(end.charsSeen)} chars in ${formatDuration(end.elapsedMs)} `
    + `(${formatRate(rate)} chars/s); ${saved}`;
}

/** Cross-entropy in nats/char to bits/char: ÷ ln 2. */
export function bitsPerChar(nats: number): number {
  return nats / Math.LN2;
}

/** (3, 'file') → "3 files"; (1, 'file') → "1 file". */
export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}

/** 111200 → "111,200". */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Characters per second, compact: "950", "12.3k", "1.25M". */
export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec)) return '–';
  if (perSec < 1e4) return Math.round(perSec).toLocaleString('en-US');
  if (perSec < 1e6) return `${(perSec / 1e3).toFixed(1)}k`;
  return `${(perSec / 1e6).toFixed(2)}M`;
}

/** Milliseconds as "4.1s", "3m 12s", "2h 05m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Control characters (tabs, escapes) would move the cursor or break the bar's redraw. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\t/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, '·');
}

function truncate(text: string, width: number): string {
  const chars = [...text];
  return chars.length <= width ? text : `${chars.slice(0, width - 1).join('')}…`;
}
