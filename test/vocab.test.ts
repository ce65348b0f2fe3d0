import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UNKNOWN_CHAR, Vocab } from '../src/core/data/vocab';

test('fromText: distinct code points sorted by code point, plus the unknown slot', () => {
  const v = Vocab.fromText('hello world');
  assert.deepEqual(v.chars, [' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
  assert.equal(v.size, 9);
  assert.equal(v.unknownId, 8);
  assert.equal(v.char(v.unknownId), UNKNOWN_CHAR);
});

test('an emoji or an astral CJK ideograph is one character, sorted by code point not UTF-16 unit', () => {
  // U+1F600 (surrogates D83D DE00) sorts after U+FF01 by code point but before it by UTF-16 unit.
  const v = Vocab.fromText('😀！a𠀀');
  assert.deepEqual(v.chars, ['a', '！', '😀', '𠀀']); // U+0061, U+FF01, U+1F600, U+20000
  assert.equal(v.size, 5);
  const ids = v.encode('a😀𠀀');
  assert.deepEqual([...ids], [0, 2, 3]);
  assert.equal(v.decode(ids), 'a😀𠀀');
});

test('encode/decode round-trips any text made of known characters', () => {
  const text = 'fn main() {\n\tprintln!("héllo, 世界 🎉");\r\n}\n';
  const v = Vocab.fromText(text);
  const ids = v.encode(text);
  assert.equal(ids.length, [...text].length);
  assert.equal(v.decode(ids), text);
  for (const id of ids) assert.ok(id >= 0 && id < v.unknownId);
});

test('unknown characters (emoji, CJK, lone surrogates) map to the unknown id and never crash', () => {
  const v = Vocab.fromText('abc');
  const ids = v.encode('a🙂中\ud800b\udc00c');
  assert.deepEqual([...ids], [0, v.unknownId, v.unknownId, v.unknownId, 1, v.unknownId, 2]);
  assert.equal(v.decode(ids), `a${UNKNOWN_CHAR}${UNKNOWN_CHAR}${UNKNOWN_CHAR}b${UNKNOWN_CHAR}c`);
  assert.equal(v.id('🙂'), v.unknownId);
  assert.equal(v.id('中'), v.unknownId);
});

test('lone surrogates and U+FFFD in the text are not vocabulary entries', () => {
  const v = Vocab.fromText(`x\ud83d${UNKNOWN_CHAR}y\ude00`);
  assert.deepEqual(v.chars, ['x', 'y']);
  // U+FFFD still round-trips: it encodes to unknown, which decodes to U+FFFD.
  assert.equal(v.decode(v.encode(`x${UNKNOWN_CHAR}y`)), `x${UNKNOWN_CHAR}y`);
});

test('empty text gives a vocabulary of just the unknown slot', () => {
  const v = Vocab.fromText('');
  assert.equal(v.size, 1);
  assert.deepEqual(v.chars, []);
  assert.deepEqual([...v.encode('abc')], [0, 0, 0]);
  assert.equal(v.encode('').length, 0);
  assert.equal(v.decode([]), '');
});

test('id and char are inverse for every known character', () => {
  const v = Vocab.fromText('The quick brown 🦊 jumps');
  v.chars.forEach((ch, i) => {
    assert.equal(v.id(ch), i);
    assert.equal(v.char(i), ch);
  });
});

test('id rejects strings that are not exactly one character', () => {
  const v = Vocab.fromText('ab');
  assert.throws(() => v.id('ab'), RangeError);
  assert.throws(() => v.id(''), RangeError);
  assert.equal(v.id('\ud800'), v.unknownId);
});

test('char and decode reject ids outside the vocabulary', () => {
  const v = Vocab.fromText('ab');
  assert.throws(() => v.char(-1), RangeError);
  assert.throws(() => v.char(3), RangeError);
  assert.throws(() => v.char(0.5), RangeError);
  assert.throws(() => v.decode([0, 7]), /outside the vocabulary/);
  assert.equal(v.decode(new Int32Array([1, 0, 2])), `ba${UNKNOWN_CHAR}`);
});

test('fromChars rebuilds the same vocabulary (ids = positions)', () => {
  const a = Vocab.fromText('zebra 🦓 crossing');
  const b = Vocab.fromChars([...a.chars]);
  assert.deepEqual(b.chars, a.chars);
  assert.equal(b.size, a.size);
  const text = 'a zebra crossing 🦓!';
  assert.deepEqual(b.encode(text), a.encode(text));
});

test('fromChars validates its input with clear errors', () => {
  assert.throws(() => Vocab.fromChars(['a', 'b', 'a']), /entry 2 \("a"\) duplicates entry 0/);
  assert.throws(() => Vocab.fromChars(['a', 'bc']), /entry 1 \("bc"\) is not exactly one character/);
  assert.throws(() => Vocab.fromChars(['']), /not exactly one character/);
  assert.throws(() => Vocab.fromChars(['e\u0301']), /not exactly one character/);
  assert.throws(() => Vocab.fromChars(['\ud800']), /lone surrogate/);
  assert.throws(() => Vocab.fromChars([UNKNOWN_CHAR]), /reserved/);
  assert.throws(() => Vocab.fromChars([1 as unknown as string]), /not a string/);
  assert.throws(() => Vocab.fromChars('abc' as unknown as string[]), /must be an array/);
  assert.deepEqual(Vocab.fromChars(['😀', 'a']).chars, ['😀', 'a']);
});

test('chars is read-only', () => {
  const v = Vocab.fromText('ab');
  assert.throws(() => (v.chars as string[]).push('c'), TypeError);
});

test('encodes a large text in linear time with exactly one id per code point', () => {
  const unit = 'const x = "é🙂";\n';
  const text = unit.repeat(100_000);
  const v = Vocab.fromText(unit);
  const ids = v.encode(text);
  assert.equal(ids.length, [...unit].length * 100_000);
  assert.equal(v.decode(ids.subarray(0, [...unit].length)), unit);
});
