// The extension host's event-loop delay during a training, and while the panel was open, as the
// extension reports it in its "Char LSTM" output channel (src/extension/event-loop-delay.ts),
// read back from the log file VS Code keeps of that channel and saved next to the screenshots.
import { writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { OUTPUT_DIR } from './editor';
import { waitForLogLine } from './logs';

const CHANNEL_LOG = /Char LSTM\.log$/;
// The fields both reports share: "(<window> s, sampled every <resolution> ms): p50 <> ms, p99 <> ms, max <> ms".
const WINDOW = String.raw`\(([\d.]+) s, sampled every (\d+) ms\): p50 ([\d.]+) ms, p99 ([\d.]+) ms, max ([\d.]+) ms`;
const DELAY_LINE = new RegExp(`editor event-loop delay during training ${WINDOW}`);
const ENDED_LINE = /training ended \(([\w-]+)\) after (\d+) steps, ([\d.]+) s/;
const PANEL_LINE = new RegExp(`editor event-loop delay while the panel was open ${WINDOW}`
  + String.raw`; insides: (\d+) answered, (\d+) abandoned, (\d+) slices, longest slice ([\d.]+) ms`);

/** One event-loop delay report: the measured window and its percentiles. */
export interface DelayWindow {
  /** The line as the output channel shows it. */
  line: string;
  /** The measured window, in seconds. */
  windowSeconds: number;
  resolutionMs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The window fields of a match of WINDOW at groups 1-5; the numbers after them, in order. */
function parseWindow(match: RegExpMatchArray): { window: DelayWindow; rest: number[] } {
  const n = match.slice(1).map(Number);
  return { window: { line: match[0], windowSeconds: n[0], resolutionMs: n[1], p50Ms: n[2], p99Ms: n[3], maxMs: n[4] }, rest: n.slice(5) };
}

/** A training's report; its window runs from the request to the worker's last message. */
export interface TrainingDelay extends DelayWindow {
  /** How the trainer said the run ended, and its own training time in seconds (reading excluded). */
  endReason: string;
  steps: number;
  trainingSeconds: number;
}

/** Waits for the report of the training that just ended in the session whose logs are under `logDir`. */
export async function readTrainingDelay(logDir: string, timeoutMs = 15_000): Promise<TrainingDelay> {
  const { window } = parseWindow(await waitForLogLine(logDir, CHANNEL_LOG, DELAY_LINE, timeoutMs));
  const e = await waitForLogLine(logDir, CHANNEL_LOG, ENDED_LINE, timeoutMs);
  return { ...window, endReason: e[1], steps: Number(e[2]), trainingSeconds: Number(e[3]) };
}

/** A panel's report; its window runs from opening the panel to closing it. */
export interface PanelDelay extends DelayWindow {
  /** Insides requests answered and given up (superseded), their slices and the longest one. */
  answered: number;
  abandoned: number;
  slices: number;
  longestSliceMs: number;
}

/** Waits for the report of the panel that was just closed in the session whose logs are under `logDir`. */
export async function readPanelDelay(logDir: string, timeoutMs = 15_000): Promise<PanelDelay> {
  const { window, rest } = parseWindow(await waitForLogLine(logDir, CHANNEL_LOG, PANEL_LINE, timeoutMs));
  return { ...window, answered: rest[0], abandoned: rest[1], slices: rest[2], longestSliceMs: rest[3] };
}

/** Writes the figures, with the machine's load when they were taken, to test-output/<name>.json. */
export function saveEventLoopDelay(name: string, delay: TrainingDelay | PanelDelay, extra: Record<string, unknown>): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  const path = join(OUTPUT_DIR, `${name}.json`);
  const machine = { cpus: cpus().length, loadavg1m5m15m: loadavg().map((l) => Number(l.toFixed(2))) };
  writeFileSync(path, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...delay, ...extra, machine }, null, 2)}\n`);
  return path;
}
