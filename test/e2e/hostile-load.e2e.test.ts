// "Char LSTM: Load Model..." given a path that is no file: a FIFO (open() blocked for ever, and the
// extension with it) and a link to /dev/zero (read until memory ran out). Each must give one error
// notification naming the path and what it is within seconds, and completions keep the model in use.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { expectedGreedy } from './expected';
import * as h from './harness';
import { defaultModel, vsixForThisFile, withVsCode } from './session';

const PREFIX = '\nROMEO:\n';
const FILE = 'shakespeare.txt';
const DEFAULT = /Char LSTM: default\b/;
/** A refusal is immediate; this is the time a person would wait before thinking it hangs. */
const REFUSED_WITHIN_MS = 10_000;

const vsix = vsixForThisFile();
const scratch = mkdtempSync(join(tmpdir(), 'char-lstm-hostile-load-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

test('Load Model with a FIFO or /dev/zero says what it is at once and keeps the default model', { timeout: 150_000 }, async (t) => {
  const fifo = join(scratch, 'pipe.safetensors');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  const zero = join(scratch, 'zero.safetensors');
  symlinkSync('/dev/zero', zero);
  const good = join(scratch, 'good.safetensors');

  await withVsCode(t, 'hostile-load-model', vsix(), { 'charLstm.sampling.strategy': 'greedy' }, async (vs) => {
    copyFileSync(defaultModel(vs), good);
    await h.waitForStatusBar(vs.page, DEFAULT);

    for (const [file, what] of [[fifo, 'a FIFO'], [zero, 'a device']]) {
      await h.runCommand(vs.page, 'Char LSTM: Load Model...');
      await h.pickInFileDialog(vs.page, file);
      const picked = Date.now();
      const n = await h.waitForNotification(vs.page, new RegExp(`could not load the model: .*${what}`), REFUSED_WITHIN_MS);
      t.diagnostic(`${n.severity} after ${Date.now() - picked} ms: ${n.message}`);
      assert.equal(n.severity, 'error');
      assert.equal(n.message, `Char LSTM: could not load the model: ${file} is ${what}, not a model file. `
        + 'Completions keep using the default model.');
      assert.match(await h.statusBarText(vs.page), DEFAULT);
    }
    await h.screenshot(vs.page, 'hostile-load-model-refused');

    // The default model still completes, and Load Model still works.
    const before = readFileSync(join(vs.workspace, FILE), 'utf8') + PREFIX;
    await h.openFile(vs.page, FILE);
    await vs.page.keyboard.press('Control+End');
    await h.typeText(vs.page, PREFIX);
    assert.equal(await h.waitForStableGhostText(vs.page), await expectedGreedy(defaultModel(vs), before),
      'ghost text is the default model\'s greedy completion');
    await h.runCommand(vs.page, 'Char LSTM: Load Model...');
    await h.pickInFileDialog(vs.page, good);
    t.diagnostic(`then: ${await h.waitForStatusBar(vs.page, /Char LSTM: good\.safetensors\b/, 30_000)}`);
  });
});
