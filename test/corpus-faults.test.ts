// Workspaces that are bad input for gatherCorpus, and the report of what it left out (issue 7):
// odd encodings, a file of hundreds of megabytes, thousands of files, files that change or vanish
// between the walk and the read, symlink loops, secrets, and the exclusion rules. Each case has
// one clear outcome that a user can read (a skip reason with its detail, an exclusion with its
// rule, an encoding), and nothing usable is lost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorpusError, FILE_SEPARATOR, gatherCorpus } from '../src/core/data/corpus';
import {
  describeEncodings, describeExclusions, describeSkip, describeSkips, formatBytes, listSkippedPaths,
} from '../src/core/data/left-out';
import { decodeBytes } from '../src/core/data/text-decoding';
import { expandBraces, isSecretDir, isSecretName } from '../src/core/data/skip-rules';
import { scratchFolders, writeTree } from './temp-tree';

const tempDir = scratchFolders('char-lstm-faults-');

const rel = (root: string) => (p: string) => path.relative(root, p).split(path.sep).join('/');
const canMkfifo = process.platform !== 'win32';

/** Deterministic pseudo-random bytes (xorshift32), so a failure can be replayed. */
function randomBytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

function utf32(text: string, bigEndian: boolean): Buffer {
  const points = [0xfeff, ...[...text].map((c) => c.codePointAt(0)!)];
  const out = Buffer.alloc(points.length * 4);
  points.forEach((cp, i) => (bigEndian ? out.writeUInt32BE(cp, i * 4) : out.writeUInt32LE(cp, i * 4)));
  return out;
}

// ---- 1. Encodings ----

test('UTF-16/32 files with a byte-order mark and legacy Windows-1252 files are read, not called binary; line ends become \\n', async () => {
  const root = tempDir();
  const sample = 'line one\r\nüber 😀\rend\n';
  writeTree(root, {
    'utf16le.txt': Buffer.from(`\ufeff${sample}`, 'utf16le'), // what Windows PowerShell's `>` writes
    'utf16be.txt': Buffer.from(`\ufeff${sample}`, 'utf16le').swap16(),
    'utf32le.txt': utf32(sample, false),
    'utf32be.txt': utf32(sample, true),
    // "“Café” costs 5 €\r\n" in Windows-1252: smart quotes and the euro sign live in 0x80-0x9F.
    'cp1252.txt': Buffer.from([0x93, 0x43, 0x61, 0x66, 0xe9, 0x94, 0x20, 0x63, 0x6f, 0x73, 0x74, 0x73, 0x20, 0x35, 0x20, 0x80, 0x0d, 0x0a]),
    // A UTF-8 file ("naïve ") with one stray Latin-1 byte ("é"): the UTF-8 stays UTF-8.
    'mixed.txt': Buffer.concat([Buffer.from('naïve caf'), Buffer.from([0xe9])]),
    'utf8-bom.txt': Buffer.from('\ufeffplain\r\n'),
  });
  const corpus = await gatherCorpus([root]);
  const r = rel(root);
  assert.deepEqual(corpus.skipped, []);
  assert.deepEqual(corpus.files.map((f) => [r(f.path), f.encoding]), [
    ['cp1252.txt', 'windows-1252'],
    ['mixed.txt', 'utf-8+windows-1252'],
    ['utf16be.txt', 'utf-16be'],
    ['utf16le.txt', 'utf-16le'],
    ['utf32be.txt', 'utf-32be'],
    ['utf32le.txt', 'utf-32le'],
    ['utf8-bom.txt', 'utf-8'],
  ]);
  const want = 'line one\nüber 😀\nend\n';
  assert.equal(corpus.text, [
    '“Café” costs 5 €\n', 'naïve café', want, want, want, want, 'plain\n',
  ].map((t) => t + FILE_SEPARATOR).join(''));
  assert.ok(!corpus.text.includes('\r') && !corpus.text.includes('\ufeff'));
  assert.equal(
    describeEncodings(corpus.files),
    '1 file read as UTF-16LE, 1 as UTF-16BE, 1 as UTF-32LE, 1 as UTF-32BE, 1 as Windows-1252, 1 as UTF-8 with stray Windows-1252 bytes',
  );
  assert.equal(describeEncodings([{ encoding: 'utf-8' }]), '');
  assert.equal(describeEncodings([{ encoding: 'windows-1252' }, { encoding: 'utf-8' }, { encoding: 'windows-1252' }, { encoding: 'windows-1252' }]),
    '3 files read as Windows-1252');
});

test('Windows-1252 bytes decode as the WHATWG table says (0x80-0x9F typographic, the rest Latin-1)', () => {
  // Spelled out: Node 20's own TextDecoder('windows-1252') decodes 0x80-0x9F as C1 controls
  // (Latin-1), so the decoder carries its own table and this test does not lean on Node's.
  const high = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
  assert.equal([...high].length, 32);
  for (let b = 0x80; b <= 0xff; b++) {
    if ([0x81, 0x8d, 0x8f, 0x90, 0x9d].includes(b)) continue; // undefined: such a file is 'unknown-encoding'
    const expected = b < 0xa0 ? high[b - 0x80] : String.fromCharCode(b);
    assert.deepEqual(decodeBytes(Buffer.from([0x61, b, 0x20, 0x61])), { text: `a${expected} a`, encoding: 'windows-1252' },
      `byte 0x${b.toString(16)}`);
  }
  assert.deepEqual(decodeBytes(Buffer.from([0x61, 0x81, 0x20])), {
    reason: 'unknown-encoding', detail: 'not UTF-8, and has bytes Windows-1252 leaves undefined',
  });
});

test('real binaries stay binary: random bytes with NULs, and random bytes with no NUL at all (the control-character test)', async () => {
  const root = tempDir();
  const noNul = randomBytes(4096, 7);
  for (let i = 0; i < noNul.length; i++) if (noNul[i] === 0) noNul[i] = 1;
  assert.ok(!noNul.includes(0));
  writeTree(root, {
    'random.dat': randomBytes(4096, 42),
    'random-no-nul.dat': noNul,
    // A binary that happens to start with UTF-16LE's byte-order mark (odd length, NULs).
    'fffe.dat': Buffer.concat([Buffer.from([0xff, 0xfe]), randomBytes(101, 3), Buffer.from([0])]),
    'utf16-no-bom.txt': Buffer.from('no mark here', 'utf16le'), // not guessed at: binary, as git says
    'ok.txt': 'text',
  });
  const corpus = await gatherCorpus([root]);
  const r = rel(root);
  assert.deepEqual(corpus.files.map((f) => r(f.path)), ['ok.txt']);
  assert.deepEqual(corpus.skipped.map((s) => [r(s.path), describeSkip(s)]), [
    ['fffe.dat', 'binary (not valid UTF-16LE after its byte-order mark; has NUL bytes)'],
    ['random-no-nul.dat', 'binary (not UTF-8, and full of control characters)'],
    ['random.dat', 'binary (has NUL bytes)'],
    ['utf16-no-bom.txt', 'binary (has NUL bytes)'],
  ]);
  // Many seeds: no random block of any size from 64 bytes up passes as text.
  for (let seed = 1; seed <= 200; seed++) {
    const bytes = randomBytes(64 + seed * 13, seed);
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0) bytes[i] = 0x20;
    const decoded = decodeBytes(bytes);
    assert.ok('reason' in decoded, `seed ${seed} decoded as ${'encoding' in decoded ? decoded.encoding : ''}`);
  }
});

test('other legacy encodings (Cyrillic in windows-1251) are skipped as unknown-encoding rather than garbled', async () => {
  const root = tempDir();
  // "// Привет, мир\n" in windows-1251, between lines of ASCII code: whole words of high bytes.
  const privet = [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x2c, 0x20, 0xec, 0xe8, 0xf0];
  writeTree(root, {
    'ru.js': Buffer.concat([Buffer.from('const a = 1;\n// '), Buffer.from(privet), Buffer.from('\nconst b = 2;\n')]),
    'ok.txt': 'ok',
  });
  const corpus = await gatherCorpus([root]);
  assert.deepEqual(corpus.skipped.map((s) => [path.basename(s.path), s.reason]), [['ru.js', 'unknown-encoding']]);
  assert.equal(describeSkips(corpus.skipped), 'skipped 1 file: 1 in an unknown encoding');
  assert.match(describeSkip(corpus.skipped[0]), /^in an unknown encoding \(not UTF-8, .*Windows-1252/);
});

// ---- 2. One huge file ----

test('a sparse 600 MiB file is skipped as too large without being read; named explicitly, the total cap refuses it', async (t) => {
  const root = tempDir();
  writeTree(root, { 'a.txt': 'alpha', 'z.txt': 'omega' });
  const huge = path.join(root, 'huge.txt');
  fs.writeFileSync(huge, '');
  fs.truncateSync(huge, 600 * 1024 * 1024); // sparse: no disk used, reads as NULs

  const before = process.memoryUsage();
  const corpus = await gatherCorpus([root]);
  const after = process.memoryUsage();
  const grew = (after.rss - before.rss) / 2 ** 20;
  t.diagnostic(`rss grew ${grew.toFixed(1)} MiB, heap ${((after.heapUsed - before.heapUsed) / 2 ** 20).toFixed(1)} MiB`);
  assert.ok(grew < 50, `rss grew ${grew} MiB`);
  assert.deepEqual(corpus.files.map((f) => path.basename(f.path)), ['a.txt', 'z.txt']);
  assert.deepEqual(corpus.skipped.map((s) => [path.basename(s.path), describeSkip(s)]),
    [['huge.txt', 'too large (600 MiB > 1 MiB limit)']]);

  await assert.rejects(gatherCorpus([huge]), new CorpusError(
    `No text files found under ${huge} (skipped 1 file: 1 too large; huge.txt: 600 MiB > 64 MiB total limit)`));
  // With other inputs it is one skip among them, and they are still read.
  const mixed = await gatherCorpus([huge, path.join(root, 'a.txt')]);
  assert.deepEqual(mixed.files.map((f) => path.basename(f.path)), ['a.txt']);
  assert.deepEqual(mixed.skipped.map((s) => describeSkip(s)), ['too large (600 MiB > 64 MiB total limit)']);
});

test('formatBytes', () => {
  assert.deepEqual(
    [1, 1000, 1024, 1536, 1024 * 1024, 600 * 1024 * 1024, 64 * 1024 * 1024, 5 * 2 ** 30].map(formatBytes),
    ['1 byte', '1000 bytes', '1 KiB', '1.5 KiB', '1 MiB', '600 MiB', '64 MiB', '5 GiB'],
  );
});

// ---- 3. Thousands of files ----

test('5,000 small files in nested folders are all gathered, in path order', async (t) => {
  const root = tempDir();
  const expected: string[] = [];
  let started = Date.now();
  for (let a = 0; a < 50; a++) {
    for (let b = 0; b < 10; b++) {
      const dir = path.join(root, `d${a}`, `e${b}`);
      fs.mkdirSync(dir, { recursive: true });
      for (let c = 0; c < 10; c++) {
        fs.writeFileSync(path.join(dir, `f${c}.txt`), `${a}.${b}.${c}\n`);
        expected.push(`d${a}/e${b}/f${c}.txt`);
      }
    }
  }
  t.diagnostic(`wrote 5,000 files in ${Date.now() - started} ms`);
  started = Date.now();
  const corpus = await gatherCorpus([root]);
  t.diagnostic(`gathered 5,000 files in ${Date.now() - started} ms`);
  expected.sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)); // code-unit order: d10 before d2
  assert.deepEqual(corpus.files.map((f) => rel(root)(f.path)), expected);
  assert.deepEqual(corpus.skipped, []);
  assert.deepEqual(corpus.excluded, []);
  assert.equal(corpus.text.split(FILE_SEPARATOR).length - 1, 5000);
  assert.ok(corpus.text.startsWith(`0.0.0\n${FILE_SEPARATOR}0.0.1\n${FILE_SEPARATOR}`));
});

// ---- 4. Files that change between the walk and the read ----

/** Makes fs.promises.open (what the reader uses, after the walk) run `change` first for paths named in `changes`. */
function changeBeforeOpen(t: { mock: { method: (...a: never[]) => unknown } }, changes: Record<string, (p: string) => void>): void {
  const open = fs.promises.open.bind(fs.promises);
  (t.mock.method as (o: object, m: string, f: unknown) => unknown)(fs.promises, 'open', (p: fs.PathLike, ...rest: unknown[]) => {
    const change = changes[path.basename(String(p))];
    if (change) change(String(p));
    return (open as (...a: unknown[]) => unknown)(p, ...rest);
  });
}

test('files deleted or replaced (by a folder, a FIFO, a symlink) after the walk are skipped with what happened; never a hang', { timeout: 20_000 }, async (t) => {
  const root = tempDir();
  const outside = path.join(tempDir(), 'outside.txt');
  fs.writeFileSync(outside, 'not in the workspace');
  writeTree(root, { 'a.txt': 'kept a', 'deleted.txt': 'x', 'now-dir.txt': 'x', 'now-fifo.txt': 'x', 'now-link.txt': 'x', 'z.txt': 'kept z' });
  changeBeforeOpen(t, {
    'deleted.txt': (p) => fs.rmSync(p),
    'now-dir.txt': (p) => { fs.rmSync(p); fs.mkdirSync(p); },
    'now-link.txt': (p) => { fs.rmSync(p); fs.symlinkSync(outside, p); },
    ...(canMkfifo ? { 'now-fifo.txt': (p: string) => { fs.rmSync(p); execFileSync('mkfifo', [p]); } } : {}),
  });
  const corpus = await gatherCorpus([root]);
  assert.deepEqual(corpus.files.map((f) => path.basename(f.path)), ['a.txt', ...(canMkfifo ? [] : ['now-fifo.txt']), 'z.txt']);
  assert.deepEqual(corpus.skipped.map((s) => [path.basename(s.path), s.reason, s.detail]), [
    ['deleted.txt', 'vanished', 'deleted after the folder was listed'],
    ['now-dir.txt', 'unreadable', 'no longer a file: now a folder'],
    ...(canMkfifo ? [['now-fifo.txt', 'unreadable', 'no longer a file: now a FIFO']] : []),
    ['now-link.txt', 'unreadable', 'replaced by a symlink, not followed'],
  ]);
  assert.ok(!corpus.text.includes('not in the workspace'));
  assert.match(describeSkips(corpus.skipped), /unreadable, 1 gone before it was read$/);
});

test('a file that grows past the limit between the size check and the read is too large, and no more than the limit is read', async (t) => {
  const root = tempDir();
  writeTree(root, { 'grows.txt': 'small', 'ok.txt': 'ok' });
  const open = fs.promises.open.bind(fs.promises);
  let readBytes = 0;
  t.mock.method(fs.promises, 'open', async (p: fs.PathLike, ...rest: unknown[]) => {
    const handle = await (open as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(p, ...rest);
    if (path.basename(String(p)) === 'grows.txt') {
      const stat = handle.stat.bind(handle);
      const read = handle.read.bind(handle) as (...a: unknown[]) => Promise<{ bytesRead: number }>;
      // The size is taken, then a writer appends 100 KB before the bytes are read.
      Object.assign(handle, {
        stat: async (...a: unknown[]) => {
          const s = await (stat as (...b: unknown[]) => Promise<fs.Stats>)(...a);
          fs.appendFileSync(String(p), 'x'.repeat(100_000));
          return s;
        },
        read: async (...a: unknown[]) => {
          const result = await read(...a);
          readBytes += result.bytesRead;
          return result;
        },
      });
    }
    return handle;
  });
  const corpus = await gatherCorpus([root], { maxFileBytes: 1000 });
  assert.deepEqual(corpus.files.map((f) => path.basename(f.path)), ['ok.txt']);
  assert.deepEqual(corpus.skipped.map((s) => [path.basename(s.path), describeSkip(s)]),
    [['grows.txt', 'too large (grew past the 1000 bytes limit while being read)']]);
  assert.ok(readBytes <= 1001, `read ${readBytes} bytes`);
});

test('a FIFO inside a walked folder is listed as a special file and never opened', { timeout: 20_000, skip: !canMkfifo }, async () => {
  const root = tempDir();
  writeTree(root, { 'a.txt': 'a' });
  execFileSync('mkfifo', [path.join(root, 'pipe')]);
  const corpus = await gatherCorpus([root]);
  assert.deepEqual(corpus.files.map((f) => path.basename(f.path)), ['a.txt']);
  assert.deepEqual(corpus.skipped, []);
  assert.deepEqual(corpus.excluded.map((e) => [path.basename(e.path), e.by]), [['pipe', 'special file']]);
  await assert.rejects(gatherCorpus([path.join(root, 'pipe')]), /Input is neither a file nor a folder/);
});

// ---- 5. Symlink loops ----

test('two folder symlinks pointing at each other and a dangling symlink: the walk ends, they are listed as symlinks, nothing else', async () => {
  const root = tempDir();
  writeTree(root, { 'real.txt': 'real', 'sub/inner.txt': 'inner' });
  fs.symlinkSync('b', path.join(root, 'a'));
  fs.symlinkSync('a', path.join(root, 'b'));
  fs.symlinkSync(path.join(root, 'sub'), path.join(root, 'sub', 'up')); // a loop through a real folder
  fs.symlinkSync('nowhere.txt', path.join(root, 'dangling.txt'));
  const corpus = await gatherCorpus([root]);
  const r = rel(root);
  assert.deepEqual(corpus.files.map((f) => r(f.path)), ['real.txt', 'sub/inner.txt']);
  assert.deepEqual(corpus.skipped, []);
  assert.deepEqual(corpus.excluded.map((e) => [r(e.path), e.by]),
    [['a', 'symlink'], ['b', 'symlink'], ['dangling.txt', 'symlink'], ['sub/up', 'symlink']]);
  assert.equal(describeExclusions(corpus.excluded), '4 paths excluded: 4 symlinks not followed');
  await assert.rejects(gatherCorpus([path.join(root, 'a')]), new CorpusError(`Input is a loop of symbolic links: ${path.join(root, 'a')}`));
  await assert.rejects(gatherCorpus([path.join(root, 'dangling.txt')]), new CorpusError(`Input not found: ${path.join(root, 'dangling.txt')}`));
});

// ---- 6. Secrets and the report ----

test('keys, certificates, credentials and secret folders are never read, even when gitignored or misnamed', async () => {
  const root = tempDir();
  const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\n';
  writeTree(root, {
    '.gitignore': '.env\n',
    '.env': 'TOKEN=1', '.envrc': 'export TOKEN=2', '.env.production': 'TOKEN=3',
    'id_ed25519': 'k', 'id_ecdsa_sk.pub': 'k', 'server.key': 'k', 'cert.crt': 'c', 'vault.kdbx': 'v',
    'prod.tfvars': 'password = "x"', 'terraform.tfstate': '{}', 'terraform.tfstate.backup': '{}',
    '.git-credentials': 'https://u:p@host', 'serviceAccountKey.json': '{}', '.pgpass': 'x', '.my.cnf': 'x',
    '.ssh/config': 'Host x', '.ssh/known_hosts': 'x', '.aws/credentials': 'x', '.aws/config': 'x',
    'notes/deploy.txt': `the deploy key:\n${pem}`,
    // Kept: names that only look alike.
    'id_utils.py': 'def f(): pass', 'service-account.ts': 'export {}', 'environment.ts': 'export {}', 'keys.md': '# keys',
    // Kept: a header alone, as a parser's source or its docs mention it, is no key.
    'pem.ts': '// a key starts with `-----BEGIN RSA PRIVATE KEY-----`\n',
  });
  const corpus = await gatherCorpus([root]);
  const r = rel(root);
  assert.deepEqual(corpus.files.map((f) => r(f.path)), ['.gitignore', 'environment.ts', 'id_utils.py', 'keys.md', 'pem.ts', 'service-account.ts']);
  assert.deepEqual(corpus.skipped.map((s) => [r(s.path), describeSkip(s)]), [
    ['.aws', 'secret (a folder of keys or credentials)'],
    ['.env', 'secret'], // gitignored too: reported as what it is
    ['.env.production', 'secret'],
    ['.envrc', 'secret'],
    ['.git-credentials', 'secret'],
    ['.my.cnf', 'secret'],
    ['.pgpass', 'secret'],
    ['.ssh', 'secret (a folder of keys or credentials)'],
    ['cert.crt', 'secret'],
    ['id_ecdsa_sk.pub', 'secret'],
    ['id_ed25519', 'secret'],
    ['notes/deploy.txt', 'secret (holds a private key)'],
    ['prod.tfvars', 'secret'],
    ['server.key', 'secret'],
    ['serviceAccountKey.json', 'secret'],
    ['terraform.tfstate', 'secret'],
    ['terraform.tfstate.backup', 'secret'],
    ['vault.kdbx', 'secret'],
  ]);
  for (const secret of ['TOKEN', 'Host x', 'MIIEow', 'password']) assert.ok(!corpus.text.includes(secret), secret);
  // A secret folder named as the input is refused too.
  await assert.rejects(gatherCorpus([path.join(root, '.ssh')]),
    new CorpusError(`No text files found under ${path.join(root, '.ssh')} (skipped 1 file: 1 secret; .ssh: a folder of keys or credentials)`));
  assert.ok(isSecretDir('.GnuPG') && isSecretName('Server.PEM') && !isSecretName('README.md'));
});

test('exclude rule sets are named in the report; a .gitignore `!` cannot re-include what a setting excludes; {a,b} alternatives work', async () => {
  const root = tempDir();
  writeTree(root, {
    '.gitignore': '!keep.gen\n',
    'a.txt': 'a', 'b.gen': 'gen', 'keep.gen': 'gen', 'c.tmp': 'tmp', 'private/notes.md': 'mine', 'sub/.gitignore': 'out.txt\n', 'sub/out.txt': 'x',
  });
  const corpus = await gatherCorpus([root], {
    exclude: [
      { source: 'files.exclude', patterns: ['*.{gen,tmp}'] },
      { source: 'charLstm.exclude', patterns: ['private/', 'a.txt'] },
      { source: 'empty', patterns: [] },
    ],
  });
  const r = rel(root);
  assert.deepEqual(corpus.files.map((f) => r(f.path)), ['.gitignore', 'sub/.gitignore']);
  assert.deepEqual(corpus.excluded.map((e) => [r(e.path), e.by]), [
    ['a.txt', 'charLstm.exclude'],
    ['b.gen', 'files.exclude'],
    ['c.tmp', 'files.exclude'],
    ['keep.gen', 'files.exclude'],
    ['private', 'charLstm.exclude'],
    ['sub/out.txt', 'sub/.gitignore'],
  ]);
  assert.equal(describeExclusions(corpus.excluded), '6 paths excluded: 1 by .gitignore, 2 by charLstm.exclude, 3 by files.exclude');
  assert.deepEqual(expandBraces('**/*.{js,map}'), ['**/*.js', '**/*.map']);
  assert.deepEqual(expandBraces('{a,b}/{c,d{e,f}}'), ['a/c', 'a/de', 'a/df', 'b/c', 'b/de', 'b/df']);
  assert.deepEqual(expandBraces('x{y'), ['x{y']);
  assert.deepEqual(expandBraces('{only}'), ['{only}']);
});

test('listSkippedPaths: skips first, then exclusions; paths relative to the folder, folders with a slash; capped with a count', async () => {
  const root = tempDir();
  writeTree(root, {
    '.gitignore': 'ignored/\n*.log\n', 'a.txt': 'a', 'big.txt': 'x'.repeat(2000), '.env': 's', 'x.log': 'l', 'ignored/f.txt': 'f',
    'node_modules/m/index.js': 'm', 'data.bin': 'b',
  });
  const corpus = await gatherCorpus([root], { maxFileBytes: 1000 });
  const list = listSkippedPaths(corpus, [root]);
  assert.deepEqual(list, {
    lines: [
      { path: '.env', reason: 'secret' },
      { path: 'big.txt', reason: 'too large (2.0 KiB > 1000 bytes limit)' },
      { path: 'data.bin', reason: 'ignored by name' },
      { path: 'ignored/', reason: 'excluded by .gitignore' },
      { path: 'node_modules/', reason: 'not walked (dependency, build or version-control folder)' },
      { path: 'x.log', reason: 'excluded by .gitignore' },
    ],
    more: 0,
  });
  assert.deepEqual(listSkippedPaths(corpus, [root], 4).more, 2);
  assert.deepEqual(listSkippedPaths(corpus, [root], 4).lines.map((l) => l.path), ['.env', 'big.txt', 'data.bin', 'ignored/']);
  // Several folders: each path starts with its folder's name.
  const other = tempDir();
  writeTree(other, { 'k.pem': 'k', 'ok.txt': 'ok' });
  const both = await gatherCorpus([root, other], { maxFileBytes: 1000 });
  const paths = listSkippedPaths(both, [root, other]).lines.map((l) => l.path);
  for (const p of [`${path.basename(root)}/.env`, `${path.basename(root)}/ignored/`, `${path.basename(other)}/k.pem`]) {
    assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
  }
});

// ---- 7. Nothing left ----

test('a folder whose every file is excluded says so in the error', async () => {
  const root = tempDir();
  writeTree(root, { '.gitignore': 'a.txt\n', 'a.txt': 'a', 'b.md': 'b', 'node_modules/x.js': 'x' });
  await assert.rejects(gatherCorpus([root], { exclude: [{ source: 'files.exclude', patterns: ['b.md', '.gitignore'] }] }), new CorpusError(
    `No text files found under ${root} (no files skipped; 4 paths excluded: 1 by .gitignore, 2 by files.exclude, 1 pruned folder)`));
});
