import * as vscode from 'vscode';
import * as path from 'node:path';
import { ActiveModels, type ModelSource } from './active-model';
import { CharLstmCompletionProvider } from './completion-provider';
import { registerCommands } from './commands';
import { SettingsWatcher } from './settings';
import { StatusBar } from './status-bar';
import { TrainingClient } from './training-client';
import { TrainingController } from './training-controller';
import { PanelHost } from './panel/panel';
import { RunHistoryStore } from './panel/run-history';

/** What the extension exports to other extensions and to its own tests in VS Code. */
export interface CharLstmApi {
  /** `adaptedSteps`: gradient steps taken on what was typed since the model loaded (null: not adapting). */
  readonly activeModel: { source: ModelSource; path: string; label: string; adaptedSteps: number | null } | null;
  readonly workspaceModelPath: string;
}

/** Builds the objects, wires them together and registers them; nothing else. */
export async function activate(context: vscode.ExtensionContext): Promise<CharLstmApi> {
  const defaultModel = path.join(context.extensionPath, 'models', 'default.safetensors');
  const settings = new SettingsWatcher();
  const models = new ActiveModels(defaultModel, context.workspaceState, (line) => log.warn(line));
  const status = new StatusBar();
  const client = new TrainingClient();
  const storage = context.storageUri ?? context.globalStorageUri;
  // The training report: what each run read, how it ended, and how smooth the editor stayed.
  const log = vscode.window.createOutputChannel('Char LSTM', { log: true });
  // Every training run of this session, for the panel (opened now or later).
  const history = new RunHistoryStore();
  const training = new TrainingController(client, models, settings, status, storage, log, history);
  const panel = new PanelHost(context.extensionUri, history, training, models, log);
  context.subscriptions.push(
    settings, models, status, log, { dispose: () => client.dispose() }, training, panel,
    models.onDidChange((m) => status.showModel(m)),
    settings.onDidChange((s) => {
      status.showEnabled(s.enabled);
      models.adaptToTyping(s.adaptToTyping);
    }),
    vscode.workspace.onDidCloseTextDocument((d) => {
      models.current?.engine.forget(d.uri.toString());
      models.current?.adaptation?.forget(d.uri.toString());
    }),
    vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, new CharLstmCompletionProvider(models, settings)),
    ...registerCommands(models, settings, training, panel, defaultModel),
  );
  status.showEnabled(settings.current.enabled);
  models.adaptToTyping(settings.current.adaptToTyping);
  try {
    // A run cut short by VS Code closing may have left a better model than the remembered one.
    if (!(await training.recoverInterruptedRun())) await models.restore();
  } catch (e) {
    void vscode.window.showErrorMessage(`Char LSTM: no model could be loaded: ${(e as Error).message}`);
  }
  return {
    get activeModel() {
      const m = models.current;
      return m && { source: m.source, path: m.path, label: m.label, adaptedSteps: m.adaptation?.stats.steps ?? null };
    },
    workspaceModelPath: training.workspaceModelPath,
  };
}

export function deactivate(): void {}
