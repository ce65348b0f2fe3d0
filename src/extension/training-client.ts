/**
 * The extension's side of the training worker: starts the worker thread, sends typed requests,
 * and turns its messages (and its death) into one promise per run. No vscode import, so it is
 * tested in plain Node against the real worker.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import * as path from 'node:path';
import type { CorpusReport, FromWorker, MixtureReport, NgramReport, PlanReport, ToWorker, TrainRequest, StartReport } from '../protocol/training';
import type { TrainEvent, EndEvent } from '../core/train/events';

export interface RunHandlers {
  /** `skipped` is the one-line summary; `report` lists what was left out and the encodings read. */
  onCorpus?: (files: number, chars: number, skipped: string, report: CorpusReport) => void;
  /** A planned run (TrainRequest.plan) chose its shape and settings. */
  onPlan?: (plan: PlanReport) => void;
  /** What the run starts from (the model in use, fine-tuned, or nothing), and why. */
  onStart?: (report: StartReport) => void;
  /** The workspace n-gram is made (before the LSTM trains). */
  onNgram?: (report: NgramReport) => void;
  onEvent?: (event: TrainEvent) => void;
  /** A new best checkpoint was saved; `mixture`: its parts' validation losses. */
  onSaved?: (path: string, validLoss: number, mixture: MixtureReport) => void;
}

export interface RunOutcome {
  reason: EndEvent['reason'];
  /** Best validation loss of the run, null if no checkpoint was saved. */
  bestLoss: number | null;
}

/** The training worker's heap: room for the largest corpus (64 MiB) several times over. */
export const WORKER_HEAP_LIMITS: ResourceLimits = { maxOldGenerationSizeMb: 2048 };

export class TrainingClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private running: { id: number; handlers: RunHandlers; resolve: (o: RunOutcome) => void; reject: (e: Error) => void } | null = null;

  /**
   * `workerPath`: the bundled dist/train-worker.js. `limits`: the worker's JavaScript heap. With a
   * limit, running out of memory ends the worker alone (Node reports ERR_WORKER_OUT_OF_MEMORY);
   * without one, V8 would abort the whole extension host. The model's weights and activations live
   * in WebAssembly memory, outside this limit; the corpus text (up to 64 MiB of UTF-8, twice that
   * as a JS string) and its ids are inside it.
   */
  constructor(private readonly workerPath = path.join(__dirname, 'train-worker.js'),
    private readonly limits: ResourceLimits = WORKER_HEAP_LIMITS) {}

  get busy(): boolean {
    return this.running !== null;
  }

  /** Runs one training; rejects with the worker's one-line message if it fails or dies. */
  train(request: TrainRequest, handlers: RunHandlers = {}): Promise<RunOutcome> {
    if (this.running) return Promise.reject(new Error('a training is already running'));
    const id = this.nextId++;
    return new Promise<RunOutcome>((resolve, reject) => {
      this.running = { id, handlers, resolve, reject };
      this.send({ type: 'train', id, request });
    });
  }

  cancel(): void {
    if (this.running) this.send({ type: 'cancel', id: this.running.id });
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = null;
    this.settle((r) => r.resolve({ reason: 'cancelled', bestLoss: null }));
  }

  private send(message: ToWorker): void {
    this.ensureWorker().postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.workerPath, { resourceLimits: this.limits });
    worker.on('message', (m: FromWorker) => this.receive(m));
    // A crash (including running out of memory) ends the run with a message; the next run
    // starts a fresh worker.
    worker.on('error', (e) => this.die(worker, describeWorkerError(e, this.limits)));
    worker.on('exit', (code) => this.die(worker, `the training worker stopped unexpectedly (exit code ${code})`));
    this.worker = worker;
    return worker;
  }

  private die(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    this.settle((r) => r.reject(new Error(message)));
  }

  private receive(m: FromWorker): void {
    const run = this.running;
    if (!run || m.id !== run.id) return; // a late message from an earlier run
    switch (m.type) {
      case 'corpus': {
        const { skippedFiles, skippedFilesMore, excluded, encodings } = m;
        run.handlers.onCorpus?.(m.files, m.chars, m.skipped, { skippedFiles, skippedFilesMore, excluded, encodings });
        break;
      }
      case 'ngram': {
        const { order, validLoss, capped, ms } = m;
        run.handlers.onNgram?.({ order, validLoss, capped, ms });
        break;
      }
      case 'plan': run.handlers.onPlan?.({ model: m.model, config: m.config, reasons: m.reasons }); break;
      case 'start': run.handlers.onStart?.({ fineTuning: m.fineTuning, reason: m.reason }); break;
      case 'event': run.handlers.onEvent?.(m.event); break;
      case 'saved': run.handlers.onSaved?.(m.path, m.validLoss, m.mixture); break;
      case 'finished': this.settle((r) => r.resolve({ reason: m.reason, bestLoss: m.bestLoss })); break;
      case 'failed': this.settle((r) => r.reject(new Error(m.message))); break;
    }
  }

  private settle(action: (run: NonNullable<TrainingClient['running']>) => void): void {
    const run = this.running;
    this.running = null;
    if (run) action(run);
  }
}

/** One line for a worker's uncaught error; running out of memory says what to try instead. */
function describeWorkerError(e: Error, limits: ResourceLimits): string {
  if ((e as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY') {
    const limit = limits.maxOldGenerationSizeMb ? ` (its limit is ${limits.maxOldGenerationSizeMb} MB)` : '';
    return `the training worker ran out of memory${limit}; exclude large files (charLstm.exclude) or train a smaller model`;
  }
  return `the training worker crashed: ${e.message}`;
}
