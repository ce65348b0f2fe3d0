// What the extension should show, computed by the same core outside VS Code: with greedy
// sampling the ghost text is a pure function of the model and the text before the cursor, and
// the panel's insides are a pure function of the model, the layer and the text before the cursor.
import { CompletionEngine } from '../../src/completion';
import { loadModel, type LoadedModel } from '../../src/core/io/model-file';
import { inspectLstm, SIGNALS, type Signal } from '../../src/core/model/inspect';
import { createKernels } from '../../src/core/nn/kernels/select';

/**
 * The greedy ghost text for a cursor at the end of `text` ('' where none would show): of the
 * model mixed with its workspace n-gram and the document's cache when the file has a mixture.
 */
export async function expectedGreedy(modelPath: string, text: string, maxChars = 40): Promise<string> {
  const { model, vocab, mixture } = await loadModel(modelPath, createKernels());
  const result = new CompletionEngine(model, vocab, undefined, mixture ?? null).complete({
    docKey: 'e2e', text, offset: text.length, strategy: { kind: 'greedy' }, maxChars, stopAtEndOfLine: true,
  });
  return result?.insertText ?? '';
}

/** What the panel's Insides view should show for a cursor after `text`, computed by the core in Node. */
export interface ExpectedInsides {
  /** The last `window` characters before the cursor, one code point each, line ends as '\n'. */
  chars: string[];
  truncated: boolean;
  layers: number;
  hidden: number;
  /** `[time, hidden]` per signal, as inspectLstm returns them. */
  values: Record<Signal, Float32Array>;
  /** Per signal, the heatmap's digest as parsed JSON: unit 0's first 8 values and the sum of all. */
  digests: Record<Signal, { unit0: number[]; sum: number }>;
  /** The most likely next character. */
  next: string;
}

const models = new Map<string, Promise<LoadedModel>>();

/** A model file loaded once per path (the insides of a test's texts all read the same model). */
function cachedModel(path: string): Promise<LoadedModel> {
  let m = models.get(path);
  if (!m) {
    m = loadModel(path, createKernels());
    models.set(path, m);
  }
  return m;
}

/**
 * The insides of layer `layer` over the last `window` characters of `text` (the text before the
 * cursor), read as a user sees it: CRLF and lone CR as one line end, one step per code point,
 * from a zero state.
 */
export async function expectedInsides(modelPath: string, text: string, layer: number, window = 120): Promise<ExpectedInsides> {
  const { model, vocab } = await cachedModel(modelPath);
  const all = Array.from(text.replace(/\r\n?/g, '\n'));
  const chars = all.slice(Math.max(0, all.length - window));
  const { values, next } = inspectLstm(model, vocab.encode(chars.join('')), layer);
  const H = model.config.hidden, T = chars.length;
  const round4 = (v: number) => Math.round(v * 1e4) / 1e4;
  const digests = {} as ExpectedInsides['digests'];
  for (const s of SIGNALS) {
    const v = values[s];
    let sum = 0;
    for (let i = 0; i < T * H; i++) sum += v[i];
    digests[s] = { unit0: Array.from({ length: Math.min(8, T) }, (_, t) => round4(v[t * H])), sum: round4(sum) };
  }
  let best = 0;
  for (let i = 1; i < next.length; i++) if (next[i] > next[best]) best = i;
  return {
    chars, truncated: all.length > window, layers: model.config.layers, hidden: H, values, digests,
    next: vocab.char(best),
  };
}
