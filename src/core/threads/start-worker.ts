import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import * as path from 'node:path';

/**
 * Starts a worker thread from its bundle, `bundle` (a file name esbuild writes into dist/, beside
 * the bundle that is running: extension, training worker, CLI, bench), or, when the code runs
 * from source (tests under tsx), from `source` (an absolute .ts path) through tsx's require hook.
 *
 * This file's own directory tells the two apart: bundled, it is dist/; from source it is
 * src/core/threads/, where no bundle lies.
 */
export function startWorker(bundle: string, source: string): Worker {
  const bundled = path.join(__dirname, bundle);
  if (existsSync(bundled)) return new Worker(bundled);
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { eval: true });
}
