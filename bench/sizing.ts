// `npm run bench -- --only sizing [--minutes 10] [--sizes 20k,200k,200k:code,2M,20M] [--compare]`: for
// texts of several sizes, plans training (src/core/train/plan.ts, probing speeds), trains the plan
// for the budget (probing included) with the product's trainer, and says when the best validation
// loss came and how the run ended; with --compare, model M with the default settings (epochs 20,
// as the extension's setting) on the same text and budget.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { splitCorpus } from '../src/core/data/corpus';
import { Vocab } from '../src/core/data/vocab';
import { DEFAULT_MODEL_CONFIG } from '../src/core/model/config';
import { createKernels } from '../src/core/nn/kernels/select';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../src/core/train/config';
import type { EndEvent } from '../src/core/train/events';
import { planTraining, type Shape, type TrainingPlan } from '../src/core/train/plan';
import { probeSpeed } from '../src/core/train/speed-probe';
import { train } from '../src/core/train/trainer';

export interface SizingOptions {
  sizes: Size[];
  minutes: number;
  /** Also train model M with the default settings (epochs 20, as the extension's setting). */
  compare: boolean;
  threads: number;
}

/** One training run: its best validation loss, when it came and how the run ended (minutes from the start of planning). */
export interface Run {
  bestLoss: number | null;
  bestAtMin: number | null;
  end: EndEvent['reason'];
  endAtMin: number;
  charsPerSec: number;
  epochs: number;
  /** Best loss at 75% of the run's time minus the final best: what the last quarter still gained. */
  lastQuarterGain: number | null;
  /** [minutes, validation loss, characters trained] of every validation. */
  curve: [number, number, number][];
}

/** A corpus: its length in characters and where its text comes from (sourceText). */
export interface Size {
  chars: number;
  source: Source;
}

export interface SizingRow extends Size {
  plan: TrainingPlan;
  probeSec: number;
  run: Run;
  modelM: Run | null;
}

/** Runs every size in turn; `log` gets progress lines. */
export async function benchSizing(opts: SizingOptions, log: (line: string) => void): Promise<SizingRow[]> {
  const rows: SizingRow[] = [];
  for (const { chars, source } of opts.sizes) {
    const text = sourceText(chars, source);
    const { train: trainText, valid } = splitCorpus(text, 0.1);
    const vocab = Vocab.fromText(text);
    const t0 = Date.now();
    const plan = await planTraining({ trainChars: trainText.length, validChars: valid.length, minutes: opts.minutes,
      vocabSize: vocab.size, speed: (shape) => probeSpeed(shape, { sample: trainText.slice(0, 100_000), threads: opts.threads }) });
    const probeSec = (Date.now() - t0) / 1000;
    log(`${formatSize(chars)} of ${source}: planned in ${probeSec.toFixed(1)} s\n  ${plan.reasons.join('\n  ')}`);
    const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, ...plan.config, threads: opts.threads,
      maxMinutes: Math.max(0.05, opts.minutes - probeSec / 60) };
    const run = await timedRun(trainText, valid, vocab, plan.model, config, t0);
    log(`  plan: ${describeRun(run)}`);
    let modelM: Run | null = null;
    if (opts.compare) {
      modelM = await timedRun(trainText, valid, vocab, DEFAULT_MODEL_CONFIG,
        { ...DEFAULT_TRAIN_CONFIG, epochs: 20, threads: opts.threads, maxMinutes: opts.minutes }, Date.now());
      log(`  M:    ${describeRun(modelM)}`);
    }
    rows.push({ chars, source, plan, probeSec, run, modelM });
  }
  return rows;
}

/** Trains `model` as the CLI would and times every validation from `t0` (ms since the epoch). */
export async function timedRun(trainText: string, valid: string, vocab: Vocab, model: Shape, config: TrainConfig, t0: number): Promise<Run> {
  const curve: [number, number, number][] = [];
  let best: { loss: number; at: number } | null = null;
  let stepsPerEpoch = 1;
  const { end } = await train({ kernels: createKernels(), vocab, train: trainText, valid, model, config,
    onEvent: (e) => {
      if (e.kind === 'start') stepsPerEpoch = e.stepsPerEpoch;
      if (e.kind !== 'validation') return;
      const at = (Date.now() - t0) / 60_000;
      curve.push([at, e.loss, e.charsSeen]);
      if (e.best) best = { loss: e.loss, at };
    } });
  const endAt = (Date.now() - t0) / 60_000;
  const b = best as { loss: number; at: number } | null;
  const bestBy = (minutes: number) => Math.min(...curve.filter(([m]) => m <= minutes).map(([, l]) => l));
  const quarter = bestBy(endAt * 0.75);
  return { bestLoss: b?.loss ?? null, bestAtMin: b?.at ?? null, end: end.reason, endAtMin: endAt,
    charsPerSec: end.charsSeen / Math.max(end.elapsedMs / 1000, 1e-3), epochs: end.steps / stepsPerEpoch,
    lastQuarterGain: b && Number.isFinite(quarter) ? quarter - b.loss : null, curve };
}

/** Shakespeare (prose and verse) or a workspace of TypeScript. */
export type Source = 'shakespeare' | 'code';

/**
 * The first `chars` of real text, nothing repeated (so the held-out tail is never trained on):
 * tinyshakespeare (1.1 MB), or a workspace of TypeScript: this project's (src, test, bench,
 * webview; 1.25 MB), then, from node_modules, TypeScript's lib .d.ts files, @types/node,
 * @types/vscode, tfjs-core's and playwright-core's .d.ts, and typescript.js last (9.1 MB, so the
 * held-out tail of 20 MB lies inside it), in path order.
 */
export function sourceText(chars: number, source: Source): string {
  const root = join(__dirname, '..');
  const modules = join(root, 'node_modules');
  const files = source === 'shakespeare' ? [join(root, 'data', 'tinyshakespeare.txt')] : [
    ...['src', 'test', 'bench', 'webview'].flatMap((d) => walk(join(root, d), '.ts')),
    ...['typescript/lib', '@types/node', '@types/vscode', '@tensorflow/tfjs-core', 'playwright-core']
      .flatMap((d) => walk(join(modules, d), '.d.ts')),
    join(modules, 'typescript', 'lib', 'typescript.js')];
  const parts: string[] = [];
  let length = 0;
  for (const file of files) {
    if (length >= chars) break;
    const text = readFileSync(file, 'utf8');
    parts.push(text, '\n\n');
    length += text.length + 2;
  }
  if (length < chars) throw new Error(`only ${length} chars of source text, ${chars} asked`);
  return parts.join('').slice(0, chars);
}

function walk(dir: string, suffix: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return walk(full, suffix);
    return name.endsWith(suffix) ? [full] : [];
  });
}

/**
 * `20k`, `2M`, `200k:code` → characters and source: below 1 M Shakespeare (the whole of it is
 * 1.1 MB), from there on code, unless `:shakespeare` or `:code` says which.
 */
export function parseSize(text: string): Size {
  const m = /^(\d+(?:\.\d+)?)([kM]?)(?::(shakespeare|code))?$/.exec(text.trim());
  if (!m) throw new Error(`not a size: ${text} (e.g. 20k, 2M, 200k:code)`);
  const chars = Math.round(Number(m[1]) * (m[2] === 'M' ? 1e6 : m[2] === 'k' ? 1e3 : 1));
  return { chars, source: (m[3] as Source | undefined) ?? (chars < 1e6 ? 'shakespeare' : 'code') };
}

function formatSize(chars: number): string {
  return chars >= 1e6 ? `${chars / 1e6} MB` : `${chars / 1e3} kB`;
}

function describeRun(r: Run): string {
  return `best ${r.bestLoss?.toFixed(3) ?? '-'} at ${r.bestAtMin?.toFixed(1) ?? '-'} min, ${r.end} at ${r.endAtMin.toFixed(1)} min, `
    + `${Math.round(r.charsPerSec)} chars/s, ${r.epochs.toFixed(1)} epochs, last quarter gained ${r.lastQuarterGain?.toFixed(3) ?? '-'}`;
}

/** One line per size: the plan, its run, and model M's where measured. */
export function printSizingTable(rows: SizingRow[], minutes: number): void {
  console.log(`budget ${minutes} min (probing included); losses in nats/char on the last 10% of each text`);
  console.log('| text | plan | probe | chars/s | epochs | best loss | best at | ended | last ¼ gain | M best | M at | M ended |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const { chars, source, plan, probeSec, run, modelM: m } of rows) {
    const p = `${plan.model.layers}×${plan.model.hidden} e${plan.model.embedding} d${plan.model.dropout} T${plan.config.seqLen} `
      + `val/${plan.config.validateEvery}`;
    console.log(`| ${formatSize(chars)} ${source} | ${p} | ${probeSec.toFixed(0)} s | ${Math.round(run.charsPerSec)} | ${run.epochs.toFixed(1)} `
      + `| ${run.bestLoss?.toFixed(3) ?? '-'} | ${run.bestAtMin?.toFixed(1) ?? '-'} min | ${run.end} ${run.endAtMin.toFixed(1)} min `
      + `| ${run.lastQuarterGain?.toFixed(3) ?? '-'} | ${m?.bestLoss?.toFixed(3) ?? '-'} | ${m?.bestAtMin?.toFixed(1) ?? '-'} `
      + `| ${m ? `${m.end} ${m.endAtMin.toFixed(1)}` : '-'} |`);
  }
}
