// The bench's figures as a table for people (`--json` prints the object itself).

interface Figures {
  model: string;
  train_chars_per_s: Record<string, number | null>;
  char_lstm_vs_pytorch: number | null;
  char_lstm_vs_tfjs_layers: number | null;
  char_lstm_1_thread: number;
  char_lstm_2_threads: number;
  char_lstm_kernels: string;
  char_lstm_2_threads_simd128: number | null;
  pytorch_1_thread: number | null;
  pytorch_2_threads: number | null;
  pytorch_setup: { torch_version: string; blas: string[] } | null;
  pytorch_error: string | null;
  infer_us_per_char: number;
  prime_2000_ms: number;
  prime_2000_single_thread_ms: number;
  prime_pipeline: string;
  stepper_build_ms: number;
  ghost_ms_p50: number;
  ghost_ms_p99: number;
  ghost_first_2000_ms: number;
  ghost_mixture_ms_p50: number;
  ghost_mixture_ms_p99: number;
  ghost_paced_ms_p50: number;
  ghost_paced_ms_p99: number;
  ghost_adapting_ms_p50: number;
  ghost_adapting_ms_p99: number;
  adopt_weights_ms_p50: number;
  adopt_weights_ms_max: number;
  adapting_steps: string;
  peak_rss_mb: number;
  peak_rss_50mb_mb: number | null;
  rss_50mb_detail: unknown;
  matmul_gflops: Record<string, number>;
}

export function printTable(f: Figures): void {
  const t = f.train_chars_per_s;
  const rows: [string, string][] = [
    ['char-lstm training, 1 thread', fmt(f.char_lstm_1_thread, 'chars/s')],
    ['char-lstm training, 2 threads', fmt(f.char_lstm_2_threads, 'chars/s')],
    ['char-lstm training, SIMD128 build (no fused multiply-add), 2 threads', fmt(f.char_lstm_2_threads_simd128, 'chars/s')],
    ['PyTorch training, 1 thread', fmt(f.pytorch_1_thread, 'chars/s')],
    ['PyTorch training, 2 threads', fmt(f.pytorch_2_threads, 'chars/s')],
    ['char-lstm / PyTorch (best of each)', fmt(f.char_lstm_vs_pytorch, 'x')],
    ['tfjs-layers training (wasm backend)', fmt(t['tfjs-layers'], 'chars/s')],
    ['tfjs-layers training (cpu backend)', fmt(t['tfjs-layers-cpu'], 'chars/s')],
    ['char-lstm / tfjs-layers wasm', fmt(f.char_lstm_vs_tfjs_layers, 'x')],
    ['char-lstm training (JS reference kernels)', fmt(t['char-lstm-js'], 'chars/s')],
    ['inference, batch 1, state carried', `${f.infer_us_per_char} µs/char`],
    ['priming a 2,000-char prefix', `${f.prime_2000_ms} ms`],
    ['priming a 2,000-char prefix, one thread', `${f.prime_2000_single_thread_ms} ms`],
    ['building a Stepper (packing weights, once per model)', `${f.stepper_build_ms} ms`],
    ['keystroke to 20 chars of ghost text, p50', `${f.ghost_ms_p50} ms`],
    ['keystroke to 20 chars of ghost text, p99', `${f.ghost_ms_p99} ms`],
    ['a document\'s first ghost text, 2,000 chars above', `${f.ghost_first_2000_ms} ms`],
    ['the same 20 chars mixed with the workspace n-gram and the document cache, p50 / p99',
      `${f.ghost_mixture_ms_p50} / ${f.ghost_mixture_ms_p99} ms`],
    ['the same, keys 30 ms apart, p50 / p99', `${f.ghost_paced_ms_p50} / ${f.ghost_paced_ms_p99} ms`],
    ['the same, keys 30 ms apart, learning what is typed, p50 / p99', `${f.ghost_adapting_ms_p50} / ${f.ghost_adapting_ms_p99} ms`],
    [`adopting learnt weights on the editor thread (${f.adapting_steps}), p50 / max`,
      `${f.adopt_weights_ms_p50} / ${f.adopt_weights_ms_max} ms`],
    ['peak RSS while training (char-lstm only)', `${f.peak_rss_mb} MB`],
    ['peak RSS, 50 MB workspace gathered + trained', fmt(f.peak_rss_50mb_mb, 'MB')],
    ...Object.entries(f.matmul_gflops).map(([k, v]): [string, string] => [k, `${v} GFLOP/s`]),
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  console.log(`${f.model}; char-lstm kernels: ${f.char_lstm_kernels}`);
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
  console.log(`priming: ${f.prime_pipeline}`);
  if (f.pytorch_setup) console.log(`PyTorch ${f.pytorch_setup.torch_version}, BLAS: ${f.pytorch_setup.blas.join(', ')}`);
  if (f.pytorch_error) console.log(`PyTorch: ${f.pytorch_error}`);
  if (f.peak_rss_50mb_mb === null) console.log(`50 MB workspace: ${String(f.rss_50mb_detail)}`);
}

function fmt(x: number | null, unit: string): string {
  return x === null ? 'skipped' : `${x} ${unit}`;
}
