/**
 * The loss chart of the Training tab, drawn with uPlot: the smoothed training loss and the
 * validation loss (nats/char) against characters seen, the best checkpoint marked, for the last
 * "Train on Workspace" run ("LSTM") and the last comparison run ("vanilla RNN") side by side.
 * Colours are the theme's; a theme change rebuilds the chart, new events only replace its data.
 *
 * DOM attributes (read by the end-to-end tests), on the container `.loss-chart`:
 * - `data-points`: training-loss points drawn for the LSTM run; `data-valid-points` its validations
 * - `data-best`: the LSTM run's best validation loss (absent before its first validation)
 * - `data-rnn-points`, `data-rnn-best`: the same for the vanilla RNN run (0 / absent without one)
 */
import uPlot from 'uplot';
import { formatCompact, formatLoss, type LossSeries } from './logic/loss-series';
import type { Theme } from './theme';

const HEIGHT = 300;

/** The runs drawn: either may be missing. */
export interface ChartRuns {
  lstm: LossSeries | null;
  rnn: LossSeries | null;
}

export class LossChart {
  readonly el: HTMLElement;
  private plot: uPlot | null = null;
  private theme: Theme | null = null;
  private runs: ChartRuns = { lstm: null, rnn: null };

  constructor() {
    this.el = document.createElement('div');
    this.el.className = 'loss-chart';
    this.el.setAttribute('role', 'img');
    this.el.setAttribute('aria-label', 'Training and validation loss against characters seen');
    new ResizeObserver(() => this.resize()).observe(this.el);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.plot?.destroy();
    this.plot = null;
    this.update(this.runs);
  }

  update(runs: ChartRuns): void {
    this.runs = runs;
    const d = this.el.dataset;
    d.points = String(runs.lstm?.train.x.length ?? 0);
    d.validPoints = String(runs.lstm?.validation.x.length ?? 0);
    d.rnnPoints = String(runs.rnn?.train.x.length ?? 0);
    if (runs.lstm?.best) d.best = String(runs.lstm.best.loss);
    else delete d.best;
    if (runs.rnn?.best) d.rnnBest = String(runs.rnn.best.loss);
    else delete d.rnnBest;
    if (!this.theme) return;
    const data = this.data(runs);
    if (this.plot) this.plot.setData(data);
    else this.plot = new uPlot(this.options(this.theme), data, this.el);
  }

  /**
   * One x array for every series (uPlot's aligned data). Where a series has no point at an x,
   * uPlot.join leaves undefined: no point, and the line goes on through it.
   */
  private data(runs: ChartRuns): uPlot.AlignedData {
    const tables: uPlot.AlignedData[] = [];
    for (const run of [runs.lstm, runs.rnn]) {
      tables.push([run?.train.x ?? [], run?.train.y ?? []]);
      tables.push([run?.validation.x ?? [], run?.validation.y ?? []]);
      tables.push(run?.best ? [[run.best.x], [run.best.loss]] : [[], []]);
    }
    // Each table's x ascends: characters seen only grow within a run.
    return uPlot.join(tables);
  }

  private options(theme: Theme): uPlot.Options {
    const line = (label: string, stroke: string): uPlot.Series => ({
      label, stroke, width: 1.5, spanGaps: true, points: { show: false }, value: (_u, v) => (v === null ? '–' : formatLoss(v)),
    });
    const dots = (label: string, stroke: string, size: number, fill: string): uPlot.Series => ({
      label, stroke, width: 1, dash: [4, 4], spanGaps: true,
      points: { show: true, size, space: 0, fill, stroke },
      value: (_u, v) => (v === null ? '–' : formatLoss(v)),
    });
    const best = (label: string, colour: string): uPlot.Series => ({
      label, stroke: theme.accent, width: 0, paths: () => null,
      points: { show: true, size: 11, space: 0, fill: colour, stroke: theme.accent, width: 2 },
      value: (_u, v) => (v === null ? '–' : formatLoss(v)),
    });
    const axis = (label: string, values: uPlot.Axis['values']): uPlot.Axis => ({
      label, values, stroke: theme.foreground, font: theme.font, labelFont: theme.font,
      grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 },
    });
    return {
      width: this.width(),
      height: HEIGHT,
      scales: { x: { time: false } },
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      series: [
        { label: 'chars seen', value: (_u, v) => (v === null ? '–' : formatCompact(v)) },
        line('LSTM train (smoothed)', theme.lstm),
        dots('LSTM validation', theme.lstm, 6, theme.background),
        best('LSTM best checkpoint', theme.lstm),
        line('vanilla RNN train (smoothed)', theme.rnn),
        dots('vanilla RNN validation', theme.rnn, 6, theme.background),
        best('vanilla RNN best checkpoint', theme.rnn),
      ],
      axes: [
        axis('characters seen', (_u, splits) => splits.map((v) => formatCompact(v))),
        axis('loss (nats/char)', (_u, splits) => splits.map((v) => v.toFixed(2))),
      ],
    };
  }

  private width(): number {
    return Math.max(320, this.el.clientWidth || 640);
  }

  private resize(): void {
    if (this.plot && this.el.clientWidth > 0) this.plot.setSize({ width: this.width(), height: HEIGHT });
  }
}
