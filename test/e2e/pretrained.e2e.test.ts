// A fresh install, before any training: the pretrained default completes code in a TypeScript
// file (the Shakespeare-only model it replaced wrote verse there) and verse in Shakespeare.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { expectedGreedy } from './expected';
import * as h from './harness';
import { defaultModel, vsixForThisFile, withVsCode } from './session';

const SETTINGS = {
  'charLstm.sampling.strategy': 'greedy',
  // The ghost text alone, not the suggest widget's.
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  'editor.suggestOnTriggerCharacters': false,
  // What is compared is the model's completion as typed; the learning of what is typed is tested elsewhere.
  'charLstm.completion.adaptToTyping': false,
};
const FILE = 'lines.ts';
const HEAD = `import { readFileSync } from 'fs';

export function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\\n');
}

export function words(file: string): string[] {
  `;
const OLD_DEFAULT = join(__dirname, '..', '..', 'bench', 'models', 'shakespeare-2x512.safetensors');

const vsix = vsixForThisFile();

test('a fresh install completes a TypeScript line with code, not Shakespeare', { timeout: 90_000 }, async (t) => {
  await withVsCode(t, 'pretrained-typescript', vsix(), SETTINGS, async (vs) => {
    await h.waitForStatusBar(vs.page, /Char LSTM: default\b/);
    writeFileSync(join(vs.workspace, FILE), HEAD);
    await h.openFile(vs.page, FILE);
    await vs.page.keyboard.press('Control+End');
    await h.typeText(vs.page, 'return ');
    const ghost = await h.waitForStableGhostText(vs.page);
    const before = `${HEAD}return `;
    assert.equal(ghost, await expectedGreedy(defaultModel(vs), before), "the ghost text is the default model's completion");
    assert.match(ghost, /^[\w.]+\(/, `a return statement goes on with a call: ${JSON.stringify(ghost)}`);
    assert.match(ghost, /[();.'[\]]/, `code punctuation: ${JSON.stringify(ghost)}`);
    const old = await expectedGreedy(OLD_DEFAULT, before);
    assert.doesNotMatch(old, /[();'[\]]/, `the Shakespeare-only model writes prose there: ${JSON.stringify(old)}`);

    await vs.page.keyboard.press('Tab');
    const saved = await h.saveAndRead(vs.page, join(vs.workspace, FILE));
    assert.equal(saved, before + ghost);
  });
});
