// The extension host's event-loop delay during a training, as the extension reports it in its
// "Char LSTM" output channel (src/extension/event-loop-delay.ts), read back from the log file
// VS Code keeps of that channel and saved next to the screenshots.
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { OUTPUT_DIR } from './editor';
import { waitForLogLine } from './logs';

const CHANNEL_LOG = /Char LSTM\.log$/;
const DELAY_LINE = /editor event-loop delay during training \(([\d.]+) s, sampled every (\d+) ms\): p50 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms/;
const ENDED_LINE = /training ended \(([\w-]+)\) after (\d+) steps, ([\d.]+) s/;

export interface TrainingDelay {
  /** The line as the output channel shows it. */
  line: string;
  /** The measured window (from the request to the worker's last message), in seconds. */
  windowSeconds: number;
  resolutionMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** How the trainer said the run ended, and its own training time in seconds (reading excluded). */
  endReason: string;
  steps: number;
  trainingSeconds: number;
}

/** Waits for the report of the training that just ended in the session whose logs are under `logDir`. */
export async function readTrainingDelay(logDir: string, timeoutMs = 15_000): Promise<TrainingDelay> {
  const d = await waitForLogLine(logDir, CHANNEL_LOG, DELAY_LINE, timeoutMs);
  const e = await waitForLogLine(logDir, CHANNEL_LOG, ENDED_LINE, timeoutMs);
  return {
    line: d[0], windowSeconds: Number(d[1]), resolutionMs: Number(d[2]), p50Ms: Number(d[3]), p99Ms: Number(d[4]), maxMs: Number(d[5]),
    endReason: e[1], steps: Number(e[2]), trainingSeconds: Number(e[3]),
  };
}

/** Writes the figures, with the machine's load when they were taken, to test-output/<name>.json. */
export function saveTrainingDelay(name: string, delay: TrainingDelay, extra: Record<string, unknown>): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const path = join(OUTPUT_DIR, `${name}.json`);
  const machine = { cpus: cpus().length, loadavg1m5m15m: loadavg().map((l) => Number(l.toFixed(2))) };
  writeFileSync(path, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...delay, ...extra, machine }, null, 2)}\n`);
  return path;
}
