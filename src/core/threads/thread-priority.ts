import { setPriority } from 'node:os';

/**
 * Nice 19 for this thread only (training, or learning what is typed), so the editor (the
 * extension host's own thread at nice 0, and the windows and language servers beside it) wins
 * the CPU whenever it wants it; this thread takes the rest. At nice 10 the extension host's event loop still lagged 51 ms at p99 while typing on 2
 * busy cores (e2e); 19 gives the editor ~98% of a contended core against ~90%.
 * On Linux a thread's nice value is its own: setPriority(19) means pid 0, which
 * libuv passes to setpriority(PRIO_PROCESS, 0, 19), and Linux applies that to the calling thread;
 * threads this one starts later (data-parallel peers) inherit it. Elsewhere the same call would
 * lower the whole extension host (Windows sets the process's priority class, macOS the
 * process's nice value), so it is made on Linux only; where it is refused, the thread runs as is.
 */
export function lowerThisThreadsPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    setPriority(19); // the lowest priority
  } catch {
    // Not permitted here: run at normal priority.
  }
}
