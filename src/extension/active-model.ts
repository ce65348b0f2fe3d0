import * as vscode from 'vscode';
import * as path from 'node:path';
import { loadModel, type TrainingInfo } from '../core/io/model-file';
import { createKernels } from '../core/nn/kernels/select';
import { CompletionEngine } from '../completion';
import { PipelinedPrimer } from '../core/pipeline/pipelined-primer';
import type { WorkspaceMixture } from '../core/mix/workspace-mixture';
import { ThreadedLearner } from '../core/dynamic/threaded-learner';
import { TypingAdaptation } from '../completion/typing-adaptation';

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
  /** The weights following what is typed, while `charLstm.completion.adaptToTyping` is on. */
  adaptation: TypingAdaptation | null;
}

const MEMENTO_KEY = 'charLstm.activeModel';

/**
 * The model completions use. Loading never disturbs it: a new model replaces the active one only
 * once it has loaded and validated, so a bad file leaves the previous model working. The choice
 * is remembered per workspace, so the next start uses the last good model.
 */
export class ActiveModels implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ActiveModel>();
  /** A model loaded, or the active one changed (its adaptation started, stopped or took steps). */
  readonly onDidChange = this.changed.event;
  private active: ActiveModel | null = null;
  private adapting = false;

  /** `log`: one line when something degrades quietly (priming falling back to one thread). */
  constructor(private readonly defaultPath: string, private readonly memento: vscode.Memento,
    private readonly log?: (line: string) => void) {}

  /**
   * Starts or stops the active model's (and every later model's) learning of what is typed;
   * stopping puts the weights it was loaded with back.
   */
  adaptToTyping(on: boolean): void {
    this.adapting = on;
    const m = this.active;
    if (!m || on === (m.adaptation !== null)) return;
    if (on) {
      m.adaptation = this.startAdaptation(m.engine);
    } else {
      void m.adaptation?.close(true);
      m.adaptation = null;
    }
    this.changed.fire(m);
  }

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
    this.active = { source, path: file, label, info, mixture, engine, adaptation: this.adapting ? this.startAdaptation(engine) : null };
    // A document's first completion primes up to 4,000 characters: with a pipelined primer the
    // model's layers share that over the cores. Started once per model, owned by it (model.primer),
    // stopped with the model it served.
    PipelinedPrimer.start(model, { onFallback: (why) => this.log?.(`Priming runs on one thread: ${why}`) });
    void previous?.engine.model.primer?.close();
    void previous?.adaptation?.close(false);
    await this.memento.update(MEMENTO_KEY, { source, path: file });
    this.changed.fire(this.active);
    return this.active;
  }

  dispose(): void {
    void this.active?.engine.model.primer?.close();
    void this.active?.adaptation?.close(false);
    this.changed.dispose();
  }

  private startAdaptation(engine: CompletionEngine): TypingAdaptation {
    const adaptation = new TypingAdaptation(engine, new ThreadedLearner(engine.model), {
      onLearned: () => {
        if (this.active?.adaptation === adaptation) this.changed.fire(this.active);
      },
      onFailure: (why) => this.log?.(`Learning what you type stopped: ${why}`),
    });
    return adaptation;
  }
}
