// Fast typing in a real VS Code (code-server + chromium, see harness.ts): the ghost text shown
// while keys arrive every few milliseconds always continues the text on the line at that moment
// (never a completion of an older prefix left standing), and once typing stops it is the core's
// greedy completion of the final text. And what is typed is learnt (dynamic evaluation): after a
// scene with new names, the ghost text is that of the core's model stepped on the same segments.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { CompletionEngine, encodeForModel } from '../../src/completion';
import { DynamicAdapter, TYPING_SETTINGS } from '../../src/core/dynamic';
import { loadModel } from '../../src/core/io/model-file';
import { createKernels } from '../../src/core/nn/kernels/select';
import { expectedGreedy } from './expected';
import * as h from './harness';
import { SCENE } from '../new-names-scene';
import { defaultModel, vsixForThisFile, withVsCode } from './session';

const FILE = 'shakespeare.txt';
const PREFIX = '\nROMEO:\n';
// 61 characters on a new line under a speaker's name; the default model completes it ("state,").
const LINE = 'But soft, what light through yonder window breaks? It is the ';
// Quick suggestions off: the word suggest widget would change what the ghost text continues.
const QUIET = {
  'charLstm.sampling.strategy': 'greedy',
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
};
// The fast-typing test compares with the model as loaded: its 69 characters would otherwise
// take a step of learning what is typed (tested on its own below).
const SETTINGS = { ...QUIET, 'charLstm.completion.adaptToTyping': false };

const vsix = vsixForThisFile();

interface Sample {
  /** The cursor line's text without the ghost text (the typed part of LINE). */
  line: string;
  ghost: string;
}

/** The ghost text and the text of the line it is on, read in one go so that they belong together. */
async function sample(page: Page): Promise<Sample | null> {
  // Inline callbacks only: this runs in the page.
  const got = await page.evaluate(() => {
    const editor = document.querySelector('.editor-group-container.active .monaco-editor');
    const ghosts = editor ? Array.from(editor.querySelectorAll('.view-lines .ghost-text-decoration')) : [];
    const lineEl = ghosts[0]?.closest('.view-line');
    if (!lineEl) return null;
    const clone = lineEl.cloneNode(true) as Element;
    clone.querySelectorAll('[class*="ghost-text"]').forEach((e) => e.remove());
    return { line: clone.textContent ?? '', ghost: ghosts.map((g) => g.textContent ?? '').join('') };
  });
  return got && { line: got.line.replace(/\u00a0/g, ' '), ghost: got.ghost.replace(/\u00a0/g, ' ') };
}

test('fast typing: every ghost text seen continues the line as it then was, and the last one is the final text\'s', { timeout: 90_000 }, async (t) => {
  await withVsCode(t, 'typing-fast', vsix(), SETTINGS, async (vs) => {
    await h.waitForStatusBar(vs.page, /Char LSTM: default\b/);
    const base = readFileSync(join(vs.workspace, FILE), 'utf8') + PREFIX;
    await h.openFile(vs.page, FILE);
    await vs.page.keyboard.press('Control+End');
    await h.typeText(vs.page, PREFIX);
    // The document's first completion reads its last few thousand characters: done before the
    // fast typing, so that the pauses below show ghost text.
    t.diagnostic(`after ${JSON.stringify(PREFIX)}: ${JSON.stringify(await h.waitForStableGhostText(vs.page, 20_000))}`);

    // Words at 8 ms a key, with a pause of 400 ms (the ghost text shows 120-250 ms into one)
    // after every other word, so ghost texts appear mid-line and the next fast keys either type
    // through them or make them stale. Sampled every 20 ms meanwhile.
    const samples: (Sample & { at: number })[] = [];
    const pauses: number[] = [];
    let typing = true;
    const started = Date.now();
    const sampler = (async () => {
      while (typing) {
        const s = await sample(vs.page);
        if (s) samples.push({ ...s, at: Date.now() - started });
        await h.sleep(20);
      }
    })();
    const words = LINE.match(/\S+\s*/g) ?? [];
    for (const [i, word] of words.entries()) {
      await h.typeText(vs.page, word, 8);
      if (i % 2 === 1) {
        pauses.push(Date.now() - started);
        await h.sleep(400);
      }
    }
    const typingMs = Date.now() - started;
    typing = false;
    await sampler;
    // How long into each pause the ghost text showed ('-': not within it).
    const shownAfter = pauses.map((p) => {
      const first = samples.find((s) => s.at >= p && s.at < p + 400);
      return first ? `${first.at - p} ms` : '-';
    });

    const final = await h.waitForStableGhostText(vs.page);
    const expected = await expectedGreedy(defaultModel(vs), base + LINE);
    assert.notEqual(expected, '', 'the default model completes the line');
    assert.equal(final, expected, 'the settled ghost text is the core\'s greedy completion of the final text');
    await h.screenshot(vs.page, 'typing-fast-final');

    // The greedy completion of every prefix of LINE (one engine typing along: its cached states
    // give a fresh engine's completions, see completion-bad-input.test.ts).
    const { model, vocab, mixture } = await loadModel(defaultModel(vs), createKernels());
    const engine = new CompletionEngine(model, vocab, undefined, mixture ?? null);
    const greedy = Array.from({ length: LINE.length + 1 }, (_, k) => engine.complete({
      docKey: 'typing', text: base + LINE.slice(0, k), offset: base.length + k, strategy: { kind: 'greedy' },
      maxChars: 40, stopAtEndOfLine: true,
    })?.insertText ?? '');
    assert.equal(greedy[LINE.length], expected);

    // A ghost seen with `line` typed continues it: it is the rest of the completion of `line`
    // itself or of a shorter prefix whose completion the later keys typed along.
    let current = 0, typedThrough = 0;
    const distinct = new Set<string>();
    for (const s of samples) {
      assert.ok(LINE.startsWith(s.line), `the line holds a prefix of what was typed: ${JSON.stringify(s.line)}`);
      const k = [...Array(s.line.length + 1).keys()].reverse().find((k) => greedy[k] === s.line.slice(k) + s.ghost);
      assert.ok(k !== undefined, `ghost ${JSON.stringify(s.ghost)} after ${JSON.stringify(s.line)} continues no completion of its line `
        + `(that line's own: ${JSON.stringify(greedy[s.line.length])})`);
      if (k === s.line.length) current++;
      else typedThrough++;
      distinct.add(`${s.line}|${s.ghost}`);
    }
    t.diagnostic(`typed ${LINE.length} characters in ${typingMs} ms with ${pauses.length} pauses; ghost text showed after ${shownAfter.join(', ')}; `
      + `${samples.length} samples showed ghost text `
      + `(${distinct.size} distinct): ${current} the line's own completion, ${typedThrough} an earlier one typed through; final ${JSON.stringify(final)}`);
    t.diagnostic(`seen: ${[...distinct].map((d) => JSON.stringify(d)).join(', ')}`);
    assert.ok(distinct.size >= 2, 'ghost text showed in the pauses of the typing');
  });
});

const PROBE = 'QUILLAMINE:\nI sing for Quil';

test('what is typed is learnt: after a scene with new names, another file\'s ghost text is that of the model stepped on the scene', { timeout: 120_000 }, async (t) => {
  await withVsCode(t, 'typing-learnt', vsix(), QUIET, async (vs) => {
    await h.waitForStatusBar(vs.page, /Char LSTM: default\b/);
    const scene = join(vs.workspace, 'scene.txt');
    writeFileSync(scene, '');
    writeFileSync(join(vs.workspace, 'probe.txt'), '');
    await h.openFile(vs.page, 'scene.txt');
    // The first line, then a pause: the first request marks the document's start (its first segment).
    await h.typeText(vs.page, SCENE.slice(0, SCENE.indexOf('\n') + 1));
    await h.sleep(1500);
    await h.typeText(vs.page, SCENE.slice(SCENE.indexOf('\n') + 1));
    // A last key once the learner is surely idle: its request learns every whole segment left.
    await h.sleep(3000);
    await h.typeText(vs.page, '\n');
    await h.waitForStableGhostText(vs.page, 10_000);
    await h.sleep(3000);
    const typed = await h.saveAndRead(vs.page, scene);
    assert.equal(typed, `${SCENE}\n`);

    await h.openFile(vs.page, 'probe.txt');
    await h.typeText(vs.page, PROBE);
    const ghost = await h.waitForStableGhostText(vs.page);

    // The core: the default model stepped on the scene's whole segments of 50 characters from a
    // zero state (dynamic evaluation), completing the probe with its mixture.
    const { model, vocab, mixture } = await loadModel(defaultModel(vs), createKernels());
    const ids = encodeForModel(vocab, typed);
    const adapter = new DynamicAdapter(model);
    const T = TYPING_SETTINGS.segment;
    for (let s = 0; s < Math.floor((ids.length - 1) / T); s++) adapter.step(ids, s * T, T, TYPING_SETTINGS);
    model.k.heap.set(adapter.weights(), model.params.values);
    model.refreshInference();
    const expected = new CompletionEngine(model, vocab, undefined, mixture ?? null).complete({
      docKey: 'probe', text: PROBE, offset: PROBE.length, strategy: { kind: 'greedy' }, maxChars: 40, stopAtEndOfLine: true,
    })?.insertText ?? '';
    const unadapted = await expectedGreedy(defaultModel(vs), PROBE);
    t.diagnostic(`after the scene: ${JSON.stringify(ghost)}; the core stepped on it: ${JSON.stringify(expected)}; the model as loaded: ${JSON.stringify(unadapted)}`);
    await h.screenshot(vs.page, 'typing-learnt');
    assert.match(expected, /^lamine/, 'the name typed in the scene');
    assert.notEqual(unadapted, expected);
    assert.equal(ghost, expected, 'the ghost text is the adapted core\'s');
  });
});
