// sample's strategy flags: a flag only one strategy reads selects it; one the chosen strategy
// does not read is a usage error (exit 2), never silently ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError, EXIT_USAGE } from '../src/cli/fail';
import { resolveStrategy, type StrategyFlags } from '../src/cli/sample-strategy';
import { CharModel } from '../src/core/model/char-model';
import { Vocab } from '../src/core/data/vocab';
import { generate, generateChunks } from '../src/core/sampling/generate';
import { seededRandom } from '../src/core/math/random';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';

test('without --strategy, --k selects top-k, --p top-p, --temperature alone temperature sampling', () => {
  const cases: [StrategyFlags, unknown][] = [
    [{}, { kind: 'temperature', temperature: 1 }],
    [{ temperature: 0.5 }, { kind: 'temperature', temperature: 0.5 }],
    [{ k: 5 }, { kind: 'topk', k: 5, temperature: 1 }],
    [{ k: 5, temperature: 0.7 }, { kind: 'topk', k: 5, temperature: 0.7 }],
    [{ p: 0.5 }, { kind: 'topp', p: 0.5, temperature: 1 }],
    [{ p: 0.5, temperature: 2 }, { kind: 'topp', p: 0.5, temperature: 2 }],
  ];
  for (const [flags, expected] of cases) assert.deepEqual(resolveStrategy(flags), expected, JSON.stringify(flags));
});

test('with --strategy, the flags it reads are used', () => {
  assert.deepEqual(resolveStrategy({ strategy: 'greedy' }), { kind: 'greedy' });
  assert.deepEqual(resolveStrategy({ strategy: 'top-k', k: 3, temperature: 0.8 }), { kind: 'topk', k: 3, temperature: 0.8 });
  assert.deepEqual(resolveStrategy({ strategy: 'nucleus', p: 0.3 }), { kind: 'topp', p: 0.3, temperature: 1 });
  assert.deepEqual(resolveStrategy({ strategy: 'temperature', temperature: 3 }), { kind: 'temperature', temperature: 3 });
});

test('a flag the strategy does not read is a usage error that names it and the strategy that reads it', () => {
  const cases: [StrategyFlags, RegExp][] = [
    [{ strategy: 'greedy', temperature: 0.5 }, /^--temperature 0\.5 does not apply to --strategy greedy, which always picks the likeliest character: drop it, or use --strategy temperature$/],
    [{ strategy: 'greedy', k: 5 }, /^--k 5 does not apply to --strategy greedy.*use --strategy topk$/],
    [{ strategy: 'temperature', k: 5 }, /^--k 5 does not apply to --strategy temperature, which reads only --temperature: drop it, or use --strategy topk$/],
    [{ strategy: 'temperature', p: 0.2 }, /^--p 0\.2 does not apply to --strategy temperature.*use --strategy topp$/],
    [{ strategy: 'topk', p: 0.2, k: 3 }, /^--p 0\.2 does not apply to --strategy topk, which reads only --k and --temperature/],
    [{ strategy: 'topp', k: 3 }, /^--k 3 does not apply to --strategy topp, which reads only --p and --temperature/],
    [{ strategy: 'greedy', k: 2, p: 0.3 }, /^--k 2 and --p 0\.3 do not apply to --strategy greedy.*drop them, or use --strategy topk or topp$/],
    [{ k: 2, p: 0.3 }, /^--k 2 and --p 0\.3 belong to different strategies \(topk and topp\): give one of them$/],
  ];
  for (const [flags, message] of cases) {
    assert.throws(() => resolveStrategy(flags), (e: unknown) => {
      assert.ok(e instanceof CliError, String(e));
      assert.equal(e.exitCode, EXIT_USAGE);
      assert.match(e.message, message);
      return true;
    }, JSON.stringify(flags));
  }
});

test('generateChunks makes generate\'s text, in pieces of the size asked, never splitting a character', () => {
  const vocab = Vocab.fromText('ab c\n😀é');
  const model = new CharModel(new ReferenceKernels('f32'),
    { cell: 'lstm', embedding: 4, hidden: 8, layers: 1, dropout: 0, vocabSize: vocab.size }, seededRandom(2));
  const strategy = { kind: 'temperature', temperature: 1.5 } as const;
  const whole = generate(model, vocab, 'ab', 500, strategy, seededRandom(9));
  assert.equal([...whole].length, 500);
  assert.ok(whole.includes('😀'), 'the sample holds a surrogate pair');
  for (const size of [1, 7, 64, 10_000]) {
    const chunks = [...generateChunks(model, vocab, 'ab', 500, strategy, seededRandom(9), size)];
    assert.equal(chunks.join(''), whole, `chunks of ${size}`);
    for (const chunk of chunks.slice(0, -1)) assert.ok(chunk.length >= size && chunk.length <= size + 1, `${chunk.length} for ${size}`);
    for (const chunk of chunks) assert.ok(!/^[\udc00-\udfff]|[\ud800-\udbff]$/.test(chunk), 'no split surrogate pair');
  }
});
