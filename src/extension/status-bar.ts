import * as vscode from 'vscode';
import type { ActiveModel } from './active-model';
import type { StepEvent } from '../core/train/events';

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
    const loss = m?.info.validLoss !== undefined ? ` · ${m.info.validLoss.toFixed(2)}` : '';
    const off = this.enabled ? '' : ' (off)';
    this.item.text = `$(sparkle) Char LSTM: ${m ? m.label : 'no model'}${loss}${off}`;
    this.item.tooltip = m
      ? `Completions from the ${m.source} model ${m.path}` + (loss ? `\nValidation loss ${m.info.validLoss?.toFixed(3)} nats/char` : '')
      : 'No model loaded';
  }

  dispose(): void {
    this.item.dispose();
  }
}
