import * as vscode from 'vscode';
import { parseSettings, type Settings } from './settings-parse';

/** The typed view of `charLstm.*`, re-read and announced whenever the user changes it. */
export class SettingsWatcher implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Settings>();
  readonly onDidChange = this.changed.event;
  private readonly subscription: vscode.Disposable;
  current: Settings = SettingsWatcher.read();

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('charLstm')) return;
      this.current = SettingsWatcher.read();
      this.changed.fire(this.current);
    });
  }

  /** Flips `charLstm.enabled` in the user settings. */
  async toggleEnabled(): Promise<boolean> {
    const next = !this.current.enabled;
    await vscode.workspace.getConfiguration('charLstm').update('enabled', next, vscode.ConfigurationTarget.Global);
    return next;
  }

  private static read(): Settings {
    const config = vscode.workspace.getConfiguration('charLstm');
    const isSet = (key: string) => {
      const i = config.inspect(key);
      return [i?.globalValue, i?.workspaceValue, i?.workspaceFolderValue].some((v) => v !== undefined);
    };
    return parseSettings((key) => config.get(key), isSet);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
