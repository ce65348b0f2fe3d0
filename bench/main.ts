// `npm run bench [-- --json] [-- --quick]`: char-lstm against tfjs-layers on model M, one run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { Vocab } from '../src/core/data/vocab';
import { loadWasmKernels } from '../src/core/nn/kernels/wasm';
import { ReferenceKernels } from '../src/core/nn/kernels/reference';
import { benchCharLstmTraining } from './char-lstm-train';
import { benchCharLstmInference } from './char-lstm-infer';
import { benchTfjsLayers } from './tfjs-layers-train';
import { benchKernels } from './kernels';
import { benchGhostLatency } from './ghost-latency';

const opts = new Command()
  .option('--json', 'print one JSON object instead of a table')
  .option('--quick', 'skip the slow tfjs-layers cpu backend and the JS reference kernels')
  .option('--seconds <n>', 'seconds per char-lstm training measurement', '20')
  .parse(process.argv).opts<{ json?: boolean; quick?: boolean; seconds: string }>();

async function main(): Promise<void> {
  const log = (line: string) => { if (!opts.json) console.error(line); };
  const text = readFileSync(join(__dirname, '..', 'data', 'tinyshakespeare.txt'), 'utf8');
  const vocab = Vocab.fromText(text);
  const ids = Uint16Array.from(vocab.encode(text));
  const seconds = Number(opts.seconds);

  log('kernels: matmul GFLOP/s ...');
  const gflops = benchKernels(!opts.quick);
  log('char-lstm (wasm) training ...');
  const wasmTrain = benchCharLstmTraining(loadWasmKernels(), ids, vocab.size, seconds);
  const charLstmRss = process.resourceUsage().maxRSS / 1024;
  if (!opts.quick) log('char-lstm (js reference) training ...');
  const jsTrain = opts.quick ? null : benchCharLstmTraining(new ReferenceKernels('f32'), ids, vocab.size, seconds);
  log('char-lstm inference ...');
  const infer = benchCharLstmInference(loadWasmKernels(), ids, vocab.size);
  log('ghost text latency ...');
  const ghost = benchGhostLatency(loadWasmKernels(), vocab, text);
  log('tfjs-layers (wasm) training ...');
  const tfjsWasm = await benchTfjsLayers('wasm', ids, vocab.size, 2);
  if (!opts.quick) log('tfjs-layers (cpu) training ...');
  const tfjsCpu = opts.quick ? null : await benchTfjsLayers('cpu', ids, vocab.size, 1);

  const figures = {
    model: 'M: Embedding 64, 2x LSTM 256, Dense; batch 32, length 100; tinyshakespeare',
    train_chars_per_s: {
      'char-lstm': round(wasmTrain),
      'char-lstm-js': jsTrain === null ? null : round(jsTrain),
      'tfjs-layers': tfjsWasm === null ? null : round(tfjsWasm),
      'tfjs-layers-cpu': tfjsCpu === null ? null : round(tfjsCpu),
    },
    speedup_vs_tfjs_layers_wasm: tfjsWasm ? round(wasmTrain / tfjsWasm, 1) : null,
    infer_us_per_char: round(infer.stepUs, 1),
    prime_2000_ms: round(infer.prime2000Ms, 1),
    ghost_ms_p50: round(ghost.p50, 2),
    ghost_ms_p99: round(ghost.p99, 2),
    peak_rss_mb: round(charLstmRss),
    matmul_gflops: gflops,
  };
  if (opts.json) {
    console.log(JSON.stringify(figures));
    return;
  }
  const rows: [string, string][] = [
    ['char-lstm training (wasm SIMD)', `${figures.train_chars_per_s['char-lstm']} chars/s`],
    ['char-lstm training (JS reference kernels)', fmt(figures.train_chars_per_s['char-lstm-js'], 'chars/s')],
    ['tfjs-layers training (wasm backend)', fmt(figures.train_chars_per_s['tfjs-layers'], 'chars/s')],
    ['tfjs-layers training (cpu backend)', fmt(figures.train_chars_per_s['tfjs-layers-cpu'], 'chars/s')],
    ['char-lstm / tfjs-layers wasm', fmt(figures.speedup_vs_tfjs_layers_wasm, 'x')],
    ['inference, batch 1, state carried', `${figures.infer_us_per_char} µs/char`],
    ['priming a 2,000-char prefix', `${figures.prime_2000_ms} ms`],
    ['keystroke to 20 chars of ghost text, p50', `${figures.ghost_ms_p50} ms`],
    ['keystroke to 20 chars of ghost text, p99', `${figures.ghost_ms_p99} ms`],
    ['peak RSS while training (char-lstm only)', `${figures.peak_rss_mb} MB`],
    ...Object.entries(gflops).map(([k, v]): [string, string] => [k, `${v} GFLOP/s`]),
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(figures.model);
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
}

function round(x: number, digits = 0): number {
  return Number(x.toFixed(digits));
}

function fmt(x: number | null, unit: string): string {
  return x === null ? 'skipped' : `${x} ${unit}`;
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
