// What a user sees from the completion engine: where a suggestion appears, how it is cut, and
// that a briefly trained model completes its sentence, also continuing a suggest-widget choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Strategy } from '../src/core/sampling/strategy';
import {
  CompletionEngine, applyStopRules, isInsideWord, restAllowsCompletion, trimDuplicateClosers,
  type CompletionRequest,
} from '../src/completion';
import { SENTENCE, trainedOnSentence } from './sentence-model';

const GREEDY: Strategy = { kind: 'greedy' };
const trained = trainedOnSentence();

async function engine(): Promise<CompletionEngine> {
  const { model, vocab } = await trained;
  return new CompletionEngine(model, vocab);
}

/** A request with the cursor at the end of `text`, unless `offset` says otherwise. */
function at(text: string, extra: Partial<CompletionRequest> = {}): CompletionRequest {
  return { docKey: 'doc', text, offset: text.length, strategy: GREEDY, maxChars: 80, stopAtEndOfLine: true, ...extra };
}

test('stop rules: one line, maxChars code points, no trailing whitespace', () => {
  const line = { stopAtEndOfLine: true, maxChars: 100 };
  assert.equal(applyStopRules('brown fox\nthe quick', line), 'brown fox');
  assert.equal(applyStopRules('brown fox\r\nthe quick', line), 'brown fox');
  assert.equal(applyStopRules('\nthe quick', line), '', 'a line end first: the line is finished, show nothing');
  assert.equal(applyStopRules('   \n  x', line), '');
  assert.equal(applyStopRules('brown fox   ', line), 'brown fox');
  assert.equal(applyStopRules('', line), '');
  const lines = { stopAtEndOfLine: false, maxChars: 100 };
  assert.equal(applyStopRules('\n  return x;\n}\n', lines), '\n  return x;\n}');
  assert.equal(applyStopRules('abcdefgh', { stopAtEndOfLine: true, maxChars: 5 }), 'abcde');
  assert.equal(applyStopRules('a🦊b🦊', { stopAtEndOfLine: true, maxChars: 2 }), 'a🦊', 'code points, not halves');
  assert.equal(applyStopRules('abcd ef', { stopAtEndOfLine: true, maxChars: 5 }), 'abcd');
  assert.throws(() => applyStopRules('abc', { stopAtEndOfLine: true, maxChars: -1 }), RangeError);
});

test('isInsideWord: letters, digits and underscore of any script; not punctuation or line end', () => {
  for (const rest of ['abc', 'Z', '7)', '_x', 'é', 'e\u0301', '\u0301', 'ß', 'Ω', '中文', 'ك', '٣']) {
    assert.equal(isInsideWord(rest), true, JSON.stringify(rest));
  }
  for (const rest of ['', ' abc', ')', '.', ',x', '"', '-', '🦊', '\t']) {
    assert.equal(isInsideWord(rest), false, JSON.stringify(rest));
  }
});

test('mid-line completions only before closers; closers already there are not typed again', () => {
  for (const rest of ['', '   ', ')', '")', ');', ') {', ']}', '`', "');  "]) {
    assert.equal(restAllowsCompletion(rest), true, JSON.stringify(rest));
  }
  for (const rest of [' + b', ', y)', ') + 1', '; x', '.foo()']) {
    assert.equal(restAllowsCompletion(rest), false, JSON.stringify(rest));
  }
  assert.equal(trimDuplicateClosers('a, b)', ');'), 'a, b');
  assert.equal(trimDuplicateClosers('f(x), y);', ');'), 'f(x), y');
  assert.equal(trimDuplicateClosers('hello world")', '")'), 'hello world');
  assert.equal(trimDuplicateClosers(')', ')'), '');
  assert.equal(trimDuplicateClosers('a, b ) + c', ' )'), 'a, b');
  assert.equal(trimDuplicateClosers('x + 1', ')'), 'x + 1');
  assert.equal(trimDuplicateClosers('x + 1)', ''), 'x + 1)');
});

test('greedy completion finishes the learned sentence and stops at the end of the line', async () => {
  const e = await engine();
  const text = `${SENTENCE}\nthe quick `;
  const result = e.complete(at(text));
  assert.ok(result);
  assert.equal(result.insertText, 'brown fox jumps over the lazy dog.');
  assert.equal(result.replaceStart, text.length);
  assert.equal(result.replaceEnd, text.length);
  assert.ok(result.ms >= 0);
  // Typing the suggestion's first character: one step to catch up, then the generation.
  const typed = e.complete(at(`${text}b`));
  assert.equal(typed?.insertText, 'rown fox jumps over the lazy dog.');
  assert.equal(typed?.modelSteps, 1 + 'rown fox jumps over the lazy dog.'.length);
});

test('maxChars 5 gives exactly five characters', async () => {
  const e = await engine();
  assert.equal(e.complete(at(`${SENTENCE}\nthe quick `, { maxChars: 5 }))?.insertText, 'brown');
});

test('no suggestion inside a word, before other text, or where the model ends the line', async () => {
  const e = await engine();
  const text = `${SENTENCE}\nthe quick brown`;
  assert.equal(e.complete(at(text, { offset: text.length - 3 })), null, 'inside "brown"');
  assert.equal(e.complete(at(`${SENTENCE}\nthe quick  fox`, { offset: SENTENCE.length + 11 })), null);
  assert.equal(e.complete(at(SENTENCE)), null, 'the model predicts a line end after the full stop');
  assert.equal(e.complete(at(`${SENTENCE}\nthe quick `, { maxChars: 0 })), null);
});

test('before closers the completion stops where it would retype them', async () => {
  const e = await engine();
  const text = `${SENTENCE}\nsay("the quick ")`;
  const result = e.complete(at(text, { offset: text.length - 2 }));
  assert.equal(result?.insertText, 'brown fox jumps over the lazy dog.');
});

test('an empty document is completed as if after a line end', async () => {
  const e = await engine();
  assert.equal(e.complete(at(''))?.insertText, SENTENCE);
});

test('with a suggestion selected, the completion starts with it and continues it', async () => {
  const e = await engine();
  const text = `${SENTENCE}\nthe qui`;
  const replaceStart = text.length - 3;
  const result = e.complete(at(text, { selectedSuggestion: { replaceStart, replaceEnd: text.length, text: 'quick' } }));
  assert.ok(result);
  assert.ok(result.insertText.startsWith('quick brown'), result.insertText);
  assert.equal(result.replaceStart, replaceStart);
  assert.equal(result.replaceEnd, text.length);
  // The suggestion's characters did not enter the document's cached state.
  const plain = e.complete(at(text));
  assert.equal(plain?.insertText, 'ck brown fox jumps over the lazy dog.');
  // Nothing to add after the suggestion (the model ends the line): the suggestion alone.
  const end = `${SENTENCE.slice(0, -4)}d`;
  const alone = e.complete(at(end, { selectedSuggestion: { replaceStart: end.length - 1, replaceEnd: end.length, text: 'dog.' } }));
  assert.equal(alone?.insertText, 'dog.');
  assert.throws(() => e.complete(at(text, { selectedSuggestion: { replaceStart: text.length + 1, replaceEnd: text.length, text: 'x' } })), RangeError);
});

test('characters outside the vocabulary never crash or appear in a completion', async () => {
  const e = await engine();
  for (const text of ['the quick 🦊 ', '日本語 the quick ', `${SENTENCE}\n\uD83D the \uDC00 quick `, 'Ünïcödé\r\nthe quick ']) {
    for (const stopAtEndOfLine of [true, false]) {
      const result = e.complete(at(text, { stopAtEndOfLine, maxChars: 120, strategy: { kind: 'temperature', temperature: 1.5 } }));
      assert.ok(result === null || !result.insertText.includes('\uFFFD'), JSON.stringify(result));
    }
  }
});

test('the same seed gives the same sampled completion', async () => {
  const { model, vocab } = await trained;
  const req = at('the ', { strategy: { kind: 'temperature', temperature: 2 }, maxChars: 40, stopAtEndOfLine: false });
  const runs = [3, 3, 4, 4].map((seed) => new CompletionEngine(model, vocab).complete({ ...req, seed })?.insertText);
  assert.equal(runs[0], runs[1]);
  assert.equal(runs[2], runs[3]);
  assert.notEqual(runs[0], runs[2], 'another seed, another sample');
  assert.notEqual(runs[0], undefined);
});
