import { CommanderError } from 'commander';
import { CorpusError } from '../core/data/corpus';
import { OutputPathError } from '../core/io/output-path';
import { ModelFileError } from '../core/io/safetensors';
import { TrainError } from '../core/train/trainer';

/** Exit codes: 1 for a failure the user can fix, 2 for a malformed command line (as POSIX tools do). */
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** 128 + SIGINT(2): what a shell reports for a program stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

/** An expected failure: its message is shown as is, without a stack. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = EXIT_FAILURE) {
    super(message);
    this.name = 'CliError';
  }
}

export function usageError(message: string): CliError {
  return new CliError(message, EXIT_USAGE);
}

/** Collapses a message onto one line, so every failure is exactly one line of stderr. */
export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Writes one `char-lstm: …` line for `error` to `stderr` and returns the exit code.
 * Expected failures (bad input, bad files) show their message; anything else is a bug, shown
 * with a hint, and its stack only when CHAR_LSTM_DEBUG is set.
 */
export function reportError(error: unknown, stderr: { write(s: string): unknown }, env = process.env): number {
  const debug = Boolean(env.CHAR_LSTM_DEBUG);
  if (error instanceof CommanderError) {
    // Help and --version end parsing through the same path, successfully.
    if (error.exitCode === 0) return 0;
    // Help was shown instead of running anything (no command given): it already explains.
    if (error.code === 'commander.help') return EXIT_USAGE;
    stderr.write(`char-lstm: ${oneLine(error.message.replace(/^error: /, ''))}\n`);
    return EXIT_USAGE;
  }
  const expected = expectedMessage(error);
  if (expected !== null) {
    stderr.write(`char-lstm: ${oneLine(expected)}\n`);
    if (debug && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
    return error instanceof CliError ? error.exitCode : EXIT_FAILURE;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`char-lstm: internal error: ${oneLine(message)}`
    + (debug ? '\n' : ' (run with CHAR_LSTM_DEBUG=1 for details)\n'));
  if (debug && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  return EXIT_FAILURE;
}

/** The user-facing message of an expected failure, or null for a bug. */
function expectedMessage(error: unknown): string | null {
  if (error instanceof CliError || error instanceof CorpusError || error instanceof ModelFileError
    || error instanceof TrainError || error instanceof OutputPathError) return error.message;
  // Operating-system failures (no such file, permission denied, disk full) come from the
  // user's environment, not from a bug: Node's message names the call and the path.
  const e = error as NodeJS.ErrnoException | undefined;
  if (e instanceof Error && typeof e.code === 'string' && typeof e.syscall === 'string') return e.message;
  return null;
}
