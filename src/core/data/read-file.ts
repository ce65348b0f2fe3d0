/**
 * Reads one file of a corpus, bounded: opened without following a link or blocking (a FIFO
 * that replaced a file after the walk is refused, not waited on), its size taken from the open
 * handle before anything is read, and never more than the limit + 1 bytes read, so a file that
 * grows while being read is 'too-large', not a memory spike.
 */
import { constants, promises as fs } from 'fs';
import { fileKind } from '../files/file-kind';
import { formatBytes, type SkipReason } from './left-out';
import { decodeBytes, type TextEncoding } from './text-decoding';

/**
 * Opening never blocks (a FIFO would wait for a writer) and, for a walked file, never follows a
 * link that replaced it after the walk. Where a flag does not exist (Windows) it is 0.
 */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

export type ReadResult = { text: string; encoding: TextEncoding } | { reason: SkipReason; detail?: string };

/** The file's text, or why it cannot be used. `limitName` names `limit` in the report ("limit", "total limit"). */
export async function readText(file: string, limit: number, limitName: string, followLinks: boolean): Promise<ReadResult> {
  let bytes: Buffer;
  try {
    const handle = await fs.open(file, OPEN_FLAGS | (followLinks ? 0 : NO_FOLLOW));
    try {
      // From the open handle: what is read is what was checked, even if the path changed since the walk.
      const stat = await handle.stat();
      if (!stat.isFile()) return { reason: 'unreadable', detail: `no longer a file: now ${fileKind(stat)}` };
      if (stat.size > limit) return { reason: 'too-large', detail: `${formatBytes(stat.size)} > ${formatBytes(limit)} ${limitName}` };
      const read = await readAtMost(handle, stat.size, limit);
      if (read === null) return { reason: 'too-large', detail: `grew past the ${formatBytes(limit)} ${limitName} while being read` };
      bytes = read;
    } finally {
      await handle.close().catch(() => undefined);
    }
  } catch (error) {
    return failure(error);
  }
  return decodeBytes(bytes);
}

/** The handle's bytes, or null if there are more than `limit` (never reading more than limit + 1). */
async function readAtMost(handle: fs.FileHandle, statSize: number, limit: number): Promise<Buffer | null> {
  // One byte more than the stat said, to see growth; grown by doubling, up to limit + 1.
  let buffer = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(statSize + 1, 4096)));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > limit) return null;
      const bigger = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
      buffer.copy(bigger, 0, 0, length);
      buffer = bigger;
    }
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  return length > limit ? null : buffer.subarray(0, length);
}

/** Why a path that was there during the walk could not be read. */
export function failure(error: unknown): { reason: SkipReason; detail: string } {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return { reason: 'vanished', detail: 'deleted after the folder was listed' };
    case 'ELOOP': return { reason: 'unreadable', detail: 'replaced by a symlink, not followed' };
    case 'EISDIR': return { reason: 'unreadable', detail: 'no longer a file: now a folder' };
    case 'ENOTDIR': return { reason: 'unreadable', detail: 'no longer a folder' };
    default: return { reason: 'unreadable', detail: code ?? String((error as Error)?.message ?? error) };
  }
}
