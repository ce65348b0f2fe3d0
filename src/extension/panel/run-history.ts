/**
 * Every training run of this session, as the panel draws it: the "Train on Workspace" runs and
 * the vanilla RNN comparison runs, each with all its events so far. A panel opened (or reloaded)
 * mid-training first gets `snapshot()` as a `history` message, then the live messages this store
 * announces. No vscode import, so it is unit-tested in plain Node.
 *
 * Only the run started last can be running: a message for any other run (a late event of a run
 * that has already ended, failed or been replaced) is ignored, so it can never be drawn into the
 * current curve.
 */
import type { EndEvent, TrainEvent } from '../../core/train/events';
import { appendEvent, type RunHistory, type RunKind, type RunMessage } from '../../protocol/panel';

export class RunHistoryStore {
  private readonly runs: RunHistory[] = [];
  private readonly listeners = new Set<(m: RunMessage) => void>();
  private nextId = 1;

  /** Calls `listener` with each live message; returns the function that stops it. */
  subscribe(listener: (m: RunMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every run so far, oldest first: deep enough copies that later events do not change them. */
  snapshot(): RunHistory[] {
    return this.runs.map((r) => ({ ...r, events: r.events.slice() }));
  }

  /** The run going on now, if any. */
  get running(): RunHistory | undefined {
    const last = this.runs[this.runs.length - 1];
    return last?.running ? last : undefined;
  }

  /** Starts a run (a run still marked running is closed as cancelled first); returns its id. */
  start(kind: RunKind, corpus: string): number {
    const previous = this.running;
    if (previous) this.end(previous.runId, 'cancelled');
    const runId = this.nextId++;
    this.runs.push({ runId, kind, corpus, events: [], running: true });
    this.announce({ type: 'runStarted', runId, kind, corpus });
    return runId;
  }

  corpus(runId: number, corpus: string): void {
    const run = this.live(runId);
    if (!run) return;
    run.corpus = corpus;
    this.announce({ type: 'runCorpus', runId, corpus });
  }

  event(runId: number, event: TrainEvent): void {
    const run = this.live(runId);
    if (!run) return;
    appendEvent(run, event);
    this.announce({ type: 'trainEvent', runId, event });
  }

  /** The run is over: after its `end` event, or without one (cancelled while reading the workspace). */
  end(runId: number, reason: EndEvent['reason']): void {
    const run = this.live(runId);
    if (!run) return;
    run.running = false;
    run.ended = reason;
    this.announce({ type: 'runEnded', runId, reason });
  }

  fail(runId: number, message: string): void {
    const run = this.live(runId);
    if (!run) return;
    run.running = false;
    run.failure = message;
    this.announce({ type: 'runFailed', runId, message });
  }

  private live(runId: number): RunHistory | undefined {
    const run = this.running;
    return run && run.runId === runId ? run : undefined;
  }

  private announce(m: RunMessage): void {
    for (const listener of this.listeners) listener(m);
  }
}
