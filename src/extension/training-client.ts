/**
 * The extension's side of the training worker: starts the worker thread, sends typed requests,
 * and turns its messages (and its death) into one promise per run. No vscode import, so it is
 * tested in plain Node against the real worker.
 */
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import type { FromWorker, ToWorker, TrainRequest } from '../protocol/training';
import type { TrainEvent, EndEvent } from '../core/train/events';

export interface RunHandlers {
  onCorpus?: (files: number, chars: number, skipped: string) => void;
  onEvent?: (event: TrainEvent) => void;
  onSaved?: (path: string, validLoss: number) => void;
}

export interface RunOutcome {
  reason: EndEvent['reason'];
  /** Best validation loss of the run, null if no checkpoint was saved. */
  bestLoss: number | null;
}

export class TrainingClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private running: { id: number; handlers: RunHandlers; resolve: (o: RunOutcome) => void; reject: (e: Error) => void } | null = null;

  /** `workerPath`: the bundled dist/train-worker.js. */
  constructor(private readonly workerPath = path.join(__dirname, 'train-worker.js')) {}

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
    const worker = new Worker(this.workerPath);
    worker.on('message', (m: FromWorker) => this.receive(m));
    // A crash (including running out of memory) ends the run with a message; the next run
    // starts a fresh worker.
    worker.on('error', (e) => this.die(worker, `the training worker crashed: ${e.message}`));
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
      case 'corpus': run.handlers.onCorpus?.(m.files, m.chars, m.skipped); break;
      case 'event': run.handlers.onEvent?.(m.event); break;
      case 'saved': run.handlers.onSaved?.(m.path, m.validLoss); break;
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
