import * as vscode from 'vscode';
import type { ActiveModels } from './active-model';
import type { SettingsWatcher } from './settings';

/**
 * Ghost text from the active model. The work is in the plain-Node CompletionEngine (state cache,
 * sampling, stop rules); this class only translates between VS Code's positions and offsets,
 * waits out the debounce, and honours cancellation.
 */
export class CharLstmCompletionProvider implements vscode.InlineCompletionItemProvider {
  constructor(private readonly models: ActiveModels, private readonly settings: SettingsWatcher) {}

  async provideInlineCompletionItems(document: vscode.TextDocument, position: vscode.Position,
    context: vscode.InlineCompletionContext, token: vscode.CancellationToken): Promise<vscode.InlineCompletionItem[] | undefined> {
    const s = this.settings.current;
    if (!s.enabled || (s.languages.length > 0 && !s.languages.includes(document.languageId))) return undefined;
    // Wait for a pause in typing; a newer keystroke cancels this request meanwhile.
    if (context.triggerKind === vscode.InlineCompletionTriggerKind.Automatic && s.debounceMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, s.debounceMs));
    }
    const active = this.models.current;
    if (token.isCancellationRequested || !active) return undefined;
    const text = document.getText();
    const selected = context.selectedCompletionInfo;
    const result = active.engine.complete({
      docKey: document.uri.toString(),
      text,
      offset: document.offsetAt(position),
      strategy: s.strategy,
      maxChars: s.maxChars,
      stopAtEndOfLine: s.stopAtEndOfLine,
      seed: s.strategy.kind === 'greedy' ? 0 : Math.floor(Math.random() * 2 ** 32),
      selectedSuggestion: selected && {
        replaceStart: document.offsetAt(selected.range.start),
        replaceEnd: document.offsetAt(selected.range.end),
        text: selected.text,
      },
    });
    if (!result || token.isCancellationRequested) return undefined;
    const range = new vscode.Range(document.positionAt(result.replaceStart), document.positionAt(result.replaceEnd));
    return [new vscode.InlineCompletionItem(result.insertText, range)];
  }
}
