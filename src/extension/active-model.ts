import * as vscode from 'vscode';
import * as path from 'node:path';
import type { TrainingInfo } from '../core/io/model-file';
import type { WorkspaceMixture } from '../core/mix/workspace-mixture';
import { CompletionSession, type CompletionEngine, type TypingAdaptation } from '../completion';

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
  readonly adaptation: TypingAdaptation | null;
  /** The engine, its primer and learner: closed when another model replaces this one. */
  session: CompletionSession;
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
    void m.session.adaptToTyping(on);
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
    const session: CompletionSession = await CompletionSession.open(file, {
      log: this.log,
      onLearned: () => {
        if (this.active?.session === session) this.changed.fire(this.active);
      },
    });
    // The setting as it is now that the model has loaded.
    void session.adaptToTyping(this.adapting);
    const label = source === 'file' ? path.basename(file) : source;
    const previous = this.active;
    const { info, mixture, engine } = session;
    this.active = { source, path: file, label, info, mixture, engine, session, get adaptation() { return session.adaptation; } };
    void previous?.session.close();
    await this.memento.update(MEMENTO_KEY, { source, path: file });
    this.changed.fire(this.active);
    return this.active;
  }

  dispose(): void {
    void this.active?.session.close();
    this.changed.dispose();
  }
}
