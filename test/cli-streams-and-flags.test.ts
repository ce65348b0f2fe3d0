// The built command line (run `npm run build` first) where its output is cut short, where a flag
// does not fit, and where the input says little: a closed stdout, sample's strategy flags, a
// long sample, an empty file, exponent notation, eval on text of unknown characters.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadModel } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';
import { generate } from '../src/core/sampling/generate';
import { seededRandom } from '../src/core/math/random';
import { CLI, runCli, TINY, tinyModelFolder, type Run } from './cli-fixture';

let dir = '';
let corpus = '';
let model = '';

function run(...args: string[]): Run {
  return runCli(dir, args, 60_000);
}

/**
 * Runs the CLI, reads its stdout until `enough` holds for what came, then closes the pipe as
 * `| head` does; resolves when the process ends, with what it wrote and how long it took.
 */
function runThenCloseStdout(args: string[], enough: (stdout: string) => boolean): Promise<Run & { ms: number; read: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir });
    let read = '', stderr = '', closed = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`still running after 60 s; ${stderr}`)); }, 60_000);
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.stdout.on('data', (d: Buffer) => {
      if (closed) return;
      read += d;
      if (enough(read)) { closed = true; child.stdout.destroy(); }
    });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout: read, read, stderr, ms: Date.now() - started }); });
  });
}

before(() => {
  ({ dir, corpus, model } = tinyModelFolder('char-lstm-streams-', ['--epochs', '2', '--validate-every', '20'], 60_000));
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('a closed stdout', () => {
  test('train --json | head -1: the events stop, one line says so, training goes on and saves its model', { timeout: 90_000 }, async () => {
    const out = path.join(dir, 'piped.safetensors');
    const r = await runThenCloseStdout(['train', corpus, '--out', out, ...TINY, '--epochs', '4', '--validate-every', '10', '--json'],
      (stdout) => stdout.includes('\n'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.read.split('\n')[0]).kind, 'start');
    const closedLines = r.stderr.split('\n').filter((l) => /stdout closed/.test(l));
    assert.equal(closedLines.length, 1, r.stderr);
    assert.match(closedLines[0], /no more JSON events; training goes on and saves to .*piped\.safetensors/);
    assert.match(r.stderr, /^done: best valid loss .* saved to .*piped\.safetensors$/m);
    const info = run('info', '--model', out, '--json');
    assert.equal(info.code, 0, info.stderr);
    // All 4 epochs trained: 4 × the steps of one.
    assert.ok(JSON.parse(info.stdout).training.steps >= 4 * 30, info.stdout);
  });

  test('sample --length 10000000 | head: the text comes as it is made, and the command ends at once, quietly, with 0', { timeout: 60_000 }, async () => {
    const r = await runThenCloseStdout(['sample', '--model', model, '--length', '10000000', '--seed', '1'], (s) => s.length >= 2000);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.ok(r.read.length >= 2000);
    // 10 million characters take a minute or more; the first 2,000 and the end, a few seconds.
    assert.ok(r.ms < 15_000, `${r.ms} ms`);
  });

  test('sample prints what generate makes, the prime first', async () => {
    const r = run('sample', '--model', model, '--prime', 'the ', '--length', '3000', '--seed', '5', '--k', '4');
    assert.equal(r.code, 0, r.stderr);
    const { model: loaded, vocab } = await loadModel(model, createKernels());
    const expected = generate(loaded, vocab, 'the ', 3000, { kind: 'topk', k: 4, temperature: 1 }, seededRandom(5));
    assert.equal(r.stdout, `the ${expected}\n`);
  });
});

describe('sample\'s strategy flags', () => {
  const greedy = () => run('sample', '--model', model, '--length', '200', '--strategy', 'greedy').stdout;

  test('--k alone selects top-k, --p alone top-p: --k 1 and --p 0.001 sample as greedy does', () => {
    const expected = greedy();
    for (const flags of [['--k', '1'], ['--p', '0.001']]) {
      for (const seed of ['1', '2']) {
        const r = run('sample', '--model', model, '--length', '200', ...flags, '--seed', seed);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, expected, `${flags.join(' ')} --seed ${seed}`);
      }
    }
  });

  test('a flag the strategy does not read: exit 2, one line naming it', () => {
    for (const [flags, message] of [
      [['--strategy', 'greedy', '--temperature', '0.5'], /^char-lstm: --temperature 0\.5 does not apply to --strategy greedy/],
      [['--strategy', 'temperature', '--k', '5'], /^char-lstm: --k 5 does not apply to --strategy temperature/],
      [['--strategy', 'topk', '--p', '0.5'], /^char-lstm: --p 0\.5 does not apply to --strategy topk/],
      [['--k', '5', '--p', '0.5'], /^char-lstm: --k 5 and --p 0\.5 belong to different strategies/],
    ] as const) {
      const r = run('sample', '--model', model, ...flags);
      assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, message);
    }
  });

  test('--help says how the strategy is chosen', () => {
    const help = run('sample', '--help').stdout;
    assert.match(help, /Without --strategy, --k selects topk and --p selects topp/);
    assert.match(help, /does not read is an error \(exit 2\)/);
  });
});

describe('messages that say what happened', () => {
  test('an empty file: the message says it is empty', () => {
    writeFileSync(path.join(dir, 'empty.txt'), '');
    for (const command of [['train', 'empty.txt', '--out', 'e.safetensors'], ['eval', '--model', model, 'empty.txt']]) {
      const r = run(...command);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(r.stderr, 'char-lstm: No text files found under empty.txt (empty.txt is empty)\n');
    }
    assert.ok(!existsSync(path.join(dir, 'e.safetensors')));
  });

  test('--epochs 1e9 is a whole number; a fraction or past 2^53 - 1 is refused, saying why', () => {
    const r = run('train', corpus, '--out', 'big-epochs.safetensors', ...TINY, '--epochs', '1e9', '--max-steps', '20', '--validate-every', '10', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.split('\n')[0]).epochs, 1e9);
    const fraction = run('train', corpus, '--out', 'x.safetensors', '--epochs', '2.5');
    assert.equal(fraction.code, 2);
    assert.match(fraction.stderr, /'--epochs <n>' argument '2\.5' is invalid\. expected a whole number ≥ 1; 2\.5 is not whole/);
    const huge = run('train', corpus, '--out', 'x.safetensors', '--epochs', '1e16');
    assert.equal(huge.code, 2);
    assert.match(huge.stderr, /at most 9007199254740991/);
  });

  test('eval on text only of unknown characters scores every character after the first, and counts them consistently', () => {
    writeFileSync(path.join(dir, 'unknown.txt'), '一'.repeat(30_000));
    const json = run('eval', '--model', model, 'unknown.txt', '--json');
    assert.equal(json.code, 0, json.stderr);
    const result = JSON.parse(json.stdout);
    // 30,000 characters and the blank line after the file: 30,002 read, all but the first scored.
    assert.equal(result.chars, 30_001);
    assert.equal(result.unknown_chars, 29_999);
    assert.equal(result.as_completed.chars, 30_001);
    const text = run('eval', '--model', model, 'unknown.txt');
    assert.match(text.stdout, /^loss \d+\.\d{3} nats\/char \(\d+\.\d{3} bits\/char\) over 30,001 chars \(the file's 30,000 and the blank line after it, less the first, which nothing predicts\); 29,999 of them are not in the model's vocabulary$/m);
    assert.match(text.stdout, /over the same chars/);
  });
});
