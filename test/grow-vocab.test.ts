// Fine-tuning on a text with characters a pretrained model lacks: they get rows of their own,
// and before any training the model gives every character it knew the probability it gave before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocab } from '../src/core/data/vocab';
import { CharModel } from '../src/core/model/char-model';
import { growVocab } from '../src/core/model/grow-vocab';
import { seededRandom } from '../src/core/math/random';
import { backends } from './backends';

/** Softmax probabilities `[time, vocab]` the model gives after each character of `text`. */
function probabilities(model: CharModel, vocab: Vocab, text: string): Float64Array[] {
  const ids = vocab.encode(text);
  const T = ids.length;
  const { ids: at } = model.inputs(1, T);
  const heap = model.k.heap;
  for (let t = 0; t < T; t++) heap[at + t] = ids[t];
  const logits = model.forward(1, T, model.newState(1));
  const V = model.config.vocabSize;
  return Array.from({ length: T }, (_, t) => {
    const row = Float64Array.from(heap.subarray(logits + t * V, logits + (t + 1) * V));
    const max = Math.max(...row);
    let sum = 0;
    for (let i = 0; i < V; i++) sum += (row[i] = Math.exp(row[i] - max));
    return row.map((p) => p / sum);
  });
}

for (const [name, kernels, tolerance] of backends()) {
  test(`${name}: new characters get rows of their own and known characters keep their probabilities`, () => {
    const k = kernels();
    const old = Vocab.fromText('abcdefgh ,.\n');
    const model = new CharModel(k, { cell: 'lstm', embedding: 8, hidden: 16, layers: 2, dropout: 0, vocabSize: old.size }, seededRandom(3));
    // The workspace writes braces and a λ the model has never seen.
    const text = 'a {b} c λ. {fed} cab\nbad {λ}, ace';
    const grown = growVocab(model, old, text);
    assert.deepEqual(grown.added, [...'{}λ'].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
    assert.equal(grown.vocab.size, old.size + 3);
    for (const ch of grown.added) assert.notEqual(grown.vocab.id(ch), grown.vocab.unknownId, `${ch} has an id of its own`);
    for (const ch of old.chars) assert.equal(grown.vocab.id(ch), old.id(ch), `${JSON.stringify(ch)} keeps its id`);

    const before = probabilities(model, old, text);
    const after = probabilities(grown.model, grown.vocab, text);
    for (let t = 0; t < before.length; t++) {
      for (const ch of old.chars) {
        const id = old.id(ch);
        assert.ok(Math.abs(after[t][id] - before[t][id]) <= tolerance, `p(${JSON.stringify(ch)}) after char ${t}`);
      }
      // What "unknown" had is shared by it and the three new characters.
      const shared = [...grown.added.map((c) => grown.vocab.id(c)), grown.vocab.unknownId].reduce((s, id) => s + after[t][id], 0);
      assert.ok(Math.abs(shared - before[t][old.unknownId]) <= tolerance);
    }
  });
}

test('a text with no new characters leaves the model as it is', () => {
  const [, kernels] = backends()[1];
  const vocab = Vocab.fromText('abc \n');
  const model = new CharModel(kernels(), { cell: 'lstm', embedding: 4, hidden: 8, layers: 1, dropout: 0, vocabSize: vocab.size }, seededRandom(1));
  const grown = growVocab(model, vocab, 'cab bac\n');
  assert.equal(grown.model, model);
  assert.deepEqual(grown.added, []);
});
