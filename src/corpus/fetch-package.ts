/**
 * Brings a pinned package's files onto disk, once: npm tarballs through `npm pack`, Debian
 * packages through `apt-get download` and `dpkg-deb -x` (nothing is installed). What was
 * fetched is kept in the cache folder, so a second build reads no network.
 */
import { execFile } from 'child_process';
import { promises as fs } from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import type { Origin } from './sources';

const run = promisify(execFile);

/** A fetch that failed for a reason the person building can act on. */
export class FetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FetchError';
  }
}

/** The folder holding the package's files (a `file` origin: the repository root). */
export type Fetcher = (origin: Origin) => Promise<string>;

export function cachedFetcher(cacheDir: string, repoRoot: string): Fetcher {
  return async (origin) => {
    if (origin.kind === 'file') return repoRoot;
    const dir = path.join(cacheDir, origin.kind, `${origin.name.replace('/', '+')}@${origin.version}`);
    if (await exists(path.join(dir, '.complete'))) return dir;
    await fs.rm(dir, { recursive: true, force: true });
    await fs.mkdir(dir, { recursive: true });
    if (origin.kind === 'npm') await fetchNpm(origin.name, origin.version, dir);
    else await fetchDeb(origin.name, origin.version, dir);
    await fs.writeFile(path.join(dir, '.complete'), '');
    return dir;
  };
}

async function fetchNpm(name: string, version: string, dir: string): Promise<void> {
  const spec = `${name}@${version}`;
  const { stdout } = await tool('npm', ['pack', spec, '--silent', '--pack-destination', dir], dir, spec);
  const tarball = path.join(dir, stdout.trim().split('\n').pop()!);
  // npm tarballs hold one top folder (usually `package/`, not always).
  await tool('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1', '--no-same-owner'], dir, spec);
  await fs.rm(tarball);
}

async function fetchDeb(name: string, version: string, dir: string): Promise<void> {
  const spec = `${name}=${version}`;
  await tool('apt-get', ['download', '-q', spec], dir, spec);
  const deb = (await fs.readdir(dir)).find((f) => f.endsWith('.deb'));
  if (!deb) throw new FetchError(`apt-get download ${spec} wrote no .deb`);
  await tool('dpkg-deb', ['-x', deb, '.'], dir, spec);
  await fs.rm(path.join(dir, deb));
}

async function tool(cmd: string, args: string[], cwd: string, spec: string): Promise<{ stdout: string }> {
  try {
    return await run(cmd, args, { cwd, maxBuffer: 16 * 1024 * 1024 });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new FetchError(`${cmd} is not installed: it is needed to fetch ${spec}`);
    const said = (err.stderr ?? err.message).trim().split('\n').filter((l) => !l.startsWith('W:')).slice(-2).join(' ');
    throw new FetchError(`cannot fetch ${spec} (${cmd} ${args[0]}): ${said}`);
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}
