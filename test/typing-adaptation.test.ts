// Dynamic evaluation in the editor: the weights follow what is typed (TypingAdaptation), learnt
// on a thread of its own (ThreadedLearner), through the same request path as the editor's.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadModel } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';
import { DynamicAdapter, TYPING_SETTINGS, ThreadedLearner, localLearner, type Learner, type StretchJob } from '../src/core/dynamic';
import { CompletionEngine, TypingAdaptation, completeInEditor, encodeForModel, type EditorDocument } from '../src/completion';
import { unitsAfterIds } from '../src/completion/text-offsets';
import { SCENE as NEW_NAMES } from './new-names-scene';

const DEFAULT_MODEL = path.join(__dirname, '..', 'models', 'default.safetensors');
/**
 * The Shakespeare-only 2x512 model (the default until the pretrained one): the scene's names are
 * learnt across documents by it in the scene's seven steps, at the step size tuned on it; the
 * pretrained 2x256 learns them within the document (the e2e typing test) but not yet across.
 */
const SHAKESPEARE_MODEL = path.join(__dirname, '..', 'bench', 'models', 'shakespeare-2x512.safetensors');
const GREEDY = { kind: 'greedy' } as const;

/** The scene, ending with a line end. */
const SCENE = `${NEW_NAMES}\n`;

/** The default model as completions use it; `lstmOnly` leaves out its n-gram mixture. */
async function engineOf(lstmOnly = false, file = DEFAULT_MODEL): Promise<CompletionEngine> {
  const { model, vocab, mixture } = await loadModel(file, createKernels());
  return new CompletionEngine(model, vocab, undefined, lstmOnly ? null : mixture ?? null);
}

class TypedDocument implements EditorDocument {
  version = 0;
  text = '';
  constructor(readonly key = 'file:///scene.txt') {}
  read(start: number, end: number) {
    return { text: this.text.slice(start, end), start: Math.min(start, this.text.length) };
  }
}

/**
 * Types `text` into a document one character at a time, asking for ghost text after each as the
 * editor does (read hook included) and, with `adaptation`, waiting for any stretch it learns.
 * Returns the ghost text after each keystroke.
 */
async function type(engine: CompletionEngine, adaptation: TypingAdaptation | null, text: string,
  doc = new TypedDocument()): Promise<string[]> {
  const shown: string[] = [];
  for (const ch of text) {
    doc.text += ch;
    doc.version++;
    const outcome = await completeInEditor(doc, { offset: doc.text.length, strategy: GREEDY, maxChars: 20, stopAtEndOfLine: true, debounceMs: 0 }, {
      engine: () => engine, isCancelled: () => false,
      read: (key, t, start, offset) => adaptation?.observe(key, t, start, offset),
    });
    assert.equal(outcome.kind, 'done');
    shown.push(outcome.kind === 'done' ? outcome.result?.insertText ?? '' : '');
    await adaptation?.idle();
  }
  return shown;
}

function ghost(engine: CompletionEngine, text: string, docKey = 'file:///probe'): string {
  return engine.complete({ docKey, text, offset: text.length, strategy: GREEDY, maxChars: 20, stopAtEndOfLine: true })?.insertText ?? '';
}

function weightsOf(engine: CompletionEngine): Float32Array {
  const { k, params } = engine.model;
  return Float32Array.from(k.heap.subarray(params.values, params.values + params.count));
}

test('a name typed a few times is completed after it: the model learns what is typed, the static one cannot', async () => {
  const adapted = await engineOf(true, SHAKESPEARE_MODEL);
  const adaptation = new TypingAdaptation(adapted, new ThreadedLearner(adapted.model));
  const fixed = await engineOf(true, SHAKESPEARE_MODEL);
  try {
    await type(adapted, adaptation, SCENE);
    assert.ok(adaptation.stats.steps >= 7, `${adaptation.stats.steps} steps for ${SCENE.length} characters`);
    assert.equal(adaptation.stats.failure, null);
    // At the scene's end, and in a document of its own (no cache of the scene there).
    const probes: [string, string][] = [[`${SCENE}\nQUILLAMINE:\nI sing for Quil`, 'file:///scene.txt'], ['The Lady Quil', 'file:///other.txt']];
    const learnt = probes.map(([p, key]) => ghost(adapted, p, key));
    const before = probes.map(([p, key]) => ghost(fixed, p, key));
    for (const g of learnt) assert.match(g, /^lamine/, `adapted: ${JSON.stringify(learnt)}`);
    for (const b of before) assert.doesNotMatch(b, /^lamine/, `static: ${JSON.stringify(before)}`);
  } finally {
    await adaptation.close(false);
  }
});

test('the ghost text is the one a model stepped on the same typed segments gives, on the learner thread as on this one', async () => {
  const threaded = await engineOf();
  const onThread = new TypingAdaptation(threaded, new ThreadedLearner(threaded.model));
  const local = await engineOf();
  const here = new TypingAdaptation(local, localLearner(local.model));
  const fixed = await engineOf();
  try {
    const a = await type(threaded, onThread, SCENE);
    const b = await type(local, here, SCENE);
    const c = await type(fixed, null, SCENE);
    assert.deepEqual(a, b, 'the thread learns exactly what this thread would');
    assert.ok(a.some((g, i) => g !== c[i]), 'and the adapted ghost text differs from the static one');

    // The reference: from the document's start (the first request, after 1 character, falls in
    // its first segment) and a zero state, one step on each whole segment of 50 typed ids.
    const { model, vocab } = await loadModel(DEFAULT_MODEL, createKernels());
    const ids = encodeForModel(vocab, SCENE);
    const reference = new DynamicAdapter(model);
    const T = TYPING_SETTINGS.segment;
    const steps = Math.floor((ids.length - 1) / T);
    for (let s = 0; s < steps; s++) reference.step(ids, s * T, T, TYPING_SETTINGS);
    assert.equal(onThread.stats.steps, steps);
    assert.deepEqual(weightsOf(threaded), reference.weights(), 'bit for bit');
  } finally {
    await onThread.close(false);
    await here.close(false);
  }
});

test('the model file is never written, and turning adaptation off gives the loaded weights back', async () => {
  const hash = () => crypto.createHash('sha256').update(fs.readFileSync(DEFAULT_MODEL)).digest('hex');
  const before = hash();
  const engine = await engineOf(true);
  const fixed = await engineOf(true);
  const adaptation = new TypingAdaptation(engine, new ThreadedLearner(engine.model));
  await type(engine, adaptation, SCENE);
  const probe = `${SCENE}\nQUILLAMINE:\nI sing for Quil`;
  assert.notEqual(ghost(engine, probe), ghost(fixed, probe));
  await adaptation.close(true);
  assert.deepEqual(weightsOf(engine), weightsOf(fixed));
  assert.equal(ghost(engine, probe, 'file:///again'), ghost(fixed, probe, 'file:///again'));
  assert.equal(hash(), before);
  const { mtimeMs } = fs.statSync(DEFAULT_MODEL);
  assert.ok(Date.now() - mtimeMs > 10_000, 'not touched either');
});

/** Records the stretches it is given; learns nothing (the weights stay), consuming whole segments as a real one does. */
class RecordingLearner implements Learner {
  readonly jobs: StretchJob[] = [];
  constructor(private readonly engine: CompletionEngine, private readonly fail: string | null = null) {}
  async learn(job: StretchJob) {
    if (this.fail) throw new Error(this.fail);
    this.jobs.push(job);
    const consumed = Math.floor((job.ids.length - 1) / TYPING_SETTINGS.segment) * TYPING_SETTINGS.segment;
    return { consumed, state: new Float32Array(job.state.length), steps: consumed / TYPING_SETTINGS.segment, loss: 1, snapshot: this.engine.model.inferenceSnapshot() };
  }
  async close() {}
}

test('stretches follow on from each other: every typed character is learnt once, CRLF and astral characters included', async () => {
  const engine = await engineOf(true);
  const learner = new RecordingLearner(engine);
  const adaptation = new TypingAdaptation(engine, learner);
  // CRLF line ends and characters outside the BMP, typed one code point at a time.
  const text = SCENE.replace(/\n/g, '\r\n').replace(/sing/g, 'sing 🎶');
  await type(engine, adaptation, text);
  const T = TYPING_SETTINGS.segment;
  const learnt: number[] = [];
  for (const job of learner.jobs) learnt.push(...job.ids.subarray(0, Math.floor((job.ids.length - 1) / T) * T));
  const ids = encodeForModel(engine.vocab, text);
  // From the document's start, whole segments, in order, without a gap.
  assert.ok(learnt.length >= ids.length - 1 - 2 * T, `${learnt.length} of ${ids.length} ids learnt`);
  assert.deepEqual(learnt, [...ids.subarray(0, learnt.length)]);
  assert.equal(adaptation.stats.steps, learnt.length / T);
});

test('a cursor that jumps back or far ahead starts a new stretch where it is; documents keep their own', async () => {
  const engine = await engineOf(true);
  const learner = new RecordingLearner(engine);
  const adaptation = new TypingAdaptation(engine, learner, { maxStretch: 200 });
  const text = SCENE.repeat(3);
  const doc = new TypedDocument('file:///a');
  await type(engine, adaptation, text.slice(0, 120), doc);
  const jobs = learner.jobs.length;
  // A paste of 400 characters: not learnt, but for the part of it in the stretch where typing
  // goes on, which starts at the last multiple of 256 before the first keystroke after it (521).
  doc.text += text.slice(120, 520);
  await type(engine, adaptation, text.slice(520, 540), doc);
  assert.equal(learner.jobs.length, jobs, 'nothing learnt across the paste');
  await type(engine, adaptation, text.slice(540, 600), doc);
  assert.deepEqual([...learner.jobs[jobs].ids], [...encodeForModel(engine.vocab, text.slice(512, 563))]);
  // Deleting back over the mark: the next stretch starts at 256, before the cursor (401).
  const before = learner.jobs.length;
  doc.text = doc.text.slice(0, 400);
  await type(engine, adaptation, 'And Quillamine sang to Vexbuzzard all the night long, and he was merry.', doc);
  assert.deepEqual([...learner.jobs[before].ids], [...encodeForModel(engine.vocab, doc.text.slice(256, 402))]);
  // Another document starts its own stretch.
  const other = new TypedDocument('file:///b');
  await type(engine, adaptation, 'x'.repeat(52), other);
  assert.deepEqual([...learner.jobs.at(-1)!.ids], [...encodeForModel(engine.vocab, 'x'.repeat(51))]);
});

test('marking where learning starts costs no model step: the state cache holds the state there', async () => {
  const engine = await engineOf(true);
  const adaptation = new TypingAdaptation(engine, new RecordingLearner(engine));
  const text = SCENE.repeat(20).slice(0, 5000);
  for (const offset of [5000, 4200, 4097]) { // a jump back each time, 4097 just past a window's start
    engine.complete({ docKey: 'd', text, offset, strategy: GREEDY, maxChars: 20, stopAtEndOfLine: true });
    const steps = engine.states.stats.stepsRun;
    adaptation.observe('d', text, 0, offset);
    assert.equal(engine.states.stats.stepsRun, steps, `at ${offset}`);
  }
});

test('a learner that fails stops learning with its reason; completions go on from the weights as they are', async () => {
  const engine = await engineOf(true);
  const fixed = await engineOf(true);
  const why: string[] = [];
  const adaptation = new TypingAdaptation(engine, new RecordingLearner(engine, 'out of memory'), { onFailure: (w) => why.push(w) });
  const shown = await type(engine, adaptation, SCENE.slice(0, 200));
  assert.equal(adaptation.stats.failure, 'out of memory');
  assert.deepEqual(why, ['out of memory'], 'told once');
  assert.deepEqual(shown, await type(fixed, null, SCENE.slice(0, 200)));
});

test('a learner thread that dies rejects its jobs with the reason', async () => {
  const { model } = await loadModel(DEFAULT_MODEL, createKernels());
  const learner = new ThreadedLearner(model, TYPING_SETTINGS, () => new Worker('throw new Error("no memory for the copy")', { eval: true }));
  const job = { ids: new Int32Array(51), state: new Float32Array(model.stateSize) };
  await assert.rejects(learner.learn(job), /the learner thread (failed: no memory for the copy|exited)/);
  await assert.rejects(learner.learn(job), /the learner thread/);
  await learner.close();
});

test('unitsAfterIds counts as the encoder does: a CRLF and a surrogate pair are one id each', () => {
  const text = 'a\r\nb🎶c\rd';
  assert.equal(unitsAfterIds(text, 0, 2), 3);
  assert.equal(unitsAfterIds(text, 3, 2), 6);
  assert.equal(unitsAfterIds(text, 6, 3), 9);
  assert.equal(unitsAfterIds(text, 0, 99), text.length);
});
