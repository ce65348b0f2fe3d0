import type { Output } from './progress';

/**
 * What a closed stdout (EPIPE: `char-lstm … | head` after head has had its lines) means. For a
 * command whose work is its output (`sample`, `info`, `eval`) the output is done: exit 0,
 * quietly. `train`'s work is the model: it claims the closure (`stdoutUntilClosed`) and goes on.
 */
let claimedBy: (() => void) | null = null;
let closed = false;

/** Installs the rule on process.stdout; main.ts calls it once. */
export function handleStdoutClosing(): void {
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    if (closed) return;
    closed = true;
    if (claimedBy) claimedBy();
    else process.exit(0);
  });
}

/**
 * process.stdout for output that is not the command's work (train's JSON events): once stdout
 * has closed, writes are dropped, and `onClosed` is called once, instead of the process exiting.
 */
export function stdoutUntilClosed(onClosed: () => void): Output {
  claimedBy = onClosed;
  return { write: (chunk: string) => closed ? false : process.stdout.write(chunk) };
}
