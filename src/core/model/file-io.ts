import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import { ModelFileError } from './safetensors';

/** A char-level model is a few MiB; beyond this the file is not ours (and Buffer limits loom). */
const MAX_MODEL_FILE_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * Writes `bytes` to `path` so that readers see the old file or the new one, never
 * a mix: a temp file in the same folder (same filesystem, so rename is atomic),
 * fsynced before the rename so a crash cannot leave the new name on empty data.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
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
  }
}

/** The bytes of a model file; a missing file, a folder, or an absurdly large file is a ModelFileError. */
export async function readModelBytes(path: string): Promise<Uint8Array> {
  const handle = await fs.open(path, 'r').catch((error) => { throw describeReadError(path, error); });
  try {
    // Checked on the open handle, so the size read is the size of the file we read.
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new ModelFileError(`${path} is a folder, not a model file`);
    if (stat.size > MAX_MODEL_FILE_BYTES) {
      throw new ModelFileError(`${path} is too large to be a model file: ${stat.size} bytes (limit 2 GiB)`);
    }
    return await handle.readFile();
  } catch (error) {
    throw describeReadError(path, error);
  } finally {
    await handle.close();
  }
}

function describeReadError(path: string, error: unknown): ModelFileError {
  if (error instanceof ModelFileError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new ModelFileError(`model file not found: ${path}`);
  if (code === 'EISDIR') return new ModelFileError(`${path} is a folder, not a model file`);
  return new ModelFileError(`cannot read model file ${path}: ${code ?? String(error)}`);
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
