// Quality per time: char-lstm's CLI and PyTorch each train model M on tinyshakespeare for the
// same wall-clock minutes, one after the other; each reports its validation losses (nats/char).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTrainM, type Outcome } from './pytorch';

const DATA = join(__dirname, '..', 'data', 'tinyshakespeare.txt');
const CLI = join(__dirname, '..', 'dist', 'cli.js');

/** One run: the best validation loss within the budget (what a checkpointing run keeps). */
export interface QualityRun {
  /** Best validation loss reached within the budget, nats/char. */
  bestValidLoss: number;
  /** [minutes since training started, validation loss in nats/char] of every validation. */
  curve: [number, number][];
  steps: number;
  /** PyTorch only: the loss of the weights the budget ended with (one more validation, after it). */
  finalValidLoss?: number;
}

/**
 * The char-lstm CLI with its defaults (model M, Adam 2e-3, clip 5, lr decay on plateau),
 * validating every `validateEvery` steps; validations count in the budget, as in any run.
 */
export async function charLstmQuality(minutes: number, validateEvery: number): Promise<Outcome<QualityRun>> {
  const dir = mkdtempSync(join(tmpdir(), 'char-lstm-bench-quality-'));
  try {
    const args = [CLI, 'train', DATA, '--out', join(dir, 'm.safetensors'), '--max-minutes', String(minutes),
      '--validate-every', String(validateEvery), '--json'];
    const { code, stdout, stderr } = await run(process.execPath, args, (minutes * 60 + 600) * 1000);
    const curve: [number, number][] = [];
    let elapsedMs = 0, end: { bestLoss: number | null; steps: number } | undefined;
    for (const line of stdout.split('\n').filter((l) => l.startsWith('{'))) {
      const e = JSON.parse(line) as { kind: string; elapsedMs?: number; loss?: number; bestLoss: number | null; steps: number };
      if (e.kind === 'step') elapsedMs = e.elapsedMs ?? elapsedMs;
      if (e.kind === 'validation') curve.push([round(elapsedMs / 60_000, 2), round(e.loss ?? NaN, 4)]);
      if (e.kind === 'end') end = e;
    }
    if (code !== 0 || !end || end.bestLoss === null) {
      return { ok: false, reason: `char-lstm train: ${stderr.trim().split('\n').pop() || `exit code ${code}`}` };
    }
    return { ok: true, value: { bestValidLoss: round(end.bestLoss, 4), curve, steps: end.steps } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** train_m.py's quality mode with the same budget, validation interval and lr decay. */
export async function pytorchQuality(python: string, minutes: number, validateEvery: number,
  threads: number): Promise<Outcome<QualityRun>> {
  const result = await runTrainM(python, ['quality', '--minutes', String(minutes), '--threads', String(threads),
    '--validate-every', String(validateEvery)], (minutes * 60 + 600) * 1000);
  if (!result.ok) return result;
  const lines = result.value;
  const end = lines.find((l) => l.kind === 'result');
  if (!end) return { ok: false, reason: 'train_m.py printed no result' };
  const curve = lines.filter((l) => l.kind === 'validation').map((l): [number, number] => [l.minutes as number, l.valid_loss as number]);
  const final = end.final_valid_loss as number;
  // No validation within the budget: only the final weights' loss exists.
  const best = typeof end.best_valid_loss === 'number' ? end.best_valid_loss : final;
  return { ok: true, value: { bestValidLoss: best, finalValidLoss: final, curve, steps: end.steps as number } };
}

/** Runs a command to its end; its exit code and output. */
export function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '', stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}
