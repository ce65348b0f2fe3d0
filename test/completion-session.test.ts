// A model as the editor completes with it (CompletionSession): the engine mixed as the model file
// says, the pipelined primer, and the learner of what is typed, started and stopped together.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { loadModel } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';
import { CompletionEngine, CompletionSession } from '../src/completion';

const DEFAULT_MODEL = path.join(__dirname, '..', 'models', 'default.safetensors');
const TEXT = 'function add(a, b) {\n  return a + b;\n}\n\nfunction addAll(values) {\n  let total = 0;\n'
  + '  for (const value of values) total = add(total, value);\n  return total;\n}\n';

function ghost(engine: CompletionEngine, text: string, docKey = 'file:///probe'): string {
  return engine.complete({ docKey, text, offset: text.length, strategy: { kind: 'greedy' }, maxChars: 20, stopAtEndOfLine: false })
    ?.insertText ?? '';
}

function weightsOf(engine: CompletionEngine): Float32Array {
  const { k, params } = engine.model;
  return Float32Array.from(k.heap.subarray(params.values, params.values + params.count));
}

test('a session completes as its model file does, mixed with the n-gram saved in it', async () => {
  const session = await CompletionSession.open(DEFAULT_MODEL);
  try {
    const loaded = await loadModel(DEFAULT_MODEL, createKernels());
    assert.ok(loaded.mixture, 'the default model is saved with a mixture');
    assert.equal(session.mixture?.order, loaded.mixture.order);
    assert.deepEqual(session.info, loaded.info);
    await session.ready;
    const byHand = new CompletionEngine(loaded.model, loaded.vocab, undefined, loaded.mixture);
    for (const end of [30, 90, TEXT.length]) assert.equal(ghost(session.engine, TEXT.slice(0, end)), ghost(byHand, TEXT.slice(0, end)));
  } finally {
    await session.close();
  }
});

test('learning what is typed moves the weights; stopping puts the loaded ones back', async () => {
  let learned = 0;
  const session = await CompletionSession.open(DEFAULT_MODEL, { onLearned: () => learned++ });
  try {
    const loaded = weightsOf(session.engine);
    assert.equal(session.adaptation, null, 'off until asked');
    await session.adaptToTyping(true);
    const adaptation = session.adaptation!;
    for (let offset = 1; offset <= TEXT.length; offset++) {
      const typed = TEXT.slice(0, offset);
      ghost(session.engine, typed, 'file:///typed');
      adaptation.observe('file:///typed', typed, 0, offset);
      await adaptation.idle();
    }
    assert.ok(adaptation.stats.steps > 0 && learned > 0, `${adaptation.stats.steps} steps, ${learned} adopted`);
    assert.notDeepEqual(weightsOf(session.engine), loaded);
    await session.adaptToTyping(false);
    assert.equal(session.adaptation, null);
    assert.deepEqual(weightsOf(session.engine), loaded);
  } finally {
    await session.close();
  }
});
