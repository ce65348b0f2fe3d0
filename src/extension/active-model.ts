import * as vscode from 'vscode';
import * as path from 'node:path';
import { loadModel, type TrainingInfo } from '../core/model/model-file';
import { createKernels } from '../core/nn/kernels/select';
import { CompletionEngine } from '../completion';
import { PipelinedPrimer } from '../core/pipeline/pipelined-primer';
import type { WorkspaceMixture } from '../core/mix/workspace-mixture';

export type ModelSource = 'default' | 'workspace' | 'file';

export interface ActiveModel {
  source: ModelSource;
  path: string;
  /** What the status bar shows: "default", "workspace" or the file's name. */
  label: string;
  info: TrainingInfo;
  /** What completions mix the LSTM with (a workspace model's n-gram and weights), if anything. */
  mixture?: WorkspaceMixture;
  engine: CompletionEngine;
}

const MEMENTO_KEY = 'charLstm.activeModel';

/**
 * The model completions use. Loading never disturbs it: a new model replaces the active one only
 * once it has loaded and validated, so a bad file leaves the previous model working. The choice
 * is remembered per workspace, so the next start uses the last good model.
 */
export class ActiveModels implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ActiveModel>();
  readonly onDidChange = this.changed.event;
  private active: ActiveModel | null = null;

  /** `log`: one line when something degrades quietly (priming falling back to one thread). */
  constructor(private readonly defaultPath: string, private readonly memento: vscode.Memento,
    private readonly log?: (line: string) => void) {}

  get current(): ActiveModel | null {
    return this.active;
  }

  /** Loads the model remembered for this workspace, falling back to the default one. */
  async restore(): Promise<void> {
    const remembered = this.memento.get<{ source: ModelSource; path: string }>(MEMENTO_KEY);
    if (remembered && remembered.source !== 'default') {
      try {
        await this.load(remembered.source, remembered.path);
        return;
      } catch {
        // The remembered file is gone or damaged: the default model is still a good start.
      }
    }
    await this.load('default', this.defaultPath);
  }

  /** Loads and activates a model; throws (a one-line ModelFileError) and keeps the current one on failure. */
  async load(source: ModelSource, file: string): Promise<ActiveModel> {
    const { model, vocab, info, mixture } = await loadModel(file, createKernels());
    const label = source === 'file' ? path.basename(file) : source;
    const previous = this.active;
    const engine = new CompletionEngine(model, vocab, undefined, mixture ?? null);
    this.active = { source, path: file, label, info, mixture, engine };
    // A document's first completion primes up to 4,000 characters: with a pipelined primer the
    // model's layers share that over the cores. Started once per model, owned by it (model.primer),
    // stopped with the model it served.
    PipelinedPrimer.start(model, { onFallback: (why) => this.log?.(`Priming runs on one thread: ${why}`) });
    void previous?.engine.model.primer?.close();
    await this.memento.update(MEMENTO_KEY, { source, path: file });
    this.changed.fire(this.active);
    return this.active;
  }

  dispose(): void {
    void this.active?.engine.model.primer?.close();
    this.changed.dispose();
  }
}
