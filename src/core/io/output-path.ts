/**
 * Checks a path a command is about to write (a model, a run checkpoint) before any work, so a
 * run fails in its first second with a line naming the user's path, not at its first save with
 * errno text naming a temp file, and never replaces what it reads, a device or a FIFO.
 */
import { promises as fs, type Stats } from 'fs';
import * as path from 'path';
import { claimTemp, releaseTemp, sweepStaleTemps } from './temp-files';

/** A path that cannot or must not be written; the message names it as the user spelled it. */
export class OutputPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputPathError';
  }
}

/** Whether a file with content is there now (an empty one has nothing to lose: it counts as absent). */
export type OutputState = 'absent' | 'file';

/**
 * Throws OutputPathError unless `file` can be written as a regular file by an atomic rename:
 * named (not "" nor ending in a separator), not a folder, device, FIFO or socket, not one of
 * `inputs` (the files the command reads, by any path to them: hard and symbolic links too),
 * in a folder that exists and takes a new file (probed by creating one: `access()` says yes to
 * root on /proc). `what` names it in messages, e.g. "--out m.safetensors". Sweeps stale temp
 * files of killed runs beside it.
 */
export async function checkOutputPath(file: string, what: string, inputs: readonly string[]): Promise<OutputState> {
  if (file === '') throw new OutputPathError(`${what.trim()} is empty: name a file, e.g. model.safetensors`);
  if (/[\\/]$/.test(file)) throw new OutputPathError(`${what} names a folder; name a file, e.g. ${path.join(file, 'model.safetensors')}`);
  const entry = await fs.lstat(file).catch(() => null);
  // A symbolic link is replaced by the rename, not written through; what it points to is checked too.
  const target = entry?.isSymbolicLink() ? await fs.stat(file).catch(() => null) : entry;
  if (target?.isDirectory()) throw new OutputPathError(`${what} is a folder; name a file, e.g. ${path.join(file, 'model.safetensors')}`);
  if (target && !target.isFile()) {
    throw new OutputPathError(`${what} is ${describeKind(target)}, not a regular file: a model is written as a file of its own; name one, e.g. model.safetensors`);
  }
  if (entry) {
    const input = await inputAt([entry, target], inputs);
    if (input !== null) {
      throw new OutputPathError(`${what} is ${input === file ? 'one of the files this command reads' : `the file this command reads as ${input}`}: `
        + 'writing there would replace it; name another file');
    }
  }
  await checkFolder(file, what);
  await sweepStaleTemps(file);
  return target?.isFile() && target.size > 0 ? 'file' : 'absent';
}

/** Whether `a` and `b` name the same existing file, by any path. */
export async function isSameFile(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([fs.stat(a).catch(() => null), fs.stat(b).catch(() => null)]);
  return x !== null && y !== null && x.dev === y.dev && x.ino === y.ino;
}

/** The first of `inputs` that is the same file as one of `stats` (device and inode), or null. */
async function inputAt(stats: (Stats | null)[], inputs: readonly string[]): Promise<string | null> {
  const keys = new Set(stats.filter((s): s is Stats => s !== null).map((s) => `${s.dev}:${s.ino}`));
  for (const input of inputs) {
    const stat = await fs.stat(input).catch(() => null);
    if (stat && keys.has(`${stat.dev}:${stat.ino}`)) return input;
  }
  return null;
}

async function checkFolder(file: string, what: string): Promise<void> {
  const folder = path.dirname(file);
  const stat = await fs.stat(folder).catch((e: NodeJS.ErrnoException) => e);
  if (stat instanceof Error) {
    const why = stat.code === 'ENOENT' ? 'does not exist' : stat.code === 'ENOTDIR' ? 'is inside a file, not a folder' : `cannot be read (${stat.code})`;
    throw new OutputPathError(`cannot write ${what}: the folder ${folder} ${why}`);
  }
  if (!stat.isDirectory()) throw new OutputPathError(`cannot write ${what}: ${folder} is a file, not a folder`);
  const probe = claimTemp(file);
  try {
    await (await fs.open(probe, 'wx')).close();
    await fs.rm(probe, { force: true });
  } catch (e) {
    await fs.rm(probe, { force: true }).catch(() => undefined);
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'EROFS' ? 'it is on a read-only file system'
        : code === 'ENOSPC' || code === 'EDQUOT' ? 'the disk is full'
          : 'it does not take new files';
    throw new OutputPathError(`cannot write ${what}: no file can be created in the folder ${folder}: ${why}${code ? ` (${code})` : ''}`);
  } finally {
    releaseTemp(probe);
  }
}

function describeKind(stat: Stats): string {
  return stat.isFIFO() ? 'a FIFO (named pipe)' : stat.isCharacterDevice() ? 'a character device'
    : stat.isBlockDevice() ? 'a block device' : stat.isSocket() ? 'a socket' : 'not a regular file';
}
