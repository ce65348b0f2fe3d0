import * as vscode from 'vscode';
import type { ActiveModels } from './active-model';
import type { SettingsWatcher } from './settings';
import type { TrainingController } from './training-controller';
import type { PanelHost } from './panel/panel';

/** The palette commands and the status bar menu; every registration is returned for disposal. */
export function registerCommands(models: ActiveModels, settings: SettingsWatcher, training: TrainingController,
  panel: PanelHost, defaultModelPath: string): vscode.Disposable[] {
  const loadModel = async () => {
    const picked = await vscode.window.showOpenDialog({
      // .json: a Keras / TensorFlow.js model.json (core/io/import/).
      canSelectMany: false, openLabel: 'Use this model',
      filters: { 'Char LSTM, PyTorch or Keras model': ['safetensors', 'json'] },
    });
    if (!picked?.[0]) return;
    try {
      const active = await models.load('file', picked[0].fsPath);
      void vscode.window.showInformationMessage(`Char LSTM: completions now use ${active.label}.`);
    } catch (e) {
      const kept = models.current ? ` Completions keep using the ${models.current.label} model.` : '';
      void vscode.window.showErrorMessage(`Char LSTM: could not load the model: ${(e as Error).message}.${kept}`);
    }
  };
  const useDefault = async () => {
    try {
      await models.load('default', defaultModelPath);
    } catch (e) {
      void vscode.window.showErrorMessage(`Char LSTM: the default model did not load: ${(e as Error).message}`);
    }
  };
  const toggle = async () => {
    const on = await settings.toggleEnabled();
    void vscode.window.setStatusBarMessage(`Char LSTM completions ${on ? 'on' : 'off'}`, 2000);
  };
  const menu = async () => {
    const items: (vscode.QuickPickItem & { command: string })[] = [
      { label: '$(mortar-board) Train on Workspace', command: 'charLstm.trainOnWorkspace' },
      { label: '$(debug-stop) Cancel Training', command: 'charLstm.cancelTraining' },
      { label: '$(graph-line) Show Panel', command: 'charLstm.showPanel' },
      { label: '$(folder-opened) Load Model...', command: 'charLstm.loadModel' },
      { label: '$(home) Use Default Model', command: 'charLstm.useDefaultModel' },
      { label: `$(${settings.current.enabled ? 'circle-slash' : 'check'}) ${settings.current.enabled ? 'Turn Completions Off' : 'Turn Completions On'}`, command: 'charLstm.toggleCompletions' },
      { label: '$(gear) Settings', command: 'charLstm.openSettings' },
    ];
    const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Char LSTM' });
    if (picked) await vscode.commands.executeCommand(picked.command);
  };
  return [
    vscode.commands.registerCommand('charLstm.trainOnWorkspace', () => training.trainOnWorkspace()),
    vscode.commands.registerCommand('charLstm.cancelTraining', () => training.cancel()),
    vscode.commands.registerCommand('charLstm.showPanel', () => panel.show()),
    vscode.commands.registerCommand('charLstm.loadModel', loadModel),
    vscode.commands.registerCommand('charLstm.useDefaultModel', useDefault),
    vscode.commands.registerCommand('charLstm.toggleCompletions', toggle),
    vscode.commands.registerCommand('charLstm.showMenu', menu),
    vscode.commands.registerCommand('charLstm.openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', 'charLstm')),
  ];
}
