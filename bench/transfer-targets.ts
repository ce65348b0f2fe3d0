// Issue 16's targets, checked against the transfer table's figures (bench/transfer.ts). "As
// completed" is what the editor completes with: a model's LSTM mixed with its saved n-gram and a
// document cache, or its LSTM alone where it has no saved mixture.
import type { CodebaseResult } from './transfer';
import type { Figures, ModelFigures } from './transfer-measure';

export interface Target {
  /** The codebase's key ('typescript', 'python'). */
  codebase: string;
  /** Workspace size asked for (characters); null for the untrained default. */
  workspace: number | null;
  /** What is checked, e.g. "new default, as completed: nats/char ≤ 1.30". */
  what: string;
  /** The measured figure(s), e.g. "1.254". */
  value: string;
  /** null: not measured (a row skipped or failed). */
  ok: boolean | null;
}

/** Untrained targets for held-out TypeScript (the issue names it); the fine-tuning ones per codebase and size. */
export function transferTargets(codebases: CodebaseResult[]): Target[] {
  const targets: Target[] = [];
  for (const c of codebases) {
    const add = (workspace: number | null, what: string, value: string, ok: boolean | null) =>
      targets.push({ codebase: c.key, workspace, what, value, ok });
    if (c.key === 'typescript') {
      const d = completing(c.newDefault.figures);
      add(null, 'new default, no training, as completed: nats/char ≤ 1.30', fixed(d?.natsPerChar), d ? d.natsPerChar <= 1.30 : null);
      add(null, 'new default, no training, as completed: chars saved ≥ 30%', pct(d?.charsSaved), known(d?.charsSaved, (x) => x >= 0.30));
    }
    for (const s of c.sizes) {
      const tuned = s.fineTuned?.figures ?? null, scratch = completing(s.scratch.figures), fine = completing(tuned);
      add(s.asked, 'fine-tuned LSTM alone: nats/char below the workspace\'s n-gram',
        `${fixed(tuned?.lstm.natsPerChar)} vs ${fixed(s.ngram.natsPerChar)}`, tuned ? tuned.lstm.natsPerChar < s.ngram.natsPerChar : null);
      const gain = fine && scratch ? 1 - fine.natsPerChar / scratch.natsPerChar : null;
      add(s.asked, 'fine-tuned as completed: nats/char ≥ 15% below from scratch as completed',
        `${fixed(fine?.natsPerChar)} vs ${fixed(scratch?.natsPerChar)} (${pct(gain)} lower)`, gain === null ? null : gain >= 0.15);
      add(s.asked, 'fine-tuned as completed: chars saved ≥ 42%', pct(fine?.charsSaved), known(fine?.charsSaved, (x) => x >= 0.42));
      const fineA = tuned?.adapting?.asCompleted ?? null, scratchA = s.scratch.figures?.adapting?.asCompleted ?? null;
      if (!fineA || !scratchA) continue;
      const gainA = 1 - fineA.natsPerChar / scratchA.natsPerChar;
      add(s.asked, 'adapting to typing (the editor\'s default): fine-tuned as completed ≥ 15% below from scratch',
        `${fixed(fineA.natsPerChar)} vs ${fixed(scratchA.natsPerChar)} (${pct(gainA)} lower)`, gainA >= 0.15);
      add(s.asked, 'adapting to typing: fine-tuned as completed, chars saved ≥ 42%', pct(fineA.charsSaved),
        known(fineA.charsSaved, (x) => x >= 0.42));
    }
  }
  return targets;
}

/** What the editor completes with: the mixture where the file has one, else the LSTM alone. */
export function completing(m: ModelFigures | null): Figures | null {
  return m ? m.asCompleted ?? m.lstm : null;
}

function known(x: number | null | undefined, test: (x: number) => boolean): boolean | null {
  return x === null || x === undefined ? null : test(x);
}

function fixed(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : x.toFixed(3);
}

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)}%`;
}
