/**
 * The gates' saturation, as in Karpathy, Johnson & Fei-Fei 2015 (fig. 3): each unit of each gate
 * is a point at (fraction of characters at which the gate was left-saturated, below 0.1;
 * fraction right-saturated, above 0.9). Units along the diagonal's far end switch hard between
 * off and on; a forget gate unit at the top left is an integrator that remembers. One small
 * <canvas>, redrawn on theme changes.
 *
 * DOM attributes: canvas `data-points` (units × gates drawn), legend entries `data-gate`.
 */
import type { Theme } from './theme';

export type Gate = 'input' | 'forget' | 'output';
export const GATES: readonly Gate[] = ['input', 'forget', 'output'];

/** Per gate, per unit: the fractions of characters left- and right-saturated. */
export type SaturationData = Record<Gate, { left: Float32Array; right: Float32Array }>;

const SIZE = 220;
const PAD = 30;

export class SaturationPlot {
  readonly el: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly legend: HTMLElement;

  constructor() {
    this.el = document.createElement('figure');
    this.el.className = 'saturation';
    const caption = document.createElement('figcaption');
    caption.textContent = 'Gate saturation: each unit at (fraction of characters left-saturated < 0.1, right-saturated > 0.9)';
    this.canvas = document.createElement('canvas');
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', 'Saturation plot of the input, forget and output gates');
    this.legend = document.createElement('div');
    this.legend.className = 'legend';
    this.el.append(caption, this.canvas, this.legend);
  }

  draw(data: SaturationData | null, theme: Theme): void {
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    const full = SIZE + PAD + 10;
    c.width = Math.round(full * dpr);
    c.height = Math.round(full * dpr);
    c.style.width = c.style.height = `${full}px`;
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, full, full);
    const x0 = PAD, y0 = 10;
    const px = (f: number) => x0 + f * SIZE, py = (f: number) => y0 + (1 - f) * SIZE;
    // Frame, diagonal x + y = 1 (a unit cannot be saturated both ways more than always), labels.
    ctx.strokeStyle = theme.grid;
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 + 0.5, y0 + 0.5, SIZE, SIZE);
    ctx.beginPath();
    ctx.moveTo(px(0), py(1));
    ctx.lineTo(px(1), py(0));
    ctx.stroke();
    ctx.fillStyle = theme.foreground;
    ctx.font = '10px sans-serif';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText('left-saturated (< 0.1)', px(0.5), py(0) + 4);
    ctx.fillText('0', px(0), py(0) + 4);
    ctx.fillText('1', px(1), py(0) + 4);
    ctx.save();
    ctx.translate(x0 - 18, py(0.5));
    ctx.rotate(-Math.PI / 2);
    ctx.fillText('right-saturated (> 0.9)', 0, 0);
    ctx.restore();
    let points = 0;
    if (data) {
      ctx.globalAlpha = 0.6;
      for (const gate of GATES) {
        const { left, right } = data[gate];
        ctx.fillStyle = theme[gate];
        for (let u = 0; u < left.length; u++) {
          ctx.beginPath();
          ctx.arc(px(left[u]), py(right[u]), 2.2, 0, 2 * Math.PI);
          ctx.fill();
          points++;
        }
      }
      ctx.globalAlpha = 1;
    }
    c.dataset.points = String(points);
    this.legend.replaceChildren(...GATES.map((gate) => {
      const item = document.createElement('span');
      item.dataset.gate = gate;
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = theme[gate];
      item.append(swatch, `${gate} gate`);
      return item;
    }));
  }
}
