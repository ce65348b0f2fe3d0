import * as vscode from 'vscode';
import * as path from 'node:path';
import type { ActiveModel, ActiveModels } from './active-model';
import { describeEventLoopDelay, EventLoopDelayMeter } from './event-loop-delay';
import type { SettingsWatcher } from './settings';
import { StatusBar } from './status-bar';
import type { TrainingClient, RunOutcome } from './training-client';
import type { TrainRequest } from '../protocol/training';
import { corpusLines, eventLine, ngramLine, planLines, savedLine } from './training-report';
import type { RunKind } from '../protocol/panel';
import type { RunHistoryStore } from './panel/run-history';
import { type Settlement, WorkspaceModelFiles } from './workspace-model-files';

/**
 * "Train on Workspace": runs the worker with a cancellable progress notification and the status
 * bar showing epoch, loss and speed. Each new best of the run is saved as a candidate file; when
 * the run ends (is cancelled, or fails after a checkpoint, or VS Code closed mid-run and starts
 * again) the candidate becomes the workspace model if it beats the workspace model already
 * there, and is used for completions at once (see WorkspaceModelFiles). Until then, and whenever
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
  private readonly files: WorkspaceModelFiles;

  constructor(private readonly client: TrainingClient, private readonly models: ActiveModels,
    private readonly settings: SettingsWatcher, private readonly status: StatusBar,
    storage: vscode.Uri, private readonly log: vscode.LogOutputChannel,
    private readonly history: RunHistoryStore) {
    this.files = new WorkspaceModelFiles(storage.fsPath);
  }

  get workspaceModelPath(): string {
    return this.files.workspace;
  }

  /** Where the vanilla RNN comparison run saves its best checkpoint. */
  get comparisonModelPath(): string {
    return this.files.comparison;
  }

  /**
   * At start-up: a candidate left by a run that VS Code's closing cut short is settled like a
   * finished run's. True if it became the workspace model and is now active.
   */
  async recoverInterruptedRun(): Promise<boolean> {
    try {
      const settled = await this.files.settle();
      if (settled.kept === 'none') return false;
      if (settled.kept === 'previous') {
        this.log.info(`A training run cut short earlier left a checkpoint that was not kept: ${describeKept(settled)}`);
        return false;
      }
      await this.models.load('workspace', this.files.workspace);
      const message = `a training run cut short when VS Code closed had saved a better model (validation loss ${settled.loss.toFixed(3)} nats/char); completions now use it.`;
      this.log.info(message);
      void vscode.window.showInformationMessage(`Char LSTM: ${message}`);
      return true;
    } catch (e) {
      this.log.warn(`Recovering an interrupted training run: ${(e as Error).message}`);
      return false;
    }
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
      void vscode.window.showErrorMessage(`Char LSTM: ${this.noFolderReason('training learns')}`);
      return;
    }
    // After a failure, what became of the run's best checkpoint (if it had one).
    let rescued = '';
    await this.framed('lstm', 'training', () => rescued || ` ${this.keeping()}`, async (run) => {
      await this.files.prepare(this.files.candidate);
      const { model, config, planned, fixed, startFrom } = this.settings.current.training;
      const active = this.models.current;
      const request: TrainRequest = { folders, exclude: this.exclude(), model, config, outPath: this.files.candidate,
        ...(planned ? { plan: { fixed } } : {}),
        ...(startFrom === 'activeModel' && active ? { startFrom: { path: active.path, label: describeActive(active) } } : {}) };
      this.lastLstm = { request: { ...request }, bestLoss: null };
      this.log.info(`Train on Workspace: ${folders.join(', ')}`);
      run.id = this.history.start(model.cell === 'rnn' ? 'rnn' : 'lstm', folderNames(folders));
      let result;
      try {
        result = await this.run(run.id, 'Char LSTM', '', request);
      } catch (e) {
        rescued = await this.rescueCheckpoint();
        throw e;
      }
      this.lastLstm.bestLoss = result.outcome.bestLoss;
      this.history.end(run.id, result.outcome.reason);
      await this.finish(result.outcome, result.files);
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
      void vscode.window.showErrorMessage(`Char LSTM: ${this.noFolderReason('the comparison learns')}`);
      return;
    }
    await this.framed('rnn', 'the vanilla RNN comparison', () => '', async (run) => {
      await this.files.prepare(this.comparisonModelPath);
      // The comparison trains from scratch, sized as the LSTM would have been from scratch.
      const { startFrom: _, ...scratch } = base as TrainRequest;
      const request: TrainRequest = { ...scratch, model: { ...base.model, cell: 'rnn' }, outPath: this.comparisonModelPath };
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
    let files = 0, validLoss: number | null = null, fineTuning = false;
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
          onCorpus: (n, chars, skipped, report) => {
            files = n;
            for (const line of corpusLines(n, chars, skipped, report)) this.log.info(line);
            this.history.corpus(runId, `${n} files, ${chars.toLocaleString('en')} chars`);
            progress.report({ message: `training on ${n} files (${chars.toLocaleString('en')} chars; ${skipped})` });
          },
          onStart: (start) => {
            this.log.info(start.reason);
            fineTuning = start.fineTuning;
          },
          onPlan: (plan) => {
            for (const line of planLines(plan)) this.log.info(line);
            // The comparison with the vanilla RNN trains what this run chose (from scratch: sized anew).
            if (this.lastLstm && !fineTuning) {
              this.lastLstm.request = { ...this.lastLstm.request, model: plan.model, config: plan.config, plan: undefined };
            }
          },
          onNgram: (r) => this.log.info(ngramLine(r)),
          onSaved: (_path, _loss, mixture) => this.log.info(savedLine(mixture)),
          onEvent: (e) => {
            const line = eventLine(e);
            if (line !== null) this.log.info(line);
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

  /** The workspace folders on disk: training reads files with Node, which a virtual folder (vscode-vfs://…) is not. */
  private folders(): string[] {
    return vscode.workspace.workspaceFolders?.filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath) ?? [];
  }

  /** Why there is nothing to train on: no folder at all, or only virtual ones. */
  private noFolderReason(what: string): string {
    return (vscode.workspace.workspaceFolders?.length ?? 0) > 0
      ? `${what} from files on disk, and this workspace's folders are virtual (${vscode.workspace.workspaceFolders?.[0].uri.scheme}). Completions still work.`
      : `open a folder first; ${what} from the text of the open folder.`;
  }

  /** The editor's files.exclude (patterns switched on) and charLstm.exclude, named for the report of what was left out. */
  private exclude(): TrainRequest['exclude'] {
    const patterns = Object.entries(vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('exclude') ?? {})
      .filter(([, on]) => on === true).map(([glob]) => glob);
    return [{ source: 'files.exclude', patterns }, { source: 'charLstm.exclude', patterns: this.settings.current.exclude }];
  }

  private async finish(outcome: RunOutcome, files: number): Promise<void> {
    const say = (message: string) => {
      this.log.info(message);
      void vscode.window.showInformationMessage(`Char LSTM: ${message}`);
    };
    const how = { completed: 'finished', cancelled: 'cancelled', 'time-limit': 'reached its time limit', 'early-stop': 'stopped early (no more progress)' }[outcome.reason];
    const settled = await this.files.settle();
    if (settled.kept === 'none') {
      say(`training ${how} before its first checkpoint. ${this.keeping()}`);
    } else if (settled.kept === 'previous') {
      say(`training ${how}: ${describeKept(settled)}.`);
    } else {
      const { mixture } = await this.models.load('workspace', this.files.workspace);
      const mixed = mixture ? ` (${mixture.valid.mixture.toFixed(3)} mixed with the workspace n-gram and the open document)` : '';
      say(`training ${how}; learned ${files} files to a validation loss of `
        + `${settled.loss.toFixed(3)} nats/char${mixed}. Completions now use the workspace model.`);
    }
  }

  /** After a failed run: keeps its best checkpoint if it beats the workspace model; the message's tail. */
  private async rescueCheckpoint(): Promise<string> {
    try {
      const settled = await this.files.settle();
      if (settled.kept !== 'candidate') return '';
      await this.models.load('workspace', this.files.workspace);
      return ` Its best checkpoint (validation loss ${settled.loss.toFixed(3)} nats/char) was kept: completions now use the workspace model.`;
    } catch (e) {
      this.log.warn(`Keeping the failed run's checkpoint: ${(e as Error).message}`);
      return '';
    }
  }

  private keeping(): string {
    const active = this.models.current;
    return active ? `Completions keep using the ${active.label} model.` : '';
  }
}

/** Which model was kept and why, for a settlement that kept the previous one. */
function describeKept(settled: Extract<Settlement, { kept: 'previous' }>): string {
  return 'damaged' in settled
    ? `its checkpoint did not load (${settled.damaged}) and was removed; the workspace model is unchanged`
    : `validation loss ${settled.loss.toFixed(3)}, not better than this workspace's model (${settled.previous.toFixed(3)}), which is kept`;
}

/** The folders' names, what the panel shows of a run until the worker has read them. */
/** How the report names the model a run starts from: "the default model", "this workspace's model", "model.safetensors". */
function describeActive(active: ActiveModel): string {
  if (active.source === 'default') return 'the default model';
  if (active.source === 'workspace') return "this workspace's previous model";
  return active.label;
}

function folderNames(folders: string[]): string {
  return folders.map((f) => path.basename(f)).join(', ');
}
