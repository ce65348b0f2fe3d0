// Runs bench/pytorch/train_m.py (model M in PyTorch) as a child process and reads its JSON lines.
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '..', 'bench', 'pytorch', 'train_m.py');

/** One line of train_m.py's output; the fields of each mode are documented there. */
export type PytorchLine = Record<string, unknown>;

/** A figure, or why there is none (PyTorch missing, the script failed). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * The first Python that imports torch: Debian's python3-torch is for /usr/bin/python3, and the
 * `python3` on PATH may be another one (pyenv) without it.
 */
export function findTorchPython(): Outcome<string> {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    if (probe.status === 0) return { ok: true, value: python };
  }
  return { ok: false, reason: 'no python3 imports torch (scripts/bench-setup.sh installs Debian\'s python3-torch)' };
}

/**
 * Runs train_m.py with `args` and returns its JSON lines. Several threads: OpenMP's idle
 * threads sleep (OMP_WAIT_POLICY=PASSIVE) instead of spinning on the cores OpenBLAS's threads
 * need, which measured 400 → 3,600 chars/s here with another process on one core.
 */
export function runTrainM(python: string, args: string[], timeoutMs: number): Promise<Outcome<PytorchLine[]>> {
  const env = { ...process.env, OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
  return new Promise((resolve) => {
    execFile(python, [SCRIPT, ...args], { env, timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) {
        const last = stderr.trim().split('\n').pop() ?? '';
        resolve({ ok: false, reason: `train_m.py ${args[0]} failed: ${error.killed ? 'timed out' : last || error.message}` });
        return;
      }
      const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as PytorchLine);
      resolve({ ok: true, value: lines });
    });
  });
}

export interface PytorchThroughput {
  /** Training chars/s of model M. */
  charsPerSec: number;
  threads: number;
  torchVersion: string;
  /** The BLAS libraries mapped into the process, e.g. .../openblas-pthread/libblas.so.3. */
  blas: string[];
}

/** PyTorch's training chars/s on model M with `threads` threads, timed for `seconds` after a warm-up. */
export async function benchPytorchTraining(python: string, threads: number, seconds: number): Promise<Outcome<PytorchThroughput>> {
  const run = await runTrainM(python, ['throughput', '--threads', String(threads), '--seconds', String(seconds)],
    (seconds + 240) * 1000);
  if (!run.ok) return run;
  const line = run.value.at(-1);
  if (!line || typeof line.chars_per_s !== 'number') return { ok: false, reason: 'train_m.py printed no chars_per_s' };
  return { ok: true, value: { charsPerSec: line.chars_per_s, threads, torchVersion: String(line.torch_version),
    blas: (line.blas as string[] | undefined) ?? [] } };
}
