// What `char-lstm train` and `mix` write, under hostile --out paths and signals (issue 17, rows
// 2, 3, 8, 9, 10), through the built command line (run `npm run build` first): an input, a
// device, a FIFO or a folder is never written; a better model at --out is kept; no temp file
// outlives a signal, and those of killed runs are swept.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readRunCheckpoint } from '../src/core/train/run-checkpoint';
import { scratchFolders } from './temp-tree';
import { wordText } from './word-text';

const CLI = path.resolve(__dirname, '..', 'dist', 'cli.js');
const TINY = ['--hidden', '32', '--layers', '1', '--embedding', '8', '--batch', '4', '--seq-len', '32', '--no-mixture'];
/** About 3 M weights: its run checkpoint (weights, Adam's two moments, the best) is about 50 MB. */
const LARGE = ['--hidden', '512', '--layers', '2', '--embedding', '8', '--batch', '4', '--seq-len', '32', '--no-mixture', '--threads', '1'];
const newFolder = scratchFolders('char-lstm-writes-');
let dir = '';
let text = '';
/** A model trained for 3 epochs on `text`: far better on it than a run of two steps. */
let good = '';

interface Run { code: number | null; stdout: string; stderr: string; ms: number }

function cli(cwd: string, ...args: string[]): Run {
  const started = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** Exit 1 with one `char-lstm:` line naming the user's path, before any training (nothing else printed). */
function assertRefused(r: Run, pattern: RegExp): void {
  assert.equal(r.code, 1, `exit code; stderr: ${r.stderr}`);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one line, nothing trained: ${r.stderr}`);
  assert.match(lines[0], /^char-lstm: /);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(lines[0], /\.tmp\b/, 'no temp file named');
}

/** A fresh folder holding a copy of text.txt and of the good model and its run checkpoint: a build without the checks may destroy them. */
function folderWithText(): string {
  const folder = newFolder();
  copyFileSync(text, path.join(folder, 'text.txt'));
  copyFileSync(good, path.join(folder, 'good.safetensors'));
  copyFileSync(path.join(dir, 'good.run.safetensors'), path.join(folder, 'good.run.safetensors'));
  return folder;
}

function temps(folder: string): string[] {
  return readdirSync(folder).filter((name) => name.endsWith('.tmp'));
}

before(() => {
  assert.ok(existsSync(CLI), 'dist/cli.js is missing: run `npm run build` first');
  dir = newFolder();
  text = path.join(dir, 'text.txt');
  writeFileSync(text, wordText(5000));
  good = path.join(dir, 'good.safetensors');
  const r = cli(dir, 'train', 'text.txt', '--out', good, ...TINY, '--epochs', '3', '--validate-every', '10');
  assert.equal(r.code, 0, r.stderr);
});

describe('--out is checked before any work (rows 2, 8, 10)', () => {
  test('train --out an input file, or a file inside an input folder, or a link to one: refused, the text intact', { timeout: 60_000 }, () => {
    const dir = folderWithText(), text = path.join(dir, 'text.txt'), good = path.join(dir, 'good.safetensors');
    const before = readFileSync(text);
    assertRefused(cli(dir, 'train', 'text.txt', '--out', 'text.txt', ...TINY), /--out text\.txt is one of the files this command reads/);
    mkdirSync(path.join(dir, 'notes'), { recursive: true });
    copyFileSync(text, path.join(dir, 'notes', 'a.txt'));
    assertRefused(cli(dir, 'train', 'notes', '--out', 'notes/a.txt', ...TINY), /--out notes\/a\.txt is one of the files/);
    symlinkSync('text.txt', path.join(dir, 'link.txt'));
    linkSync(text, path.join(dir, 'hard.txt'));
    assertRefused(cli(dir, 'train', 'text.txt', '--out', 'link.txt', ...TINY), /--out link\.txt is the file this command reads as text\.txt/);
    assertRefused(cli(dir, 'train', 'text.txt', '--out', 'hard.txt', ...TINY), /--out hard\.txt is the file this command reads as text\.txt/);
    writeFileSync(path.join(dir, 'held.txt'), 'held out text, held out text\n');
    assertRefused(cli(dir, 'train', 'text.txt', '--valid', 'held.txt', '--out', 'held.txt', ...TINY), /--out held\.txt is one of the files/);
    assertRefused(cli(dir, 'train', 'text.txt', '--init-from', good, '--out', good, ...TINY), /--out .*good\.safetensors is one of the files/);
    // --resume good.safetensors reads good.run.safetensors beside it.
    const checkpoint = readFileSync(path.join(dir, 'good.run.safetensors'));
    assertRefused(cli(dir, 'train', 'text.txt', '--resume', 'good.safetensors', '--out', 'good.run.safetensors'),
      /--out good\.run\.safetensors is one of the files this command reads/);
    assert.deepEqual(readFileSync(path.join(dir, 'good.run.safetensors')), checkpoint);
    assert.deepEqual(readFileSync(text), before);
    assert.deepEqual(readFileSync(path.join(dir, 'notes', 'a.txt')), before);
    assert.ok(statSync(path.join(dir, 'link.txt')).isFile());
  });

  test('mix --out its text or its model: refused, both intact', { timeout: 60_000 }, () => {
    const dir = folderWithText(), text = path.join(dir, 'text.txt'), good = path.join(dir, 'good.safetensors');
    const before = readFileSync(text), model = readFileSync(good);
    assertRefused(cli(dir, 'mix', '--model', good, 'text.txt', '--out', 'text.txt'), /--out text\.txt is one of the files this command reads/);
    assertRefused(cli(dir, 'mix', '--model', good, 'text.txt', '--out', good), /--out .*good\.safetensors is one of the files/);
    assert.deepEqual(readFileSync(text), before);
    assert.deepEqual(readFileSync(good), model);
  });

  test('a FIFO, /dev/null, a folder: refused before anything is opened for writing', { timeout: 60_000 }, () => {
    const dir = folderWithText();
    const fifo = path.join(dir, 'fifo');
    assert.equal(spawnSync('mkfifo', [fifo]).status, 0, 'mkfifo');
    // Without the check this would block on opening the FIFO, or replace it with a file.
    assertRefused(cli(dir, 'train', 'text.txt', '--out', 'fifo', ...TINY), /--out fifo is a FIFO \(named pipe\), not a regular file/);
    assert.ok(statSync(fifo).isFIFO());
    // The real /dev/null, with a text too short to train on: a build without the check fails on the
    // text, before its first write, instead of replacing /dev/null (as root) with a model.
    writeFileSync(path.join(dir, 'short.txt'), 'ab');
    assertRefused(cli(dir, 'train', 'short.txt', '--out', '/dev/null', ...TINY), /--out \/dev\/null is a character device, not a regular file/);
    assert.ok(statSync('/dev/null').isCharacterDevice());
    mkdirSync(path.join(dir, 'models'), { recursive: true });
    assertRefused(cli(dir, 'mix', '--model', good, 'text.txt', '--out', 'models'), /--out models is a folder; name a file, e.g\. models\/model\.safetensors/);
    assertRefused(cli(dir, 'train', 'text.txt', '--out', 'models/', ...TINY), /--out models\/ names a folder/);
    assertRefused(cli(dir, 'mix', '--model', good, 'text.txt', '--out', 'fifo'), /--out fifo is a FIFO/);
  });

  test('an empty --out, a folder that is a file or missing, /proc: one line naming the path, no training', { timeout: 60_000 }, () => {
    const dir = folderWithText();
    assertRefused(cli(dir, 'train', 'text.txt', '--out', '', ...TINY), /^char-lstm: --out is empty/);
    assertRefused(cli(dir, 'train', 'text.txt', '--out', 'text.txt/m.safetensors', ...TINY),
      /cannot write --out text\.txt\/m\.safetensors: text\.txt is a file, not a folder/);
    assertRefused(cli(dir, 'train', 'text.txt', '--out', 'no-such/m.safetensors', ...TINY),
      /cannot write --out no-such\/m\.safetensors: the folder no-such does not exist/);
    assertRefused(cli(dir, 'train', 'text.txt', '--out', '/proc/m.safetensors', ...TINY),
      /cannot write --out \/proc\/m\.safetensors: no file can be created in the folder \/proc/);
    assertRefused(cli(dir, 'mix', '--model', good, 'text.txt', '--out', '/proc/m.safetensors'), /--out \/proc\/m\.safetensors/);
    assert.deepEqual(temps(dir), []);
  });

  test('a file at --out that is not a model is someone\'s data: refused, replaced only with --force', { timeout: 60_000 }, () => {
    const dir = folderWithText();
    const notes = path.join(dir, 'notes.txt');
    writeFileSync(notes, 'my notes, not a model\n');
    assertRefused(cli(dir, 'train', 'text.txt', '--out', 'notes.txt', ...TINY), /--out notes\.txt exists and is not a model .*--force/);
    assertRefused(cli(dir, 'mix', '--model', good, 'text.txt', '--out', 'notes.txt'), /--out notes\.txt exists and is not a model .*--force/);
    assert.equal(readFileSync(notes, 'utf8'), 'my notes, not a model\n');
    const r = cli(dir, 'mix', '--model', good, 'text.txt', '--out', 'notes.txt', '--force', '--max-order', '3');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(cli(dir, 'info', '--model', 'notes.txt').code, 0, 'a model now');
  });
});

describe('a model at --out is replaced only by a better one (row 3)', () => {
  test('kept against a worse run (its run checkpoint too), replaced with --force, and replaced by a better run', { timeout: 120_000 }, () => {
    const out = path.join(dir, 'kept.safetensors');
    const cp = path.join(dir, 'kept.run.safetensors');
    copyFileSync(good, out);
    copyFileSync(path.join(dir, 'good.run.safetensors'), cp);
    const model = readFileSync(out), checkpoint = readFileSync(cp);
    const worse = cli(dir, 'train', 'text.txt', '--out', out, ...TINY, '--max-steps', '2');
    assert.equal(worse.code, 0, worse.stderr);
    assert.match(worse.stderr, /--out .*kept\.safetensors holds a model with validation loss \d\.\d{3} nats\/char on this text: only a better checkpoint replaces it/);
    assert.match(worse.stderr, /kept the model already in .*kept\.safetensors: its valid loss on this text, \d\.\d{3}, is lower than this run's best, \d\.\d{3}/);
    assert.deepEqual(readFileSync(out), model, 'the better model is kept');
    assert.deepEqual(readFileSync(cp), checkpoint, 'and the run checkpoint that resumes it');

    const forced = cli(dir, 'train', 'text.txt', '--out', out, ...TINY, '--max-steps', '2', '--force');
    assert.equal(forced.code, 0, forced.stderr);
    assert.match(forced.stderr, /saved to .*kept\.safetensors$/m);
    assert.notDeepEqual(readFileSync(out), model, '--force replaces it');

    const better = cli(dir, 'train', 'text.txt', '--out', out, ...TINY, '--epochs', '3', '--validate-every', '10');
    assert.equal(better.code, 0, better.stderr);
    assert.match(better.stderr, /saved to .*kept\.safetensors, replacing a model at \d\.\d{3} nats\/char on this text/);
  });

  test('Ctrl-C after a worse validation: the better model is untouched, and the message says it was kept', { timeout: 120_000 }, async () => {
    const out = path.join(dir, 'kept-on-cancel.safetensors');
    copyFileSync(good, out);
    const model = readFileSync(out);
    const r = await interrupt(['train', 'text.txt', '--out', out, ...LARGE, '--epochs', '1000', '--validate-every', '1'],
      [{ signal: 'SIGINT', when: (e) => e.kind === 'validation' }]);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /cancelled: kept the model already in .*kept-on-cancel\.safetensors/);
    assert.deepEqual(readFileSync(out), model);
    assert.deepEqual(temps(dir), []);
  });
});

interface Event { kind: string }
type Signal = 'SIGINT' | 'SIGTERM';

/**
 * Runs the command with --json and sends each signal in turn: once an event satisfies `when`, or,
 * with `whenTemp`, once a temp file is seen in the folder (a save under way).
 */
function interrupt(args: string[], signals: { signal: Signal; when?: (e: Event) => boolean; whenTemp?: boolean }[],
  cwd = dir): Promise<Run & { sentDuringSave: boolean }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args, '--json'], { cwd });
    let stdout = '', stderr = '', next = 0, sentDuringSave = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no signal sent in time; ${stderr}`)); }, 90_000);
    const send = (): void => {
      const { signal, whenTemp } = signals[next++];
      if (whenTemp) sentDuringSave = true;
      child.kill(signal);
    };
    const poll = setInterval(() => {
      if (next < signals.length && signals[next].whenTemp && temps(cwd).length > 0) send();
    }, 1);
    child.stderr.on('data', (d: Buffer) => { stderr += d; });
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      const events = stdout.split('\n').slice(0, -1).map((l) => JSON.parse(l) as Event);
      while (next < signals.length && signals[next].when && events.some(signals[next].when!)) send();
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      clearInterval(poll);
      resolve({ code, stdout, stderr, ms: Date.now() - started, sentDuringSave });
    });
  });
}

describe('signals and temp files (row 9)', () => {
  test('SIGTERM ends like Ctrl-C: the run stops, says so, keeps the best, exits 143', { timeout: 120_000 }, async () => {
    const folder = newFolder();
    copyFileSync(text, path.join(folder, 'text.txt'));
    const r = await interrupt(['train', 'text.txt', '--out', 'm.safetensors', ...TINY, '--epochs', '1000', '--validate-every', '5'],
      [{ signal: 'SIGTERM', when: (e) => e.kind === 'validation' }], folder);
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stderr, /terminated \(SIGTERM\): best model \(valid loss \d\.\d{3}\) is in m\.safetensors/);
    assert.equal(cli(folder, 'info', '--model', 'm.safetensors').code, 0);
    assert.deepEqual(temps(folder), []);
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    test(`a second ${signal} during the save of a large run checkpoint: no temp file left, nothing half-written`, { timeout: 180_000 }, async () => {
      const folder = newFolder();
      copyFileSync(text, path.join(folder, 'text.txt'));
      // The first signal stops the run, which then saves its run checkpoint; the second lands mid-save.
      const r = await interrupt(['train', 'text.txt', '--out', 'm.safetensors', ...LARGE, '--epochs', '1000', '--validate-every', '0'],
        [{ signal, when: (e) => e.kind === 'step' }, { signal, whenTemp: true }], folder);
      assert.ok(r.sentDuringSave, 'the second signal was sent while a temp file existed');
      assert.equal(r.code, signal === 'SIGTERM' ? 143 : 130, r.stderr);
      assert.deepEqual(temps(folder), [], 'no temp file left');
      assert.ok(!existsSync(path.join(folder, 'm.safetensors')), 'no model: the run never validated');
      // The run checkpoint is absent (the save was cut) or whole (it had just finished).
      const checkpoint = path.join(folder, 'm.run.safetensors');
      if (existsSync(checkpoint)) assert.ok(await readRunCheckpoint(checkpoint));
    });
  }

  test('temp files of killed runs beside --out and its run checkpoint are swept; a live process\'s are not', { timeout: 60_000 }, () => {
    const folder = newFolder();
    copyFileSync(text, path.join(folder, 'text.txt'));
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const stale = [`m.safetensors.${gone}.0123456789ab.tmp`, `m.run.safetensors.${gone}.ba9876543210.tmp`];
    // This test's own process runs: its temp file may be a save under way.
    const live = `m.safetensors.${process.pid}.00000000abcd.tmp`;
    for (const name of [...stale, live]) writeFileSync(path.join(folder, name), 'half a model');
    const r = cli(folder, 'train', 'text.txt', '--out', 'm.safetensors', ...TINY, '--max-steps', '2');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(temps(folder), [live]);
  });
});
