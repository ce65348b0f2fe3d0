import * as vscode from 'vscode';
import type { ActiveModel } from './active-model';
import type { StepEvent } from '../core/train/events';
import { ngramLeads } from '../core/mix/workspace-mixture';

/**
 * One status bar item: the active model and its validation loss, or the training's progress
 * while one runs. Clicking it opens the Char LSTM menu.
 */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('charLstm.status', vscode.StatusBarAlignment.Right, 100);
  private model: ActiveModel | null = null;
  private training: string | null = null;
  private enabled = true;

  constructor() {
    this.item.name = 'Char LSTM';
    this.item.command = 'charLstm.showMenu';
    this.render();
    this.item.show();
  }

  showModel(model: ActiveModel): void {
    this.model = model;
    this.render();
  }

  showEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.render();
  }

  showTraining(text: string | null): void {
    this.training = text;
    this.render();
  }

  static describeStep(e: StepEvent, validLoss: number | null): string {
    const rate = e.charsPerSec >= 1000 ? `${(e.charsPerSec / 1000).toFixed(1)}k` : e.charsPerSec.toFixed(0);
    const valid = validLoss === null ? '' : ` · valid ${validLoss.toFixed(2)}`;
    return `epoch ${e.epoch} · loss ${e.smoothLoss.toFixed(2)}${valid} · ${rate} chars/s`;
  }

  private render(): void {
    if (this.training !== null) {
      this.item.text = `$(sync~spin) Char LSTM: training ${this.training}`;
      this.item.tooltip = 'Char LSTM is training on this workspace. Click for options.';
      return;
    }
    const m = this.model;
    const off = this.enabled ? '' : ' (off)';
    this.item.text = `$(sparkle) Char LSTM: ${m ? describeModel(m) : 'no model'}${off}`;
    this.item.tooltip = m ? modelTooltip(m) : 'No model loaded';
  }

  dispose(): void {
    this.item.dispose();
  }
}

/** "workspace · 1.23", "workspace (n-gram leads) · 1.08": the model and the loss of what completes. */
export function describeModel(m: Pick<ActiveModel, 'label' | 'info' | 'mixture'>): string {
  if (m.mixture) return `${m.label}${ngramLeads(m.mixture) ? ' (n-gram leads)' : ''} · ${m.mixture.valid.mixture.toFixed(2)}`;
  return m.label + (m.info.validLoss !== undefined ? ` · ${m.info.validLoss.toFixed(2)}` : '');
}

export function modelTooltip(m: Pick<ActiveModel, 'source' | 'path' | 'info' | 'mixture' | 'adaptation'>): string {
  const lines = [`Completions from the ${m.source} model ${m.path}`];
  const x = m.mixture;
  if (x) {
    lines.push(`mixed with the workspace's ${x.order}-gram and a cache of the open document.`,
      `Validation loss: ${x.valid.mixture.toFixed(3)} nats/char mixed; LSTM alone ${x.valid.lstm.toFixed(3)}, n-gram alone ${x.valid.ngram.toFixed(3)}.`);
    if (ngramLeads(x)) lines.push('The n-gram alone beats the LSTM on this workspace (too little text, or too little training time, for the LSTM to learn more than it).');
  } else if (m.info.validLoss !== undefined) {
    lines.push(`Validation loss ${m.info.validLoss.toFixed(3)} nats/char`);
  }
  const a = m.adaptation?.stats;
  if (a) {
    lines.push(a.failure ? `Learning what you type stopped: ${a.failure}`
      : `Learning what you type: ${a.steps} gradient steps so far${a.steps > 0 ? ` (last ${a.lastLoss.toFixed(2)} nats/char before its step)` : ''}; the model file is not changed.`);
  }
  return lines.join('\n');
}
