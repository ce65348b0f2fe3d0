// `npm run test:electron`: the end-to-end scenarios in a desktop VS Code that @vscode/test-electron
// downloads (into .vscode-test/) and starts with this folder as the extension under development.
// It bundles test/electron/suite.ts to dist/electron-suite.js (run by VS Code's extension host),
// opens a scratch copy of test/fixtures/workspace with scratch user data (greedy sampling), and
// exits non-zero when a scenario fails. Needs internet for the first download and, on Linux
// without a desktop, a display: `xvfb-run -a npm run test:electron`. Where VS Code cannot be
// downloaded, `npm test` runs the same scenarios in code-server (test/e2e/).
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import {
  downloadAndUnzipVSCode, runTests, ProgressReportStage, TestRunFailedError,
  type ProgressReport, type ProgressReporter,
} from '@vscode/test-electron';
import { BASE_SETTINGS } from '../vscode-settings';

const ROOT = resolve(__dirname, '../..');
const SUITE_SOURCE = join(ROOT, 'test/electron/suite.ts');
const SUITE_BUNDLE = join(ROOT, 'dist/electron-suite.js');
const FIXTURE_WORKSPACE = join(ROOT, 'test/fixtures/workspace');
/** Environment variable naming the user data folder, for the suite to find the workspace storage. */
const USER_DATA_ENV = 'CHAR_LSTM_TEST_USER_DATA_DIR';
/** A VS Code version ('stable', 'insiders', '1.100.0', ...); default: the newest stable that engines.vscode allows. */
const VERSION_ENV = 'CHAR_LSTM_VSCODE_VERSION';

const USER_SETTINGS: Record<string, unknown> = {
  'charLstm.sampling.strategy': 'greedy',
  // Ghost text stays while the window is not focused (as under xvfb); a hidden debugging setting.
  'editor.inlineSuggest.keepOnBlur': true,
  'chat.disableAIFeatures': true,
  ...BASE_SETTINGS,
};

class Failure extends Error {}

async function main(): Promise<void> {
  await bundleSuite();
  const vscodeExecutablePath = await downloadVsCode();

  const scratch = mkdtempSync(join(tmpdir(), 'clstm-'));
  const dirs = { workspace: join(scratch, 'workspace'), userData: join(scratch, 'ud'), extensions: join(scratch, 'ext') };
  cpSync(FIXTURE_WORKSPACE, dirs.workspace, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  mkdirSync(dirs.extensions, { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    console.warn('No DISPLAY: VS Code is likely to fail to start; run `xvfb-run -a npm run test:electron`.');
  }

  let ok = false;
  try {
    await runTests({
      vscodeExecutablePath,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: SUITE_BUNDLE,
      extensionTestsEnv: { [USER_DATA_ENV]: dirs.userData },
      launchArgs: [
        dirs.workspace,
        '--disable-extensions',
        '--disable-workspace-trust',
        `--user-data-dir=${dirs.userData}`,
        `--extensions-dir=${dirs.extensions}`,
      ],
    });
    ok = true;
  } catch (e) {
    if (e instanceof TestRunFailedError) {
      throw new Failure(`the end-to-end suite failed in VS Code (${e.message}); logs: ${join(dirs.userData, 'logs')}`);
    }
    throw e;
  } finally {
    // A failed run's user data (logs, workspace storage) and workspace are kept for a look.
    if (ok) rmSync(scratch, { recursive: true, force: true });
  }
}

/** dist/electron-suite.js: the suite and the core it compares with, `vscode` left to the extension host. */
async function bundleSuite(): Promise<void> {
  try {
    await esbuild.build({
      entryPoints: [SUITE_SOURCE],
      outfile: SUITE_BUNDLE,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      sourcemap: true,
      external: ['vscode'],
      logLevel: 'silent',
    });
  } catch (e) {
    const errors = (e as { errors?: esbuild.Message[] }).errors;
    if (!errors) throw e;
    const text = await esbuild.formatMessages(errors, { kind: 'error', color: false });
    throw new Failure(`${SUITE_SOURCE} did not bundle:\n${text.join('')}`);
  }
}

/** The VS Code executable, downloaded unless .vscode-test/ has it; a one-line Failure where it cannot be. */
async function downloadVsCode(): Promise<string> {
  try {
    return await downloadAndUnzipVSCode({
      version: process.env[VERSION_ENV] || undefined,
      extensionDevelopmentPath: ROOT,
      cachePath: join(ROOT, '.vscode-test'),
      reporter: new LineReporter(),
      timeout: 20_000,
    });
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Failure('VS Code could not be downloaded (no internet?): use `npm test`, whose end-to-end tests run in code-server.'
      + ` (${why})`);
  }
}

/** Download progress as a few plain lines (no spinner), and no stack traces: main() reports the error. */
class LineReporter implements ProgressReporter {
  private shownPercent = -1;

  report(r: ProgressReport): void {
    switch (r.stage) {
      case ProgressReportStage.ResolvedVersion: console.log(`VS Code ${r.version}`); break;
      case ProgressReportStage.FoundMatchingInstall: console.log(`using ${r.downloadedPath}`); break;
      case ProgressReportStage.Downloading: {
        const percent = r.totalBytes > 0 ? Math.floor((100 * r.bytesSoFar) / r.totalBytes / 25) * 25 : 0;
        if (percent > this.shownPercent) console.log(`downloading ${r.url}: ${percent}%`);
        this.shownPercent = Math.max(this.shownPercent, percent);
        break;
      }
      case ProgressReportStage.Retrying: console.log(`download failed (${r.error.message}); retrying (${r.attempt}/${r.totalAttempts})`); break;
      case ProgressReportStage.NewInstallComplete: console.log(`installed in ${r.downloadedPath}`); break;
      default: break;
    }
  }

  error(): void {}
}

main().catch((e: unknown) => {
  console.error(e instanceof Failure ? e.message : e);
  process.exit(1);
});
