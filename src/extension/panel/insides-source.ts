import * as vscode from 'vscode';
import * as path from 'node:path';
import type { ActiveModels } from '../active-model';
import { InspectJob, InspectRequests, unitsToRead, type InsidesStats, type InspectAnswer, type InspectEditor } from './insides-request';

/** Quiet time after the last cursor move or edit before the panel is told (it then asks again). */
const DEBOUNCE_MS = 150;

/**
 * What the Insides view reads: the text before the cursor of the editor the user works in.
 * Follows selection changes, editor switches, edits and model changes, and after ~150 ms of quiet
 * calls `moved` (the panel then posts `cursorMoved`). A webview that has focus is not a text
 * editor, so the last text editor stays followed while the user works in the panel.
 * Answers are computed in slices between which the extension host does its other work; each of
 * those events, and every newer request, gives up the answer on its way (it would be stale).
 */
export class InsidesSource implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[];
  private editor: vscode.TextEditor | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly requests = new InspectRequests();

  constructor(private readonly models: ActiveModels, private readonly moved: () => void) {
    this.editor = followable(vscode.window.activeTextEditor) ? vscode.window.activeTextEditor : undefined;
    this.subscriptions = [
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (!followable(e.textEditor)) return;
        this.editor = e.textEditor;
        this.schedule();
      }),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (!followable(e)) return;
        this.editor = e;
        this.schedule();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && e.document === this.editor?.document) this.schedule();
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d === this.editor?.document) {
          this.editor = undefined;
          this.schedule();
        }
      }),
      models.onDidChange(() => this.schedule()),
    ];
  }

  /**
   * The answer to `inspect` for `layer`, from the followed editor's cursor (read now) and the
   * active model; null when it was given up before it was done: a newer request, a cursor move,
   * an edit, another editor or model, `cancel`.
   */
  answer(layer: number): Promise<InspectAnswer | null> {
    const active = this.models.current;
    const model = active && { label: active.label, model: active.engine.model, vocab: active.engine.vocab };
    const job = new InspectJob(model, this.read(), layer);
    return this.requests.answer(job, () => this.models.current === active);
  }

  /** Gives up the answer being computed, if any. */
  cancel(): void {
    this.requests.cancel();
  }

  /** The insides computed so far, for the panel's report. */
  get stats(): InsidesStats {
    return this.requests.stats;
  }

  /** The text just before the cursor: a bounded slice, so a huge one-line file costs the same as a small one. */
  private read(): InspectEditor | null {
    const editor = this.currentEditor();
    if (!editor) return null;
    const doc = editor.document;
    const cursor = doc.offsetAt(editor.selection.active);
    const start = Math.max(0, cursor - unitsToRead());
    const before = doc.getText(new vscode.Range(doc.positionAt(start), editor.selection.active));
    const file = doc.isUntitled ? doc.uri.path : path.basename(doc.uri.fsPath || doc.uri.path);
    return { file, before, fromStart: start === 0 };
  }

  private currentEditor(): vscode.TextEditor | undefined {
    const visible = vscode.window.visibleTextEditors.filter(followable);
    if (this.editor && !this.editor.document.isClosed && visible.includes(this.editor)) return this.editor;
    // The followed editor was closed or hidden: the visible one the user used last, if any.
    this.editor = followable(vscode.window.activeTextEditor) ? vscode.window.activeTextEditor : visible[0];
    return this.editor;
  }

  private schedule(): void {
    this.cancel();
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.moved();
    }, DEBOUNCE_MS);
  }

  dispose(): void {
    this.cancel();
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Text editors of documents (not the output panel's, which also counts as a text editor). */
function followable(editor: vscode.TextEditor | undefined): editor is vscode.TextEditor {
  return editor !== undefined && editor.document.uri.scheme !== 'output';
}
