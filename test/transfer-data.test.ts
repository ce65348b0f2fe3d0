// The transfer bench's held-out codebases (bench/transfer-data.ts): split by file, held out the
// same whatever the workspace size, workspaces of whole files within the size asked.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { HELD_OUT_CHARS, heldOutText, pythonCodebase, typescriptCodebase, workspaceOf } from '../bench/transfer-data';

test('each codebase holds out whole files, apart from its workspace part, and workspaces fit the size asked', async () => {
  for (const codebase of [await typescriptCodebase(), await pythonCodebase()]) {
    const held = new Set(codebase.heldOut.map((f) => f.rel));
    assert.ok(codebase.workspace.every((f) => !held.has(f.rel)), `${codebase.key}: no file both held out and in the workspace`);
    const heldChars = codebase.heldOut.reduce((n, f) => n + f.chars, 0);
    assert.ok(heldChars >= HELD_OUT_CHARS && heldChars < HELD_OUT_CHARS + 30_000, `${codebase.key}: ${heldChars} chars held out`);
    assert.ok(codebase.heldOut.every((f) => f.rel.endsWith(codebase.key === 'python' ? '.py' : '.ts')));
    assert.ok(!codebase.heldOut.concat(codebase.workspace).some((f) => f.rel.startsWith('bench/data/') || f.rel.startsWith('test/fixtures/')));
    const text = await heldOutText(codebase);
    assert.equal(text.files, codebase.heldOut.length);
    assert.equal(text.starts.length, text.files);
    for (const asked of [20_000, 200_000]) {
      const ws = workspaceOf(codebase, asked);
      assert.ok(!ws.whole && ws.chars <= asked && ws.chars > 0.9 * asked, `${codebase.key} ${asked}: ${ws.chars} chars`);
      assert.equal(ws.chars, ws.files.reduce((n, f) => n + f.chars, 0));
    }
  }
  // The Python data is enough for a 2 MB workspace; this project's TypeScript is not (all of it is used).
  assert.equal(workspaceOf(await pythonCodebase(), 2_000_000).whole, false);
});
