/**
 * The Training tab: the loss chart of the last "Train on Workspace" run (and of the vanilla RNN
 * comparison beside it), a stats line, the latest validation sample, and the buttons "Compare
 * with vanilla RNN" and "Cancel training". A finished run stays on show; before any run, a
 * message says how to start one.
 *
 * DOM attributes (read by the end-to-end tests), on the root `section.training`:
 * - `data-state`: 'loading' (the page has not yet had the run history) | 'empty' (no run yet) |
 *   'running' | 'ended' | 'failed' (of the run described)
 * - `data-run-id`, `data-kind` ('lstm' | 'rnn'): the run the stats and the sample describe
 *   (the one running, else the last one)
 * - `data-ended`: how it ended ('completed' | 'cancelled' | 'time-limit' | 'early-stop'), when it has
 * - `data-compare-enabled` ('true' | 'false'); the compare button `#compare-rnn` has `data-reason`
 *   when disabled; the cancel button is `#cancel-training`
 * The chart's attributes are in loss-chart.ts; the stats line is `.stats`, the sample `.sample`
 * with `data-strategy`.
 */
import type { RunHistory } from '../src/protocol/panel';
import { createButton, type Button } from './components/button';
import { LossChart } from './loss-chart';
import { formatStats, lossSeries } from './logic/loss-series';
import type { Theme } from './theme';

const KIND_LABEL = { lstm: 'LSTM', rnn: 'vanilla RNN' } as const;
const ENDED = {
  completed: 'finished', cancelled: 'was cancelled', 'time-limit': 'reached its time limit', 'early-stop': 'stopped early (no more progress)',
} as const;

const NO_RUN = 'No training yet: run Char LSTM: Train on Workspace (from the Command Palette or the status bar menu). '
  + 'Its loss curves appear here as it learns.';

export interface TrainingCallbacks {
  onCompare(): void;
  onCancel(): void;
}

export class TrainingView {
  readonly el: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly content: HTMLElement;
  private readonly status: HTMLElement;
  private readonly stats: HTMLElement;
  private readonly sampleCaption: HTMLElement;
  private readonly sample: HTMLElement;
  private readonly compareHint: HTMLElement;
  private readonly chart = new LossChart();
  private readonly compare: Button;
  private readonly cancel: Button;
  private compareState: { enabled: boolean; reason?: string } = { enabled: false, reason: 'waiting for the extension' };
  private runs: RunHistory[] = [];
  /**
   * Whether the extension's run history has arrived. Until then the page knows nothing of the
   * runs: saying "no training yet" would be wrong when it is (re)loaded mid-run.
   */
  private received = false;

  constructor(callbacks: TrainingCallbacks) {
    this.el = document.createElement('section');
    this.el.className = 'training';
    this.el.dataset.state = 'loading';
    this.empty = document.createElement('div');
    this.empty.className = 'message';
    this.content = document.createElement('div');
    this.status = document.createElement('div');
    this.status.className = 'run-status';
    this.stats = document.createElement('div');
    this.stats.className = 'stats';
    this.sampleCaption = document.createElement('div');
    this.sampleCaption.className = 'sample-caption';
    this.sample = document.createElement('pre');
    this.sample.className = 'sample';
    this.content.append(this.status, this.chart.el, this.stats, this.sampleCaption, this.sample);

    this.compare = createButton('Compare with vanilla RNN', () => callbacks.onCompare(), { id: 'compare-rnn' });
    this.cancel = createButton('Cancel training', () => callbacks.onCancel(), { id: 'cancel-training', secondary: true });
    this.compareHint = document.createElement('span');
    this.compareHint.className = 'hint';
    const buttons = document.createElement('div');
    buttons.className = 'toolbar';
    buttons.append(this.compare.el, this.cancel.el, this.compareHint);
    this.el.append(buttons, this.empty, this.content);
    this.render();
  }

  setTheme(theme: Theme): void {
    this.chart.setTheme(theme);
  }

  setRuns(runs: RunHistory[]): void {
    this.runs = runs;
    this.received = true;
    this.render();
  }

  setCompareState(state: { enabled: boolean; reason?: string }): void {
    this.compareState = state;
    this.renderButtons();
  }

  render(): void {
    this.renderButtons();
    const runs = this.runs;
    const current = runs.find((r) => r.running) ?? runs[runs.length - 1];
    const d = this.el.dataset;
    if (!current) {
      d.state = this.received ? 'empty' : 'loading';
      this.empty.textContent = this.received ? NO_RUN : 'Loading the training runs…';
      delete d.runId;
      delete d.kind;
      delete d.ended;
      this.empty.hidden = false;
      this.content.hidden = true;
      this.chart.update({ lstm: null, rnn: null });
      return;
    }
    this.empty.hidden = true;
    this.content.hidden = false;
    d.state = current.running ? 'running' : current.failure !== undefined ? 'failed' : 'ended';
    d.runId = String(current.runId);
    d.kind = current.kind;
    if (current.ended) d.ended = current.ended;
    else delete d.ended;

    const last = (kind: RunHistory['kind']) => [...runs].reverse().find((r) => r.kind === kind);
    const lstm = last('lstm'), rnn = last('rnn');
    this.chart.update({ lstm: lstm ? lossSeries(lstm) : null, rnn: rnn ? lossSeries(rnn) : null });

    const label = KIND_LABEL[current.kind];
    const on = current.corpus ? ` on ${current.corpus}` : '';
    this.status.textContent = current.running ? `${label} run${on}: training…`
      : current.failure !== undefined ? `${label} run${on} failed: ${current.failure}`
        : `${label} run${on} ${ENDED[current.ended ?? 'completed']}.`;
    this.status.classList.toggle('error', current.failure !== undefined);
    const stats = lossSeries(current).stats;
    this.stats.textContent = stats ? `${label}: ${formatStats(stats)}` : current.running ? 'Reading the workspace…' : 'No training steps.';

    const validation = [...current.events].reverse().find((e) => e.kind === 'validation');
    if (validation && validation.kind === 'validation') {
      this.sampleCaption.textContent = `Sample after step ${validation.step} (${validation.sampleStrategy}), validation loss ${validation.loss.toFixed(3)} nats/char:`;
      this.sample.textContent = validation.sample;
      this.sample.dataset.strategy = validation.sampleStrategy;
      this.sample.hidden = false;
    } else {
      this.sampleCaption.textContent = 'A sample of the model\'s writing appears here after the first validation.';
      this.sample.textContent = '';
      delete this.sample.dataset.strategy;
      this.sample.hidden = true;
    }
  }

  private renderButtons(): void {
    const s = this.compareState;
    this.compare.setEnabled(s.enabled, s.reason);
    this.el.dataset.compareEnabled = String(s.enabled);
    this.compareHint.textContent = s.enabled ? '' : s.reason ? `Comparison unavailable: ${s.reason}.` : '';
    const running = this.runs.some((r) => r.running);
    this.cancel.setEnabled(running, 'no training is running');
  }
}
