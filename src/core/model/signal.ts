/**
 * What the insides view draws of an LSTM layer, per character and unit: the input, forget and
 * output gates after their sigmoid, in (0, 1), and the cell state, unbounded. Kept apart from
 * `inspect.ts` so the panel's protocol and webview import these names without the model code.
 */
export type Signal = 'input' | 'forget' | 'output' | 'cell';
export const SIGNALS: readonly Signal[] = ['input', 'forget', 'output', 'cell'];
