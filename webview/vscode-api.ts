/**
 * The webview's end of the panel protocol (src/protocol/panel.ts): typed posting, typed
 * receiving, and the state VS Code keeps for a hidden panel (`retainContextWhenHidden` is off, so
 * the page is rebuilt when shown again and restores the user's choices from here).
 */
import type { FromPanel, ToPanel } from '../src/protocol/panel';
import type { UnitOrder } from './logic/unit-search';
import type { CharClass } from './logic/char-classes';
import type { Signal } from '../src/protocol/panel';

/** What the user chose, kept across hide and show. */
export interface PanelState {
  tab: 'training' | 'insides';
  layer: number;
  /** The unit that colours the text, or null. */
  unit: number | null;
  /** The character class of the unit search. */
  cls: CharClass;
  /** The order of the heatmaps' rows. */
  sort: UnitOrder;
  /** The signal the unit search, the row order and the text's colouring read. */
  signal: Signal;
}

interface VsCodeApi {
  postMessage(message: FromPanel): void;
  getState(): Partial<PanelState> | undefined;
  setState(state: PanelState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: FromPanel): void {
  api.postMessage(message);
}

/** Calls `handler` with every message from the extension. */
export function onMessage(handler: (message: ToPanel) => void): void {
  window.addEventListener('message', (e: MessageEvent<ToPanel>) => {
    if (e.data && typeof e.data === 'object' && typeof e.data.type === 'string') handler(e.data);
  });
}

export function loadState(defaults: PanelState): PanelState {
  return { ...defaults, ...(api.getState() ?? {}) };
}

export function saveState(state: PanelState): void {
  api.setState(state);
}
