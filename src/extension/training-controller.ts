import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { loadModel } from '../core/model/model-file';
import { createKernels } from '../core/nn/kernels/select';
import type { ActiveModels } from './active-model';
import { describeEventLoopDelay, EventLoopDelayMeter } from './event-loop-delay';
import type { SettingsWatcher } from './settings';
import { StatusBar } from './status-bar';
import type { TrainingClient, RunOutcome } from './training-client';
import type { TrainEvent } from '../core/train/events';
import type { TrainRequest } from '../protocol/training';
import type { RunKind } from '../protocol/panel';
import type { RunHistoryStore } from './panel/run-history';

/**
 * "Train on Workspace": runs the worker with a cancellable progress notification and the status
 * bar showing epoch, loss and speed. Each new best of the run is saved as a candidate file; when
 * the run ends (or is cancelled) the candidate becomes the workspace model if it beats the
 * workspace model already there, and is used for completions at once. Until then, and whenever
 * anything fails, the model that was active stays active. The "Char LSTM" output channel keeps a
 * report of each run, ending with how late the editor's event loop ran while it trained.
 *
 * "Compare with vanilla RNN" (from the panel) trains a vanilla RNN of the same size on the same
 * folders with the same budget as the last LSTM run (or the current settings), through the same
 * worker, into its own file; it never becomes the active or the workspace model. One training at
 * a time: `compareState` says whether a run can start, `onDidChangeState` when that changes.
 * Every run, its events, and how it ended go to the panel's run history.
 */
export class TrainingController implements vscode.Disposable {
  private readonly stateChanged = new vscode.EventEmitter<void>();
  readonly onDidChangeState = this.stateChanged.event;
  /** The run going on, from the command to its last file operation; null when idle. */
  private running: RunKind | null = null;
  /** What the last LSTM run of this session trained on, and its best validation loss. */
  private lastLstm: { request: Omit<TrainRequest, 'outPath'>; bestLoss: number | null } | null = null;
  private readonly folderWatch = vscode.workspace.onDidChangeWorkspaceFolders(() => this.stateChanged.fire());

  constructor(private readonly client: TrainingClient, private readonly models: ActiveModels,
    private readonly settings: SettingsWatcher, private readonly status: StatusBar,
    private readonly storage: vscode.Uri, private readonly log: vscode.LogOutputChannel,
    private readonly history: RunHistoryStore) {}

  get workspaceModelPath(): string {
    return path.join(this.storage.fsPath, 'workspace.safetensors');
  }

  /** Where the vanilla RNN comparison run saves its best checkpoint. */
  get comparisonModelPath(): string {
    return path.join(this.storage.fsPath, 'rnn-comparison.safetensors');
  }

  /** Whether "Compare with vanilla RNN" can start now, and if not why. */
  compareState(): { enabled: boolean; reason?: string } {
    if (this.running === 'rnn') return { enabled: false, reason: 'the vanilla RNN comparison is training' };
    if (this.running || this.client.busy) return { enabled: false, reason: 'training is running' };
    if (!this.lastLstm && this.folders().length === 0) return { enabled: false, reason: 'open a folder first' };
    return { enabled: true };
  }

  async trainOnWorkspace(): Promise<void> {
    if (this.running || this.client.busy) {
      const choice = await vscode.window.showInformationMessage('Char LSTM is already training on this workspace.', 'Cancel Training');
      if (choice) this.cancel();
      return;
    }
    const folders = this.folders();
    if (folders.length === 0) {
      void vscode.window.showErrorMessage('Char LSTM: open a folder first; training learns from the text of the open folder.');
      return;
    }
    await this.framed('lstm', 'training', () => ` ${this.keeping()}`, async (run) => {
      await fs.mkdir(this.storage.fsPath, { recursive: true });
      const candidate = path.join(this.storage.fsPath, 'candidate.safetensors');
      await fs.rm(candidate, { force: true });
      const { model, config } = this.settings.current.training;
      const request: TrainRequest = { folders, exclude: this.exclude(), model, config, outPath: candidate };
      this.lastLstm = { request: { ...request }, bestLoss: null };
      this.log.info(`Train on Workspace: ${folders.join(', ')}`);
      run.id = this.history.start(model.cell === 'rnn' ? 'rnn' : 'lstm', folderNames(folders));
      const { outcome, files } = await this.run(run.id, 'Char LSTM', '', request);
      this.lastLstm.bestLoss = outcome.bestLoss;
      this.history.end(run.id, outcome.reason);
      await this.finish(outcome, candidate, files);
    });
  }

  /**
   * Trains the vanilla RNN of the comparison: the last LSTM run's folders, shape (cell aside) and
   * budget, or the current settings if there was none. Saved to `comparisonModelPath` only.
   */
  async compareRnn(): Promise<void> {
    if (this.running || this.client.busy) {
      void vscode.window.showInformationMessage('Char LSTM is already training; compare with the vanilla RNN when it has finished.');
      return;
    }
    const { model, config } = this.settings.current.training;
    const base = this.lastLstm?.request ?? { folders: this.folders(), exclude: this.exclude(), model, config };
    if (base.folders.length === 0) {
      void vscode.window.showErrorMessage('Char LSTM: open a folder first; the comparison learns from the text of the open folder.');
      return;
    }
    await this.framed('rnn', 'the vanilla RNN comparison', () => '', async (run) => {
      await fs.mkdir(this.storage.fsPath, { recursive: true });
      await fs.rm(this.comparisonModelPath, { force: true });
      const request: TrainRequest = { ...base, model: { ...base.model, cell: 'rnn' }, outPath: this.comparisonModelPath };
      this.log.info(`Vanilla RNN comparison: ${request.folders.join(', ')}`);
      run.id = this.history.start('rnn', folderNames(request.folders));
      const { outcome } = await this.run(run.id, 'Char LSTM: vanilla RNN comparison', 'vanilla RNN ', request);
      this.history.end(run.id, outcome.reason);
      const lstm = this.lastLstm?.bestLoss;
      const versus = lstm === null || lstm === undefined ? '' : ` (the LSTM run: ${lstm.toFixed(3)})`;
      const message = outcome.bestLoss === null
        ? `the vanilla RNN comparison ended (${outcome.reason}) before its first checkpoint.`
        : `the vanilla RNN comparison ended (${outcome.reason}) at validation loss ${outcome.bestLoss.toFixed(3)} nats/char${versus}.`;
      this.log.info(message);
      void vscode.window.showInformationMessage(`Char LSTM: ${message}`);
    });
  }

  cancel(): void {
    this.client.cancel();
  }

  dispose(): void {
    this.folderWatch.dispose();
    this.stateChanged.dispose();
  }

  /**
   * What every run shares: it is the one running until it ends; a failure is recorded in its
   * history entry (`run.id`, once started), logged and shown as "<what> failed: <why>.<after>".
   */
  private async framed(kind: RunKind, what: string, after: () => string, body: (run: { id: number }) => Promise<void>): Promise<void> {
    this.setRunning(kind);
    const run = { id: 0 };
    try {
      await body(run);
    } catch (e) {
      const why = (e as Error).message;
      this.history.fail(run.id, why);
      this.log.error(`${what} failed: ${why}`);
      void vscode.window.showErrorMessage(`Char LSTM: ${what} failed: ${why}.${after()}`);
    } finally {
      this.setRunning(null);
    }
  }

  /** One run through the worker, with a cancellable notification, the status bar and the report. */
  private async run(runId: number, title: string, statusPrefix: string, request: TrainRequest): Promise<{ outcome: RunOutcome; files: number }> {
    let files = 0, validLoss: number | null = null;
    // From the request to the worker's last message: the whole run, reading the workspace included.
    const delay = EventLoopDelayMeter.start();
    try {
      const outcome = await vscode.window.withProgress({
        location: vscode.ProgressLocation.Notification, title, cancellable: true,
      }, (progress, token) => {
        token.onCancellationRequested(() => this.cancel());
        progress.report({ message: 'reading the workspace...' });
        this.status.showTraining(`${statusPrefix}reading the workspace...`);
        let done = 0;
        return this.client.train(request, {
          onCorpus: (n, chars, skipped) => {
            files = n;
            this.log.info(`read ${n} files, ${chars.toLocaleString('en')} chars (${skipped})`);
            this.history.corpus(runId, `${n} files, ${chars.toLocaleString('en')} chars`);
            progress.report({ message: `training on ${n} files (${chars.toLocaleString('en')} chars; ${skipped})` });
          },
          onEvent: (e) => {
            this.report(e);
            this.history.event(runId, e);
            if (e.kind === 'validation') validLoss = e.bestLoss;
            if (e.kind !== 'step') return;
            const text = StatusBar.describeStep(e, validLoss);
            this.status.showTraining(statusPrefix + text);
            const percent = (100 * e.step) / e.totalSteps;
            progress.report({ message: text, increment: percent - done });
            done = percent;
          },
        }).finally(() => this.log.info(describeEventLoopDelay(delay.stop())));
      });
      return { outcome, files };
    } finally {
      delay.stop(); // in case the run never started
      this.status.showTraining(null);
    }
  }

  private setRunning(kind: RunKind | null): void {
    this.running = kind;
    this.stateChanged.fire();
  }

  private folders(): string[] {
    return vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
  }

  private exclude(): string[] {
    return Object.entries(vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {})
      .filter(([, on]) => on === true).map(([glob]) => glob);
  }

  /** The output channel's lines for a run's start, validations and end (steps only move the status bar). */
  private report(e: TrainEvent): void {
    if (e.kind === 'start') {
      this.log.info(`${e.parameters.toLocaleString('en')} parameters, batch ${e.batch} x ${e.seqLen} chars, `
        + `${e.stepsPerEpoch} steps per epoch, ${e.backend} kernels on ${e.threads} thread${e.threads === 1 ? '' : 's'}`);
    } else if (e.kind === 'validation') {
      this.log.info(`step ${e.step}: validation loss ${e.loss.toFixed(3)} nats/char${e.best ? ' (best)' : ''}`);
    } else if (e.kind === 'end') {
      this.log.info(`training ended (${e.reason}) after ${e.steps} steps, ${(e.elapsedMs / 1000).toFixed(1)} s`);
    }
  }

  private async finish(outcome: RunOutcome, candidate: string, files: number): Promise<void> {
    const say = (message: string) => {
      this.log.info(message);
      void vscode.window.showInformationMessage(`Char LSTM: ${message}`);
    };
    const how = { completed: 'finished', cancelled: 'cancelled', 'time-limit': 'reached its time limit', 'early-stop': 'stopped early (no more progress)' }[outcome.reason];
    if (outcome.bestLoss === null) {
      say(`training ${how} before its first checkpoint. ${this.keeping()}`);
      return;
    }
    const previous = await this.previousWorkspaceLoss();
    if (previous !== null && previous <= outcome.bestLoss) {
      say(`training ${how} at validation loss ${outcome.bestLoss.toFixed(3)}, `
        + `not better than this workspace's model (${previous.toFixed(3)}), which is kept.`);
      return;
    }
    await fs.rename(candidate, this.workspaceModelPath);
    await this.models.load('workspace', this.workspaceModelPath);
    say(`training ${how}; learned ${files} files to a validation loss of `
      + `${outcome.bestLoss.toFixed(3)} nats/char. Completions now use the workspace model.`);
  }

  /** The validation loss of the workspace model saved earlier, or null if there is none (or it is unreadable). */
  private async previousWorkspaceLoss(): Promise<number | null> {
    const active = this.models.current;
    if (active?.source === 'workspace') return active.info.validLoss ?? null;
    try {
      return (await loadModel(this.workspaceModelPath, createKernels())).info.validLoss ?? null;
    } catch {
      return null;
    }
  }

  private keeping(): string {
    const active = this.models.current;
    return active ? `Completions keep using the ${active.label} model.` : '';
  }
}

/** The folders' names, what the panel shows of a run until the worker has read them. */
function folderNames(folders: string[]): string {
  return folders.map((f) => path.basename(f)).join(', ');
}
