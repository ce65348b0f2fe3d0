/**
 * The temp files of atomic writes: `<target>.<pid>.<12 hex>.tmp`, beside the target (same
 * filesystem, so the final rename is atomic). This process's live ones are tracked so that a
 * signal or an exit can remove them; those left by a process that no longer runs (SIGKILL,
 * a crash, power loss) are swept before the next write beside them.
 */
import { randomBytes } from 'crypto';
import { promises as fs, rmSync } from 'fs';
import * as path from 'path';

const live = new Set<string>();

/** A fresh temp name beside `target`, tracked until `releaseTemp`. */
export function claimTemp(target: string): string {
  const temp = `${target}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  live.add(temp);
  return temp;
}

/** The temp file was renamed or removed: no longer ours to clean up. */
export function releaseTemp(temp: string): void {
  live.delete(temp);
}

/**
 * Removes this process's temp files now, synchronously: for `process.on('exit')` and signal
 * handlers, where nothing asynchronous runs any more. A write still in flight loses its file
 * and fails; its target is untouched.
 */
export function removeLiveTemps(): void {
  for (const temp of live) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Nothing more can be done on the way out; the next write beside it sweeps it.
    }
  }
  live.clear();
}

/** Matches `<name>.<pid>.<12 hex>.tmp` and captures the pid. */
function tempPattern(name: string): RegExp {
  return new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.[0-9a-f]{12}\\.tmp$`);
}

/** Whether a process with this id runs (one we may not signal, EPERM, runs too). */
function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temp files of `target` left by processes that no longer run; returns their
 * paths. Never throws: a folder that cannot be listed has nothing we could remove either.
 * (A pid of another PID namespace writing into the same folder would read as not running.)
 */
export async function sweepStaleTemps(target: string): Promise<string[]> {
  const folder = path.dirname(target);
  const pattern = tempPattern(path.basename(target));
  const names = await fs.readdir(folder).catch(() => [] as string[]);
  const swept: string[] = [];
  for (const name of names) {
    const pid = pattern.exec(name)?.[1];
    if (pid === undefined || isRunning(Number(pid))) continue;
    const stale = path.join(folder, name);
    // Only plain files: a folder or link of that name is not one of our temp files.
    const stat = await fs.lstat(stale).catch(() => null);
    if (!stat?.isFile()) continue;
    if (await fs.rm(stale, { force: true }).then(() => true, () => false)) swept.push(stale);
  }
  return swept;
}
