// What a person sees when the extension is given bad input in a real VS Code (code-server +
// chromium, see harness.ts): a workspace with nothing to learn from, a second training while one
// runs, a corrupt model file and one from PyTorch, VS Code killed mid-training, no folder open. Each time a
// notification says what happened and completions come from the last good model.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test, type TestContext } from 'node:test';
import { expectedGreedy } from './expected';
import { loadModel } from '../../src/core/io/model-file';
import { toPyTorchTensors } from '../../src/core/io/pytorch-names';
import { encodeSafetensors, type Tensor } from '../../src/core/io/safetensors';
import { createKernels } from '../../src/core/nn/kernels/select';
import * as h from './harness';
import { defaultModel, vsixForThisFile, withVsCode, WORKSPACE, workspaceStorage } from './session';

const PREFIX = '\nROMEO:\n';
const FILE = 'shakespeare.txt';
const GREEDY = { 'charLstm.sampling.strategy': 'greedy' };
const DEFAULT = /Char LSTM: default\b/;

const vsix = vsixForThisFile();
const scratch: string[] = [];
after(() => {
  for (const d of scratch) rmSync(d, { recursive: true, force: true });
});

/** Types PREFIX at the end of FILE and checks the ghost text is `model`'s greedy completion (default: the default model). */
async function assertCompletes(vs: h.VsCode, model = defaultModel(vs), which = 'the default model'): Promise<void> {
  const before = readFileSync(join(vs.workspace, FILE), 'utf8') + PREFIX;
  await h.openFile(vs.page, FILE);
  await vs.page.keyboard.press('Control+End');
  await h.typeText(vs.page, PREFIX);
  const ghost = await h.waitForStableGhostText(vs.page);
  const expected = await expectedGreedy(model, before);
  assert.notEqual(expected, '', `${which} completes the prefix`);
  assert.equal(ghost, expected, `ghost text is ${which}'s greedy completion`);
}

/** A toast's severity and text in the test's diagnostics. */
function show(t: TestContext, n: h.Notification): void {
  t.diagnostic(`${n.severity}: ${n.message}`);
}

test('Train on Workspace with only a binary file says no text files were found', { timeout: 120_000 }, async (t) => {
  // withVsCode opens the fixture workspace; this one holds a single file of random bytes.
  const folder = join(mkdtempSync(join(tmpdir(), 'char-lstm-binary-')), 'binary-only');
  scratch.push(dirname(folder));
  mkdirSync(folder);
  const bytes = randomBytes(4096);
  for (let i = 0; i < bytes.length; i += 64) bytes[i] = 0; // NUL bytes: binary by git's test
  writeFileSync(join(folder, 'data.dat'), bytes);

  await withVsCode(t, 'bad-input-binary-only', vsix(), GREEDY, async (vs) => {
    await h.waitForStatusBar(vs.page, DEFAULT);
    await h.runCommand(vs.page, 'Char LSTM: Train on Workspace');
    const n = await h.waitForNotification(vs.page, /training failed/, 60_000);
    show(t, n);
    assert.equal(n.severity, 'error');
    assert.match(n.message, /No text files found/);
    assert.match(n.message, /skipped 1 file: 1 binary/, 'the message tells of the skipped binary file');
    assert.match(n.message, /Completions keep using the default model/);
    await h.screenshot(vs.page, 'bad-input-binary-only-failed');
    assert.match(await h.waitForStatusBar(vs.page, DEFAULT, 10_000), DEFAULT);

    // A text file appears after the failure: the default model still completes in it.
    copyFileSync(join(WORKSPACE, FILE), join(vs.workspace, FILE));
    await assertCompletes(vs);
  }, { workspace: folder, readyFile: 'data.dat' });
});

test('a second Train on Workspace while one runs says it is already training', { timeout: 150_000 }, async (t) => {
  const settings = {
    ...GREEDY,
    'charLstm.training.hidden': 512, 'charLstm.training.layers': 2, 'charLstm.training.epochs': 50,
    'charLstm.training.validateEvery': 0, 'charLstm.training.maxMinutes': 2,
  };
  await withVsCode(t, 'bad-input-train-twice', vsix(), settings, async (vs) => {
    await h.waitForStatusBar(vs.page, DEFAULT);
    await h.runCommand(vs.page, 'Char LSTM: Train on Workspace');
    t.diagnostic(`while training: ${await h.waitForStatusBar(vs.page, /Char LSTM: training epoch/, 60_000)}`);
    await h.runCommand(vs.page, 'Char LSTM: Train on Workspace');
    const n = await h.waitForNotification(vs.page, /already training/, 30_000);
    show(t, n);
    assert.equal(n.severity, 'info');
    assert.equal(n.message, 'Char LSTM is already training on this workspace.');
    await h.screenshot(vs.page, 'bad-input-train-twice-running');

    await h.runCommand(vs.page, 'Char LSTM: Cancel Training');
    await h.waitForStatusBar(vs.page, DEFAULT, 60_000);
    show(t, await h.waitForNotification(vs.page, /training cancelled/, 30_000));
    await assertCompletes(vs);
  });
});

test('Load Model with a corrupt file shows why and keeps the default model; a good file and a PyTorch state_dict load and complete', { timeout: 120_000 }, async (t) => {
  await withVsCode(t, 'bad-input-load-model', vsix(), GREEDY, async (vs) => {
    // 8 bytes of header length (4096, little-endian u64) and then garbage: far shorter than claimed.
    const broken = join(vs.workspace, 'broken.safetensors');
    writeFileSync(broken, Buffer.concat([Buffer.from([0, 16, 0, 0, 0, 0, 0, 0]), Buffer.from('\u0000garbage\u00ff\u00fe not a model')]));
    const good = join(vs.workspace, 'good.safetensors');
    copyFileSync(defaultModel(vs), good);
    await h.waitForStatusBar(vs.page, DEFAULT);

    await h.runCommand(vs.page, 'Char LSTM: Load Model...');
    await h.pickInFileDialog(vs.page, broken);
    const n = await h.waitForNotification(vs.page, /could not load the model/, 30_000);
    show(t, n);
    assert.equal(n.severity, 'error');
    assert.match(n.message, /model file is (truncated|corrupt)|header/, 'the reason is given');
    assert.match(n.message, /Completions keep using the default model\.$/);
    assert.ok(!n.message.includes('\n') && !/\bat .*:\d+:\d+/.test(n.message), 'one line, no stack trace');
    await h.screenshot(vs.page, 'bad-input-load-broken');
    assert.match(await h.statusBarText(vs.page), DEFAULT);
    await assertCompletes(vs);

    await h.runCommand(vs.page, 'Char LSTM: Load Model...');
    await h.pickInFileDialog(vs.page, good);
    t.diagnostic(`after loading good.safetensors: ${await h.waitForStatusBar(vs.page, /Char LSTM: good\.safetensors\b/, 30_000)}`);
    show(t, await h.waitForNotification(vs.page, /completions now use good\.safetensors/, 10_000));

    // A PyTorch state_dict with other module names and its vocabulary in vocab.json beside it.
    const foreign = await writePyTorchCopy(defaultModel(vs), join(vs.workspace, 'pytorch'));
    await h.runCommand(vs.page, 'Char LSTM: Load Model...');
    await h.pickInFileDialog(vs.page, foreign);
    t.diagnostic(`after loading a PyTorch state_dict: ${await h.waitForStatusBar(vs.page, /Char LSTM: char_rnn\.safetensors\b/, 30_000)}`);
    show(t, await h.waitForNotification(vs.page, /completions now use char_rnn\.safetensors/, 10_000));
    await assertCompletes(vs, foreign, 'the imported model');
  });
});

/**
 * `model` as a PyTorch notebook would save it: `safetensors.torch.save_file(state_dict)` with no
 * metadata, modules named embed / rnn / decoder, no unknown-character row, and the characters as
 * a JSON list in vocab.json beside it. Returns the model file's path.
 */
async function writePyTorchCopy(model: string, folder: string): Promise<string> {
  const { model: m, vocab } = await loadModel(model, createKernels('reference'));
  const V = vocab.chars.length; // the known characters; the unknown row is char-lstm's own
  const renamed: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(toPyTorchTensors(m))) {
    const known = name === 'embedding.weight' || name.startsWith('fc.')
      ? { shape: [V, ...t.shape.slice(1)], data: t.data.slice(0, V * (t.data.length / t.shape[0])) } : t;
    renamed[name.replace(/^embedding\./, 'embed.').replace(/^lstm\./, 'rnn.').replace(/^fc\./, 'decoder.')] = known;
  }
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'vocab.json'), JSON.stringify(vocab.chars));
  const file = join(folder, 'char_rnn.safetensors');
  writeFileSync(file, encodeSafetensors(renamed, {}));
  return file;
}

test('VS Code closed mid-training: the report lists the secret and the excluded folder; the next start completes with the run\'s best checkpoint', { timeout: 240_000 }, async (t) => {
  const settings = {
    ...GREEDY,
    'charLstm.training.hidden': 64, 'charLstm.training.layers': 1, 'charLstm.training.epochs': 200,
    'charLstm.training.validateEvery': 20, 'charLstm.training.maxMinutes': 5, 'charLstm.exclude': ['drafts/'],
  };
  await withVsCode(t, 'bad-input-closed-mid-training', vsix(), settings, async (vs) => {
    // A secret and a folder the person excluded: never read, and the report says so.
    writeFileSync(join(vs.workspace, '.env'), 'API_KEY=hunter2\n');
    mkdirSync(join(vs.workspace, 'drafts'));
    writeFileSync(join(vs.workspace, 'drafts/plan.md'), 'not for the model\n');
    await h.waitForStatusBar(vs.page, DEFAULT);
    await h.runCommand(vs.page, 'Char LSTM: Train on Workspace');
    // The status bar shows a validation loss once the first checkpoint has been saved.
    t.diagnostic(`before the kill: ${await h.waitForStatusBar(vs.page, /Char LSTM: training .*valid \d/, 120_000)}`);
    const report = vs.readLogs();
    for (const line of ['not read: .env: secret', 'not read: drafts/: excluded by charLstm.exclude', '1 path excluded: 1 by charLstm.exclude']) {
      assert.ok(report.includes(line), `the training report says "${line}"`);
    }
    const [storage] = workspaceStorage(vs);
    assert.ok(storage && existsSync(join(storage, 'candidate.safetensors')), 'the run has a checkpoint on disk');
    assert.ok(!existsSync(join(storage, 'workspace.safetensors')), 'and no workspace model yet');

    await vs.restart(); // SIGKILL: no deactivate, the worker dies mid-step
    const n = await h.waitForNotification(vs.page, /cut short when VS Code closed/, 60_000);
    show(t, n);
    assert.match(n.message, /had saved a better model \(validation loss \d+\.\d+ nats\/char\); completions now use it\.$/);
    t.diagnostic(`after the restart: ${await h.waitForStatusBar(vs.page, /Char LSTM: workspace\b/, 30_000)}`);
    assert.ok(existsSync(join(storage, 'workspace.safetensors')) && !existsSync(join(storage, 'candidate.safetensors')));
    await assertCompletes(vs, join(storage, 'workspace.safetensors'), 'the recovered model');
  });
});

test('with no folder open, Train on Workspace asks for a folder and the default model stays', { timeout: 120_000 }, async (t) => {
  await withVsCode(t, 'bad-input-no-folder', vsix(), GREEDY, async (vs) => {
    await h.waitForStatusBar(vs.page, DEFAULT);
    await h.runCommand(vs.page, 'Char LSTM: Train on Workspace');
    const n = await h.waitForNotification(vs.page, /open a folder first/, 30_000);
    show(t, n);
    assert.equal(n.severity, 'error');
    assert.equal(n.message, 'Char LSTM: open a folder first; training learns from the text of the open folder.');
    assert.match(await h.statusBarText(vs.page), DEFAULT);
  }, { workspace: null });
});
