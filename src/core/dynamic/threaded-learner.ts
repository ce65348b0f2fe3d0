import * as path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { CharModel } from '../model/char-model';
import { startWorker } from '../threads/start-worker';
import type { DynamicSettings } from './dynamic-eval';
import type { FromLearner, ToLearner } from './learner-protocol';
import { TYPING_SETTINGS, type LearnedStretch, type Learner, type StretchJob } from './typed-text-learner';

/**
 * A Learner on a thread of its own (learner-thread.ts) holding a copy of `model`'s weights as
 * they are now: the editor's thread only posts a stretch and, later, adopts the weights that
 * come back. Jobs are answered in order. If the thread fails or exits, every pending and later
 * job is rejected with the reason; the caller's model is never touched from here.
 */
export class ThreadedLearner implements Learner {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve(r: LearnedStretch): void; reject(e: Error): void }>();
  private nextId = 0;
  private broken: Error | null = null;

  constructor(model: CharModel, settings: DynamicSettings & { segment: number } = TYPING_SETTINGS,
    spawn: () => Worker = () => startWorker('typing-learner.js', path.join(__dirname, 'learner-thread.ts'))) {
    this.worker = spawn();
    const { params } = model;
    const weights = Float32Array.from(model.k.heap.subarray(params.values, params.values + params.count));
    this.post({ kind: 'init', config: model.config, weights, settings }, [weights.buffer]);
    this.worker.on('message', (m: FromLearner) => this.receive(m));
    this.worker.on('error', (e) => this.fail(new Error(`the learner thread failed: ${e.message}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`the learner thread exited (code ${code})`)));
  }

  learn(job: StretchJob): Promise<LearnedStretch> {
    if (this.broken) return Promise.reject(this.broken);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Copies: the caller keeps its state.
      this.post({ kind: 'learn', id, ids: job.ids.slice(), state: job.state.slice() });
    });
  }

  async close(): Promise<void> {
    this.fail(new Error('the learner was closed'));
    await this.worker.terminate();
  }

  private post(message: ToLearner, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private receive(m: FromLearner): void {
    if (m.kind === 'failed' && m.id === null) {
      this.fail(new Error(`the learner thread could not copy the model: ${m.message}`));
      return;
    }
    const job = this.pending.get(m.id as number);
    if (!job) return;
    this.pending.delete(m.id as number);
    if (m.kind === 'learned') job.resolve(m.result);
    else job.reject(new Error(m.message));
  }

  private fail(e: Error): void {
    this.broken ??= e;
    for (const job of this.pending.values()) job.reject(this.broken);
    this.pending.clear();
  }
}
