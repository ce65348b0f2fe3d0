// What every e2e test file needs around the harness: the tools installed, a VSIX of the current
// build, and a VS Code per test that reports its logs when the test fails.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, type TestContext } from 'node:test';
import { ROOT, screenshot, startVsCode, statusBarText, type StartOptions, type VsCode } from './harness';

export const WORKSPACE = join(ROOT, 'test/fixtures/workspace');

/**
 * Runs scripts/e2e-setup.sh (seconds once done), rebuilds dist/ if a source is newer than the
 * bundles, and packages a VSIX into a temporary folder so a test never installs a stale one.
 */
export function prepareVsix(): string {
  execFileSync('bash', [join(ROOT, 'scripts/e2e-setup.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const bundle = join(ROOT, 'dist/extension.js');
  const page = join(ROOT, 'dist/webview.js');
  const stale = (out: string, ...dirs: string[]) => !existsSync(out) || Math.max(...dirs.map((d) => newestMtime(join(ROOT, d)))) > statSync(out).mtimeMs;
  // The panel's page is built from webview/ and the protocol under src/.
  if (stale(bundle, 'src') || stale(page, 'src', 'webview')) {
    execFileSync('node', ['esbuild.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const vsix = join(mkdtempSync(join(tmpdir(), 'char-lstm-vsix-')), 'char-lstm.vsix');
  execFileSync(join(ROOT, 'node_modules/.bin/vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '-o', vsix], { cwd: ROOT, stdio: 'pipe' });
  return vsix;
}

/**
 * One VSIX for all the tests of the calling file: packaged in its `before` hook, removed in its
 * `after` hook. Returns the VSIX's path (call it from a test, once `before` has run).
 */
export function vsixForThisFile(): () => string {
  let vsix = '';
  before(() => {
    vsix = prepareVsix();
  }, { timeout: 600_000 });
  after(() => {
    if (vsix) rmSync(dirname(vsix), { recursive: true, force: true });
  });
  return () => vsix;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/**
 * A fresh VS Code on a copy of the fixture workspace (or `start.workspace`) for `fn`; a screenshot
 * named `name` in test-output/ either way, and on failure the status bar, server output and every log.
 */
export async function withVsCode(t: TestContext, name: string, vsix: string, settings: Record<string, unknown>,
  fn: (vs: VsCode) => Promise<void>, start: Partial<StartOptions> = {}): Promise<void> {
  const started = Date.now();
  const vs = await startVsCode({ workspace: WORKSPACE, settings, vsix, ...start });
  t.diagnostic(`VS Code ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  try {
    await fn(vs);
    await screenshot(vs.page, name);
  } catch (e) {
    await screenshot(vs.page, `${name}-failure`).catch(() => undefined);
    const status = await statusBarText(vs.page).catch(() => '?');
    console.error(`--- ${name} failed; status bar: ${JSON.stringify(status)}; screenshot test-output/${name}-failure.png ---\n`
      + `${vs.logs.slice(-60).join('\n')}\n--- logs under ${vs.logDir} ---\n${vs.readLogs()}`);
    throw e;
  } finally {
    await vs.stop();
    t.diagnostic(`${name}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

/** Where the extension keeps files for the open workspace (context.storageUri). */
export function workspaceStorage(vs: VsCode, extensionId = 'char-lstm.char-lstm'): string[] {
  const root = join(vs.userDataDir, 'User/workspaceStorage');
  if (!existsSync(root)) return [];
  return readdirSync(root).map((d) => join(root, d, extensionId)).filter((d) => existsSync(d));
}

/** The default model the running VS Code's copy of the extension loads. */
export const defaultModel = (vs: VsCode): string => join(installedExtension(vs), 'models/default.safetensors');

/** The installed copy of the extension, whose default model the running VS Code loads. */
export function installedExtension(vs: VsCode, extensionId = 'char-lstm.char-lstm'): string {
  const dir = readdirSync(vs.extensionsDir).find((d) => d.startsWith(`${extensionId}-`));
  if (!dir) throw new Error(`${extensionId} is not installed in ${vs.extensionsDir}`);
  return join(vs.extensionsDir, dir);
}
