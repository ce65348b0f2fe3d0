// Completion metrics (src/core/eval): top-1, word match and characters saved for any predictor,
// checked on an oracle, a uniform guesser, the ghost text CompletionEngine shows, and VS Code's
// own Ctrl+Right rule.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Vocab } from '../src/core/data/vocab';
import { CompletionEngine } from '../src/completion';
import { acceptedLength, fromArray } from '../src/core/eval/accept-word';
import { charClasses } from '../src/core/eval/char-classes';
import { completionMetrics, sliceText } from '../src/core/eval/completion-metrics';
import { GreedyGhost } from '../src/core/eval/greedy-ghost';
import { LstmPredictor } from '../src/core/eval/lstm-predictor';
import { greedyId, type CharPredictor } from '../src/core/eval/predictor';
import { countNgrams, KneserNey, NgramPredictor } from '../src/core/ngram';
import { seededRandom } from '../src/core/sampling';
import { trainedOnSentence } from './sentence-model';

const PROSE = `It was the best of times, it was the worst of times; it was the age of wisdom.
It was the age of foolishness: 42 epochs (of belief) and x_1 = y2 + 3.5, or so.
    Indented, with  two spaces  and tabs\tbetween.
The end.
`;

/** Knows the text: the true next character scores 1, everything else 0. */
class Oracle implements CharPredictor {
  constructor(readonly ids: ArrayLike<number>, private pos: number, readonly vocabSize: number) {}
  scores(): Float64Array {
    const s = new Float64Array(this.vocabSize);
    if (this.pos < this.ids.length) s[this.ids[this.pos]] = 1;
    return s;
  }
  step(): void { this.pos++; }
  clone(): Oracle { return new Oracle(this.ids, this.pos, this.vocabSize); }
}

/** Knows nothing: every id scores the same. */
class Uniform implements CharPredictor {
  constructor(readonly vocabSize: number) {}
  scores(): Float64Array { return new Float64Array(this.vocabSize); }
  step(): void {}
  clone(): Uniform { return this; }
}

/** VS Code's InlineCompletionsModel.acceptNextWord, on strings, with \p{L}\p{N}_ words. */
function vscodeAcceptNextWord(text: string): number {
  const m1 = text.match(/[\p{L}\p{N}_]+/u);
  let until = m1 && m1.index !== undefined ? (m1.index === 0 ? m1[0].length : m1.index) : text.length;
  const m2 = /\s+/g.exec(text);
  if (m2 && m2.index + m2[0].length < until) until = m2.index + m2[0].length;
  return until;
}

/** Keystrokes of a person whose ghost text is always the rest of the line (≤ 40, trimmed). */
function oracleKeystrokes(text: string): number {
  let cursor = 0, keys = 0;
  while (cursor < text.length) {
    const ghost = text.slice(cursor).split(/[\r\n]/)[0].slice(0, 40).trimEnd();
    let used = 0;
    while (used < ghost.length) { used += vscodeAcceptNextWord(ghost.slice(used)); keys++; }
    if (used === 0) { cursor++; keys++; } else cursor += used;
  }
  return keys;
}

describe('completion metrics', () => {
  test('an oracle: top-1 and word match are 1, and it saves what Ctrl+Right can', () => {
    const vocab = Vocab.fromText(PROSE);
    const ids = vocab.encode(PROSE);
    const m = completionMetrics((_, at) => new Oracle(ids, at, vocab.size), ids, vocab);
    assert.equal(m.chars, ids.length);
    assert.equal(m.top1, 1);
    assert.equal(m.wordMatch, 1);
    assert.equal(m.wordStarts, PROSE.match(/[\p{L}\p{N}_]+/gu)!.length);
    assert.equal(m.keystrokes, oracleKeystrokes(PROSE));
    // Every word and every run of spaces or punctuation is a key of its own: about half of prose.
    assert.ok(m.charsSaved > 0.5, `${m.charsSaved}`);
    assert.equal(m.charsSaved, (ids.length - m.keystrokes) / ids.length);
  });

  test('a uniform guesser: top-1 about 1/V, nothing matched, nothing saved', () => {
    const vocab = Vocab.fromText(PROSE);
    const ids = vocab.encode(PROSE);
    const m = completionMetrics(() => new Uniform(vocab.size), ids, vocab);
    assert.ok(m.top1 < 2 / vocab.size, `${m.top1} vs 1/${vocab.size}`);
    assert.equal(m.wordMatch, 0);
    assert.equal(m.charsSaved, 0);
    assert.equal(m.keystrokes, ids.length);
  });

  test('Ctrl+Right accepts what VS Code accepts', () => {
    const vocab = Vocab.fromText(`${PROSE}é-,;()[]{}!?`);
    const classes = charClasses(vocab);
    for (const text of ['the cat', ' cat', ', cat', ' = 1', '  x', '();', '\tfoo', 'é_1 b', '(a, b)', '-->  y']) {
      assert.equal(acceptedLength(fromArray(vocab.encode(text)), classes), vscodeAcceptNextWord(text), JSON.stringify(text));
    }
    const rng = seededRandom(6);
    const chars = ' \tab1_,.(é-';
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: 1 + Math.floor(rng.next() * 8) }, () => chars[Math.floor(rng.next() * chars.length)]).join('');
      assert.equal(acceptedLength(fromArray(vocab.encode(text)), classes), vscodeAcceptNextWord(text), JSON.stringify(text));
    }
  });

  test('the ghost text measured is what CompletionEngine shows, at every position', async () => {
    const { model, vocab } = await trainedOnSentence();
    const engine = new CompletionEngine(model, vocab);
    const text = 'the quick brown fox jumps over the lazy dog.\nthe lazy fox jumps over the quick dog.\nthe';
    const ids = vocab.encode(text);
    const ghost = new GreedyGhost(LstmPredictor.after(model, [vocab.id('\n')]), charClasses(vocab));
    for (let p = 0; p <= ids.length; p++) {
      const shown = engine.complete({ docKey: 'd', text: text.slice(0, p), offset: p, strategy: { kind: 'greedy' },
        maxChars: 40, stopAtEndOfLine: true });
      assert.equal(vocab.decode(ghost.ghost()), shown?.insertText ?? '', `at ${p}`);
      if (p < ids.length) ghost.advance(ids[p]);
    }
  });

  test('ghost texts kept from the last rollout equal fresh rollouts', () => {
    const vocab = Vocab.fromText(PROSE);
    const ids = vocab.encode(PROSE.repeat(3));
    const kn = new KneserNey(countNgrams(ids.subarray(0, PROSE.length * 2), vocab.size, { maxOrder: 5 }));
    const classes = charClasses(vocab);
    const kept = new GreedyGhost(NgramPredictor.after(kn, 5, []), classes);
    for (let p = 0; p < ids.length; p++) {
      const fresh = new GreedyGhost(NgramPredictor.after(kn, 5, ids.subarray(0, p)), classes);
      assert.deepEqual(kept.ghost(), fresh.ghost(), `at ${p}`);
      assert.equal(kept.next(), fresh.next());
      kept.advance(ids[p]);
    }
  });

  test('equal a slow simulation on strings with a fresh rollout at every position', () => {
    const vocab = Vocab.fromText(PROSE);
    const text = PROSE.repeat(3);
    const ids = vocab.encode(text);
    const kn = new KneserNey(countNgrams(vocab.encode(PROSE.repeat(2) + PROSE.slice(0, 100)), vocab.size, { maxOrder: 4 }));
    const m = completionMetrics((context) => NgramPredictor.after(kn, 4, context), ids, vocab);
    const word = /^[\p{L}\p{N}_]+/u;
    const ghostAt = (p: number) => {
      const predictor = NgramPredictor.after(kn, 4, p === 0 ? [vocab.id('\n')] : ids.subarray(0, p));
      let ghost = '';
      const first = greedyId(predictor.scores(), vocab.unknownId);
      for (let i = 0; i < 40; i++) {
        const ch = vocab.char(greedyId(predictor.scores(), vocab.unknownId));
        if (ch === '\n') break;
        ghost += ch;
        predictor.step(vocab.id(ch));
      }
      return { ghost: ghost.trimEnd(), first };
    };
    let top1 = 0, starts = 0, matched = 0, keys = 0, cursor = 0;
    for (let p = 0; p < text.length; p++) {
      const { ghost, first } = ghostAt(p);
      if (first === ids[p]) top1++;
      if (word.test(text.slice(p)) && !word.test(text.slice(p - 1, p))) {
        starts++;
        if ((ghost.match(word)?.[0] ?? '') === text.slice(p).match(word)![0]) matched++;
      }
      if (p !== cursor) continue;
      let used = 0;
      while (used < ghost.length) {
        const n = vscodeAcceptNextWord(ghost.slice(used));
        if (text.slice(cursor, cursor + n) !== ghost.slice(used, used + n)) break;
        used += n; cursor += n; keys++;
      }
      if (used === 0) { cursor++; keys++; }
    }
    assert.equal(m.wordStarts, starts);
    assert.equal(m.wordMatch, matched / starts);
    assert.equal(m.keystrokes, keys);
    assert.equal(m.top1, top1 / text.length);
    assert.ok(m.charsSaved > 0.2 && m.wordMatch > 0.3, JSON.stringify(m));
  });

  test('an n-gram that knows the text saves characters; positions are capped in even slices', () => {
    const vocab = Vocab.fromText(PROSE);
    const ids = vocab.encode(PROSE.repeat(20));
    const kn = new KneserNey(countNgrams(ids, vocab.size, { maxOrder: 8 }));
    const m = completionMetrics((context) => NgramPredictor.after(kn, 8, context), ids, vocab, { maxChars: 900, sliceChars: 300 });
    assert.equal(m.chars, 900);
    assert.equal(m.slices, 3);
    assert.ok(m.top1 > 0.9 && m.wordMatch > 0.9 && m.charsSaved > 0.5, JSON.stringify(m));
    assert.deepEqual(sliceText(10_000, 3000, 1000), [{ from: 0, to: 1000 }, { from: 4500, to: 5500 }, { from: 9000, to: 10_000 }]);
    assert.deepEqual(sliceText(500, 3000, 1000), [{ from: 0, to: 500 }]);
    assert.deepEqual(sliceText(500, 0, 1000), []);
  });
});
