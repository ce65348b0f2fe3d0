/**
 * Heatmap colours from a lookup table per signal: 511 steps of the colour scale, so a redraw of
 * 4 maps x 120 chars x 128 units costs no colour-string parsing per cell. Built lazily, one table
 * per palette (a theme change makes a new HeatColours).
 */
import type { Signal } from '../../src/protocol/panel';
import { heatColor, intensity, parseColor, type Palette, type Rgb } from './color-scale';

/** Steps either side of the middle: gates 0 … 1 map to 255 … 510, the cell's tanh(c) −1 … 1 to 0 … 510. */
const HALF = 255;

export class HeatColours {
  private readonly luts = new Map<Signal, Rgb[]>();

  constructor(private readonly palette: Palette) {}

  colour(value: number, signal: Signal): Rgb {
    let lut = this.luts.get(signal);
    if (!lut) {
      lut = this.build(signal);
      this.luts.set(signal, lut);
    }
    return lut[Math.round(HALF + HALF * intensity(value, signal))] ?? lut[HALF];
  }

  private build(signal: Signal): Rgb[] {
    const lut: Rgb[] = [];
    for (let i = 0; i <= 2 * HALF; i++) {
      const t = (i - HALF) / HALF;
      // The value whose intensity is t: t itself for gates (below 0 never happens), atanh(t) for the cell.
      const value = signal === 'cell' ? Math.atanh(Math.max(-0.999999, Math.min(0.999999, t))) : Math.max(0, t);
      lut.push(parseColor(heatColor(value, signal, this.palette)) ?? [0, 0, 0]);
    }
    return lut;
  }
}
