// Builds everything into dist/: the WebAssembly kernels (AssemblyScript), the Node bundles and the
// panel's browser bundle.
// `node esbuild.mjs` builds once; `--watch` rebuilds the bundles on change.
import * as esbuild from 'esbuild';
import asc from 'assemblyscript/asc';
import { copyFileSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const wasmSource = 'src/core/nn/kernels/assembly/kernels.ts';
// Two builds of the same source: SIMD128 everywhere, and with relaxed SIMD (fused multiply-add
// in the matrix products, assembly/madd.ts) where the engine has it. Beside their loader (so
// tests run from source) and beside the bundles.
const wasmBuilds = [
  { out: 'kernels.wasm', enable: ['simd'] },
  { out: 'kernels-relaxed.wasm', enable: ['simd', 'relaxed-simd'] },
];

async function buildWasm() {
  mkdirSync('dist', { recursive: true });
  for (const { out, enable } of wasmBuilds) {
    const outFile = `src/core/nn/kernels/${out}`;
    const { error, stderr } = await asc.main([
      wasmSource, '--outFile', outFile,
      '--optimizeLevel', '3', '--shrinkLevel', '0', '--noAssert',
      '--runtime', 'stub', ...enable.flatMap((f) => ['--enable', f]),
      '--initialMemory', '256',
    ]);
    if (error) {
      console.error(stderr.toString());
      throw error;
    }
    copyFileSync(outFile, `dist/${out}`);
  }
}

const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  external: ['vscode', '@tensorflow/*'],
  logLevel: 'warning',
};

const entries = [
  { entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  { entryPoints: ['src/worker/train-worker.ts'], outfile: 'dist/train-worker.js' },
  // Beside every bundle that trains (extension worker, CLI, bench): data-parallel peers.
  { entryPoints: ['src/core/train/peer-worker.ts'], outfile: 'dist/train-peer.js' },
  // Beside every bundle that primes with a pipelined primer (extension, bench): its worker stages.
  { entryPoints: ['src/core/pipeline/stage-worker.ts'], outfile: 'dist/infer-stage.js' },
  // Beside the extension: the thread that learns what is typed (dynamic evaluation).
  { entryPoints: ['src/core/dynamic/learner-thread.ts'], outfile: 'dist/typing-learner.js' },
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['bench/main.ts'], outfile: 'dist/bench.js' },
];

// The panel's page (a webview: a browser, no Node). Importing uPlot's CSS from the entry makes
// esbuild write it beside the script, as dist/webview.css.
const webview = {
  bundle: true,
  platform: 'browser',
  target: 'es2020',
  format: 'iife',
  sourcemap: true,
  minify: !watch,
  logLevel: 'warning',
  entryPoints: ['webview/main.ts'],
  outfile: 'dist/webview.js',
};

await buildWasm();
for (const options of [...entries.map((entry) => ({ ...node, ...entry })), webview]) {
  if (watch) await (await esbuild.context(options)).watch();
  else await esbuild.build(options);
}
