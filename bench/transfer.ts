// `npm run bench -- --only transfer [--transfer-minutes 10] [--sizes 20k,200k,2M] [--default <file>]
// [--old-default <file>] [--codebases typescript,python]` (issue 16 part 5): what the default model brings to code it never read,
// and what Train on Workspace makes of a workspace, measured on held-out files in no training
// corpus (bench/transfer-data.ts: this project's TypeScript, public Python). Per codebase: the old
// and the new default untrained, as the editor completes with them; per workspace size: the
// workspace's Kneser-Ney n-gram, M minutes of Train on Workspace from scratch and M minutes
// fine-tuning the new default (the real worker, bench/transfer-train.ts), each LSTM alone and as
// the editor completes. And tinyshakespeare's last 10% for both defaults. Figures: nats/char, top-1
// and chars saved (bench/transfer-measure.ts); the targets of issue 16 checked against them.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatherCorpus, splitCorpus } from '../src/core/data/corpus';
import { heldOutText, pythonCodebase, typescriptCodebase, workspaceOf, type Codebase, type HeldOutText } from './transfer-data';
import { measureModel, measureNgram, type Figures, type ModelFigures } from './transfer-measure';
import { trainOnWorkspace, writeWorkspace, type WorkspaceRun } from './transfer-train';
import { transferTargets, type Target } from './transfer-targets';

const ROOT = join(__dirname, '..');
export const OLD_DEFAULT = join(ROOT, 'bench', 'models', 'shakespeare-2x512.safetensors');
export const NEW_DEFAULT = join(ROOT, 'models', 'default.safetensors');
export const TRANSFER_SIZES = '20k,200k,2M';

export interface TransferOptions {
  /** Workspace sizes asked for, characters. */
  sizes: number[];
  /** Train on Workspace's budget per run (charLstm.training.maxMinutes), reading and probing included. */
  minutes: number;
  /** Positions of each held-out text the completion figures (top-1, chars saved) are measured on. */
  metricsChars: number;
  oldDefault: string;
  newDefault: string;
  /** Which held-out codebases (keys of bench/transfer-data.ts: typescript, python); all by default. */
  codebases?: string[];
  /** Also measure each model on code as completed while adapting to typing (the editor's default). */
  adapting: boolean;
}

/** A model file measured, or why not (`figures` null). `note` says what to know about the row. */
export interface Measured {
  figures: ModelFigures | null;
  note: string;
}

/** A Train on Workspace run and its model measured. */
export interface Trained extends Measured {
  run: Omit<WorkspaceRun, 'modelPath'> | null;
}

export interface SizeResult {
  /** Characters asked for and those the workspace has (whole files), in `files` files. */
  asked: number;
  chars: number;
  files: number;
  /** The whole workspace part: the codebase is smaller than asked. */
  whole: boolean;
  ngram: Figures & { order: number };
  scratch: Trained;
  /** Null: no new default to fine-tune. */
  fineTuned: Trained | null;
}

export interface CodebaseResult {
  key: string;
  label: string;
  heldOut: { files: number; chars: number };
  /** Characters of the workspace part (everything not held out). */
  workspaceChars: number;
  oldDefault: Measured;
  newDefault: Measured;
  sizes: SizeResult[];
}

export interface TransferResult {
  minutes: number;
  metricsChars: number;
  oldDefault: string;
  newDefault: string;
  codebases: CodebaseResult[];
  tinyshakespeare: { chars: number; oldDefault: Measured; newDefault: Measured };
  targets: Target[];
  /** Wall-clock minutes of the whole transfer bench. */
  elapsedMin: number;
}

export async function benchTransfer(opts: TransferOptions, log: (line: string) => void): Promise<TransferResult> {
  const t0 = Date.now();
  const say = (line: string) => log(`transfer [${((Date.now() - t0) / 60_000).toFixed(1)} min]: ${line}`);
  const codebases: CodebaseResult[] = [];
  for (const codebase of [await typescriptCodebase(), await pythonCodebase()]) {
    if (opts.codebases && !opts.codebases.includes(codebase.key)) continue;
    codebases.push(await benchCodebase(codebase, opts, say));
  }
  say('tinyshakespeare, last 10% ...');
  const valid = splitCorpus(readFileSync(join(ROOT, 'data', 'tinyshakespeare.txt'), 'utf8')).valid;
  const shakespeare: HeldOutText = { text: valid, starts: [0], files: 1 };
  const tinyshakespeare = {
    chars: valid.length,
    // Its saved n-gram counted all of tinyshakespeare, the last 10% too: the LSTM alone only.
    oldDefault: await measureFile(opts.oldDefault, shakespeare, opts.metricsChars, 'old default', false),
    newDefault: await measureFile(opts.newDefault, shakespeare, opts.metricsChars, 'new default', true),
  };
  if (tinyshakespeare.newDefault.figures?.asCompleted) {
    tinyshakespeare.newDefault.note += '; held out only if that n-gram counted no more than the pretraining corpus\'s training part '
      + '(tinyshakespeare\'s first 90%)';
  }
  return { ...opts, codebases, tinyshakespeare, targets: transferTargets(codebases), elapsedMin: (Date.now() - t0) / 60_000 };
}

async function benchCodebase(codebase: Codebase, opts: TransferOptions, say: (line: string) => void): Promise<CodebaseResult> {
  const held = await heldOutText(codebase);
  const workspaceChars = codebase.workspace.reduce((n, f) => n + f.chars, 0);
  say(`${codebase.label}: ${held.files} files (${held.text.length} chars) held out, ${workspaceChars} chars in the workspace part`);
  say(`${codebase.label}: the defaults, untrained ...`);
  const oldDefault = await measureFile(opts.oldDefault, held, opts.metricsChars, 'old default', true, opts.adapting);
  const newDefault = await measureFile(opts.newDefault, held, opts.metricsChars, 'new default', true, opts.adapting);
  const sizes: SizeResult[] = [];
  for (const asked of opts.sizes) {
    const ws = workspaceOf(codebase, asked);
    const folder = writeWorkspace(ws.files);
    const out = mkdtempSync(join(tmpdir(), 'char-lstm-bench-transfer-models-'));
    try {
      const size = `${codebase.key} ${formatChars(asked)}${ws.whole ? ` (all ${ws.chars} chars there are)` : ''}`;
      say(`${size}: the workspace's n-gram ...`);
      const ngram = measureNgram((await gatherCorpus([folder])).text, held, opts.metricsChars);
      say(`${size}: ${opts.minutes} min from scratch ...`);
      const scratch = await trainAndMeasure(folder, join(out, 'scratch.safetensors'), opts, held);
      say(`${size}: ${describeTrained(scratch)}`);
      let fineTuned: Trained | null = null;
      if (existsSync(opts.newDefault)) {
        say(`${size}: ${opts.minutes} min fine-tuning the new default ...`);
        fineTuned = await trainAndMeasure(folder, join(out, 'fine-tuned.safetensors'), opts, held,
          { path: opts.newDefault, label: 'the default model' });
        say(`${size}: ${describeTrained(fineTuned)}`);
      }
      sizes.push({ asked, chars: ws.chars, files: ws.files.length, whole: ws.whole, ngram, scratch, fineTuned });
    } finally {
      rmSync(folder, { recursive: true, force: true });
      rmSync(out, { recursive: true, force: true });
    }
  }
  return { key: codebase.key, label: codebase.label, heldOut: { files: held.files, chars: held.text.length }, workspaceChars,
    oldDefault, newDefault, sizes };
}

/** A model file measured on `held`; a missing file is a skipped row. `asCompleted` false: the LSTM alone. */
async function measureFile(path: string, held: HeldOutText, metricsChars: number, name: string,
  asCompleted: boolean, adapting = false): Promise<Measured> {
  if (!existsSync(path)) return { figures: null, note: `skipped: ${name} ${path} does not exist` };
  const figures = await measureModel(path, held, metricsChars, asCompleted, adapting);
  const note = !asCompleted ? 'LSTM alone: its saved n-gram counted all of tinyshakespeare'
    : figures.asCompleted ? `as completed: its saved ${figures.mixtureOrder}-gram, weights and a cache of each file`
      : 'no saved mixture: as completed is the LSTM alone';
  return { figures, note };
}

async function trainAndMeasure(folder: string, outPath: string, opts: TransferOptions, held: HeldOutText,
  startFrom?: { path: string; label: string }): Promise<Trained> {
  let run: WorkspaceRun;
  try {
    run = await trainOnWorkspace(folder, outPath, opts.minutes, startFrom);
  } catch (e) {
    return { run: null, figures: null, note: `failed: ${(e as Error).message}` };
  }
  const { modelPath, ...report } = run;
  if (!modelPath) return { run: report, figures: null, note: `no model saved (ended: ${run.end})` };
  const figures = await measureModel(modelPath, held, opts.metricsChars, true, opts.adapting);
  const fellBack = startFrom && run.start && !run.start.fineTuning ? 'the worker chose to train from scratch instead (run.start.reason says why)' : '';
  return { run: report, figures, note: fellBack || (figures.asCompleted ? '' : 'no saved mixture: as completed is the LSTM alone') };
}

function describeTrained(t: Trained): string {
  if (!t.figures) return t.note;
  const done = t.run ? `${t.run.end} after ${(t.run.seconds / 60).toFixed(1)} min, valid ${t.run.bestLoss?.toFixed(3) ?? '-'}; ` : '';
  return `${done}held out: LSTM ${t.figures.lstm.natsPerChar.toFixed(3)}, as completed `
    + `${(t.figures.asCompleted ?? t.figures.lstm).natsPerChar.toFixed(3)} nats/char${t.run?.start ? `; ${t.run.start.reason}` : ''}`;
}

/** 20000 → "20 kB", 2000000 → "2 MB" (characters, as the sizes are asked). */
export function formatChars(chars: number): string {
  return chars >= 1e6 ? `${+(chars / 1e6).toFixed(2)} MB` : `${+(chars / 1e3).toFixed(1)} kB`;
}
