import type { Signal } from '../../src/protocol/panel';

/** A colour as red, green, blue channels 0…255. */
export type Rgb = readonly [number, number, number];

/**
 * The colours the scales run between, taken from the theme (the webview's CSS variables) so
 * that they read in light and dark themes alike: a value of 0 is the background itself, and a
 * full value the accent, whatever the background is.
 */
export interface Palette {
  /** The editor's background: gates at 0, the cell at 0. */
  background: Rgb;
  /** Gates at 1. */
  accent: Rgb;
  /** The cell at its most positive, and at its most negative. */
  positive: Rgb;
  negative: Rgb;
}

/** The strongest a text tint gets (alpha), so the theme's foreground stays readable on it. */
export const MAX_TINT = 0.6;

/**
 * Where a value sits on its signal's scale, in [-1, 1]: a gate's value (0…1, clamped), the
 * cell as tanh(c). tanh rather than the window's max |c|: it is what the output gate reads out
 * (h = o·tanh(c)); it is one scale for every window, layer and cursor position, so colours do
 * not shift as the cursor moves; and one counter-like unit at |c| = 20 does not wash out the
 * rest. NaN (a broken model) sits at 0, drawn as the background.
 */
export function intensity(value: number, signal: Signal): number {
  if (Number.isNaN(value)) return 0;
  if (signal === 'cell') return Math.tanh(value);
  return Math.min(1, Math.max(0, value));
}

/** The heatmap colour of a value: sequential for gates, diverging around 0 for the cell. CSS `rgb(…)`. */
export function heatColor(value: number, signal: Signal, palette: Palette): string {
  const t = intensity(value, signal);
  return css(mix(palette.background, endColor(t, signal, palette), Math.abs(t)));
}

/**
 * The background of a character in the text coloured by one unit: the scale's end colour with
 * alpha |intensity|·MAX_TINT, so it lies over any theme and text in the theme's colour stays
 * readable. CSS `rgba(…)`.
 */
export function textTint(value: number, signal: Signal, palette: Palette): string {
  const t = intensity(value, signal);
  const [r, g, b] = endColor(t, signal, palette);
  return `rgba(${r}, ${g}, ${b}, ${round3(Math.abs(t) * MAX_TINT)})`;
}

/** A CSS gradient for the scale's legend, left to right: 0 → 1 for gates, tanh(c) −1 → 1 for the cell. */
export function legendGradient(signal: Signal, palette: Palette): string {
  const stops = signal === 'cell'
    ? [css(palette.negative), css(palette.background), css(palette.positive)]
    : [css(palette.background), css(palette.accent)];
  return `linear-gradient(to right, ${stops.join(', ')})`;
}

/** The colour a fraction t ∈ [0, 1] of the way from `from` to `to`, channels rounded. */
export function mix(from: Rgb, to: Rgb, t: number): Rgb {
  const f = Math.min(1, Math.max(0, t));
  return [0, 1, 2].map((i) => Math.round(from[i] + (to[i] - from[i]) * f)) as unknown as Rgb;
}

/**
 * Channels of a CSS colour as a theme variable gives it: #rgb, #rgba, #rrggbb, #rrggbbaa,
 * rgb()/rgba() with commas or spaces. Alpha is dropped. Null for anything else (a named colour).
 */
export function parseColor(text: string): Rgb | null {
  const s = text.trim().toLowerCase();
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/.exec(s);
  if (hex) {
    const h = hex[1];
    const pair = h.length <= 4 ? (i: number) => h[i] + h[i] : (i: number) => h.slice(2 * i, 2 * i + 2);
    return [0, 1, 2].map((i) => parseInt(pair(i), 16)) as unknown as Rgb;
  }
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*(?:[,/]\s*[\d.]+%?\s*)?\)$/.exec(s);
  if (fn) return [1, 2, 3].map((i) => Math.min(255, Math.round(Number(fn[i])))) as unknown as Rgb;
  return null;
}

function endColor(t: number, signal: Signal, palette: Palette): Rgb {
  if (signal !== 'cell') return palette.accent;
  return t < 0 ? palette.negative : palette.positive;
}

function css([r, g, b]: Rgb): string {
  return `rgb(${r}, ${g}, ${b})`;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
