/**
 * Ctrl-C (SIGINT) and SIGTERM for every command: the running command may claim them (train
 * stops and keeps its best model); otherwise the process ends at once with 128 + the signal's
 * number, as a shell reports a program a signal stopped. Either way, and on every exit, the
 * temp files of atomic writes still being written are removed, so none is left behind.
 */
import { constants } from 'os';
import { removeLiveTemps } from '../core/io/temp-files';

export type InterruptSignal = 'SIGINT' | 'SIGTERM';
type Handler = (signal: InterruptSignal) => void;

let claimed: Handler | null = null;

/** 130 for SIGINT, 143 for SIGTERM. */
export function exitCodeFor(signal: InterruptSignal): number {
  return 128 + constants.signals[signal];
}

/** Installed once, by main, before a command runs. */
export function handleInterrupts(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => (claimed ? claimed(signal) : process.exit(exitCodeFor(signal))));
  }
  process.on('exit', removeLiveTemps);
}

/** Sends both signals to `handler` until the returned function is called. */
export function claimInterrupts(handler: Handler): () => void {
  claimed = handler;
  return () => {
    if (claimed === handler) claimed = null;
  };
}
