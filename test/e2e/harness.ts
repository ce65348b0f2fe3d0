// Drives a real VS Code (code-server from scripts/e2e-setup.sh) in Debian's chromium, as
// /work/shared/E2E.md describes. Each start gets scratch folders so no run sees another's state.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { readLogs } from './logs';
import { BASE_SETTINGS } from '../vscode-settings';

export * from './editor';
export { readLogs, logFiles, waitForLogLine } from './logs';

export const ROOT = resolve(__dirname, '../..');
export const CODE_SERVER = join(ROOT, '.vscode-test/code-server/node_modules/.bin/code-server');


export interface StartOptions {
  /** Folder to open; it is copied first, so the original is never written. null: no folder. */
  workspace: string | null;
  settings?: Record<string, unknown>;
  /** VSIX to install before the server starts. */
  vsix?: string;
  /** A file of the workspace whose explorer row means the workbench is ready. */
  readyFile?: string;
}

export interface VsCode {
  page: Page;
  /** The copied workspace that is open. */
  workspace: string;
  /** Scratch folders of this run: VS Code's user data (settings, workspace storage) and extensions. */
  userDataDir: string;
  extensionsDir: string;
  /** code-server's logs, extension host's included (`<userData>/logs`). */
  logDir: string;
  /** What the server printed and what the page logged to its console. */
  logs: string[];
  /** Every log file under logDir, headed by its path, for a failure's report. */
  readLogs(): string;
  stop(): Promise<void>;
  /**
   * Kills the server and its extension hosts at once (SIGKILL, as a crash or a closed laptop
   * would) and starts VS Code again on the same user data, extensions and workspace; this
   * object then drives the new window.
   */
  restart(): Promise<void>;
}

interface Dirs {
  scratch: string;
  home: string;
  userData: string;
  extensions: string;
  profile: string;
  workspace: string | null;
}

export async function startVsCode(opts: StartOptions): Promise<VsCode> {
  const scratch = mkdtempSync(join(tmpdir(), 'char-lstm-e2e-'));
  const dirs: Dirs = {
    scratch,
    home: join(scratch, 'home'),
    userData: join(scratch, 'user-data'),
    extensions: join(scratch, 'extensions'),
    profile: join(scratch, 'browser'),
    workspace: opts.workspace === null ? null : join(scratch, basename(opts.workspace)),
  };
  for (const d of [dirs.home, dirs.extensions, dirs.profile, join(dirs.userData, 'User')]) mkdirSync(d, { recursive: true });
  if (opts.workspace !== null && dirs.workspace !== null) cpSync(opts.workspace, dirs.workspace, { recursive: true });
  writeFileSync(join(dirs.userData, 'User/settings.json'),
    JSON.stringify({ ...BASE_SETTINGS, ...opts.settings }, null, 2));
  if (opts.vsix) {
    const r = spawnSync(CODE_SERVER, [...commonArgs(dirs), '--install-extension', opts.vsix], { env: envFor(dirs), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`installing ${opts.vsix} failed:\n${r.stdout}\n${r.stderr}`);
  }
  return launch(dirs, opts);
}

function commonArgs(dirs: Dirs): string[] {
  return ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
}

/** So code-server writes nothing into the real home. */
function envFor(dirs: Dirs): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: join(dirs.home, '.config'),
    XDG_DATA_HOME: join(dirs.home, '.local/share'),
    XDG_CACHE_HOME: join(dirs.home, '.cache'),
  };
}

/**
 * Starts code-server and chromium on prepared folders. A restart passes the same `port`: the
 * browser's workspace id (and so the extension's storageUri) hashes the remote authority,
 * host:port included, as a desktop VS Code's hashes the folder alone.
 */
async function launch(dirs: Dirs, opts: StartOptions, port?: number): Promise<VsCode> {
  const logs: string[] = [];
  port ??= await freePort();
  // detached: setsid, so stop() can end the server and the extension hosts it leaves behind.
  const server = spawn(CODE_SERVER, [
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, ...commonArgs(dirs),
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
    '--disable-getting-started-override', ...(dirs.workspace ? [dirs.workspace] : []),
  ], { env: envFor(dirs), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (server.pid !== undefined) running.add(server.pid);
  server.stdout.on('data', (b: Buffer) => logs.push(`[server] ${b.toString().trimEnd()}`));
  server.stderr.on('data', (b: Buffer) => logs.push(`[server] ${b.toString().trimEnd()}`));

  let context: BrowserContext | undefined;
  const kill = async () => {
    await context?.close().catch(() => undefined);
    if (server.pid !== undefined) killGroup(server.pid);
  };
  const stop = async () => {
    await kill();
    // E2E_KEEP=1 leaves the scratch folder (logs, storage, workspace) for a look after a failure.
    if (process.env.E2E_KEEP) logs.push(`[harness] kept ${dirs.scratch}`);
    else rmSync(dirs.scratch, { recursive: true, force: true, maxRetries: 3 });
  };
  const restart = async () => {
    await kill();
    Object.assign(handle, await launch(dirs, opts, port));
  };
  let handle: VsCode;
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForHealth(`${base}/healthz`, 30_000, () => server.exitCode);
    context = await chromium.launchPersistentContext(dirs.profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
    });
    const page = context.pages()[0] ?? await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') logs.push(`[page ${m.type()}] ${m.text()}`);
    });
    page.on('pageerror', (e) => logs.push(`[page error] ${e.message}`));
    if (dirs.workspace) {
      await page.goto(`${base}/?folder=${encodeURIComponent(dirs.workspace)}`);
      const ready = opts.readyFile ?? 'shakespeare.txt';
      await page.locator(`.explorer-folders-view .monaco-list-row[aria-label*="${ready}"]`)
        .waitFor({ timeout: 60_000 });
    } else {
      // ew=true: an empty window, not the last folder.
      await page.goto(`${base}/?ew=true`);
      await page.locator('.statusbar').waitFor({ timeout: 60_000 });
    }
    const logDir = join(dirs.userData, 'logs');
    handle = {
      page, workspace: dirs.workspace ?? '', userDataDir: dirs.userData, extensionsDir: dirs.extensions,
      logDir, logs, readLogs: () => readLogs(logDir), stop, restart,
    };
    return handle;
  } catch (e) {
    const report = logs.join('\n');
    await stop();
    throw new Error(`${(e as Error).message}\n--- server output ---\n${report}`);
  }
}

// A test runner that ends early (a timeout, Ctrl-C) must not leave servers behind.
const running = new Set<number>();
process.on('exit', () => running.forEach((pid) => killGroup(pid)));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  // Without a handler Node dies on these without an 'exit' event; the servers live in their own session.
  process.once(signal, () => process.exit(130));
}

function killGroup(pid: number): void {
  running.delete(pid);
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? ok(addr.port) : fail(new Error('no port'))));
    });
  });
}

async function waitForHealth(url: string, timeout: number, exited: () => number | null): Promise<void> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (exited() !== null) throw new Error(`code-server exited with ${exited()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer within ${timeout} ms`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
