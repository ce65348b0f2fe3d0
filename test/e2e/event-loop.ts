// The extension host's event-loop delay during a training, and while the panel was open, as the
// extension reports it in its "Char LSTM" output channel (src/extension/event-loop-delay.ts),
// read back from the log file VS Code keeps of that channel and saved next to the screenshots.
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { OUTPUT_DIR } from './editor';
import { waitForLogLine } from './logs';

const CHANNEL_LOG = /Char LSTM\.log$/;
const DELAY_LINE = /editor event-loop delay during training \(([\d.]+) s, sampled every (\d+) ms\): p50 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms/;
const ENDED_LINE = /training ended \(([\w-]+)\) after (\d+) steps, ([\d.]+) s/;
const PANEL_LINE = new RegExp('editor event-loop delay while the panel was open \\(([\\d.]+) s, sampled every (\\d+) ms\\): '
  + 'p50 ([\\d.]+) ms, p99 ([\\d.]+) ms, max ([\\d.]+) ms; insides: (\\d+) answered, (\\d+) abandoned, (\\d+) slices, longest slice ([\\d.]+) ms');

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

export interface PanelDelay {
  /** The line as the output channel shows it. */
  line: string;
  /** The measured window (from opening the panel to closing it), in seconds. */
  windowSeconds: number;
  resolutionMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Insides requests answered and given up (superseded), their slices and the longest one. */
  answered: number;
  abandoned: number;
  slices: number;
  longestSliceMs: number;
}

/** Waits for the report of the panel that was just closed in the session whose logs are under `logDir`. */
export async function readPanelDelay(logDir: string, timeoutMs = 15_000): Promise<PanelDelay> {
  const d = await waitForLogLine(logDir, CHANNEL_LOG, PANEL_LINE, timeoutMs);
  const n = d.slice(1).map(Number);
  return {
    line: d[0], windowSeconds: n[0], resolutionMs: n[1], p50Ms: n[2], p99Ms: n[3], maxMs: n[4],
    answered: n[5], abandoned: n[6], slices: n[7], longestSliceMs: n[8],
  };
}

/** Writes the figures, with the machine's load when they were taken, to test-output/<name>.json. */
export function saveEventLoopDelay(name: string, delay: TrainingDelay | PanelDelay, extra: Record<string, unknown>): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const path = join(OUTPUT_DIR, `${name}.json`);
  const machine = { cpus: cpus().length, loadavg1m5m15m: loadavg().map((l) => Number(l.toFixed(2))) };
  writeFileSync(path, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...delay, ...extra, machine }, null, 2)}\n`);
  return path;
}
