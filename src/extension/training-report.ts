/**
 * The lines of the training report in the "Char LSTM" output channel: what a run read and left
 * out, its start, validations and end (steps only move the status bar). No vscode import.
 */
import type { TrainEvent } from '../core/train/events';
import type { CorpusReport, MixtureReport, NgramReport, PlanReport } from '../protocol/training';

/** What was read, what was not read and why, and what was not read as UTF-8. */
export function corpusLines(files: number, chars: number, skipped: string, report: CorpusReport): string[] {
  const lines = [`read ${files} files, ${chars.toLocaleString('en')} chars (${skipped})`];
  if (report.excluded) lines.push(report.excluded);
  if (report.encodings) lines.push(report.encodings);
  for (const { path, reason } of report.skippedFiles) lines.push(`  not read: ${path}: ${reason}`);
  if (report.skippedFilesMore > 0) lines.push(`  not read: ${report.skippedFilesMore} more`);
  return lines;
}

/** The line of a start, validation or end event; null for the rest. */
export function eventLine(e: TrainEvent): string | null {
  if (e.kind === 'start') {
    return `${e.parameters.toLocaleString('en')} parameters, batch ${e.batch} x ${e.seqLen} chars, `
      + `${e.stepsPerEpoch} steps per epoch, ${e.backend} kernels on ${e.threads} thread${e.threads === 1 ? '' : 's'}`;
  }
  if (e.kind === 'validation') {
    return `step ${e.step}: validation loss ${e.loss.toFixed(3)} nats/char${e.best ? ' (best)' : ''}`
      + (e.shortened ? ` on ${e.shortened.chars} of ${e.shortened.of} characters: the time budget ran out` : '');
  }
  if (e.kind === 'end') return `training ended (${e.reason}) after ${e.steps} steps, ${(e.elapsedMs / 1000).toFixed(1)} s`;
  return null;
}

/** The workspace n-gram: the baseline the LSTM's validation loss is measured against. */
export function ngramLine(r: NgramReport): string {
  const capped = r.capped ? '; too many n-grams to keep them all: it holds those of the text\'s end' : '';
  return `workspace n-gram: order ${r.order}, validation loss ${r.validLoss.toFixed(3)} nats/char `
    + `(the baseline; made in ${(r.ms / 1000).toFixed(1)} s${capped})`;
}

/** A checkpoint's parts at the same validation positions: what completions will use. */
export function savedLine(m: MixtureReport): string {
  return `saved: validation loss ${m.mixture.toFixed(3)} nats/char mixed `
    + `(LSTM ${m.lstm.toFixed(3)}, n-gram ${m.ngram.toFixed(3)}, with the open document's cache)`;
}

/** What a run sized to the workspace chose, and why. */
export function planLines({ model: m, config: c, reasons }: PlanReport): string[] {
  return [`sized to the workspace: ${m.layers}x ${m.cell.toUpperCase()} ${m.hidden}, embedding ${m.embedding}, dropout ${m.dropout}, `
    + `sequence length ${c.seqLen}, at most ${c.epochs} epochs, validation every ${c.validateEvery} steps, stop after ${c.patience} without progress`,
  ...reasons.map((r) => `  ${r}`)];
}
