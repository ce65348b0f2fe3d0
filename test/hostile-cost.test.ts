// Issue 17, rows 5-7: work whose cost a hostile input blows up. A 20,000-character CJK vocabulary
// builds its n-gram in about the English time and can be stopped during it; a time budget covers
// the validation that ends the run; a model too large for WebAssembly's heap is refused at once.
// CLI cases run the built `dist/cli.js` (run `npm run build` first).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { splitCorpus } from '../src/core/data/corpus';
import { Vocab } from '../src/core/data/vocab';
import { corpusMixtureBasis } from '../src/core/train/workspace-mixture-fit';
import { loadModel } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import { trainingHeapNeed, WASM_HEAP_LIMIT } from '../src/core/train/heap-need';
import { train } from '../src/core/train/trainer';
import { cjkText } from '../bench/cjk-text';
import { tinyRequest, trainingClients, workspaceIn } from './worker-runs';

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const SHAKESPEARE = readFileSync(path.join(ROOT, 'data', 'tinyshakespeare.txt'), 'utf8');
const dir = mkdtempSync(path.join(tmpdir(), 'char-lstm-hostile-cost-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const client = trainingClients();

interface Run { code: number | null; signal: NodeJS.Signals | null; stderr: string; ms: number }

/** Runs the CLI; `onStderr` sees the child and everything written to stderr so far. */
function cli(args: string[], onStderr?: (child: ReturnType<typeof spawn>, stderr: string) => void): Promise<Run> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); onStderr?.(child, stderr); });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr, ms: Date.now() - started })));
}

/** Seconds corpusMixtureBasis takes on `text`, split as training splits it. */
async function ngramSeconds(text: string): Promise<{ seconds: number; order: number }> {
  const vocab = Vocab.fromText(text);
  const started = performance.now();
  const basis = await corpusMixtureBasis(vocab, splitCorpus(text), [0], DEFAULT_TRAIN_CONFIG.maxValidChars);
  return { seconds: (performance.now() - started) / 1000, order: basis.order };
}

test('the n-gram of 120 k characters of 20,000 distinct CJK ones builds in about the time of English', { timeout: 120_000 }, async () => {
  const cjk = cjkText(120_000, 20_000);
  assert.equal(new Set(cjk).size, 20_000);
  const english = await ngramSeconds(SHAKESPEARE.slice(0, 120_000));
  const wide = await ngramSeconds(cjk);
  // Before: 40-160 s against 1-2 s for English, V x N look-ups (20,000 per character per order).
  assert.ok(wide.seconds < 5 * english.seconds + 0.5, `CJK ${wide.seconds.toFixed(2)} s, English ${english.seconds.toFixed(2)} s`);
  assert.ok(wide.order >= 2, `order ${wide.order}`);
});

test('building the n-gram lets the event loop run, and an abort stops it within a moment', { timeout: 120_000 }, async () => {
  // 3 MB: seconds of counting and scoring.
  const text = SHAKESPEARE.repeat(3);
  const vocab = Vocab.fromText(text);
  const controller = new AbortController();
  let ticks = 0;
  const timer = setInterval(() => { ticks++; }, 10);
  const build = corpusMixtureBasis(vocab, splitCorpus(text), [0], DEFAULT_TRAIN_CONFIG.maxValidChars, {}, controller.signal);
  await new Promise((r) => setTimeout(r, 500));
  const abortedAt = Date.now();
  controller.abort();
  await assert.rejects(build, (e: Error) => e.name === 'AbortError');
  const waited = Date.now() - abortedAt;
  clearInterval(timer);
  assert.ok(waited < 1000, `the build went on ${waited} ms after the abort`);
  assert.ok(ticks >= 10, `a 10 ms timer ran ${ticks} times in the first 500 ms of the build`);
});

test('Ctrl-C during the n-gram build of `train` stops it at once, nothing saved', { timeout: 120_000 }, async () => {
  const input = path.join(dir, 'big.txt');
  writeFileSync(input, SHAKESPEARE.repeat(4));
  const out = path.join(dir, 'interrupted.safetensors');
  let sentAt = 0;
  const r = await cli(['train', input, '--out', out, '--hidden', '16', '--layers', '1', '--embedding', '8'], (child, stderr) => {
    // The corpus line comes just before the n-gram build (4.4 MB: seconds of it).
    if (sentAt === 0 && stderr.includes('read 1 file')) {
      sentAt = Date.now();
      setTimeout(() => child.kill('SIGINT'), 200);
    }
  });
  assert.ok(sentAt > 0, r.stderr);
  assert.ok(!r.stderr.includes('n-gram: order'), `the build finished before the Ctrl-C: ${r.stderr}`);
  assert.equal(r.code, 130, r.stderr);
  assert.ok(Date.now() - sentAt < 200 + 3000, `exited ${Date.now() - sentAt - 200} ms after the Ctrl-C`);
  assert.match(r.stderr, /cancelled before the first validation: nothing saved/);
  assert.ok(!existsSync(out));
});

test('Stop during the workspace n-gram build ends the worker\'s run at once', { timeout: 120_000 }, async () => {
  // 4.4 MB in files under the 1 MiB a file may have.
  const folder = workspaceIn(dir, Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`part-${i}.txt`, SHAKESPEARE.slice(0, 900_000)])));
  const c = client();
  let stoppedAt = 0;
  const outcome = await c.train(tinyRequest(folder, path.join(dir, 'stopped.safetensors')), {
    onCorpus: () => { setTimeout(() => { stoppedAt = Date.now(); c.cancel(); }, 200); },
    onNgram: () => assert.fail('the n-gram build finished before the Stop'),
  });
  assert.equal(outcome.reason, 'cancelled');
  assert.ok(stoppedAt > 0 && Date.now() - stoppedAt < 2000, `the run ended ${Date.now() - stoppedAt} ms after the Stop`);
});

test('a time budget covers the validation that ends the run: a big model stops near it, its checkpoint saved', { timeout: 180_000 }, async () => {
  const input = path.join(dir, 'shakespeare-300k.txt');
  writeFileSync(input, SHAKESPEARE.slice(0, 300_000));
  const out = path.join(dir, 'budget.safetensors');
  const budgetS = 6;
  // 2x1024 on short windows: a step is about a second here, a whole validation (30,000 chars in
  // 300 windows) about a minute, which before this ran in full after the budget.
  const r = await cli(['train', input, '--out', out, '--hidden', '1024', '--layers', '2', '--batch', '4', '--seq-len', '25',
    '--threads', '1', '--validate-every', '0', '--max-minutes', String(budgetS / 60)]);
  assert.equal(r.code, 0, r.stderr);
  // Startup, the n-gram, a step, one validation window and two saves; a whole validation was a minute more.
  assert.ok(r.ms < (budgetS + 30) * 1000, `the run took ${(r.ms / 1000).toFixed(1)} s on a ${budgetS} s budget:\n${r.stderr}`);
  assert.match(r.stderr, /on [\d,]+ of [\d,]+ chars: the time budget ran out/);
  assert.match(r.stderr, /time limit reached: best valid loss/);
  const { info } = await loadModel(out, createKernels());
  assert.ok(Number.isFinite(info.validLoss), 'the saved model has its validation loss');
});

test('a validation the budget cuts short still makes the run\'s best checkpoint, and says how much it read', { timeout: 120_000 }, async () => {
  const text = 'the quick brown fox jumps over the lazy dog. '.repeat(2000);
  const events: { loss: number; best: boolean; shortened?: { chars: number; of: number } }[] = [];
  const result = await train({
    // 90,000 validation characters in 2,250 windows of a 1x512: many seconds, past the budget's 1.2 s + 2 s.
    kernels: createKernels('wasm'), vocab: Vocab.fromText(text), train: text, valid: text,
    model: { cell: 'lstm', embedding: 8, hidden: 512, layers: 1, dropout: 0 },
    config: { ...DEFAULT_TRAIN_CONFIG, batch: 4, seqLen: 10, threads: 1, validateEvery: 0, maxMinutes: 0.02 },
    onEvent: (e) => { if (e.kind === 'validation') events.push(e); },
  });
  assert.equal(result.end.reason, 'time-limit');
  assert.equal(events.length, 1);
  const { shortened } = events[0];
  assert.ok(shortened && shortened.chars < shortened.of && shortened.of > 89_000,
    `the budget cut the validation short: ${JSON.stringify(shortened)}`);
  assert.ok(result.best !== null && result.best.validLoss === events[0].loss, 'and its checkpoint is the best');
});

test('a model too large for WebAssembly\'s 4 GiB is refused before the text is read, in one line with the size', { timeout: 30_000 }, async () => {
  const r = await cli(['train', path.join(dir, 'not-read-yet.txt'), '--out', path.join(dir, 'huge.safetensors'),
    '--hidden', '4096', '--layers', '8', '--embedding', '4096']);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0], /^char-lstm: a 8x4096 LSTM .* needs about [\d.]+ GiB of WebAssembly memory to train, over its limit of 4\.0 GiB: lower --hidden, --layers or --embedding .* or --batch or --seq-len/);
  assert.ok(r.ms < 10_000, `${r.ms} ms`);
  assert.ok(!existsSync(path.join(dir, 'huge.safetensors')));
});

test('the extension\'s worker refuses such a model too, naming the settings', { timeout: 60_000 }, async () => {
  const folder = workspaceIn(dir, { 'a.txt': SHAKESPEARE.slice(0, 20_000) });
  const request = tinyRequest(folder, path.join(dir, 'huge-worker.safetensors'));
  request.model = { cell: 'lstm', embedding: 4096, hidden: 4096, layers: 8, dropout: 0 };
  await assert.rejects(client().train(request), /needs about [\d.]+ GiB of WebAssembly memory .* charLstm\.training\.hidden/);
});

test('the heap a training run fills is what the refusal estimates', { timeout: 120_000 }, async () => {
  const text = 'the quick brown fox jumps over the lazy dog. '.repeat(400);
  const vocab = Vocab.fromText(text);
  for (const [model, batch, seqLen] of [
    [{ cell: 'lstm', embedding: 64, hidden: 256, layers: 2, dropout: 0 }, 32, 100],
    [{ cell: 'lstm', embedding: 256, hidden: 512, layers: 1, dropout: 0.2 }, 16, 50],
    [{ cell: 'rnn', embedding: 32, hidden: 384, layers: 3, dropout: 0 }, 8, 64],
  ] as const) {
    const kernels = createKernels('wasm');
    await train({ kernels, vocab, train: text, valid: text.slice(0, 9000), model,
      config: { ...DEFAULT_TRAIN_CONFIG, batch, seqLen, threads: 1, maxSteps: 2 } });
    const filled = kernels.heap.buffer.byteLength;
    const estimate = trainingHeapNeed({ ...model, vocabSize: vocab.size }, batch, seqLen).total;
    assert.ok(estimate > 0.9 * filled && estimate < 1.25 * filled, `${JSON.stringify(model)}: estimate ${estimate}, filled ${filled}`);
  }
  assert.equal(WASM_HEAP_LIMIT, 2 ** 32);
});
