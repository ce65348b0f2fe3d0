/**
 * Reads a file a person named (a model, a run checkpoint, a weight shard, a vocabulary) without
 * hanging and without reading more than it holds:
 * - anything but a regular file is refused before it is opened: a FIFO blocks open() until a
 *   writer comes, which may be never, and a device such as /dev/zero never ends. The path is
 *   stat'ed first so that the refusal can say what it is ("a FIFO", "a device").
 * - it is opened with O_NONBLOCK, so a FIFO swapped in after the stat is refused, not waited on
 *   (the flag changes nothing for a regular file), and the open handle is fstat'ed again: what is
 *   read is what was checked.
 * - at most fstat's size + 1 bytes are read: a file that grows while it is read is an error, not
 *   a memory spike.
 */
import { constants, promises as fs } from 'fs';
import { fileKind } from './file-kind';

/** O_NONBLOCK does not exist on Windows (0 there); FIFOs are not files there either. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export type UnreadableReason = 'missing' | 'not-a-file' | 'too-large' | 'changed' | 'unreadable';

/**
 * Why a path could not be read. `detail` is a few words for a message: "a FIFO" (not-a-file),
 * "3000000000 bytes" (too-large), an errno code (unreadable).
 */
export class UnreadableFile extends Error {
  constructor(readonly path: string, readonly reason: UnreadableReason, readonly detail: string) {
    super(`${path}: ${reason}: ${detail}`);
    this.name = 'UnreadableFile';
  }
}

/** The bytes of the regular file at `path`, at most `maxBytes` of them; anything else is an UnreadableFile. */
export async function readRegularFile(path: string, maxBytes: number): Promise<Buffer> {
  const refuse = (reason: UnreadableReason, detail: string) => new UnreadableFile(path, reason, detail);
  const describe = (error: unknown): UnreadableFile => {
    if (error instanceof UnreadableFile) return error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return refuse('missing', 'not found');
    if (code === 'EISDIR') return refuse('not-a-file', 'a folder');
    return refuse('unreadable', code ?? String(error));
  };
  const before = await fs.stat(path).catch((error) => { throw describe(error); });
  if (!before.isFile()) throw refuse('not-a-file', fileKind(before));
  const handle = await fs.open(path, OPEN_FLAGS).catch((error) => { throw describe(error); });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw refuse('not-a-file', fileKind(stat));
    if (stat.size > maxBytes) throw refuse('too-large', `${stat.size} bytes`);
    // One byte more than fstat said, to see a file that grows under us.
    const buffer = Buffer.allocUnsafe(stat.size + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) throw refuse('changed', `grew past its ${stat.size} bytes while being read`);
    }
    return buffer.subarray(0, length);
  } catch (error) {
    throw describe(error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}
