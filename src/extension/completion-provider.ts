import * as vscode from 'vscode';
import { completeInEditor, type EditorDocument } from '../completion';
import type { ActiveModels } from './active-model';
import type { SettingsWatcher } from './settings';

/**
 * Ghost text from the active model. The work is in the plain-Node completeInEditor and
 * CompletionEngine (debounce, staleness, state cache, sampling, stop rules); this class only
 * translates between VS Code's positions and offsets.
 */
export class CharLstmCompletionProvider implements vscode.InlineCompletionItemProvider {
  constructor(private readonly models: ActiveModels, private readonly settings: SettingsWatcher) {}

  async provideInlineCompletionItems(document: vscode.TextDocument, position: vscode.Position,
    context: vscode.InlineCompletionContext, token: vscode.CancellationToken): Promise<vscode.InlineCompletionItem[] | undefined> {
    const s = this.settings.current;
    if (!s.enabled || (s.languages.length > 0 && !s.languages.includes(document.languageId))) return undefined;
    const selected = context.selectedCompletionInfo;
    const outcome = await completeInEditor(editorDocument(document), {
      offset: document.offsetAt(position),
      selectedSuggestion: selected && {
        replaceStart: document.offsetAt(selected.range.start),
        replaceEnd: document.offsetAt(selected.range.end),
        text: selected.text,
      },
      strategy: s.strategy,
      maxChars: s.maxChars,
      stopAtEndOfLine: s.stopAtEndOfLine,
      seed: s.strategy.kind === 'greedy' ? 0 : Math.floor(Math.random() * 2 ** 32),
      // Wait for a pause in typing; a newer keystroke cancels this request meanwhile.
      debounceMs: context.triggerKind === vscode.InlineCompletionTriggerKind.Automatic ? s.debounceMs : 0,
    }, {
      engine: () => this.models.current?.engine,
      isCancelled: () => token.isCancellationRequested,
      // After the completion: learning the text typed so far never delays the ghost text.
      read: (docKey, text, textStart, offset) => this.models.current?.adaptation?.observe(docKey, text, textStart, offset),
    });
    if (outcome.kind !== 'done' || !outcome.result) return undefined;
    const { result } = outcome;
    const range = new vscode.Range(document.positionAt(result.replaceStart), document.positionAt(result.replaceEnd));
    return [new vscode.InlineCompletionItem(result.insertText, range)];
  }
}

/** A window of `document` at a time: `getText()` would copy the whole document per request. */
function editorDocument(document: vscode.TextDocument): EditorDocument {
  return {
    key: document.uri.toString(),
    get version() {
      return document.version;
    },
    read(start, end) {
      // positionAt clamps to the document and moves an offset inside a CRLF back before the CR:
      // the start widens by one there, and the end is taken one further.
      const from = document.positionAt(start);
      let to = document.positionAt(end);
      if (document.offsetAt(to) < end) to = document.positionAt(end + 1);
      return { text: document.getText(new vscode.Range(from, to)), start: document.offsetAt(from) };
    },
  };
}
