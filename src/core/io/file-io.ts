import { promises as fs } from 'fs';
import { readRegularFile, UnreadableFile } from '../files/read-regular-file';
import { ModelFileError } from './safetensors';
import { claimTemp, releaseTemp, sweepStaleTemps } from './temp-files';

/** A char-level model is a few MiB; beyond this the file is not ours (and Buffer limits loom). */
const MAX_MODEL_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Writes `bytes` to `path` so that readers see the old file or the new one, never
 * a mix: a temp file in the same folder (same filesystem, so rename is atomic),
 * fsynced before the rename so a crash cannot leave the new name on empty data.
 * The temp file is tracked (temp-files.ts) so a signal or an exit removes it, and
 * stale ones of `path` left by killed processes are swept before the first write.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  if (!swept.has(path)) {
    swept.add(path);
    await sweepStaleTemps(path);
  }
  const temp = claimTemp(path);
  try {
    const handle = await fs.open(temp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, path);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw error;
  } finally {
    releaseTemp(temp);
  }
}

/** Targets whose stale temp files this process has swept already. */
const swept = new Set<string>();

/**
 * The bytes of a model file. Anything but a regular file of at most 2 GiB is a ModelFileError
 * naming the path and what it is, before a byte is read: a FIFO would block for ever, /dev/zero
 * would fill memory (see readRegularFile). The safetensors header is not used to bound the read:
 * the file's own size already does, and the decoder checks every claim of the header against it.
 */
export async function readModelBytes(path: string): Promise<Uint8Array> {
  return readRegularFile(path, MAX_MODEL_FILE_BYTES).catch((error) => { throw describeReadError(error); });
}

function describeReadError(error: unknown): unknown {
  if (!(error instanceof UnreadableFile)) return error;
  const { path, reason, detail } = error;
  switch (reason) {
    case 'missing': return new ModelFileError(`model file not found: ${path}`);
    case 'not-a-file': return new ModelFileError(`${path} is ${detail}, not a model file`);
    case 'too-large': return new ModelFileError(`${path} is too large to be a model file: ${detail} (limit 2 GiB)`);
    case 'changed': return new ModelFileError(`${path} ${detail}: is something still writing it?`);
    case 'unreadable': return new ModelFileError(`cannot read model file ${path}: ${detail}`);
  }
}

/** One line for a file that could not be written or moved, naming the usual causes in words. */
export function describeWriteError(path: string, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full'
    : code === 'EROFS' ? 'the folder is on a read-only file system'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
        : code === 'ENOENT' || code === 'ENOTDIR' ? 'its folder does not exist'
          : (error as Error).message ?? String(error);
  return `${path}: ${why}${code ? ` (${code})` : ''}`;
}
