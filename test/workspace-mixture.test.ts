// The mixture completions use with a workspace model: the LSTM, the workspace n-gram and a cache of
// the open document. Made from a training run, saved in the model file, used by CompletionEngine.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { splitCorpus } from '../src/core/data/corpus';
import { evaluate } from '../src/core/eval/evaluate';
import { fitWorkspaceMixture, mixtureBasis } from '../src/core/train/workspace-mixture-fit';
import type { WorkspaceMixture } from '../src/core/mix/workspace-mixture';
import { decodeModel, encodeModel, loadModel } from '../src/core/io/model-file';
import { encodeSafetensors, decodeSafetensors, ModelFileError } from '../src/core/io/safetensors';
import { createKernels } from '../src/core/nn/kernels/select';
import { CompletionEngine, type CompletionRequest } from '../src/completion';
import { SENTENCE, trainedOnSentence } from './sentence-model';
import { tinyRequest, trainingClients, workspaceIn } from './worker-runs';

const sentenceModel = trainedOnSentence();
const ROOT = path.join(__dirname, '..');

/**
 * The default model mixed with an n-gram of tinyshakespeare's first 90% (its training text), the
 * weights fitted on the next 20,000 characters: a realistic mixture, made as a run makes one.
 */
const shakespeareMixture = (async () => {
  const { model, vocab } = await loadModel(path.join(ROOT, 'models', 'default.safetensors'), createKernels());
  const { train, valid } = splitCorpus(fs.readFileSync(path.join(ROOT, 'data', 'tinyshakespeare.txt'), 'utf8'));
  const validIds = vocab.encode(valid).slice(0, 20_000);
  const basis = mixtureBasis({ trainIds: vocab.encode(train), validIds, vocabSize: vocab.size, validDocumentStarts: [] });
  const probs = new Float64Array(validIds.length).fill(NaN);
  await evaluate(model, validIds, 32, 100, undefined, probs);
  return { model, vocab, mixture: fitWorkspaceMixture(basis, probs) };
})();

/** The mixture of the sentence model with an n-gram of its own text, fitted as a training run fits it. */
async function sentenceMixture(): Promise<{ mixture: WorkspaceMixture } & Awaited<typeof sentenceModel>> {
  const { model, vocab } = await sentenceModel;
  const { train, valid } = splitCorpus(`${SENTENCE}\n`.repeat(80));
  const validIds = vocab.encode(valid);
  const basis = mixtureBasis({ trainIds: vocab.encode(train), validIds, vocabSize: vocab.size, validDocumentStarts: [] });
  const probs = new Float64Array(validIds.length).fill(NaN);
  await evaluate(model, validIds, 8, 32, undefined, probs);
  return { model, vocab, mixture: fitWorkspaceMixture(basis, probs) };
}

function request(text: string, offset = text.length): CompletionRequest {
  return { docKey: 'doc', text, offset, strategy: { kind: 'greedy' }, maxChars: 20, stopAtEndOfLine: true };
}

test('names written earlier in the document are completed from the document cache', async () => {
  const { model, vocab, mixture } = await shakespeareMixture;
  const cases = [
    ['KING HENRY:\nWhere is the Duke of Vexbuzzard? Bring him.\n\nGLOUCESTER:\nMy lord, the Duke of Vexb', 'uzzard'],
    ['ZORBLAX:\nI am here.\n\nKING:\nWelcome.\n\nZORB', 'LAX:'],
    ['Then Plumwhistle said to Plumwh', 'istle'],
  ];
  for (const [text, name] of cases) {
    const mixed = new CompletionEngine(model, vocab, undefined, mixture).complete(request(text));
    const alone = new CompletionEngine(model, vocab).complete(request(text));
    assert.ok(mixed?.insertText.startsWith(name), `mixed: ${JSON.stringify(mixed?.insertText)}`);
    assert.ok(!alone?.insertText.startsWith(name), `the LSTM alone completes ${JSON.stringify(alone?.insertText)}`);
  }
});

test('the mixture\'s validation loss is below each part\'s, and its weights sum to 1 per bucket', async () => {
  const { mixture } = await shakespeareMixture;
  const { lstm, ngram, mixture: mixed, chars } = mixture.valid;
  assert.ok(chars > 19_000, `${chars} positions`);
  assert.ok(mixed < Math.min(lstm, ngram) - 0.05, `mixed ${mixed}, LSTM ${lstm}, n-gram ${ngram}`);
  assert.equal(mixture.weights.shares.length, 2 * mixture.order);
  for (const row of mixture.weights.shares) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9);
});

test('the mixture is saved in the model file and completes the same after loading', async () => {
  const { model, vocab, mixture } = await sentenceMixture();
  const bytes = encodeModel(model, vocab, { validLoss: 1 }, { mixture });
  const loaded = decodeModel(bytes, createKernels());
  assert.ok(loaded.mixture);
  assert.equal(loaded.mixture.order, mixture.order);
  assert.deepEqual(loaded.mixture.valid, mixture.valid);
  assert.deepEqual(loaded.mixture.weights.shares, mixture.weights.shares);
  const context = vocab.encode('the lazy d');
  assert.deepEqual(loaded.mixture.ngram.logProbs(context, mixture.order), mixture.ngram.logProbs(context, mixture.order));
  for (const text of ['the quick brown fox saw a vexbuzzard.\nthe vex', 'the qu', 'a lazy dog. the lazy']) {
    const before = new CompletionEngine(model, vocab, undefined, mixture).complete(request(text));
    const after = new CompletionEngine(loaded.model, loaded.vocab, undefined, loaded.mixture).complete(request(text));
    assert.equal(after?.insertText, before?.insertText);
  }
  // A model file without a mixture loads without one.
  assert.equal(decodeModel(encodeModel(model, vocab), createKernels()).mixture, undefined);
});

test('a damaged mixture is a one-line ModelFileError', async () => {
  const { model, vocab, mixture } = await sentenceMixture();
  const file = decodeSafetensors(encodeModel(model, vocab, {}, { mixture }), { ints: true });
  const damaged = (metadata: Record<string, string>, ints = file.ints) => {
    const { data_sha256: _, ...rest } = metadata;
    return encodeSafetensors(file.tensors, rest, 'F32', ints);
  };
  const json = JSON.parse(file.metadata.mixture);
  const cases: [string, Uint8Array, RegExp][] = [
    ['not JSON', damaged({ ...file.metadata, mixture: '{' }), /not valid JSON/],
    ['weights not summing to 1', damaged({ ...file.metadata, mixture: JSON.stringify({ ...json, shares: json.shares.map(() => [0.5, 0.5, 0.5]) }) }), /sum to/],
    ['too few weight rows', damaged({ ...file.metadata, mixture: JSON.stringify({ ...json, shares: json.shares.slice(1) }) }), /rows/],
    ['no validation losses', damaged({ ...file.metadata, mixture: JSON.stringify({ ...json, valid: null }) }), /validation losses/],
    ['n-gram tensors without a mixture', damaged(Object.fromEntries(Object.entries(file.metadata).filter(([k]) => k !== 'mixture'))), /integer tensor/],
    ['an n-gram tensor missing', damaged(file.metadata, Object.fromEntries(Object.entries(file.ints).slice(1))), /ngram/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.throws(() => decodeModel(bytes, createKernels()), (e: Error) => e instanceof ModelFileError && message.test(e.message)
      && !e.message.includes('\n'), what);
  }
});

test('with a mixture, a request given only the text the engine needs completes as the whole document does', async () => {
  const { model, vocab, mixture } = await sentenceMixture();
  let text = '';
  for (let i = 0; text.length < 40_000; i++) text += i % 7 === 0 ? `the vexbuzzard${i} saw it.\n` : `${SENTENCE}\n`;
  const whole = new CompletionEngine(model, vocab, undefined, mixture);
  const part = new CompletionEngine(model, vocab, undefined, mixture);
  for (const offset of [5, 9_000, 17_000, 17_003, 30_001, text.length]) {
    const cut = text.slice(0, offset);
    const { start, end } = part.textNeeded(offset);
    const a = whole.complete(request(cut));
    const b = part.complete({ ...request(cut.slice(start, end)), offset, textStart: start });
    assert.equal(b?.insertText, a?.insertText, `at ${offset}`);
  }
});

test('typing on keeps teaching the document cache one keystroke at a time; an edit before the cursor starts it again', async () => {
  const { model, vocab, mixture } = await sentenceMixture();
  const engine = new CompletionEngine(model, vocab, undefined, mixture);
  const caches = engine.caches!;
  let text = `${SENTENCE}\n`.repeat(20);
  engine.complete(request(text));
  const learned = caches.stats.charsLearned;
  for (const ch of 'the vexbu') {
    text += ch;
    engine.complete(request(text));
  }
  assert.equal(caches.stats.charsLearned - learned, 'the vexbu'.length, 'one character per keystroke');
  assert.equal(caches.stats.restarts, 0);
  const edited = 'A' + text.slice(1);
  const fresh = new CompletionEngine(model, vocab, undefined, mixture).complete(request(edited));
  assert.equal(engine.complete(request(edited))?.insertText, fresh?.insertText);
  assert.equal(caches.stats.restarts, 1);
});

test('a training run in the worker saves its checkpoints with the workspace n-gram and mixture', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'char-lstm-mix-'));
  const source = path.join(__dirname, '..', 'src', 'core', 'ngram');
  const files = Object.fromEntries(fs.readdirSync(source).map((f) => [f, fs.readFileSync(path.join(source, f), 'utf8')]));
  const folder = workspaceIn(root, files);
  const out = path.join(root, 'model.safetensors');
  const reports: { ngram?: unknown; saved: unknown[] } = { saved: [] };
  const outcome = await trainingClients()().train(tinyRequest(folder, out, { epochs: 1, maxMinutes: 0, validateEvery: 20 }), {
    onNgram: (r) => { reports.ngram = r; },
    onSaved: (_p, _l, mixture) => reports.saved.push(mixture),
  });
  assert.ok(outcome.bestLoss !== null);
  const ngram = reports.ngram as { order: number; validLoss: number };
  assert.ok(ngram.order >= 2 && ngram.validLoss > 0 && ngram.validLoss < Math.log(64), JSON.stringify(ngram));
  assert.ok(reports.saved.length >= 1);
  const loaded = await loadModel(out, createKernels());
  assert.ok(loaded.mixture, 'the checkpoint has a mixture');
  assert.equal(loaded.mixture.order, ngram.order);
  assert.deepEqual(reports.saved.at(-1), { lstm: loaded.mixture.valid.lstm, ngram: loaded.mixture.valid.ngram, mixture: loaded.mixture.valid.mixture });
  // A tiny LSTM trained for seconds is worse than the n-gram on code: the mixture still beats both.
  assert.ok(loaded.mixture.valid.mixture < loaded.mixture.valid.lstm);
  assert.ok(loaded.mixture.valid.mixture < loaded.mixture.valid.ngram + 0.003);
  const completion = new CompletionEngine(loaded.model, loaded.vocab, undefined, loaded.mixture)
    .complete(request('export class KneserNey {\n  readonly voc'));
  assert.ok(completion?.insertText.startsWith('abSize'), JSON.stringify(completion?.insertText));
});
