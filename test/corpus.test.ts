import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorpusError, FILE_SEPARATOR, gatherCorpus, splitCorpus } from '../src/core/data/corpus';
import { describeExclusions, describeSkips } from '../src/core/data/left-out';
import { scratchFolders, writeTree } from './temp-tree';

const tempDir = scratchFolders('char-lstm-corpus-');

/** A workspace with one of everything the gatherer must include or refuse. */
function buildWorkspace(): string {
  const root = tempDir();
  writeTree(root, {
    '.gitignore': '*.log\nsecret-dir/\nsub/deeper/ignored-by-root.txt\n',
    'a.txt': 'alpha',
    'b.md': 'beta 🎉',
    'debug.log': 'ignored by the root .gitignore',
    'secret-dir/x.txt': 'ignored folder',
    'sub/.gitignore': 'generated.ts\n!keep.log\n/only-here.txt\n',
    'sub/code.ts': 'const x = 1;',
    'sub/generated.ts': 'ignored by the nested .gitignore',
    'sub/keep.log': 're-included by the nested .gitignore',
    'sub/only-here.txt': 'ignored: a rooted pattern of sub/.gitignore',
    'sub/deeper/only-here.txt': 'kept: the rooted pattern is relative to sub/',
    'sub/deeper/generated.ts': 'ignored at any depth below sub/',
    'sub/deeper/ignored-by-root.txt': 'ignored by a root pattern with a slash',
    'data.dat': Buffer.from([0x68, 0x69, 0x00, 0x01, 0x02]),
    'latin1.txt': Buffer.from([0x63, 0x61, 0x66, 0xe9]), // "café" in Latin-1: invalid UTF-8, read as Windows-1252
    'big.txt': 'x'.repeat(2000),
    'empty.txt': '',
    '.env': 'API_KEY=hunter2',
    '.env.local': 'API_KEY=hunter3',
    'id_rsa': '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\n',
    'keys/server.pem': '-----BEGIN CERTIFICATE-----',
    'logo.png': 'not really a png',
    'package-lock.json': '{}',
    'node_modules/pkg/index.js': 'module.exports = 1;',
    'dist/out.js': 'built',
    '.git/config': '[core]',
    'loop/real.txt': 'real',
  });
  fs.symlinkSync('..', path.join(root, 'loop', 'self')); // a directory loop
  fs.symlinkSync(path.join(root, 'a.txt'), path.join(root, 'loop', 'link.txt'));
  return root;
}

test('gathers exactly the usable files and reports every skip and exclusion with its reason', async () => {
  const root = buildWorkspace();
  const corpus = await gatherCorpus([root], { maxFileBytes: 1000 });
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');

  assert.deepEqual(
    corpus.files.map((f) => [rel(f.path), f.chars]),
    [
      ['.gitignore', 49], // a .gitignore is text like any other
      ['a.txt', 5],
      ['b.md', 6], // the emoji is one character
      ['latin1.txt', 4],
      ['loop/real.txt', 4],
      ['sub/.gitignore', 38],
      ['sub/code.ts', 12],
      ['sub/deeper/only-here.txt', 44],
      ['sub/keep.log', 36],
    ],
  );
  assert.deepEqual(
    corpus.skipped.map((s) => [rel(s.path), s.reason]),
    [
      ['.env', 'secret'],
      ['.env.local', 'secret'],
      ['big.txt', 'too-large'],
      ['data.dat', 'binary'],
      ['id_rsa', 'secret'],
      ['keys/server.pem', 'secret'],
      ['logo.png', 'ignored-name'],
      ['package-lock.json', 'ignored-name'],
    ],
  );
  assert.deepEqual(
    corpus.excluded.map((e) => [rel(e.path), e.folder, e.by]),
    [
      ['.git', true, 'pruned folder'],
      ['debug.log', false, '.gitignore'],
      ['dist', true, 'pruned folder'],
      ['loop/link.txt', false, 'symlink'],
      ['loop/self', false, 'symlink'],
      ['node_modules', true, 'pruned folder'],
      ['secret-dir', true, '.gitignore'], // the folder, not each file in it
      ['sub/deeper/generated.ts', false, 'sub/.gitignore'],
      ['sub/deeper/ignored-by-root.txt', false, '.gitignore'],
      ['sub/generated.ts', false, 'sub/.gitignore'],
      ['sub/only-here.txt', false, 'sub/.gitignore'],
    ],
  );
  assert.deepEqual(
    corpus.files.filter((f) => f.encoding !== 'utf-8').map((f) => [rel(f.path), f.encoding]),
    [['latin1.txt', 'windows-1252']],
  );
  assert.ok(corpus.text.includes(`alpha${FILE_SEPARATOR}beta 🎉${FILE_SEPARATOR}café${FILE_SEPARATOR}real${FILE_SEPARATOR}`));
  assert.ok(corpus.text.endsWith(`re-included by the nested .gitignore${FILE_SEPARATOR}`));
  assert.equal(corpus.text.length, corpus.files.reduce((n, f) => n + f.chars, 0) + 1 + 2 * corpus.files.length);
  for (const excluded of ['hunter', 'ignored by the', 'ignored folder', 'ignored:', 'ignored at', 'ignored by a', 'module.exports', 'built', '[core]']) {
    assert.ok(!corpus.text.includes(excluded), excluded);
  }
  assert.equal(
    describeSkips(corpus.skipped),
    'skipped 8 files: 1 binary, 1 too large, 4 secret, 2 ignored by name',
  );
  assert.equal(
    describeExclusions(corpus.excluded),
    '11 paths excluded: 6 by .gitignore, 3 pruned folders, 2 symlinks not followed',
  );
});

test('gathering is deterministic', async () => {
  const root = buildWorkspace();
  assert.deepEqual(await gatherCorpus([root], { maxFileBytes: 1000 }), await gatherCorpus([root], { maxFileBytes: 1000 }));
});

test('files named explicitly bypass .gitignore, the name list and the per-file cap, not the secret/binary/total checks', async () => {
  const root = buildWorkspace();
  const explicit = await gatherCorpus(
    [path.join(root, 'debug.log'), path.join(root, 'logo.png'), path.join(root, '.env'), path.join(root, 'data.dat')],
  );
  assert.deepEqual(explicit.files.map((f) => path.basename(f.path)), ['debug.log', 'logo.png']);
  assert.deepEqual(explicit.skipped.map((s) => [path.basename(s.path), s.reason]), [['.env', 'secret'], ['data.dat', 'binary']]);
  assert.deepEqual(explicit.excluded, []);

  const big = await gatherCorpus([path.join(root, 'big.txt')], { maxFileBytes: 1000 });
  assert.deepEqual(big.files.map((f) => path.basename(f.path)), ['big.txt']);
  await assert.rejects(gatherCorpus([path.join(root, 'big.txt')], { maxFileBytes: 1000, maxTotalBytes: 1000 }), (error: unknown) => {
    assert.ok(error instanceof CorpusError);
    assert.match(error.message, /^No text files found under .*big\.txt \(skipped 1 file: 1 too large; big\.txt: 2\.0 KiB > 1000 bytes total limit\)$/);
    return true;
  });
});

test('a file reached both explicitly and by a walk is read once', async () => {
  const root = tempDir();
  writeTree(root, { '.gitignore': 'x.log\n', 'x.log': 'xx', 'y.txt': 'yy' });
  const corpus = await gatherCorpus([root, path.join(root, 'x.log'), path.join(root, 'y.txt')]);
  assert.deepEqual(corpus.files.map((f) => path.basename(f.path)), ['.gitignore', 'x.log', 'y.txt']);
  assert.equal(corpus.text, `x.log\n${FILE_SEPARATOR}xx${FILE_SEPARATOR}yy${FILE_SEPARATOR}`);
});

test('an input folder is walked even when its own name is a pruned one; a symlinked input is followed', async () => {
  const root = tempDir();
  writeTree(root, { 'build/notes.md': 'notes', 'build/node_modules/m.js': 'no' });
  fs.symlinkSync(path.join(root, 'build', 'notes.md'), path.join(root, 'link.md'));
  const corpus = await gatherCorpus([path.join(root, 'build')]);
  assert.deepEqual(corpus.files.map((f) => path.basename(f.path)), ['notes.md']);
  const linked = await gatherCorpus([path.join(root, 'link.md')]);
  assert.equal(linked.text, `notes${FILE_SEPARATOR}`);
});

test('a folder with no usable text is a CorpusError naming the folder and the skips', async () => {
  const root = tempDir();
  writeTree(root, { 'a.bin': Buffer.from([0, 1, 2]), 'b.dat': Buffer.from([0xff, 0xfe, 0x00]), '.npmrc': 'x', 'e.txt': '' });
  await assert.rejects(gatherCorpus([root]), (error: unknown) => {
    assert.ok(error instanceof CorpusError);
    assert.equal(error.message, `No text files found under ${root} (e.txt is empty; skipped 3 files: 1 binary, 1 secret, 1 ignored by name)`);
    return true;
  });
  const empty = tempDir();
  await assert.rejects(gatherCorpus([empty]), new CorpusError(`No text files found under ${empty} (no files skipped)`));
  // Empty files are not skips (nothing of them is left out), but where nothing else was read they are the reason.
  const emptyFiles = tempDir();
  writeTree(emptyFiles, { 'a.txt': '', 'b.txt': '' });
  await assert.rejects(gatherCorpus([emptyFiles]), new CorpusError(`No text files found under ${emptyFiles} (2 files are empty)`));
  const one = path.join(emptyFiles, 'a.txt');
  await assert.rejects(gatherCorpus([one]), new CorpusError(`No text files found under ${one} (a.txt is empty)`));
});

test('missing inputs and no inputs are CorpusErrors with clear messages', async () => {
  const missing = path.join(tempDir(), 'nope');
  await assert.rejects(gatherCorpus([missing]), new CorpusError(`Input not found: ${missing}`));
  await assert.rejects(gatherCorpus([]), CorpusError);
});

test('maxTotalBytes keeps a path-ordered prefix and marks the rest total-limit', async () => {
  const root = tempDir();
  writeTree(root, { 'a.txt': 'a'.repeat(40), 'b.txt': 'b'.repeat(40), 'c.txt': 'c'.repeat(10), 'd.env': 'x', '.env': 's' });
  const corpus = await gatherCorpus([root], { maxTotalBytes: 60 });
  assert.deepEqual(corpus.files.map((f) => path.basename(f.path)), ['a.txt']);
  assert.deepEqual(
    corpus.skipped.map((s) => [path.basename(s.path), s.reason]),
    [['.env', 'secret'], ['b.txt', 'total-limit'], ['c.txt', 'total-limit'], ['d.env', 'total-limit']],
  );
  assert.equal(describeSkips(corpus.skipped), 'skipped 4 files: 1 secret, 3 over the total size limit');
});

test('a byte-order mark is dropped and a file of exactly maxFileBytes is kept', async () => {
  const root = tempDir();
  writeTree(root, { 'bom.txt': Buffer.from([0xef, 0xbb, 0xbf, 0x68, 0x69]), 'exact.txt': 'e'.repeat(100) });
  const corpus = await gatherCorpus([root], { maxFileBytes: 100 });
  assert.equal(corpus.text, `hi${FILE_SEPARATOR}${'e'.repeat(100)}${FILE_SEPARATOR}`);
});

test('an aborted signal stops the gathering', async () => {
  const root = buildWorkspace();
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(gatherCorpus([root], { signal: controller.signal }), { name: 'AbortError' });
});

test('splitCorpus: the first 90% trains, the last 10% validates, no overlap', () => {
  const text = 'abcdefghij'.repeat(100);
  const { train, valid } = splitCorpus(text);
  assert.equal(train.length, 900);
  assert.equal(valid.length, 100);
  assert.equal(train + valid, text);
  assert.equal(train, text.slice(0, 900));

  const quarter = splitCorpus(text, 0.25);
  assert.deepEqual([quarter.train.length, quarter.valid.length], [750, 250]);
  assert.deepEqual(splitCorpus(text, 0), { train: text, valid: '' });
  assert.deepEqual(splitCorpus(text, 1), { train: '', valid: text });
  assert.deepEqual(splitCorpus(''), { train: '', valid: '' });
  assert.throws(() => splitCorpus(text, 1.5), RangeError);
  assert.throws(() => splitCorpus(text, -0.1), RangeError);
  assert.throws(() => splitCorpus(text, Number.NaN), RangeError);
});

test('splitCorpus never splits a surrogate pair', () => {
  for (let len = 1; len <= 40; len++) {
    const text = '😀'.repeat(len);
    for (const fraction of [0.1, 0.25, 0.5, 0.33]) {
      const { train, valid } = splitCorpus(text, fraction);
      assert.equal(train + valid, text);
      assert.equal(train.length % 2, 0, `len ${len}, fraction ${fraction}`);
      assert.equal(valid.length % 2, 0);
    }
  }
});

test('describeSkips', () => {
  assert.equal(describeSkips([]), 'no files skipped');
  assert.equal(describeSkips([{ reason: 'unreadable' }]), 'skipped 1 file: 1 unreadable');
  assert.equal(
    describeSkips([{ reason: 'secret' }, { reason: 'binary' }, { reason: 'binary' }]),
    'skipped 3 files: 2 binary, 1 secret',
  );
});

test('files and folders that cannot be read are skipped as unreadable', async (t) => {
  const root = tempDir();
  writeTree(root, { 'ok.txt': 'ok', 'locked.txt': 'no access', 'locked-dir/inner.txt': 'hidden' });
  // Permissions cannot lock root (tests may run as root), so fail the reads instead.
  const denied = (p: unknown) => String(p).includes('locked');
  const open = fs.promises.open.bind(fs.promises);
  const readdir = fs.promises.readdir.bind(fs.promises);
  const eacces = () => Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
  t.mock.method(fs.promises, 'open', (p: fs.PathLike, ...rest: unknown[]) =>
    denied(p) ? Promise.reject(eacces()) : (open as (...a: unknown[]) => unknown)(p, ...rest));
  t.mock.method(fs.promises, 'readdir', (p: fs.PathLike, ...rest: unknown[]) =>
    denied(p) ? Promise.reject(eacces()) : (readdir as (...a: unknown[]) => unknown)(p, ...rest));
  const corpus = await gatherCorpus([root]);
  assert.deepEqual(corpus.files.map((f) => path.basename(f.path)), ['ok.txt']);
  assert.deepEqual(
    corpus.skipped.map((s) => [path.basename(s.path), s.reason]),
    [['locked-dir', 'unreadable'], ['locked.txt', 'unreadable']],
  );
});

test('Windows and old-Mac line ends become \\n, so the vocabulary has no \\r', async () => {
  const root = tempDir();
  writeTree(root, { 'a.txt': 'one\r\ntwo\rthree\n' });
  const corpus = await gatherCorpus([root]);
  assert.equal(corpus.text, `one\ntwo\nthree\n${FILE_SEPARATOR}`);
});

test('exclude patterns (the editor\'s files.exclude) leave matching files and folders out, each named in the report', async () => {
  const root = tempDir();
  writeTree(root, { 'keep.txt': 'kept', 'gen/out.txt': 'generated', 'notes/a.log': 'log', 'notes/b.txt': 'b' });
  const corpus = await gatherCorpus([root], { exclude: [{ source: 'files.exclude', patterns: ['**/gen', '*.log'] }] });
  assert.deepEqual(corpus.files.map((f) => path.relative(root, f.path)), ['keep.txt', path.join('notes', 'b.txt')]);
  assert.deepEqual(
    corpus.excluded.map((e) => [path.relative(root, e.path), e.folder, e.by]),
    [['gen', true, 'files.exclude'], [path.join('notes', 'a.log'), false, 'files.exclude']],
  );
});
