// The transfer table for people (bench/transfer.ts; `--json` prints the object itself): one row
// per predictor, held-out set and workspace size, then issue 16's targets.
import { formatChars, type Measured, type TransferResult, type Trained } from './transfer';
import type { Figures } from './transfer-measure';
import { describePlan } from './transfer-train';

export function printTransferTable(r: TransferResult): void {
  const m = `${r.minutes} min`;
  console.log(`\ntransfer: held-out files in no training corpus; Train on Workspace (the worker, sized to the workspace) for ${m} a run, `
    + 'reading and probing included');
  console.log(`nats/char (lower is better) on all of each held-out set; top-1 and chars saved on ${r.metricsChars.toLocaleString('en')} `
    + 'chars of it; "as completed": the LSTM mixed with its saved n-gram and a cache of each file, by its saved weights; '
    + '"adapting": the LSTM adapting to typing as the editor does by default (one step per 50 chars, the files in order)');
  console.log(`old default ${r.oldDefault}; new default ${r.newDefault}`);
  console.log('| held out | workspace | predictor | nats/char | top-1 | chars saved | note |');
  console.log('|---|---|---|---|---|---|---|');
  const line = (held: string, ws: string, name: string, f: Figures | null, note: string) =>
    console.log(`| ${held} | ${ws} | ${name} | ${f ? f.natsPerChar.toFixed(3) : '–'} | ${pct(f?.top1)} | ${pct(f?.charsSaved)} | ${note} |`);
  const model = (held: string, ws: string, name: string, x: Measured, note: string) => {
    const f = x.figures;
    if (!f) return line(held, ws, name, null, x.note);
    if (!f.asCompleted) return line(held, ws, `${name}, LSTM alone${x.note.startsWith('no saved mixture') ? ' = as completed' : ''}`, f.lstm,
      [note, x.note].filter(Boolean).join('; '));
    line(held, ws, `${name}, LSTM alone`, f.lstm, note);
    line('', ws, `${name}, as completed`, f.asCompleted, x.note);
    if (!f.adapting) return;
    line('', ws, `${name}, LSTM alone, adapting`, f.adapting.lstm, '');
    line('', ws, `${name}, as completed, adapting`, f.adapting.asCompleted, '');
  };
  for (const c of r.codebases) {
    const held = `${c.label} (${c.heldOut.files} files, ${formatChars(c.heldOut.chars)})`;
    model(held, 'none', 'old default', c.oldDefault, '');
    model('', 'none', 'new default', c.newDefault, '');
    for (const s of c.sizes) {
      const ws = `${formatChars(s.chars)} (${s.files} files${s.whole ? `; all there is, ${formatChars(s.asked)} asked` : ''})`;
      line('', ws, `workspace KN ${s.ngram.order}-gram`, s.ngram, '');
      model('', ws, `${m} from scratch`, s.scratch, runNote(s.scratch));
      if (s.fineTuned) model('', ws, `${m} fine-tuned`, s.fineTuned, runNote(s.fineTuned));
      else line('', ws, `${m} fine-tuned`, null, 'skipped: no new default to start from');
    }
  }
  const t = r.tinyshakespeare;
  model(`tinyshakespeare, last 10% (${formatChars(t.chars)})`, 'none', 'old default', t.oldDefault, '');
  model('', 'none', 'new default', t.newDefault, '');
  console.log('\ntargets (issue 16):');
  for (const x of r.targets) {
    const mark = x.ok === null ? '?' : x.ok ? '✓' : '✗';
    console.log(`  ${mark} ${x.codebase}, ${x.workspace === null ? 'no training' : `${formatChars(x.workspace)} workspace`}: `
      + `${x.what}: ${x.value}`);
  }
  console.log(`transfer bench took ${r.elapsedMin.toFixed(1)} min`);
}

/** The run's plan, its best validation loss and how it ended, and whether fine-tuning fell back to scratch. */
function runNote(t: Trained): string {
  if (!t.run) return '';
  const fell = t.run.start && !t.run.start.fineTuning ? 'fell back to scratch; ' : '';
  return `${fell}${describePlan(t.run.plan)}; valid ${t.run.bestLoss?.toFixed(3) ?? '–'}, ${t.run.end}`;
}

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)}%`;
}
