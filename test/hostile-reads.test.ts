// Paths that are not regular files, given where a model (or its weights, its vocabulary, a
// .gitignore) is read: a FIFO blocked open() for ever and /dev/zero filled memory without a word.
// Each must be refused within seconds with one line naming the path and what it is. The CLI cases
// run the built tool (`npm run build` first); every case has a time limit, since the failure is a hang.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readModelBytes } from '../src/core/io/file-io';
import { readKerasWeights } from '../src/core/io/import/keras-weights';
import { findSidecarVocab } from '../src/core/io/import/vocab-sidecar';
import { ModelFileError } from '../src/core/io/safetensors';
import { withGitignore } from '../src/core/data/skip-rules';

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const GOOD_MODEL = path.join(ROOT, 'models', 'default.safetensors');
/** A hang shows as the test's time limit; a refusal takes well under a second. */
const LIMIT = { timeout: 20_000 };
const SUPPORTED = process.platform !== 'win32';

let dir = '';
let fifo = '';
let text = '';

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'char-lstm-hostile-'));
  fifo = path.join(dir, 'pipe.safetensors');
  if (SUPPORTED) assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
  text = path.join(dir, 'text.txt');
  writeFileSync(text, 'the quick brown fox jumps over the lazy dog.\n'.repeat(200));
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run { code: number | null; stderr: string; timedOut: boolean }

function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir, timeout: 10_000 });
  return { code: r.status, stderr: r.stderr, timedOut: r.error !== undefined || r.signal !== null };
}

/**
 * Exit 1 within the time limit, and one error line `char-lstm: <path> is <what>, not a model file`
 * (train's report of the text it read may come before it).
 */
function assertRefused(r: Run, file: string, what: string): void {
  assert.ok(!r.timedOut, `the command ended within 10 s (stderr: ${r.stderr})`);
  assert.equal(r.code, 1, `exit code; stderr: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.deepEqual(lines.filter((l) => l.startsWith('char-lstm: ')), [`char-lstm: ${file} is ${what}, not a model file`]);
  assert.equal(lines.at(-1), `char-lstm: ${file} is ${what}, not a model file`);
}

describe('reading a model: anything but a regular file is refused at once', { skip: !SUPPORTED && 'no FIFOs or /dev/zero' }, () => {
  test('readModelBytes names a FIFO, a device and a socket, and still reads a model file', LIMIT, async () => {
    await assert.rejects(readModelBytes(fifo), new ModelFileError(`${fifo} is a FIFO, not a model file`));
    await assert.rejects(readModelBytes('/dev/zero'), new ModelFileError('/dev/zero is a device, not a model file'));
    const socket = path.join(dir, 'socket.safetensors');
    const server: Server = await new Promise((resolve) => { const s = createServer().listen(socket, () => resolve(s)); });
    try {
      await assert.rejects(readModelBytes(socket), new ModelFileError(`${socket} is a socket, not a model file`));
    } finally {
      server.close();
    }
    // A link to a device is what it points at.
    const link = path.join(dir, 'zero-link.safetensors');
    spawnSync('ln', ['-s', '/dev/zero', link]);
    await assert.rejects(readModelBytes(link), new ModelFileError(`${link} is a device, not a model file`));
    assert.ok((await readModelBytes(GOOD_MODEL)).length > 1000);
  });

  test('a Keras weight shard that is a FIFO is refused, naming it', LIMIT, async () => {
    const folder = path.join(dir, 'keras');
    mkdirSync(folder);
    spawnSync('mkfifo', [path.join(folder, 'group1-shard1of1.bin')]);
    const groups = [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32' }] }];
    await assert.rejects(readKerasWeights(folder, groups),
      new ModelFileError('weight file group1-shard1of1.bin (listed in weightsManifest) is a FIFO, not a file'));
  });

  test('a vocabulary sidecar that is a FIFO is passed over for the next candidate', LIMIT, async () => {
    const folder = path.join(dir, 'sidecar');
    mkdirSync(folder);
    spawnSync('mkfifo', [path.join(folder, 'vocab.json')]);
    writeFileSync(path.join(folder, 'char2idx.json'), JSON.stringify({ a: 0, b: 1 }));
    const vocab = await findSidecarVocab(path.join(folder, 'm.safetensors'), 'no metadata');
    assert.equal(vocab.where, 'char2idx.json');
  });

  test('a .gitignore that is a FIFO excludes nothing and does not block', LIMIT, async () => {
    const folder = path.join(dir, 'gitignore');
    mkdirSync(folder);
    spawnSync('mkfifo', [path.join(folder, '.gitignore')]);
    assert.deepEqual(await withGitignore(folder, [], '.gitignore'), []);
  });
});

describe('the command line refuses a FIFO or a device as a model within seconds', { skip: !SUPPORTED && 'no FIFOs or /dev/zero' }, () => {
  before(() => assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first'));

  test('info --model <fifo> and /dev/zero', LIMIT, () => {
    assertRefused(cli('info', '--model', fifo), fifo, 'a FIFO');
    assertRefused(cli('info', '--model', '/dev/zero'), '/dev/zero', 'a device');
  });

  test('mix --model <fifo>', LIMIT, () => {
    assertRefused(cli('mix', '--model', fifo, text, '--out', path.join(dir, 'mixed.safetensors')), fifo, 'a FIFO');
    assert.ok(!existsSync(path.join(dir, 'mixed.safetensors')));
  });

  test('train --resume <fifo> and --init-from /dev/zero', LIMIT, () => {
    const out = path.join(dir, 'trained.safetensors');
    assertRefused(cli('train', text, '--out', out, '--resume', fifo), fifo, 'a FIFO');
    assertRefused(cli('train', text, '--out', out, '--init-from', '/dev/zero'), '/dev/zero', 'a device');
    assert.ok(!existsSync(out));
  });

  test('sample and eval --model <fifo>', LIMIT, () => {
    assertRefused(cli('sample', '--model', fifo), fifo, 'a FIFO');
    assertRefused(cli('eval', '--model', fifo, text), fifo, 'a FIFO');
  });

  test('a model file still loads', LIMIT, () => {
    const copy = path.join(dir, 'good.safetensors');
    copyFileSync(GOOD_MODEL, copy);
    const r = spawnSync(process.execPath, [CLI, 'info', '--model', copy], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /LSTM, \d+ layers? × \d+ units/);
  });

  test('training inputs: a FIFO or /dev/zero as text or as --valid is refused (the corpus reader)', LIMIT, () => {
    const out = path.join(dir, 'from-fifo.safetensors');
    for (const args of [[fifo], ['/dev/zero'], [text, '--valid', fifo], [text, '--valid', '/dev/zero']]) {
      const r = cli('train', ...args, '--out', out);
      assert.ok(!r.timedOut, `train ${args.join(' ')} ended within 10 s`);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /^char-lstm: .*(pipe\.safetensors|\/dev\/zero)/m);
    }
    assert.ok(!existsSync(out));
  });
});
