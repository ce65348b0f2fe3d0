// End-to-end tests of the built command-line tool (run `npm run build` first): each runs
// `node dist/cli.js …` on a small generated corpus in a temporary folder.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CliError, reportError } from '../src/cli/fail';
import { TrainReporter } from '../src/cli/progress';
import { wordText } from './word-text';
import { CLI, runCli, TINY, tinyModelFolder, type Run } from './cli-fixture';

let dir = '';
let corpus = '';
let model = '';

function run(...args: string[]): Run {
  return runCli(dir, args, 30_000);
}

/** An expected failure: non-zero exit, exactly one line on stderr, and no stack trace. */
function assertOneLineFailure(r: Run, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code; stderr: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l.length > 0);
  assert.equal(lines.length, 1, `one stderr line, got: ${r.stderr}`);
  assert.match(lines[0], /^char-lstm: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
}

before(() => {
  ({ dir, corpus, model } = tinyModelFolder('char-lstm-cli-', ['--epochs', '3', '--validate-every', '10'], 30_000));
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('train, info, sample, eval', () => {
  test('train saves the model and info shows it', () => {
    assert.ok(existsSync(model));
    const r = run('info', '--model', model);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /LSTM, 1 layer × 32 units, embedding 8/);
    assert.match(r.stdout, /valid loss\s+\d+\.\d+ nats\/char/);
    const json = JSON.parse(run('info', '--model', model, '--json').stdout);
    assert.equal(json.config.hidden, 32);
    assert.ok(json.training.steps > 0);
    // Training saved the text's n-gram and the mixture weights with the model.
    assert.match(r.stdout, /mixture\s+with a \d+-gram of [\d,]+ n-grams and the document's cache: \d\.\d{3} nats\/char on validation/);
    assert.ok(json.mixture.ngram_order >= 2 && json.mixture.valid.mixture < json.mixture.valid.lstm, JSON.stringify(json.mixture));
    const alone = path.join(dir, 'alone.safetensors');
    assert.equal(run('train', corpus, '--out', alone, ...TINY, '--epochs', '1', '--validate-every', '10', '--no-mixture').code, 0);
    assert.equal(JSON.parse(run('info', '--model', alone, '--json').stdout).mixture, undefined);
  });

  test('mix adds an n-gram and fitted weights to a model, keeping its weights', () => {
    const alone = path.join(dir, 'alone-for-mix.safetensors');
    assert.equal(run('train', corpus, '--out', alone, ...TINY, '--epochs', '1', '--validate-every', '10', '--no-mixture').code, 0);
    const mixed = path.join(dir, 'mixed.safetensors');
    const r = run('mix', '--model', alone, corpus, '--out', mixed, '--max-order', '4');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /n-gram order [234] .*validation loss on the last [\d,]+ chars: \d\.\d{3} nats\/char mixed/);
    const before = JSON.parse(run('info', '--model', alone, '--json').stdout);
    const after = JSON.parse(run('info', '--model', mixed, '--json').stdout);
    assert.deepEqual(after.training, before.training, 'how the model was trained is kept');
    assert.ok(after.mixture.ngram_order <= 4 && after.mixture.valid.mixture < after.mixture.valid.lstm, JSON.stringify(after.mixture));
    const greedy = (m: string) => run('sample', '--model', m, '--prime', 'the quick', '--length', '40', '--strategy', 'greedy').stdout;
    assert.equal(greedy(mixed), greedy(alone), 'the LSTM\'s weights are unchanged');
    const tooShort = path.join(dir, 'short.txt');
    writeFileSync(tooShort, 'ab');
    assertOneLineFailure(run('mix', '--model', alone, tooShort, '--out', mixed), 1, /too short/);
  });

  test('train refuses a text too short to train on, in one line (the worker\'s message), and saves nothing', () => {
    const tooShort = path.join(dir, 'short-to-train.txt');
    writeFileSync(tooShort, 'ab');
    const out = path.join(dir, 'short.safetensors');
    const r = run('train', tooShort, '--out', out, ...TINY);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp('^read 1 file, 2 chars.*\nchar-lstm: too little text to train on \\(2 characters\\): '
      + 'the training text and the held-out validation text need 2 characters each\n$'));
    assert.ok(!existsSync(out));
  });

  test('greedy sampling is deterministic and echoes the prime', () => {
    const args = ['sample', '--model', model, '--prime', 'the quick', '--length', '60', '--strategy', 'greedy'];
    const a = run(...args), b = run(...args);
    assert.equal(a.code, 0, a.stderr);
    assert.ok(a.stdout.startsWith('the quick'));
    assert.equal(a.stdout.length, 'the quick'.length + 60 + 1);
    assert.equal(a.stdout, b.stdout);
  });

  test('the same seed gives the same temperature sample', () => {
    const args = ['sample', '--model', model, '--prime', 'a ', '--length', '80', '--strategy', 'temperature',
      '--temperature', '0.8'];
    const a = run(...args, '--seed', '3'), b = run(...args, '--seed', '3');
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
  });

  test('eval --json reports a loss below a uniform guess', () => {
    const r = run('eval', '--model', model, corpus, '--json');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    const vocabSize = JSON.parse(run('info', '--model', model, '--json').stdout).vocabSize;
    assert.ok(result.nats_per_char < Math.log(vocabSize), `loss ${result.nats_per_char} vs ln ${vocabSize}`);
    assert.ok(Math.abs(result.bits_per_char - result.nats_per_char / Math.LN2) < 1e-9);
    assert.equal(result.files, 1);
    assert.equal(result.unknown_chars, 0);
    // Every character but the first, the blank line after the file included.
    assert.equal(result.chars, readFileSync(corpus, 'utf8').length + 1);
    assert.match(run('eval', '--model', model, corpus).stdout,
      /^loss \d\.\d{3} nats\/char \(\d\.\d{3} bits\/char\) over [\d,]+ chars \(the file's [\d,]+ and the blank line after it, less the first, which nothing predicts\)\n/);
  });

  test('eval --json carries the completion figures, and the n-gram baseline\'s and the mixture\'s with --ngram-train', () => {
    const held = path.join(dir, 'held-out.txt');
    writeFileSync(held, wordText(5000).slice(0, 1500));
    const r = run('eval', '--model', model, held, '--json', '--ngram-train', corpus, '--ngram-max-order', '6', '--metrics-chars', '600');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout);
    const fraction = (x: unknown) => typeof x === 'number' && x >= 0 && x <= 1;
    for (const figures of [result, result.ngram, result.mixture, result.mixture_with_cache]) {
      for (const key of ['top1', 'word_match', 'chars_saved']) assert.ok(fraction(figures[key]), `${key}: ${figures[key]}`);
      assert.equal(figures.metrics.chars, 600);
      assert.ok(figures.metrics.word_starts > 50 && figures.metrics.keystrokes <= 600);
    }
    for (const key of ['nats_per_char', 'bits_per_char', 'chars', 'files', 'unknown_chars']) assert.equal(typeof result[key], 'number', key);
    const { ngram } = result;
    assert.ok(ngram.order >= 2 && ngram.order <= 6);
    assert.deepEqual(ngram.orders.map((o: { order: number }) => o.order), [1, 2, 3, 4, 5, 6]);
    const best = Math.min(...ngram.orders.filter((o: { order: number }) => o.order >= 2).map((o: { nats_per_char: number }) => o.nats_per_char));
    assert.equal(ngram.orders[ngram.order - 1].nats_per_char, best);
    assert.ok(ngram.train_chars > 4000 && ngram.nodes > 100);
    // Words in random order: within a word the n-gram is sure, at a word's start it cannot be.
    assert.ok(ngram.nats_per_char < 1 && ngram.chars_saved > 0.2, JSON.stringify(ngram));
    assert.ok(Math.abs(ngram.bits_per_char - ngram.nats_per_char / Math.LN2) < 1e-12);
    // The mixtures, cross-fitted on the held-out halves, against each model on the same stream.
    for (const [mixture, models] of [[result.mixture, ['lstm', 'ngram']], [result.mixture_with_cache, ['lstm', 'ngram', 'cache']]] as const) {
      assert.deepEqual(mixture.models, models);
      for (const fitted of [mixture.shares_by_context.fitted_on_first_half, mixture.shares_by_context.fitted_on_second_half]) {
        assert.equal(fitted.length, 2 * ngram.order, 'one row per n-gram context length, twice: where the cache has seen a longer one');
        for (const shares of fitted) assert.ok(shares.length === models.length && shares.every(fraction));
      }
      const alone = Object.values(mixture.alone_nats_per_char) as number[];
      assert.ok(mixture.nats_per_char < Math.max(...alone), JSON.stringify(mixture));
    }
    const text = run('eval', '--model', model, held, '--ngram-train', corpus, '--metrics-chars', '300').stdout.split('\n');
    assert.match(text[1], /^completions: top-1 [\d.]+%, word match [\d.]+% of \d+ word starts, chars saved [\d.]+% /);
    // The model as completions use it (its saved mixture: train saves one by default), then the n-gram's.
    assert.match(text[2], /^as completed \(the LSTM mixed with its saved \d+-gram .*: loss \d\.\d{3} nats\/char .* over the same chars; top-1/);
    assert.match(text[3], /^n-gram baseline \(Kneser-Ney, order \d+, chosen on the last 10% of its text, [\d,]+ training chars\): loss \d\.\d{3} nats\/char/);
    assert.match(text[4], /^mixture of the LSTM, the n-gram \(.*: loss \d\.\d{3} nats\/char against \d\.\d{3} \(LSTM\), \d\.\d{3} \(n-gram\) read as one stream; top-1/);
    assert.match(text[5], /^mixture of the LSTM, the n-gram and a cache of the document read so far .* \d\.\d{3} \(document cache\) read as one stream; top-1/);
    const none = JSON.parse(run('eval', '--model', model, held, '--json', '--metrics-chars', '0').stdout);
    assert.equal(none.top1, null);
    assert.equal(none.ngram, undefined);
  });
});

describe('expected failures are one line', () => {
  test('missing input', () => {
    assertOneLineFailure(run('train', 'no-such-file.txt', '--out', 'm.safetensors'), 1, /not found/);
  });
  test('non-numeric --hidden', () => {
    assertOneLineFailure(run('train', corpus, '--out', 'm.safetensors', '--hidden', 'abc'), 2, /--hidden.*abc/);
  });
  test('negative --lr', () => {
    assertOneLineFailure(run('train', corpus, '--out', 'm.safetensors', '--lr', '-1'), 2, /--lr.*-1.*> 0/);
  });
  test('unknown option', () => {
    assertOneLineFailure(run('train', corpus, '--out', 'm.safetensors', '--hiden', '8'), 2, /unknown option '--hiden'/);
  });
  test('corrupt model file', () => {
    const bad = path.join(dir, 'garbage.safetensors');
    writeFileSync(bad, 'this is not a model file at all, just some text');
    assertOneLineFailure(run('info', '--model', bad), 1, /garbage\.safetensors/);
    assertOneLineFailure(run('sample', '--model', bad), 1, /garbage\.safetensors/);
  });
  test('missing model file', () => {
    assertOneLineFailure(run('sample', '--model', 'nope.safetensors'), 1, /not found/);
  });
  test('a folder with only a binary file', () => {
    const bin = path.join(dir, 'binary-only');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'data.txt'), Buffer.from([1, 2, 0, 3, 0, 255]));
    assertOneLineFailure(run('train', bin, '--out', 'm.safetensors'), 1, /1 binary/);
  });
});

describe('Ctrl-C', () => {
  /** Runs a long training with --json and sends SIGINT when `when` first holds for an event. */
  function interrupt(args: string[], when: (event: { kind: string; best?: boolean }) => boolean): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args, '--json'], { cwd: dir });
      let stdout = '', stderr = '', sent = false;
      const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no event to interrupt on; ${stderr}`)); }, 20_000);
      child.stderr.on('data', (d: Buffer) => { stderr += d; });
      child.stdout.on('data', (d: Buffer) => {
        stdout += d;
        if (sent) return;
        const lines = stdout.split('\n').slice(0, -1);
        if (lines.some((l) => when(JSON.parse(l)))) { sent = true; child.kill('SIGINT'); }
      });
      child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    });
  }

  test('after a validation: exit 130 and the best model loads', async () => {
    const out = path.join(dir, 'interrupted.safetensors');
    const r = await interrupt(['train', corpus, '--out', out, ...TINY, '--epochs', '1000', '--validate-every', '5'],
      (e) => e.kind === 'validation' && e.best === true);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /cancelled: best model \(valid loss \d+\.\d+\) is in .*interrupted\.safetensors/);
    const end = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).at(-1);
    assert.equal(end.kind, 'end');
    assert.equal(end.reason, 'cancelled');
    assert.equal(run('info', '--model', out).code, 0);
  });

  test('before any validation: nothing saved, the old file untouched', async () => {
    const out = path.join(dir, 'keep.safetensors');
    writeFileSync(out, 'previous contents');
    // 565 steps to the first validation (once per epoch): far longer than a signal takes. Not a
    // model, so refused without --force (test/hostile-writes.test.ts); with it, still kept until a save.
    const r = await interrupt(['train', corpus, '--out', out, ...TINY, '--batch', '1', '--seq-len', '8',
      '--epochs', '1000', '--validate-every', '0', '--force'], (e) => e.kind === 'start');
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /cancelled before the first validation: nothing saved/);
    assert.equal(readFileSync(out, 'utf8'), 'previous contents');
  });
});

test('the reporter prints validations with at most two sample lines, without a bar off a terminal', () => {
  let text = '';
  const reporter = new TrainReporter({ stderr: { write: (s: string) => { text += s; }, isTTY: false, columns: 40 } });
  reporter.onEvent({ kind: 'validation', epoch: 1, step: 10, charsSeen: 1280, loss: Math.LN2, best: true,
    bestLoss: Math.LN2, lr: 2e-3, sample: `one\ttwo\nthree ${'x'.repeat(80)}\nfour\n`, sampleStrategy: 'temperature (T=0.8)' });
  reporter.stop();
  const lines = text.split('\n').slice(0, -1);
  assert.equal(lines.length, 3);
  assert.match(lines[0], /valid loss 0\.693 nats\/char \(1\.000 bits\/char\)\s+best/);
  assert.equal(lines[1], '    one two');
  assert.ok(lines[2].startsWith('    three x') && lines[2].endsWith('…') && [...lines[2]].length <= 40);
});

test('an internal error is one line with a hint, and its stack only with CHAR_LSTM_DEBUG', () => {
  let text = '';
  const stderr = { write: (s: string) => { text += s; } };
  assert.equal(reportError(new TypeError('x is undefined\nsecond line'), stderr, {}), 1);
  assert.equal(text, 'char-lstm: internal error: x is undefined second line (run with CHAR_LSTM_DEBUG=1 for details)\n');
  text = '';
  reportError(new TypeError('boom'), stderr, { CHAR_LSTM_DEBUG: '1' });
  assert.match(text, /^char-lstm: internal error: boom\nTypeError: boom\n\s+at /);
  text = '';
  assert.equal(reportError(new CliError('bad flag', 2), stderr, {}), 2);
  assert.equal(text, 'char-lstm: bad flag\n');
});
