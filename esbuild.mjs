// Builds everything into dist/: the WebAssembly kernels (AssemblyScript) and the Node bundles.
// `node esbuild.mjs` builds once; `--watch` rebuilds the bundles on change.
import * as esbuild from 'esbuild';
import asc from 'assemblyscript/asc';
import { copyFileSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const wasmSource = 'src/core/nn/kernels/assembly/kernels.ts';
// Beside its loader (so tests run from source) and beside the bundles.
const wasmOut = 'src/core/nn/kernels/kernels.wasm';

async function buildWasm() {
  const { error, stderr } = await asc.main([
    wasmSource, '--outFile', wasmOut,
    '--optimizeLevel', '3', '--shrinkLevel', '0', '--noAssert',
    '--runtime', 'stub', '--enable', 'simd',
    '--initialMemory', '256',
  ]);
  if (error) {
    console.error(stderr.toString());
    throw error;
  }
  mkdirSync('dist', { recursive: true });
  copyFileSync(wasmOut, 'dist/kernels.wasm');
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
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['bench/main.ts'], outfile: 'dist/bench.js' },
];

await buildWasm();
for (const entry of entries) {
  if (watch) await (await esbuild.context({ ...node, ...entry })).watch();
  else await esbuild.build({ ...node, ...entry });
}
