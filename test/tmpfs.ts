// Real "disk full" and "read-only" file systems for tests: a small tmpfs, mounted where the test
// runs as root with mount permitted (CI, this machine), else null so the test can skip saying why.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Tmpfs {
  dir: string;
  /** Remounts it read-only: every write fails with EROFS, root's included. */
  readOnly(): void;
  unmount(): void;
}

/** A tmpfs of `kib` KiB, or the reason there cannot be one here. */
export function mountTmpfs(kib: number): Tmpfs | string {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return 'mounting a tmpfs needs root on Linux';
  const dir = mkdtempSync(join(tmpdir(), 'char-lstm-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    return `mount refused: ${String((e as { stderr?: Buffer }).stderr ?? e).trim()}`;
  }
  let mounted = true;
  return {
    dir,
    readOnly: () => execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' }),
    unmount: () => {
      if (mounted) execFileSync('umount', [dir], { stdio: 'pipe' });
      mounted = false;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
