// Dynamic evaluation (src/core/dynamic): static against dynamic nats/char on held-out text, the
// update rule's settings tuned on a validation part and reported on a test part, and the time of
// one adaptation step. Run with `nice -n 19 node --import tsx bench/dynamic-eval.ts <command>`:
//
//   latency [--model m.safetensors]          one step on the last T characters, model M and the default
//   shakespeare [--model m] [--tune-chars N] data/tinyshakespeare.txt's last 10% (the first N
//                                            characters tune, the rest test), default model by default
//   source-prepare --dir D                   this project's src/**/*.ts at HEAD, sorted by path, split
//                                            90/10 by file: D/train.txt (90%), D/valid.txt (first
//                                            half of the held-out files), D/test.txt (the rest);
//                                            D/train/ the training files, for `char-lstm train D/train`
//   source --model m --dir D                 the same measurement on D/valid.txt (tune), D/test.txt
//
// Common flags: --segment T (50), --stats-segments N (400: training segments for the rms rule's
// statistics), --quick (a smaller grid), --defaults (no tuning: DYNAMIC_DEFAULTS on both parts),
// --json FILE (append the results as JSON lines).
import { execFileSync } from 'node:child_process';
import { Command } from 'commander';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createKernels } from '../src/core/nn/kernels/select';
import type { Kernels } from '../src/core/nn/kernels/kernels';
import { CharModel } from '../src/core/model/char-model';
import { loadModel } from '../src/core/io/model-file';
import { splitCorpus, FILE_SEPARATOR } from '../src/core/data/corpus';
import type { Vocab } from '../src/core/data/vocab';
import { evaluate } from '../src/core/eval/evaluate';
import { seededRandom } from '../src/core/math/random';
import { Stepper } from '../src/core/sampling/stepper';
import { DYNAMIC_DEFAULTS, DynamicAdapter, evaluateDynamic, gradientStats, type DynamicSettings, type GradientStats } from '../src/core/dynamic';
import { MODEL_M } from './model-m';

const ROOT = join(__dirname, '..');
const DATA = join(ROOT, 'data', 'tinyshakespeare.txt');
const DEFAULT_MODEL = join(ROOT, 'models', 'default.safetensors');

const program = new Command('bench/dynamic-eval.ts')
  .argument('<command>', 'latency | shakespeare | source-prepare | source (see the top of the file)')
  .option('--model <file>', 'model file')
  .option('--dir <dir>', 'source-prepare / source: the folder of the split')
  .option('--tune-chars <n>', 'shakespeare: held-out characters that tune', '20000')
  .option('--test-chars <n>', 'shakespeare: held-out characters that test (default: the rest)')
  .option('--segment <T>', 'characters per segment', '50')
  .option('--stats-segments <n>', 'training segments for the rms rule\'s statistics', '400')
  .option('--quick', 'a smaller grid')
  .option('--defaults', 'no tuning: DYNAMIC_DEFAULTS on both parts')
  .option('--json <file>', 'append the results as JSON lines')
  .parse(process.argv);
const opts = program.opts<{ model?: string; dir?: string; tuneChars: string; testChars?: string; segment: string;
  statsSegments: string; quick?: boolean; defaults?: boolean; json?: string }>();
const command = program.args[0];
const SEGMENT = Number(opts.segment);
const STATS_SEGMENTS = Number(opts.statsSegments);
const QUICK = opts.quick === true;
const DEFAULTS = opts.defaults === true;
const JSON_OUT = opts.json;

function record(kind: string, value: object): void {
  const line = JSON.stringify({ kind, at: new Date().toISOString(), ...value });
  console.log(line);
  if (JSON_OUT) appendFileSync(JSON_OUT, `${line}\n`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))];
const r4 = (x: number): number => Number(x.toFixed(4));

// ---------------------------------------------------------------------------------------------
// Latency of one adaptation step.

async function latency(): Promise<void> {
  const k = createKernels();
  const text = readFileSync(DATA, 'utf8');
  const def = await loadModel(opts.model ?? DEFAULT_MODEL, k);
  const ids = def.vocab.encode(text.slice(0, 20_000));
  const m = new CharModel(k, { ...MODEL_M, vocabSize: def.vocab.size }, seededRandom(1));
  for (const [name, model] of [['M (2x256, embedding 64)', m], ['default (2x512, embedding 64)', def.model]] as const) {
    const adapter = new DynamicAdapter(model);
    for (const T of [25, 50, 100]) {
      const grad: number[] = [], upd: number[] = [], total: number[] = [];
      const settings: DynamicSettings = { eta: 0.1, lambda: 0.001 };
      for (let r = 0; r < 23; r++) {
        const from = (r * 97 * T) % (ids.length - T - 1);
        const t0 = performance.now();
        adapter.resetState();
        adapter.gradient(ids, from, T);
        const t1 = performance.now();
        adapter.update(settings);
        const t2 = performance.now();
        if (r >= 3) { grad.push(t1 - t0); upd.push(t2 - t1); total.push(t2 - t0); }
      }
      record('latency', { model: name, T, backend: k.description, stepMsMedian: r4(median(total)), stepMsP90: r4(quantile(total, 0.9)),
        forwardBackwardMs: r4(median(grad)), updateMs: r4(median(upd)), steps: total.length });
    }
    // What handing the adapted weights to the editor's model would cost: a copy out, then the
    // repacking every weight change needs (refreshInference, as a new Stepper does).
    const copyOut: number[] = [], refresh: number[] = [];
    for (let r = 0; r < 9; r++) {
      let t0 = performance.now();
      const w = adapter.weights();
      copyOut.push(performance.now() - t0);
      t0 = performance.now();
      new Stepper(adapter.copy);
      refresh.push(performance.now() - t0);
      void w;
    }
    record('handover', { model: name, weightsMB: r4(model.params.count * 4 / 1e6), copyOutMs: r4(median(copyOut)),
      refreshInferenceMs: r4(median(refresh)) });
  }
}

// ---------------------------------------------------------------------------------------------
// Tuning and reporting.

function describe(s: DynamicSettings): string {
  return `${s.rule ?? 'sgd'} η ${s.eta} λ ${s.lambda ?? 0}${s.eps !== undefined ? ` ε ${s.eps}` : ''}`;
}

/** Dynamic nats/char of one setting over `ids`, timed. */
async function run(model: CharModel, adapter: DynamicAdapter, ids: ArrayLike<number>, s: DynamicSettings,
  part: string, set: string): Promise<number> {
  const t0 = performance.now();
  const r = await evaluateDynamic(model, ids, { ...s, segment: SEGMENT, adapter });
  record('dynamic', { set, part, setting: describe(s), rule: s.rule ?? 'sgd', eta: s.eta, lambda: s.lambda ?? 0, eps: s.eps,
    loss: r4(r.loss), chars: r.chars, seconds: r4((performance.now() - t0) / 1000) });
  return Number.isFinite(r.loss) ? r.loss : Infinity;
}

/**
 * Coordinate search on the tuning part: η (λ = 0) over a log grid, then λ at the best η, then
 * η's neighbours at the best λ. Returns the best setting and its loss.
 */
async function tune(model: CharModel, adapter: DynamicAdapter, ids: ArrayLike<number>, rule: 'sgd' | 'rms',
  stats: GradientStats | undefined, set: string): Promise<{ best: DynamicSettings; loss: number }> {
  const etas = rule === 'sgd' ? (QUICK ? [0.03, 0.1, 0.3, 1] : [0.01, 0.03, 0.1, 0.3, 1, 3])
    : (QUICK ? [1e-4, 3e-4, 1e-3, 3e-3] : [3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2]);
  const lambdas = QUICK ? [0.001, 0.01] : [0.0003, 0.001, 0.003, 0.01, 0.03];
  const tried = new Map<string, number>();
  const at = async (s: DynamicSettings): Promise<number> => {
    const key = describe(s);
    if (!tried.has(key)) tried.set(key, await run(model, adapter, ids, s, 'tune', set));
    return tried.get(key) as number;
  };
  let best: DynamicSettings = { rule, eta: etas[0], lambda: 0, stats };
  let bestLoss = Infinity;
  let worse = 0;
  for (const eta of etas) {
    const loss = await at({ rule, eta, lambda: 0, stats });
    if (loss < bestLoss) { bestLoss = loss; best = { rule, eta, lambda: 0, stats }; worse = 0; } else if (++worse >= 2) break;
  }
  for (const lambda of lambdas) {
    const loss = await at({ ...best, lambda });
    if (loss < bestLoss) { bestLoss = loss; best = { ...best, lambda }; }
  }
  if ((best.lambda ?? 0) > 0) {
    for (const f of [0.5, 2]) {
      const loss = await at({ ...best, eta: best.eta * f });
      if (loss < bestLoss) { bestLoss = loss; best = { ...best, eta: best.eta * f }; }
    }
  }
  if (rule === 'rms' && stats) {
    for (const f of [0.01, 1]) {
      const s = { ...best, eps: f * stats.meanRms };
      const loss = await at(s);
      if (loss < bestLoss) { bestLoss = loss; best = s; }
    }
  }
  return { best, loss: bestLoss };
}

async function measure(set: string, model: CharModel, vocab: Vocab, statsText: string, tuneText: string,
  testText: string): Promise<void> {
  const statsIds = vocab.encode(statsText), tuneIds = vocab.encode(tuneText), testIds = vocab.encode(testText);
  record('set', { set, segment: SEGMENT, tuneChars: tuneIds.length, testChars: testIds.length, statsChars: statsIds.length,
    config: model.config, unknownInTest: count(testIds, vocab.unknownId) });
  const adapter = new DynamicAdapter(model);
  let t0 = performance.now();
  const stats = await gradientStats(model, statsIds, { segment: SEGMENT, maxSegments: STATS_SEGMENTS, adapter });
  record('stats', { set, segments: stats.segments, meanRms: stats.meanRms, seconds: r4((performance.now() - t0) / 1000) });
  t0 = performance.now();
  const staticTune = (await evaluate(model, tuneIds, 1, SEGMENT)).loss;
  record('static', { set, part: 'tune', loss: r4(staticTune), seconds: r4((performance.now() - t0) / 1000) });
  if (DEFAULTS) {
    // No tuning: DYNAMIC_DEFAULTS on both parts.
    const parts: [string, ArrayLike<number>][] = [['tune', tuneIds], ['test', testIds]];
    const out: Record<string, number> = {};
    for (const [part, ids] of parts) {
      out[`static-${part}`] = part === 'tune' ? r4(staticTune) : r4((await evaluate(model, ids, 1, SEGMENT)).loss);
      out[`sgd-${part}`] = r4(await run(model, adapter, ids, DYNAMIC_DEFAULTS.sgd, part, set));
      out[`rms-${part}`] = r4(await run(model, adapter, ids, { ...DYNAMIC_DEFAULTS.rms, stats }, part, set));
    }
    record('defaults', { set, segment: SEGMENT, sgd: describe(DYNAMIC_DEFAULTS.sgd), rms: describe(DYNAMIC_DEFAULTS.rms), ...out });
    return;
  }
  const sgd = await tune(model, adapter, tuneIds, 'sgd', undefined, set);
  const rms = await tune(model, adapter, tuneIds, 'rms', stats, set);
  record('tuned', { set, sgd: describe(sgd.best), sgdTuneLoss: r4(sgd.loss), rms: describe(rms.best), rmsTuneLoss: r4(rms.loss),
    staticTuneLoss: r4(staticTune) });
  t0 = performance.now();
  const staticTest = (await evaluate(model, testIds, 1, SEGMENT)).loss;
  record('static', { set, part: 'test', loss: r4(staticTest), seconds: r4((performance.now() - t0) / 1000) });
  const sgdTest = await run(model, adapter, testIds, sgd.best, 'test', set);
  const rmsTest = await run(model, adapter, testIds, rms.best, 'test', set);
  record('result', { set, segment: SEGMENT, testChars: testIds.length, static: r4(staticTest), sgd: r4(sgdTest), sgdSetting: describe(sgd.best),
    rms: r4(rmsTest), rmsSetting: describe(rms.best) });
}

function count(ids: ArrayLike<number>, id: number): number {
  let n = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] === id) n++;
  return n;
}

async function shakespeare(): Promise<void> {
  const k = createKernels();
  const path = opts.model ?? DEFAULT_MODEL;
  const { model, vocab } = await loadModel(path, k);
  const { train, valid } = splitCorpus(readFileSync(DATA, 'utf8'));
  const tuneChars = Number(opts.tuneChars);
  const testChars = Number(opts.testChars ?? Infinity);
  // The statistics come from the end of the training text (what the model was trained on).
  const statsText = train.slice(train.length - (STATS_SEGMENTS * SEGMENT + 1));
  await measure(`shakespeare:${path.split('/').pop()}`, model, vocab, statsText, valid.slice(0, tuneChars),
    valid.slice(tuneChars, tuneChars + testChars));
}

function sourcePrepare(): void {
  const dir = opts.dir;
  if (!dir) throw new Error('--dir is needed');
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  const files = execFileSync('git', ['ls-files', '-z', 'src'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0').filter((f) => f.endsWith('.ts')).sort();
  const read = (f: string): string => execFileSync('git', ['show', `${commit}:${f}`], { cwd: ROOT, encoding: 'utf8',
    maxBuffer: 1 << 26 }).replace(/\r\n?/g, '\n');
  const held = Math.round(files.length * 0.1);
  const trainFiles = files.slice(0, files.length - held), heldFiles = files.slice(files.length - held);
  const validFiles = heldFiles.slice(0, Math.floor(held / 2)), testFiles = heldFiles.slice(Math.floor(held / 2));
  mkdirSync(dir, { recursive: true });
  const write = (name: string, list: string[]): number => {
    const text = list.map(read).join(FILE_SEPARATOR);
    writeFileSync(join(dir, name), text);
    return text.length;
  };
  // The training files also one by one under D/train/ for `char-lstm train D/train` (the CLI refuses
  // train.txt whole: skip-rules.ts's comment holds a PEM private-key header, so it reads as a secret).
  for (const f of trainFiles) {
    mkdirSync(join(dir, 'train', dirname(f)), { recursive: true });
    writeFileSync(join(dir, 'train', f), read(f));
  }
  const sizes = { train: write('train.txt', trainFiles), valid: write('valid.txt', validFiles), test: write('test.txt', testFiles) };
  writeFileSync(join(dir, 'files.json'), JSON.stringify({ commit, train: trainFiles, valid: validFiles, test: testFiles }, null, 1));
  record('source-prepare', { commit, files: files.length, trainFiles: trainFiles.length, validFiles, testFiles, sizes });
}

async function source(): Promise<void> {
  const dir = opts.dir, path = opts.model;
  if (!dir || !path) throw new Error('--dir and --model are needed');
  const k: Kernels = createKernels();
  const { model, vocab } = await loadModel(path, k);
  const train = readFileSync(join(dir, 'train.txt'), 'utf8');
  const statsText = train.slice(Math.max(0, train.length - (STATS_SEGMENTS * SEGMENT + 1)));
  await measure(`source:${path.split('/').pop()}`, model, vocab, statsText, readFileSync(join(dir, 'valid.txt'), 'utf8'),
    readFileSync(join(dir, 'test.txt'), 'utf8'));
}

const commands: Record<string, () => Promise<void> | void> = {
  latency, shakespeare, 'source-prepare': sourcePrepare, source,
};
const fn = commands[command];
if (!fn) {
  console.error(`usage: bench/dynamic-eval.ts ${Object.keys(commands).join('|')} [flags] (see the top of the file)`);
  process.exit(2);
}
Promise.resolve(fn()).catch((e) => {
  console.error(e);
  process.exit(1);
});
