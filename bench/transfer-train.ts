// Train on Workspace exactly as the extension runs it, for the transfer table (bench/transfer.ts):
// the real worker (dist/train-worker.js) driven by TrainingClient, on a folder holding a
// workspace's files, sized to it (plan: { fixed: [] }), from scratch or fine-tuning a model
// (startFrom), for a budget of minutes that includes reading the folder, the n-gram and the probe.
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { TrainingClient } from '../src/extension/training-client';
import { DEFAULT_MODEL_CONFIG } from '../src/core/model/config';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import type { EndEvent } from '../src/core/train/events';
import type { NgramReport, PlanReport, StartReport, TrainRequest } from '../src/protocol/training';
import type { CodeFile } from './transfer-data';

const TRAIN_WORKER = join(__dirname, '..', 'dist', 'train-worker.js');

/** What one run reported and where its model is. */
export interface WorkspaceRun {
  /** The saved model (best checkpoint, with its mixture), null if the run saved none. */
  modelPath: string | null;
  /** What it started from and why (fine-tuning asked for: the worker may still choose scratch). */
  start: StartReport | null;
  plan: PlanReport | null;
  ngram: NgramReport | null;
  end: EndEvent['reason'];
  /** Best validation loss, nats/char on the last 10% of the workspace's text. */
  bestLoss: number | null;
  /** Wall-clock seconds of the whole run. */
  seconds: number;
}

/** A new folder holding `files` at their relative paths (a workspace as the editor opens it). */
export function writeWorkspace(files: readonly CodeFile[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'char-lstm-bench-transfer-ws-'));
  for (const f of files) {
    const to = join(dir, f.rel);
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(f.path, to);
  }
  return dir;
}

/**
 * One Train on Workspace run on `folder` for `minutes`, saving to `outPath`; with `startFrom`,
 * fine-tuning that model file (as charLstm.training.startFrom 'activeModel' with it in use).
 */
export async function trainOnWorkspace(folder: string, outPath: string, minutes: number,
  startFrom?: { path: string; label: string }): Promise<WorkspaceRun> {
  const request: TrainRequest = {
    folders: [folder], exclude: [], outPath,
    model: DEFAULT_MODEL_CONFIG,
    // The extension's settings with nothing set by the user: the plan picks the shape, epochs and rhythm.
    config: { ...DEFAULT_TRAIN_CONFIG, maxMinutes: minutes, epochs: 1000 },
    plan: { fixed: [] },
    ...(startFrom ? { startFrom } : {}),
  };
  const client = new TrainingClient(TRAIN_WORKER);
  let start: StartReport | null = null, plan: PlanReport | null = null, ngram: NgramReport | null = null;
  let saved = false;
  const t0 = Date.now();
  try {
    const outcome = await client.train(request, {
      onStart: (r) => { start = r; },
      onPlan: (r) => { plan = r; },
      onNgram: (r) => { ngram = r; },
      onSaved: () => { saved = true; },
    });
    return { modelPath: saved ? outPath : null, start, plan, ngram, end: outcome.reason, bestLoss: outcome.bestLoss,
      seconds: (Date.now() - t0) / 1000 };
  } finally {
    client.dispose();
  }
}

/** "2×256 e64, T100, lr 0.002 cosine, val/250": what a plan chose, in a few characters. */
export function describePlan(plan: PlanReport | null): string {
  if (!plan) return 'no plan';
  const { model: m, config: c } = plan;
  return `${m.layers}×${m.hidden} e${m.embedding} d${m.dropout}, T${c.seqLen}, lr ${c.lr} ${c.schedule}, val/${c.validateEvery}`;
}
