/**
 * One signal of one layer as a heatmap on a <canvas>: units as rows (in the chosen order),
 * characters as columns, the characters written along the top. 512 units × 120 characters is
 * drawn as one ImageData of a pixel per cell, scaled up without smoothing; hovering computes the
 * cell from the pointer's coordinates and shows it in a tooltip element.
 *
 * DOM attributes (read by the end-to-end tests):
 * - canvas `data-signal`: 'input' | 'forget' | 'output' | 'cell'
 * - canvas `data-time`, `data-hidden`: the characters (columns) and units (rows) drawn
 * - canvas `data-values-digest`: JSON `{"unit0":[first 8 values of unit 0],"sum":sum of all values}`,
 *   each rounded to 1e-4
 * - canvas `data-selected-unit`: the highlighted unit, absent when none
 * - tooltip (`.heatmap-tooltip`) `data-unit`, `data-char`, `data-value` (exact, as JavaScript
 *   prints the float), `data-time`: the hovered cell; hidden when the pointer is elsewhere
 */
import type { Signal } from '../src/protocol/panel';
import { describeChar, showChar } from './chars';
import type { Rgb } from './logic/color-scale';
import type { Theme } from './theme';

export interface HeatmapData {
  values: Float32Array;
  time: number;
  hidden: number;
  chars: string[];
  /** Row r shows unit order[r]. */
  order: ArrayLike<number>;
  selected: number | null;
}

const AXIS_HEIGHT = 16;

/** Rounded to 1e-4 for the digest, so that the tests compare what the extension computed. */
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** The `data-values-digest` of a `[time, hidden]` array: unit 0's first 8 values and the sum of all. */
export function valuesDigest(values: Float32Array, time: number, hidden: number): string {
  const unit0: number[] = [];
  for (let t = 0; t < Math.min(8, time); t++) unit0.push(round4(values[t * hidden]));
  let sum = 0;
  for (let i = 0; i < time * hidden; i++) sum += values[i];
  return JSON.stringify({ unit0, sum: round4(sum) });
}

export class Heatmap {
  readonly el: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly tooltip: HTMLElement;
  private data: HeatmapData | null = null;
  private colW = 1;
  private rowH = 1;

  constructor(readonly signal: Signal, title: string, private readonly colour: (v: number) => Rgb,
    private readonly onSelect: (unit: number) => void) {
    this.el = document.createElement('figure');
    this.el.className = 'heatmap';
    const caption = document.createElement('figcaption');
    caption.textContent = title;
    const box = document.createElement('div');
    box.className = 'heatmap-box';
    this.canvas = document.createElement('canvas');
    this.canvas.dataset.signal = signal;
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', `${title}: units as rows, characters as columns`);
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'heatmap-tooltip';
    this.tooltip.hidden = true;
    box.append(this.canvas, this.tooltip);
    this.el.append(caption, box);
    this.canvas.addEventListener('mousemove', (e) => this.hover(e));
    this.canvas.addEventListener('mouseleave', () => {
      this.tooltip.hidden = true;
    });
    this.canvas.addEventListener('click', (e) => {
      const cell = this.cellAt(e);
      if (cell) this.onSelect(cell.unit);
    });
  }

  /** Draws `data` (null: clears) with the theme's colours, `width` CSS pixels wide. */
  draw(data: HeatmapData | null, theme: Theme, width: number): void {
    this.data = data;
    const c = this.canvas;
    if (!data || data.time === 0 || data.hidden === 0) {
      c.width = c.height = 0;
      delete c.dataset.valuesDigest;
      return;
    }
    const { values, time, hidden, chars, order, selected } = data;
    this.colW = Math.max(3, Math.floor(width / time));
    this.rowH = hidden <= 32 ? 8 : hidden <= 64 ? 5 : hidden <= 128 ? 3 : hidden <= 256 ? 2 : 1;
    const w = this.colW * time, h = AXIS_HEIGHT + this.rowH * hidden;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
    c.style.width = `${w}px`;
    c.style.height = `${h}px`;
    c.dataset.time = String(time);
    c.dataset.hidden = String(hidden);
    c.dataset.valuesDigest = valuesDigest(values, time, hidden);
    if (selected === null) delete c.dataset.selectedUnit;
    else c.dataset.selectedUnit = String(selected);

    // One pixel per cell: column t, row r.
    const cells = document.createElement('canvas');
    cells.width = time;
    cells.height = hidden;
    const cellCtx = cells.getContext('2d');
    const ctx = c.getContext('2d');
    if (!cellCtx || !ctx) return;
    const image = cellCtx.createImageData(time, hidden);
    const px = image.data;
    for (let r = 0; r < hidden; r++) {
      const unit = order[r];
      for (let t = 0; t < time; t++) {
        const [red, green, blue] = this.colour(values[t * hidden + unit]);
        const at = 4 * (r * time + t);
        px[at] = red;
        px[at + 1] = green;
        px[at + 2] = blue;
        px[at + 3] = 255;
      }
    }
    cellCtx.putImageData(image, 0, 0);

    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cells, 0, AXIS_HEIGHT, w, hidden * this.rowH);
    // The characters along the top, every one if they fit, else every few.
    ctx.fillStyle = theme.foreground;
    ctx.font = `${Math.min(12, Math.max(8, this.colW))}px monospace`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    const every = Math.max(1, Math.ceil(7 / this.colW));
    for (let t = 0; t < time; t += every) ctx.fillText(showChar(chars[t] ?? ''), (t + 0.5) * this.colW, AXIS_HEIGHT / 2);
    if (selected !== null) {
      const r = Array.prototype.indexOf.call(order, selected) as number;
      if (r >= 0) {
        ctx.strokeStyle = theme.accent;
        ctx.lineWidth = 1;
        const y = AXIS_HEIGHT + r * this.rowH;
        ctx.strokeRect(0.5, y - 0.5, w - 1, this.rowH + 1);
      }
    }
  }

  private cellAt(e: MouseEvent): { t: number; row: number; unit: number } | null {
    const d = this.data;
    if (!d) return null;
    const box = this.canvas.getBoundingClientRect();
    const x = e.clientX - box.left, y = e.clientY - box.top - AXIS_HEIGHT;
    const t = Math.floor(x / this.colW), row = Math.floor(y / this.rowH);
    if (y < 0 || t < 0 || t >= d.time || row < 0 || row >= d.hidden) return null;
    return { t, row, unit: d.order[row] };
  }

  private hover(e: MouseEvent): void {
    const d = this.data;
    const cell = this.cellAt(e);
    if (!d || !cell) {
      this.tooltip.hidden = true;
      return;
    }
    const value = d.values[cell.t * d.hidden + cell.unit];
    const tip = this.tooltip;
    tip.dataset.unit = String(cell.unit);
    tip.dataset.char = d.chars[cell.t];
    tip.dataset.time = String(cell.t);
    tip.dataset.value = String(value);
    tip.textContent = `unit ${cell.unit} · ${describeChar(d.chars[cell.t])} (char ${cell.t + 1} of ${d.time}) · ${value}`;
    tip.hidden = false;
    const box = this.canvas.getBoundingClientRect();
    const x = e.clientX - box.left, y = e.clientY - box.top;
    // Beside the pointer, kept inside the figure.
    tip.style.left = `${Math.min(x + 12, Math.max(0, box.width - tip.offsetWidth))}px`;
    tip.style.top = `${y + 14}px`;
  }
}
