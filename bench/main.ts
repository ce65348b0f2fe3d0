// `npm run bench [-- --json] [-- --quick] [-- --quality <minutes>] [-- --only inference [--model <file>]]
// [-- --only completion] [-- --source-minutes 10] [-- --only ngram-cost]
// [-- --only sizing [--minutes 10] [--sizes 20k,200k,2M,20M] [--compare]]
// [-- --only transfer [--transfer-minutes 10] [--sizes 20k,200k,2M] [--default <file>] [--old-default <file>]]`:
// char-lstm against PyTorch and tfjs-layers on model M, what completions are worth against a
// Kneser-Ney n-gram, and what the default model and Train on Workspace make of held-out code
// (transfer.ts), in one run; or only training sized to the text (sizing.ts). Each measurement
// lives in its own file beside this one.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { Vocab } from '../src/core/data/vocab';
import { loadModel } from '../src/core/io/model-file';
import { bestVariant, loadWasmKernels, WASM_DESCRIPTIONS } from '../src/core/nn/kernels/wasm';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { benchCharLstmTraining } from './char-lstm-train';
import { benchCharLstmInference } from './char-lstm-infer';
import { benchTfjsLayers } from './tfjs-layers-train';
import { benchKernels } from './kernels';
import { benchGhostLatency } from './ghost-latency';
import { benchPytorchTraining, findTorchPython, type Outcome } from './pytorch';
import { measureRss50mb, RSS_CHILD_FLAG, rssChild } from './rss-50mb';
import { charLstmQuality, pytorchQuality } from './quality';
import { printTable } from './report';
import { completionTable, printCompletionTable } from './completion-table';
import { benchSizing, parseSize, printSizingTable } from './sizing';
import { benchTransfer, NEW_DEFAULT, OLD_DEFAULT, TRANSFER_SIZES, type TransferOptions } from './transfer';
import { printTransferTable } from './transfer-report';
import { benchNgramCost, printNgramCostTable } from './ngram-cost';

/** --only sizing's corpus sizes unless --sizes says. */
const SIZING_SIZES = '20k,200k,2M,20M';

const opts = new Command()
  .option('--json', 'print one JSON object instead of a table')
  .option('--quick', 'skip the slow runs: tfjs-layers cpu, the JS reference kernels, the 50 MB workspace')
  .option('--seconds <n>', 'seconds per training measurement (char-lstm and PyTorch)', '20')
  .option('--quality <minutes>', 'instead: train char-lstm (CLI) and PyTorch for this many minutes each, compare validation losses')
  .option('--validate-every <steps>', 'with --quality: validate every this many steps (both)', '100')
  .option('--pytorch-threads <n>', 'with --quality: PyTorch\'s threads', '2')
  .addOption(new Option('--only <part>', 'instead: only this part of the bench').choices(['inference', 'completion', 'sizing', 'transfer', 'ngram-cost']))
  .option('--source-minutes <n>', 'minutes the completion figures\' model trains on this project\'s source (--quick: 2)')
  .option('--metrics-chars <n>', 'characters the completion figures are measured on per set', '5000')
  .option('--model <file>', 'with --only inference: measure this model file instead of a fresh model M')
  .option('--minutes <n>', 'with --only sizing: the training budget per run, probing included', '10')
  .option('--sizes <list>', `with --only sizing: corpus sizes in characters (default ${SIZING_SIZES}); with --only transfer: `
    + `workspace sizes (default ${TRANSFER_SIZES})`)
  .option('--compare', 'with --only sizing: also train model M with the default settings for the same budget')
  .option('--transfer-minutes <n>', 'the transfer table\'s Train on Workspace budget per run, minutes (default 10; --quick: 2)')
  .option('--default <file>', 'the transfer table\'s new default model', NEW_DEFAULT)
  .option('--codebases <list>', 'the transfer table\'s held-out codebases (default typescript,python)')
  .option('--old-default <file>', 'the transfer table\'s old default model (its rows are skipped if the file is missing)', OLD_DEFAULT)
  .option('--no-adapting', 'the transfer table without the rows as completed while adapting to typing')
  .addOption(new Option(`${RSS_CHILD_FLAG} <dir>`, 'internal: the 50 MB memory child').hideHelp())
  .parse(process.argv)
  .opts<{ json?: boolean; quick?: boolean; seconds: string; quality?: string; validateEvery: string;
    pytorchThreads: string; rss50mbChild?: string; only?: 'inference' | 'completion' | 'sizing' | 'transfer' | 'ngram-cost'; model?: string;
    sourceMinutes?: string; metricsChars: string; minutes: string; sizes?: string; compare?: boolean;
    transferMinutes?: string; default: string; oldDefault: string; codebases?: string; adapting: boolean }>();

const log = (line: string) => { if (!opts.json) console.error(line); };

async function bench(): Promise<void> {
  const text = readFileSync(join(__dirname, '..', 'data', 'tinyshakespeare.txt'), 'utf8');
  const vocab = Vocab.fromText(text);
  const ids = Uint16Array.from(vocab.encode(text));
  const seconds = Number(opts.seconds);

  log('kernels: matmul GFLOP/s ...');
  const gflops = benchKernels(!opts.quick);
  log('char-lstm (wasm) training, 1 and 2 threads ...');
  const charLstm1 = await benchCharLstmTraining(loadWasmKernels(), text, vocab, seconds, 1);
  const charLstm2 = await benchCharLstmTraining(loadWasmKernels(), text, vocab, seconds, 2);
  const charLstm = Math.max(charLstm1, charLstm2);
  // The SIMD128 build, as engines without relaxed SIMD run it (the peers read the variable too).
  const variant = bestVariant();
  let baseline2: number | null = null;
  if (variant === 'fused') {
    log('char-lstm (wasm, SIMD128 build) training, 2 threads ...');
    process.env.CHAR_LSTM_WASM = 'baseline';
    try {
      baseline2 = await benchCharLstmTraining(loadWasmKernels('baseline'), text, vocab, seconds, 2);
    } finally {
      delete process.env.CHAR_LSTM_WASM;
    }
  }
  // maxRSS in KiB: the bench process so far, which held char-lstm alone (with its peer thread).
  const charLstmRss = process.resourceUsage().maxRSS / 1024;
  if (!opts.quick) log('char-lstm (js reference) training ...');
  const jsTrain = opts.quick ? null : await benchCharLstmTraining(new ReferenceKernels('f32'), text, vocab, seconds, 1);
  log('char-lstm inference ...');
  const infer = await benchCharLstmInference(loadWasmKernels(), ids, vocab.size);
  log('ghost text latency ...');
  const ghost = await benchGhostLatency(loadWasmKernels(), vocab, text);
  log('tfjs-layers (wasm) training ...');
  const tfjsWasm = await benchTfjsLayers('wasm', ids, vocab.size, 2);
  if (!opts.quick) log('tfjs-layers (cpu) training ...');
  const tfjsCpu = opts.quick ? null : await benchTfjsLayers('cpu', ids, vocab.size, 1);
  log('PyTorch training, 1 and 2 threads ...');
  const python = findTorchPython();
  const torch1 = python.ok ? await benchPytorchTraining(python.value, 1, seconds) : python;
  const torch2 = python.ok ? await benchPytorchTraining(python.value, 2, seconds) : python;
  const torch = [torch1, torch2].reduce<number | null>((best, r) => r.ok ? Math.max(best ?? 0, r.value.charsPerSec) : best, null);
  if (!opts.quick) log('peak memory on a generated 50 MB workspace ...');
  const rss50 = opts.quick ? null : await measureRss50mb(text);
  const completion = await completionTable(sourceMinutes(), Number(opts.metricsChars), log);
  const transfer = await benchTransfer(transferOptions(), log);
  log('n-gram build, English and CJK ...');
  const ngramCost = await benchNgramCost();

  const figures = {
    model: 'M: Embedding 64, 2x LSTM 256, Dense; batch 32, length 100; tinyshakespeare',
    // Training throughput, chars/s; each the better of its 1- and 2-thread runs where it has both.
    train_chars_per_s: {
      'char-lstm': round(charLstm),
      'pytorch': torch === null ? null : round(torch),
      'tfjs-layers': tfjsWasm === null ? null : round(tfjsWasm),
      'tfjs-layers-cpu': tfjsCpu === null ? null : round(tfjsCpu),
      'char-lstm-js': jsTrain === null ? null : round(jsTrain),
    },
    char_lstm_vs_pytorch: torch ? round(charLstm / torch, 2) : null,
    char_lstm_vs_tfjs_layers: tfjsWasm ? round(charLstm / tfjsWasm, 1) : null,
    char_lstm_1_thread: round(charLstm1),
    char_lstm_2_threads: round(charLstm2),
    // Which build trained (the fused one where relaxed SIMD runs), and the SIMD128 build's 2 threads.
    char_lstm_kernels: WASM_DESCRIPTIONS[variant],
    char_lstm_2_threads_simd128: baseline2 === null ? null : round(baseline2),
    pytorch_1_thread: torch1.ok ? round(torch1.value.charsPerSec) : null,
    pytorch_2_threads: torch2.ok ? round(torch2.value.charsPerSec) : null,
    pytorch_setup: torch1.ok ? { torch_version: torch1.value.torchVersion, blas: torch1.value.blas } : null,
    pytorch_error: firstError(torch1, torch2),
    ...inferenceFigures(infer, ghost),
    // Resident memory, MB: this process after char-lstm trained M on tinyshakespeare (1.1 MB) ...
    peak_rss_mb: round(charLstmRss),
    // ... and a child that gathered a generated 50 MB workspace and trained M on it.
    peak_rss_50mb_mb: rss50?.ok ? round(rss50.value.peakRssMb) : null,
    rss_50mb_detail: rss50?.ok ? rss50.value : rss50 === null ? 'skipped (--quick)' : rss50.reason,
    matmul_gflops: gflops,
    // Per held-out set: nats/char, top-1, word match and chars saved of the LSTM, the n-gram and their mixture.
    completion,
    // Held-out code in no training corpus: the defaults untrained, the workspace's n-gram, and
    // Train on Workspace from scratch and fine-tuned (nats/char, top-1, chars saved).
    transfer,
    // The workspace n-gram's build, s, on 120 k chars of English and of CJK (20,000 distinct characters).
    ngram_cost: ngramCost,
  };
  if (opts.json) return console.log(JSON.stringify(figures));
  printTable(figures);
  printCompletionTable(completion);
  printTransferTable(transfer);
  printNgramCostTable(ngramCost);
}

/** --only ngram-cost: the n-gram build on English and on a CJK text of 20,000 distinct characters. */
async function ngramCostOnly(): Promise<void> {
  const ngramCost = await benchNgramCost();
  if (opts.json) return console.log(JSON.stringify({ ngram_cost: ngramCost }));
  printNgramCostTable(ngramCost);
}

/** --only completion: the completion figures on both held-out sets. */
async function completionOnly(): Promise<void> {
  const completion = await completionTable(sourceMinutes(), Number(opts.metricsChars), log);
  if (opts.json) return console.log(JSON.stringify({ completion }));
  printCompletionTable(completion);
}

function sourceMinutes(): number {
  return Number(opts.sourceMinutes ?? (opts.quick ? 2 : 10));
}

/**
 * --only inference: batch-1 inference, priming (pipelined and on one thread) and ghost-text
 * latency, on model M or on `--model`'s file (tinyshakespeare read through its vocabulary).
 */
async function inferenceOnly(): Promise<void> {
  const text = readFileSync(join(__dirname, '..', 'data', 'tinyshakespeare.txt'), 'utf8');
  // Each measurement on its own kernels (heap), as in `bench`.
  const load = async () => (opts.model ? await loadModel(opts.model, loadWasmKernels()) : null);
  const loaded = await load();
  const vocab = loaded ? loaded.vocab : Vocab.fromText(text);
  const ids = Uint16Array.from(vocab.encode(text));
  const c = loaded?.model.config;
  log('char-lstm inference ...');
  const infer = await benchCharLstmInference(loadWasmKernels(), ids, vocab.size, loaded?.model);
  log('ghost text latency ...');
  const ghost = await benchGhostLatency(loadWasmKernels(), vocab, text, undefined, (await load())?.model);
  const figures = {
    model: c ? `${opts.model}: Embedding ${c.embedding}, ${c.layers}x ${c.cell.toUpperCase()} ${c.hidden}, Dense over ${c.vocabSize}`
      : 'M: Embedding 64, 2x LSTM 256, Dense; fresh weights',
    cores: availableParallelism(),
    ...inferenceFigures(infer, ghost),
  };
  if (opts.json) return console.log(JSON.stringify(figures));
  for (const [name, value] of Object.entries(figures)) console.log(`${name.padEnd(28)}  ${value}`);
}

/** --only transfer: the defaults and Train on Workspace on held-out code (bench/transfer.ts). */
async function transferOnly(): Promise<void> {
  const transfer = await benchTransfer(transferOptions(), log);
  if (opts.json) return console.log(JSON.stringify({ transfer }));
  printTransferTable(transfer);
}

function transferOptions(): TransferOptions {
  const minutes = Number(opts.transferMinutes ?? (opts.quick ? 2 : 10));
  if (!(minutes > 0)) throw new Error(`--transfer-minutes must be a number of minutes above 0, got ${opts.transferMinutes}`);
  return { sizes: (opts.sizes ?? TRANSFER_SIZES).split(',').map((s) => parseSize(s).chars), minutes,
    metricsChars: Number(opts.metricsChars), oldDefault: opts.oldDefault, newDefault: opts.default, adapting: opts.adapting,
    ...(opts.codebases ? { codebases: opts.codebases.split(',') } : {}) };
}

/** --only sizing: planned training at several corpus sizes (bench/sizing.ts). */
async function sizingOnly(): Promise<void> {
  const minutes = Number(opts.minutes);
  const rows = await benchSizing({ sizes: (opts.sizes ?? SIZING_SIZES).split(',').map(parseSize), minutes, compare: opts.compare === true,
    threads: 0 }, log);
  if (opts.json) return console.log(JSON.stringify({ minutes, sizing: rows }));
  printSizingTable(rows, minutes);
}

/** --quality: the two runs one after the other, so neither slows the other. */
async function quality(): Promise<void> {
  const minutes = Number(opts.quality), every = Number(opts.validateEvery);
  log(`char-lstm: training ${minutes} min with the CLI ...`);
  const ours = await charLstmQuality(minutes, every);
  const python = findTorchPython();
  log(`PyTorch: training ${minutes} min ...`);
  const theirs = python.ok ? await pytorchQuality(python.value, minutes, every, Number(opts.pytorchThreads)) : python;
  const figures = {
    // Best validation loss (nats/char, last 10% of tinyshakespeare) within the budget, validating
    // every `validate_every` steps in both; validation time counts in the budget.
    valid_loss_after_minutes: { 'char-lstm': ours.ok ? ours.value.bestValidLoss : null,
      'pytorch': theirs.ok ? theirs.value.bestValidLoss : null, minutes },
    validate_every: every,
    pytorch_threads: Number(opts.pytorchThreads),
    pytorch_final_valid_loss: theirs.ok ? theirs.value.finalValidLoss : null,
    steps: { 'char-lstm': ours.ok ? ours.value.steps : null, 'pytorch': theirs.ok ? theirs.value.steps : null },
    curves: { 'char-lstm': ours.ok ? ours.value.curve : ours.reason, 'pytorch': theirs.ok ? theirs.value.curve : theirs.reason },
  };
  if (opts.json) return console.log(JSON.stringify(figures));
  const loss = figures.valid_loss_after_minutes;
  console.log(`validation loss after ${minutes} min (nats/char): char-lstm ${loss['char-lstm'] ?? 'failed'}, `
    + `PyTorch ${loss.pytorch ?? 'failed'} (${figures.pytorch_threads} threads)`);
  for (const [who, curve] of Object.entries(figures.curves)) {
    console.log(`${who}: ${typeof curve === 'string' ? curve : curve.map(([m, l]) => `${m} min ${l}`).join(', ')}`);
  }
}

/** The completion-latency figures, the same keys in `bench` and `--only inference`. */
function inferenceFigures(infer: Awaited<ReturnType<typeof benchCharLstmInference>>,
  ghost: Awaited<ReturnType<typeof benchGhostLatency>>) {
  return {
    infer_us_per_char: round(infer.stepUs, 1),
    prime_2000_ms: round(infer.prime2000Ms, 1),
    prime_2000_single_thread_ms: round(infer.prime2000SingleMs, 1),
    prime_pipeline: infer.pipeline,
    stepper_build_ms: round(infer.refreshMs, 1),
    ghost_ms_p50: round(ghost.p50, 2),
    ghost_ms_p99: round(ghost.p99, 2),
    ghost_first_2000_ms: round(ghost.first2000Ms, 1),
    ghost_mixture_ms_p50: round(ghost.mixtureP50, 2),
    ghost_mixture_ms_p99: round(ghost.mixtureP99, 2),
    ghost_paced_ms_p50: round(ghost.adapting.stillP50, 2),
    ghost_paced_ms_p99: round(ghost.adapting.stillP99, 2),
    ghost_adapting_ms_p50: round(ghost.adapting.p50, 2),
    ghost_adapting_ms_p99: round(ghost.adapting.p99, 2),
    adopt_weights_ms_p50: round(ghost.adapting.adoptP50, 2),
    adopt_weights_ms_max: round(ghost.adapting.adoptMax, 2),
    adapting_steps: `${ghost.adapting.steps} in ${ghost.adapting.stretches} stretches`,
  };
}

function firstError(...outcomes: Outcome<unknown>[]): string | null {
  for (const o of outcomes) if (!o.ok) return o.reason;
  return null;
}

function round(x: number, digits = 0): number {
  return Number(x.toFixed(digits));
}

const run = opts.rss50mbChild !== undefined ? () => rssChild(opts.rss50mbChild!)
  : opts.quality !== undefined ? quality : opts.only === 'inference' ? inferenceOnly
    : opts.only === 'completion' ? completionOnly : opts.only === 'sizing' ? sizingOnly
      : opts.only === 'transfer' ? transferOnly : opts.only === 'ngram-cost' ? ngramCostOnly : bench;
run().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
