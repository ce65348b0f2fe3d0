// The extension in a real VS Code (code-server + chromium, see harness.ts): ghost text from the
// model and accepted by Tab, training from the palette, and cancelling a training.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { expectedGreedy } from './expected';
import * as h from './harness';
import { installedExtension, prepareVsix, withVsCode, workspaceStorage } from './session';

// After the last line of shakespeare.txt: a speaker's name and a new line, where the default
// model has plenty to say and no word is being typed (so no suggest widget is open).
const PREFIX = '\nROMEO:\n';
const FILE = 'shakespeare.txt';
const GREEDY = { 'charLstm.sampling.strategy': 'greedy' };
const QUICK_SUGGESTIONS_OFF = { 'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' } };

let vsix = '';
before(() => {
  vsix = prepareVsix();
}, { timeout: 600_000 });
after(() => {
  if (vsix) rmSync(dirname(vsix), { recursive: true, force: true });
});

/** Types `typed` at the end of the file and returns the settled ghost text and the text before it. */
async function typeAtEnd(vs: h.VsCode, typed: string): Promise<{ ghost: string; before: string }> {
  const before = readFileSync(join(vs.workspace, FILE), 'utf8') + typed;
  await h.openFile(vs.page, FILE);
  await vs.page.keyboard.press('Control+End');
  await h.typeText(vs.page, typed);
  return { ghost: await h.waitForStableGhostText(vs.page), before };
}

const defaultModel = (vs: h.VsCode) => join(installedExtension(vs), 'models/default.safetensors');

for (const [label, extra] of [['quick suggestions at their default', {}], ['quick suggestions off', QUICK_SUGGESTIONS_OFF]] as const) {
  test(`ghost text is the default model's greedy completion and Tab inserts it (${label})`, { timeout: 90_000 }, async (t) => {
    const name = `ghost-text-${extra === QUICK_SUGGESTIONS_OFF ? 'quick-off' : 'quick-default'}`;
    await withVsCode(t, name, vsix, { ...GREEDY, ...extra }, async (vs) => {
      await h.waitForStatusBar(vs.page, /Char LSTM: default\b/);
      const { ghost, before } = await typeAtEnd(vs, PREFIX);
      const expected = await expectedGreedy(defaultModel(vs), before);
      assert.notEqual(expected, '', 'the default model completes the prefix');
      assert.equal(ghost, expected, 'ghost text equals the core\'s greedy completion');
      await h.screenshot(vs.page, `${name}-before-tab`);

      await vs.page.keyboard.press('Tab');
      const saved = await h.saveAndRead(vs.page, join(vs.workspace, FILE));
      assert.equal(saved, before + ghost, 'the file holds the typed text and the accepted ghost text');
    });
  });
}

test('Train on Workspace finishes and completions switch to the workspace model', { timeout: 120_000 }, async (t) => {
  const settings = {
    ...GREEDY,
    'charLstm.training.hidden': 32, 'charLstm.training.layers': 1, 'charLstm.training.embedding': 16,
    'charLstm.training.epochs': 2, 'charLstm.training.batch': 8, 'charLstm.training.seqLen': 64,
    'charLstm.training.validateEvery': 20, 'charLstm.training.maxMinutes': 1,
  };
  await withVsCode(t, 'train-on-workspace', vsix, settings, async (vs) => {
    await h.waitForStatusBar(vs.page, /Char LSTM: default\b/);
    const first = await typeAtEnd(vs, PREFIX);
    assert.equal(first.ghost, await expectedGreedy(defaultModel(vs), first.before));

    await h.runCommand(vs.page, 'Char LSTM: Train on Workspace');
    const status = await h.waitForStatusBar(vs.page, /Char LSTM: workspace\b/, 90_000);
    t.diagnostic(`status after training: ${status}`);
    const [storage] = workspaceStorage(vs);
    assert.ok(storage, 'the extension has a workspace storage folder');
    const trained = join(storage, 'workspace.safetensors');

    // The same document, already completed once with the default model, typed into again.
    await h.focusEditor(vs.page);
    await h.typeText(vs.page, PREFIX);
    const before = first.before + PREFIX;
    const expected = await expectedGreedy(trained, before);
    const ghost = expected === '' ? await h.ghostText(vs.page) : await h.waitForStableGhostText(vs.page);
    const byDefault = await expectedGreedy(defaultModel(vs), before);
    t.diagnostic(`workspace model: ${JSON.stringify(ghost)}; default model: ${JSON.stringify(byDefault)}`);
    assert.equal(ghost, expected, 'ghost text equals the trained model\'s greedy completion');
    assert.notEqual(expected, byDefault, 'the trained model completes differently from the default one');
  });
});

test('Cancel Training keeps completing with the previous model', { timeout: 120_000 }, async (t) => {
  // Big enough that the first epoch (and so the first checkpoint) takes many seconds.
  const settings = {
    ...GREEDY,
    'charLstm.training.hidden': 512, 'charLstm.training.layers': 2, 'charLstm.training.epochs': 50,
    'charLstm.training.validateEvery': 0, 'charLstm.training.maxMinutes': 2,
  };
  await withVsCode(t, 'cancel-training', vsix, settings, async (vs) => {
    await h.waitForStatusBar(vs.page, /Char LSTM: default\b/);
    await h.runCommand(vs.page, 'Char LSTM: Train on Workspace');
    t.diagnostic(`while training: ${await h.waitForStatusBar(vs.page, /Char LSTM: training epoch/, 60_000)}`);
    await h.screenshot(vs.page, 'cancel-training-running');
    await h.runCommand(vs.page, 'Char LSTM: Cancel Training');
    await h.waitForStatusBar(vs.page, /Char LSTM: default\b/, 30_000);

    const { ghost, before } = await typeAtEnd(vs, PREFIX);
    assert.equal(ghost, await expectedGreedy(defaultModel(vs), before), 'the default model still completes');
    assert.ok(!workspaceStorage(vs).some((d) => existsSync(join(d, 'workspace.safetensors'))),
      'a training cancelled before its first checkpoint saves no workspace model');
  });
});
