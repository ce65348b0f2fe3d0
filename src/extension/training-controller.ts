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

/**
 * "Train on Workspace": runs the worker with a cancellable progress notification and the status
 * bar showing epoch, loss and speed. Each new best of the run is saved as a candidate file; when
 * the run ends (or is cancelled) the candidate becomes the workspace model if it beats the
 * workspace model already there, and is used for completions at once. Until then, and whenever
 * anything fails, the model that was active stays active. The "Char LSTM" output channel keeps a
 * report of each run, ending with how late the editor's event loop ran while it trained.
 */
export class TrainingController {
  constructor(private readonly client: TrainingClient, private readonly models: ActiveModels,
    private readonly settings: SettingsWatcher, private readonly status: StatusBar,
    private readonly storage: vscode.Uri, private readonly log: vscode.LogOutputChannel) {}

  get workspaceModelPath(): string {
    return path.join(this.storage.fsPath, 'workspace.safetensors');
  }

  async trainOnWorkspace(): Promise<void> {
    if (this.client.busy) {
      const choice = await vscode.window.showInformationMessage('Char LSTM is already training on this workspace.', 'Cancel Training');
      if (choice) this.cancel();
      return;
    }
    const folders = vscode.workspace.workspaceFolders?.map((f) => f.uri.fsPath) ?? [];
    if (folders.length === 0) {
      void vscode.window.showErrorMessage('Char LSTM: open a folder first; training learns from the text of the open folder.');
      return;
    }
    await fs.mkdir(this.storage.fsPath, { recursive: true });
    const candidate = path.join(this.storage.fsPath, 'candidate.safetensors');
    await fs.rm(candidate, { force: true });
    const { model, config } = this.settings.current.training;
    const exclude = Object.entries(vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('exclude') ?? {})
      .filter(([, on]) => on === true).map(([glob]) => glob);
    let files = 0, validLoss: number | null = null;
    this.log.info(`Train on Workspace: ${folders.join(', ')}`);
    // From the request to the worker's last message: the whole run, reading the workspace included.
    const delay = EventLoopDelayMeter.start();
    try {
      const outcome = await vscode.window.withProgress({
        location: vscode.ProgressLocation.Notification, title: 'Char LSTM', cancellable: true,
      }, (progress, token) => {
        token.onCancellationRequested(() => this.cancel());
        progress.report({ message: 'reading the workspace...' });
        this.status.showTraining('reading the workspace...');
        let done = 0;
        return this.client.train({ folders, exclude, model, config, outPath: candidate }, {
          onCorpus: (n, chars, skipped) => {
            files = n;
            this.log.info(`read ${n} files, ${chars.toLocaleString('en')} chars (${skipped})`);
            progress.report({ message: `training on ${n} files (${chars.toLocaleString('en')} chars; ${skipped})` });
          },
          onEvent: (e) => {
            this.report(e);
            if (e.kind === 'validation') validLoss = e.bestLoss;
            if (e.kind !== 'step') return;
            const text = StatusBar.describeStep(e, validLoss);
            this.status.showTraining(text);
            const percent = (100 * e.step) / e.totalSteps;
            progress.report({ message: text, increment: percent - done });
            done = percent;
          },
        }).finally(() => this.log.info(describeEventLoopDelay(delay.stop())));
      });
      await this.finish(outcome, candidate, files);
    } catch (e) {
      this.log.error(`training failed: ${(e as Error).message}`);
      void vscode.window.showErrorMessage(`Char LSTM: training failed: ${(e as Error).message}. ${this.keeping()}`);
    } finally {
      delay.stop(); // in case the run never started
      this.status.showTraining(null);
    }
  }

  cancel(): void {
    this.client.cancel();
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
