// The command line's number parsers: whole numbers in exponent notation are whole numbers;
// what is refused says why, and the limit where there is one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { intArg } from '../src/cli/parse-number';

test('intArg takes whole numbers written with digits or an exponent', () => {
  const atLeastOne = intArg(1);
  for (const [text, n] of [['1e9', 1e9], ['1E3', 1000], ['2.5e3', 2500], ['12', 12], [' 7 ', 7], ['+3', 3], ['1.0', 1],
    ['9007199254740991', Number.MAX_SAFE_INTEGER]] as const) {
    assert.equal(atLeastOne(text), n, text);
  }
  assert.ok(Object.is(intArg(0)('-0'), 0), '-0 is 0');
});

test('intArg refuses what is not a whole number in range, saying why', () => {
  const refused = (parse: (v: string) => number, text: string, message: RegExp) =>
    assert.throws(() => parse(text), (e: unknown) => e instanceof InvalidArgumentError && message.test(e.message), text);
  for (const text of ['', 'abc', '0x10', '1e', 'Infinity', '12abc', 'NaN']) refused(intArg(1), text, /^expected a whole number ≥ 1$/);
  refused(intArg(1), '2.5', /^expected a whole number ≥ 1; 2\.5 is not whole$/);
  refused(intArg(1), '1e-3', /^expected a whole number ≥ 1; 1e-3 is not whole$/);
  refused(intArg(0), '1e-400', /not whole/);
  refused(intArg(1), '0', /^expected a whole number ≥ 1$/);
  refused(intArg(1), '1e16', /^expected a whole number ≥ 1, at most 9007199254740991 \(2\^53 - 1/);
  refused(intArg(1), '1e400', /at most 9007199254740991/);
  refused(intArg(0, 10_000_000), '2e7', /^expected a whole number from 0 to 10000000; 2e7 is more than 10000000$/);
});
