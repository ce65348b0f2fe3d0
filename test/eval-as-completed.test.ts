// `char-lstm eval` measures, beside the LSTM alone, the model as completions use it: the n-gram
// and mixture weights saved in the model file, and a cache of each document read so far, nothing
// fitted on the text it scores. Built CLI (run `npm run build` first) on tiny models it trains.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { documentStarts, gatherCorpus } from '../src/core/data/corpus';
import { Vocab } from '../src/core/data/vocab';
import { loadModel } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';
import { EditorDocumentCache, mixtureBucket, type WorkspaceMixture } from '../src/core/mix';
import { NgramPredictor } from '../src/core/ngram/ngram-predictor';
import { softmax } from '../src/core/math/softmax';
import { DocumentCaches } from '../src/completion/document-caches';
import { encodeForModel } from '../src/completion/document-states';
import { evaluateLstm, measureAsCompleted, NO_SAVED_MIXTURE } from '../src/cli/eval-as-completed';
import { evaluateDynamic, TYPING_SETTINGS } from '../src/core/dynamic';
import { scratchFolders } from './temp-tree';
import { WORDS, wordText } from './word-text';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');
const TINY = ['--hidden', '32', '--layers', '1', '--embedding', '8', '--batch', '4', '--seq-len', '32', '--epochs', '3',
  '--validate-every', '10'];
const newFolder = scratchFolders('char-lstm-eval-as-completed-');
let dir = '';
let mixed = '';
let alone = '';

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * The loss of the model as the editor completes with it, worked out with the editor's own parts
 * (src/completion/complete.ts's predictorAt): at each position the LSTM predicted, its probability
 * mixed by the saved weights with those of the saved n-gram, having read the 2*order characters
 * before it in its document (a line end at the document's start), and of the document's cache
 * as DocumentCaches gives it, each document under a key of its own.
 */
function editorLoss(vocab: Vocab, mixture: WorkspaceMixture, corpusText: string, starts: number[], lstmProbs: Float64Array): number {
  const caches = new DocumentCaches(vocab, { order: mixture.cacheOrder });
  const lineEnd = vocab.id('\n');
  let nats = 0, chars = 0;
  starts.forEach((from, d) => {
    const doc = corpusText.slice(from, starts[d + 1] ?? corpusText.length); // ASCII: offsets are positions
    for (let offset = 0; offset < doc.length; offset++) {
      const p = lstmProbs[from + offset];
      if (!(p >= 0)) continue;
      const before = encodeForModel(vocab, doc.slice(Math.max(0, offset - 2 * mixture.order), offset));
      const ngram = NgramPredictor.after(mixture.ngram, mixture.order, before);
      const cache = caches.readerAt(`file:///doc${d}`, doc, offset);
      if (offset === 0) [ngram, cache].forEach((m) => m.step(lineEnd));
      const w = mixture.weights.at(mixtureBucket([ngram, cache], 0));
      const id = vocab.id(doc[offset]);
      nats -= Math.log(w[0] * p + w[1] * softmax(ngram.scores())[id] + w[2] * softmax(cache.scores())[id]);
      chars++;
    }
  });
  return nats / chars;
}

before(() => {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  dir = newFolder();
  writeFileSync(path.join(dir, 'corpus.txt'), wordText(5000, 7));
  mixed = path.join(dir, 'mixed.safetensors');
  alone = path.join(dir, 'alone.safetensors');
  for (const [out, extra] of [[mixed, []], [alone, ['--no-mixture']]] as const) {
    const r = cli('train', 'corpus.txt', '--out', out, ...TINY, ...extra);
    assert.equal(r.code, 0, r.stderr);
  }
});

describe('char-lstm eval: the model as completions use it', () => {
  test('beside the LSTM alone, its saved mixture and a document cache, the loss the editor\'s own parts give', async () => {
    // Longer than two cache windows (8,192 chars): past 16,384 the editor's cache has forgotten the first.
    const held = path.join(dir, 'held.txt');
    writeFileSync(held, wordText(20_000, 11));
    const r = cli('eval', '-m', mixed, held, '--json', '--metrics-chars', '600');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    const asCompleted = result.as_completed;

    const { model, vocab, mixture } = await loadModel(mixed, createKernels());
    assert.ok(mixture, 'train saves a mixture by default');
    const corpus = await gatherCorpus([held]);
    const ids = vocab.encode(corpus.text);
    const lstm = await evaluateLstm(model, ids, true);
    assert.equal(lstm.loss, result.nats_per_char);
    const expected = editorLoss(vocab, mixture, corpus.text, documentStarts(corpus.files), lstm.probs!);
    assert.ok(Math.abs(asCompleted.nats_per_char - expected) < 1e-9, `${asCompleted.nats_per_char} vs the editor's ${expected}`);
    // On the positions of the LSTM's own loss, and far from it: the saved n-gram knows these words.
    assert.equal(asCompleted.chars, result.chars);
    assert.ok(asCompleted.nats_per_char < result.nats_per_char - 0.5, `${asCompleted.nats_per_char} vs LSTM ${result.nats_per_char}`);
    assert.ok(Math.abs(asCompleted.bits_per_char - asCompleted.nats_per_char / Math.LN2) < 1e-12);
    assert.equal(asCompleted.ngram_order, mixture.order);
    assert.equal(asCompleted.cache_order, mixture.cacheOrder);

    // The completion figures: the function the bench calls, in this process, gives the same.
    const inProcess = measureAsCompleted(model, vocab, mixture, ids, documentStarts(corpus.files), lstm.probs!, 600);
    assert.equal(inProcess.natsPerChar, asCompleted.nats_per_char);
    assert.deepEqual(asCompleted.metrics, { chars: 600, slices: inProcess.metrics!.slices, word_starts: inProcess.metrics!.wordStarts,
      keystrokes: inProcess.metrics!.keystrokes, accepts: inProcess.metrics!.accepts });
    assert.equal(asCompleted.top1, inProcess.metrics!.top1);
    assert.equal(asCompleted.chars_saved, inProcess.metrics!.charsSaved);
    for (const key of ['top1', 'word_match', 'chars_saved']) assert.ok(asCompleted[key] >= 0 && asCompleted[key] <= 1, key);
    assert.ok(asCompleted.top1 > result.top1, `top-1 ${asCompleted.top1} vs LSTM ${result.top1}`);

    const lines = cli('eval', '-m', mixed, held, '--metrics-chars', '600').stdout.split('\n');
    assert.match(lines[0], /^loss \d\.\d{3} nats\/char/);
    assert.match(lines[1], /^completions: top-1 /);
    assert.equal(lines[2], `as completed (the LSTM mixed with its saved ${mixture.order}-gram and a cache of each file read so far, `
      + `by its saved weights; nothing fitted on this text): loss ${asCompleted.nats_per_char.toFixed(3)} nats/char `
      + `(${asCompleted.bits_per_char.toFixed(3)} bits/char) over the same chars; top-1 ${(100 * asCompleted.top1).toFixed(1)}%, `
      + `word match ${(100 * asCompleted.word_match).toFixed(1)}% of ${asCompleted.metrics.word_starts} word starts, `
      + `chars saved ${(100 * asCompleted.chars_saved).toFixed(1)}%`);
  });

  test('each file is a document of its own: the cache starts afresh in the next', async () => {
    // A word the training text never had, defined in the first file and used in the second.
    const words = [...WORDS, 'zebrawoq'];
    writeFileSync(path.join(dir, 'a.txt'), wordText(3000, 5, words));
    writeFileSync(path.join(dir, 'b.txt'), wordText(3000, 9, words));
    const inputs = ['a.txt', 'b.txt'].map((f) => path.join(dir, f));
    const r = cli('eval', '-m', mixed, ...inputs, '--json', '--metrics-chars', '0');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.files, 2);
    assert.equal(result.as_completed.top1, null);

    const { model, vocab, mixture } = await loadModel(mixed, createKernels());
    const corpus = await gatherCorpus(inputs);
    const starts = documentStarts(corpus.files);
    assert.deepEqual(starts.length, 2);
    const { probs } = await evaluateLstm(model, vocab.encode(corpus.text), true);
    const perFile = editorLoss(vocab, mixture!, corpus.text, starts, probs!);
    assert.ok(Math.abs(result.as_completed.nats_per_char - perFile) < 1e-9, `${result.as_completed.nats_per_char} vs ${perFile}`);
    // Read as one document, the second file's cache would already know the new word: a nat or
    // more saved over the text, at the word's first uses in the second file.
    const oneDocument = editorLoss(vocab, mixture!, corpus.text, [0], probs!);
    assert.ok((perFile - oneDocument) * result.as_completed.chars > 1, `${oneDocument} vs ${perFile} nats/char`);
  });

  test('--adapting: the model as completed while it adapts to typing, as the editor does by default', async () => {
    // Words the model never read, of letters it knows: what adapting to typing is for.
    const held = path.join(dir, 'new-words.txt');
    writeFileSync(held, wordText(6000, 13, ['zebra', 'quokka', 'yak', 'wombat', 'lynx', 'ibex']));
    const r = cli('eval', '-m', mixed, held, '--json', '--metrics-chars', '300', '--adapting');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    const adapting = result.as_completed_adapting;

    // The LSTM's steps are the editor's learner's: evaluateDynamic with TYPING_SETTINGS, the model untouched.
    const { model, vocab } = await loadModel(mixed, createKernels());
    const ids = vocab.encode((await gatherCorpus([held])).text);
    const dynamic = await evaluateDynamic(model, ids, TYPING_SETTINGS);
    assert.equal(adapting.lstm_nats_per_char, dynamic.loss);
    assert.equal(adapting.lstm_chars, dynamic.chars);
    assert.equal((await evaluateLstm(model, ids, false)).loss, result.nats_per_char, 'the model file\'s weights are not changed');
    // It learns the new words as it reads them: alone and mixed, lower than with the file's weights.
    assert.ok(adapting.lstm_nats_per_char < result.nats_per_char - 0.1, `${adapting.lstm_nats_per_char} vs ${result.nats_per_char}`);
    assert.ok(adapting.nats_per_char < result.as_completed.nats_per_char, `${adapting.nats_per_char} vs ${result.as_completed.nats_per_char}`);
    assert.equal(adapting.metrics.chars, 300);
    for (const key of ['top1', 'chars_saved']) assert.ok(adapting[key] >= 0 && adapting[key] <= 1, key);

    const lines = cli('eval', '-m', mixed, held, '--metrics-chars', '0', '--adapting').stdout.split('\n');
    assert.match(lines[2], /^adapting to typing \(charLstm\.completion\.adaptToTyping: one step per 50 chars read, the files in order\): /);
    assert.ok(lines[2].includes(`the LSTM alone ${adapting.lstm_nats_per_char.toFixed(3)} nats/char`), lines[2]);
    assert.equal(cli('eval', '-m', alone, held, '--metrics-chars', '0', '--adapting').stdout.split('\n')[2],
      'adapting to typing: not measured, the model file has no saved mixture to complete with');
  });

  test('a model saved without a mixture says that the LSTM alone completes', () => {
    const held = path.join(dir, 'corpus.txt');
    const lines = cli('eval', '-m', alone, held, '--metrics-chars', '300').stdout.split('\n');
    assert.match(lines[1], /^completions: /);
    assert.equal(lines[2], NO_SAVED_MIXTURE);
    assert.equal(NO_SAVED_MIXTURE, 'no saved mixture: the LSTM alone is what completes');
    assert.equal(cli('eval', '-m', alone, held, '--metrics-chars', '0').stdout.split('\n')[1], NO_SAVED_MIXTURE);
    const r = cli('eval', '-m', alone, held, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).as_completed, null);
  });
});

describe('EditorDocumentCache', () => {
  test('at each position, the cache the editor\'s DocumentCaches gives there, through window changes and documents', () => {
    const docs = [wordText(150, 3), wordText(90, 4)];
    const whole = docs.join('');
    const vocab = Vocab.fromText(whole);
    const ids = vocab.encode(whole);
    const starts = [0, docs[0].length];
    const W = 16, order = 4;
    const editor = new DocumentCaches(vocab, { order, windowChars: W });
    const read = new EditorDocumentCache(vocab.size, order, starts, W);
    for (let p = 0; p < ids.length; p++) {
      const d = p < starts[1] ? 0 : 1;
      const offset = p - starts[d];
      const expected = editor.readerAt(`doc${d}`, docs[d], offset);
      const jumped = EditorDocumentCache.at(ids, p, vocab.size, order, starts, W);
      for (const cache of [read, jumped]) {
        assert.deepEqual(cache.scores(), expected.scores(), `position ${p}`);
        assert.equal(cache.matchedContext(), expected.matchedContext(), `position ${p}`);
      }
      read.step(ids[p]);
    }
  });
});
