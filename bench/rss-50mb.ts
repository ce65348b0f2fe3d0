// Peak resident memory of training on a 50 MB workspace, measured in a child process of its own
// so the bench's other measurements (tfjs, several models) do not count.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Corpus, gatherCorpus, splitCorpus } from '../src/core/data/corpus';
import { Vocab } from '../src/core/data/vocab';
import { loadWasmKernels } from '../src/core/nn/kernels/wasm';
import { DEFAULT_TRAIN_CONFIG } from '../src/core/train/config';
import { train } from '../src/core/train/trainer';
import { MODEL_M } from './model-m';
import type { Outcome } from './pytorch';
import { writeWorkspace50mb } from './workspace-50mb';

/** The flag that makes the bench process run `rssChild` instead of the bench. */
export const RSS_CHILD_FLAG = '--rss-50mb-child';

/** Training steps before the one validation; enough for every buffer to be allocated and used. */
const STEPS = 5;

export interface Rss50mb {
  /** Peak resident set of the child, MB (2^20 bytes): gather, encode, peers, training, validation. */
  peakRssMb: number;
  /** Resident set right after gathering the corpus, MB. */
  rssAfterGatherMb: number;
  /** The workspace: bytes on disk, files read, characters trained on. */
  corpusMb: number;
  files: number;
  trainChars: number;
  threads: number;
  steps: number;
  seconds: number;
}

/**
 * Generates the 50 MB workspace in a temporary folder, runs the child on it (this same script
 * with RSS_CHILD_FLAG), and removes the folder.
 */
export async function measureRss50mb(source: string): Promise<Outcome<Rss50mb>> {
  const dir = mkdtempSync(join(tmpdir(), 'char-lstm-bench-50mb-'));
  try {
    const bytes = writeWorkspace50mb(dir, source);
    const args = [...process.execArgv, process.argv[1], RSS_CHILD_FLAG, dir];
    return await new Promise((resolve) => {
      execFile(process.execPath, args, { timeout: 15 * 60_000 }, (error, stdout, stderr) => {
        if (error) return resolve({ ok: false, reason: `the 50 MB child failed: ${stderr.trim().split('\n').pop() || error.message}` });
        const figures = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Rss50mb;
        resolve({ ok: true, value: { ...figures, corpusMb: round1(bytes / 2 ** 20) } });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The child: gathers `dir` with the real corpus code, splits it 90/10, builds the vocabulary and
 * trains model M with the product's trainer for STEPS steps and one validation (on at most
 * maxValidChars), then prints its figures as one JSON line.
 */
export async function rssChild(dir: string): Promise<void> {
  const started = performance.now();
  let corpus: Corpus | null = await gatherCorpus([dir]);
  const rssAfterGatherMb = round1(process.memoryUsage.rss() / 2 ** 20);
  const files = corpus.files.length;
  const vocab = Vocab.fromText(corpus.text);
  const controller = new AbortController();
  let trainChars = 0, threads = 0;
  const training = train({
    kernels: loadWasmKernels(), vocab, ...splitCorpus(corpus.text, 0.1), model: MODEL_M, signal: controller.signal,
    config: { ...DEFAULT_TRAIN_CONFIG, validateEvery: STEPS, patience: 0 },
    onEvent: (e) => {
      if (e.kind === 'start') ({ trainChars, threads } = e);
      if (e.kind === 'validation') controller.abort();
    },
  });
  // train has encoded the text: drop it while training runs, as the product's callers do.
  corpus = null;
  const result = await training;
  const figures: Omit<Rss50mb, 'corpusMb'> = {
    peakRssMb: round1(ownPeakRssMb()), rssAfterGatherMb, files,
    trainChars, threads, steps: result.end.steps, seconds: round1((performance.now() - started) / 1000),
  };
  console.log(JSON.stringify(figures));
}

/**
 * This process's own peak resident set, MB. On Linux getrusage's maxRSS will not do: the child
 * starts as a fork of the bench, and Linux carries the bench's resident set at that moment (after
 * char-lstm's, tfjs' and PyTorch's runs) across exec into the child's maxRSS. VmHWM is the
 * high-water mark of the child's own memory since exec. Elsewhere, maxRSS.
 */
function ownPeakRssMb(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return Number(hwm[1]) / 1024;
  } catch {
    // No procfs: not Linux.
  }
  return process.resourceUsage().maxRSS / 1024;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
