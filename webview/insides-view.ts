/**
 * The Insides tab: what one LSTM layer does over the last 120 characters before the cursor.
 * Four heatmaps (input, forget, output gate, cell), the text coloured by a chosen unit, a search
 * for the units that respond to a class of characters, the gates' saturation, and the five most
 * likely next characters. Every reason there is nothing to show has its own message.
 *
 * DOM attributes (read by the end-to-end tests), on the root `section.insides`:
 * - `data-state`: 'waiting' (asked, no answer yet) | 'ready' | 'unavailable'
 * - `data-pending`: 'true' while a newer request than the shown answer is on its way (set by main.ts)
 * - `data-reason`: with 'unavailable': 'no-model' | 'no-editor' | 'empty' | 'not-lstm' | 'failed'
 * - `data-chars`: JSON array of the characters read (one code point each, '\n' for line ends)
 * - `data-layer`, `data-layers`, `data-hidden`, `data-model`, `data-truncated` ('true' | 'false')
 * - `data-selected-unit` (absent when none), `data-sort`, `data-signal`, `data-class`
 * The heatmap canvases carry `data-signal` and `data-values-digest` (see heatmap.ts); the text
 * (`.insides-text`) spans carry `data-t`, `data-char` and, with a unit chosen, `data-value`;
 * for the unit search see unit-search-view.ts, the next characters next-chars.ts, the
 * saturation plot saturation-plot.ts.
 */
import type { Insides, InsidesUnavailable, Signal } from '../src/protocol/panel';
import { SIGNALS } from '../src/protocol/panel';
import { createDropdown, type Dropdown } from './components/dropdown';
import { createNumberField, type NumberField } from './components/text-field';
import { showChar } from './chars';
import { Heatmap } from './heatmap';
import { CHAR_CLASSES, CLASS_NAMES, type CharClass } from './logic/char-classes';
import { intensity, legendGradient, parseColor, textTint, type Palette, type Rgb } from './logic/color-scale';
import { HeatColours } from './logic/heat-lut';
import { saturation } from './logic/saturation';
import { sortUnits, type UnitOrder } from './logic/unit-search';
import { NextChars } from './next-chars';
import { GATES, SaturationPlot, type SaturationData } from './saturation-plot';
import type { Theme } from './theme';
import { UnitSearchView } from './unit-search-view';
import type { PanelState } from './vscode-api';

const BLACK: Rgb = [0, 0, 0];
const TITLES: Record<Signal, string> = {
  input: 'Input gate', forget: 'Forget gate', output: 'Output gate', cell: 'Cell state (tanh c)',
};

export interface InsidesCallbacks {
  /** The user chose another layer: ask for it. */
  onLayer(layer: number): void;
  /** Something the panel keeps across hide and show changed. */
  onState(): void;
}

export class InsidesView {
  readonly el: HTMLElement;
  private readonly message: HTMLElement;
  private readonly body: HTMLElement;
  private readonly info: HTMLElement;
  private readonly text: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly search: UnitSearchView;
  private readonly layer: Dropdown<string>;
  private readonly signal: Dropdown<Signal>;
  private readonly sort: Dropdown<UnitOrder>;
  private readonly cls: Dropdown<CharClass>;
  private readonly unit: NumberField;
  private readonly heatmaps: Heatmap[];
  private readonly saturationPlot = new SaturationPlot();
  private readonly nextChars = new NextChars();
  private insides: Insides | null = null;
  private palette: Palette | null = null;
  private colours: HeatColours | null = null;
  private theme: Theme | null = null;

  constructor(private readonly state: PanelState, private readonly callbacks: InsidesCallbacks) {
    this.el = document.createElement('section');
    this.el.className = 'insides';
    this.el.dataset.state = 'waiting';
    this.message = document.createElement('div');
    this.message.className = 'message';
    this.message.textContent = 'Reading the text before the cursor…';
    this.body = document.createElement('div');
    this.body.hidden = true;

    this.layer = createDropdown('Layer', [{ value: String(state.layer), label: `layer ${state.layer + 1}` }], String(state.layer), (v) => {
      this.state.layer = Number(v);
      this.el.dataset.layer = v;
      this.callbacks.onState();
      this.callbacks.onLayer(this.state.layer);
    }, 'insides-layer');
    this.signal = createDropdown('Signal for text colour, search and order', SIGNALS.map((s) => ({ value: s, label: TITLES[s] })),
      state.signal, (v) => {
        this.state.signal = v;
        this.callbacks.onState();
        this.render();
      }, 'insides-signal');
    this.sort = createDropdown<UnitOrder>('Rows by', [
      { value: 'index', label: 'unit index' }, { value: 'mean', label: 'mean' }, { value: 'variance', label: 'variance' },
    ], state.sort, (v) => {
      this.state.sort = v;
      this.callbacks.onState();
      this.render();
    }, 'insides-sort');
    this.unit = createNumberField('Unit', 0, () => (this.insides?.hidden ?? 1) - 1, (v) => this.select(v), 'insides-unit');
    this.cls = createDropdown('Units that respond to', CHAR_CLASSES.map((c) => ({ value: c, label: CLASS_NAMES[c] })), state.cls, (v) => {
      this.state.cls = v;
      this.callbacks.onState();
      this.renderSearch();
    }, 'insides-class');

    const toolbar = document.createElement('div');
    toolbar.className = 'toolbar';
    toolbar.append(this.layer.el, this.signal.el, this.sort.el, this.unit.el);
    this.info = document.createElement('div');
    this.info.className = 'hint';
    this.text = document.createElement('div');
    this.text.className = 'insides-text';
    this.text.title = 'The text before the cursor, coloured by the chosen unit';
    this.text.addEventListener('click', (e) => {
      // Clicking a character chooses the unit that responds most to it: the strongest of the signal at that step.
      const t = Number((e.target as HTMLElement).dataset?.t);
      if (Number.isInteger(t)) this.selectStrongestAt(t);
    });

    this.search = new UnitSearchView(this.cls, (unit) => this.select(unit));

    const row = document.createElement('div');
    row.className = 'insides-row';
    row.append(this.search.el, this.nextChars.el, this.saturationPlot.el);

    this.legend = document.createElement('div');
    this.legend.className = 'toolbar';
    const maps = document.createElement('div');
    maps.className = 'heatmaps';
    this.heatmaps = SIGNALS.map((s) => new Heatmap(s, TITLES[s], (v) => this.colours?.colour(v, s) ?? BLACK, (unit) => this.select(unit)));
    maps.append(...this.heatmaps.map((h) => h.el));
    this.body.append(toolbar, this.info, this.text, row, this.legend, maps);
    this.el.append(this.message, this.body);
    new ResizeObserver(() => this.renderHeatmaps()).observe(this.el);
  }

  /** The layer to ask for. */
  get layerWanted(): number {
    return this.state.layer;
  }

  /** An answer is on its way. */
  waiting(): void {
    if (this.el.dataset.state !== 'ready') this.el.dataset.state = 'waiting';
  }

  show(insides: Insides): void {
    this.insides = insides;
    const d = this.el.dataset;
    d.state = 'ready';
    delete d.reason;
    d.chars = JSON.stringify(insides.chars);
    d.layer = String(insides.layer);
    d.layers = String(insides.layers);
    d.hidden = String(insides.hidden);
    d.model = insides.model;
    d.truncated = String(insides.truncated);
    this.state.layer = insides.layer;
    this.layer.setOptions(Array.from({ length: insides.layers }, (_, l) => ({ value: String(l), label: `layer ${l + 1}` })),
      String(insides.layer));
    if (this.state.unit !== null && this.state.unit >= insides.hidden) this.state.unit = null;
    this.message.hidden = true;
    this.body.hidden = false;
    this.info.textContent = `Model ${insides.model}, layer ${insides.layer + 1} of ${insides.layers}, ${insides.hidden} units; `
      + (insides.truncated ? `the last ${insides.chars.length} characters before the cursor (the text before them is not read).`
        : `the ${insides.chars.length} characters before the cursor, from the start of the file.`);
    this.nextChars.show(insides.next);
    this.render();
  }

  unavailable(why: InsidesUnavailable): void {
    this.insides = null;
    const d = this.el.dataset;
    d.state = 'unavailable';
    d.reason = why.reason;
    for (const key of ['chars', 'layers', 'hidden', 'model', 'truncated']) delete d[key];
    this.body.hidden = true;
    this.message.hidden = false;
    this.message.classList.toggle('error', why.reason === 'failed');
    this.message.textContent = describeUnavailable(why);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    const rgb = (css: string, fallback: Rgb) => parseColor(css) ?? fallback;
    const dark = theme.kind !== 'light';
    this.palette = {
      background: rgb(theme.background, dark ? [30, 30, 30] : [255, 255, 255]),
      accent: rgb(theme.lstm, [55, 148, 255]),
      positive: rgb(theme.accent, [241, 76, 76]),
      negative: rgb(theme.lstm, [55, 148, 255]),
    };
    this.colours = new HeatColours(this.palette);
    this.render();
  }

  /** Redraws everything from the last answer (after a theme change, a tab switch, a new choice). */
  render(): void {
    const ins = this.insides;
    const d = this.el.dataset;
    d.sort = this.state.sort;
    d.signal = this.state.signal;
    d.class = this.state.cls;
    if (this.state.unit === null) delete d.selectedUnit;
    else d.selectedUnit = String(this.state.unit);
    this.unit.setValue(this.state.unit);
    if (!ins || !this.palette || !this.theme) return;
    this.renderText();
    this.renderSearch();
    this.renderLegend();
    this.renderHeatmaps();
    const sat = {} as SaturationData;
    for (const gate of GATES) sat[gate] = saturation(ins.values[gate], ins.chars.length, ins.hidden);
    this.saturationPlot.draw(sat, this.theme);
  }

  private select(unit: number | null): void {
    this.state.unit = unit;
    this.callbacks.onState();
    this.render();
  }

  private selectStrongestAt(t: number): void {
    const ins = this.insides;
    if (!ins || t >= ins.chars.length) return;
    const values = ins.values[this.state.signal];
    let best = 0, bestValue = -Infinity;
    for (let u = 0; u < ins.hidden; u++) {
      const v = Math.abs(intensity(values[t * ins.hidden + u], this.state.signal));
      if (v > bestValue) {
        bestValue = v;
        best = u;
      }
    }
    this.select(best);
  }

  private renderText(): void {
    const ins = this.insides;
    if (!ins || !this.palette) return;
    const unit = this.state.unit, signal = this.state.signal, values = ins.values[signal];
    this.text.dataset.unit = unit === null ? '' : String(unit);
    this.text.replaceChildren(...ins.chars.flatMap((ch, t) => {
      const span = document.createElement('span');
      span.dataset.t = String(t);
      span.dataset.char = ch;
      span.textContent = ch === ' ' ? ' ' : showChar(ch);
      if (ch === '\n') span.className = 'nl';
      if (unit !== null && this.palette) {
        const v = values[t * ins.hidden + unit];
        span.dataset.value = String(v);
        span.style.background = textTint(v, signal, this.palette);
        span.title = `unit ${unit}: ${v.toFixed(4)}`;
      }
      return ch === '\n' ? [span, document.createElement('br')] : [span];
    }));
  }

  private renderSearch(): void {
    if (this.insides) this.search.render(this.insides, this.state.signal, TITLES[this.state.signal], this.state.cls, this.state.unit);
  }

  private renderLegend(): void {
    if (!this.palette) return;
    const palette = this.palette;
    const scale = (label: string, signal: Signal, low: string, high: string) => {
      const wrap = document.createElement('div');
      wrap.className = 'scale-legend';
      wrap.dataset.scale = signal === 'cell' ? 'cell' : 'gates';
      const bar = document.createElement('span');
      bar.className = 'scale-bar';
      bar.style.background = legendGradient(signal, palette);
      wrap.append(`${label}: ${low}`, bar, high);
      return wrap;
    };
    this.legend.replaceChildren(scale('Gates', 'input', '0', '1'), scale('Cell, tanh(c)', 'cell', '−1', '+1'));
  }

  private renderHeatmaps(): void {
    const ins = this.insides;
    if (!ins || !this.theme || this.body.hidden) return;
    const time = ins.chars.length;
    const order = sortUnits(ins.values[this.state.signal], time, ins.hidden, this.state.sort);
    const width = Math.max(360, (this.el.clientWidth || 760) - 8)
    for (const h of this.heatmaps) {
      h.draw({ values: ins.values[h.signal], time, hidden: ins.hidden, chars: ins.chars, order, selected: this.state.unit }, this.theme, width);
    }
  }
}

/** The message for each reason there are no insides. */
export function describeUnavailable(why: InsidesUnavailable): string {
  switch (why.reason) {
    case 'no-model':
      return 'No model is loaded. Run "Char LSTM: Use Default Model" or "Char LSTM: Load Model..." to look inside one.';
    case 'no-editor':
      return 'No text editor to read: open a file and put the cursor after some text; the 120 characters before it are shown here.';
    case 'empty':
      return `Nothing before the cursor in ${why.file}: type some text or move the cursor further into the file.`;
    case 'not-lstm':
      return `The active model is a vanilla RNN (cell "${why.cell}"): it has no gates to show. Load or train an LSTM model to look inside.`;
    case 'failed':
      return `The insides could not be computed: ${why.message}`;
  }
}
