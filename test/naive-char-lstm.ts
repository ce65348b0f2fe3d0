// A character-level LSTM model written out plainly, one multiply-add at a time in float64,
// from a CharModel's weights: the reference the panel's insides are checked against.
import type { CharModel } from '../src/core/model/char-model';

const sig = (x: number) => 1 / (1 + Math.exp(-x));

export interface NaiveLayerTrace {
  /** [time][unit] each, after the activation; c is the cell state after each character. */
  i: number[][];
  f: number[][];
  o: number[][];
  c: number[][];
}

/** Runs ids from a zero state: every layer's gates and cells, and the logits after the last id. */
export function naiveCharLstm(model: CharModel, ids: number[]): { layers: NaiveLayerTrace[]; logits: number[] } {
  const { config, params } = model;
  const heap = model.k.heap;
  const read = (name: string) => {
    const p = params.get(name);
    return Array.from(heap.subarray(p.value, p.value + p.size));
  };
  const E = config.embedding, H = config.hidden, V = config.vocabSize;
  const table = read('embedding.table');
  let xs = ids.map((id) => table.slice(id * E, (id + 1) * E));
  const layers: NaiveLayerTrace[] = [];
  for (let l = 0; l < config.layers; l++) {
    const W = read(`layer${l}.wIh`), U = read(`layer${l}.wHh`), b = read(`layer${l}.b`);
    const trace: NaiveLayerTrace = { i: [], f: [], o: [], c: [] };
    let h = new Array<number>(H).fill(0), c = new Array<number>(H).fill(0);
    const outs: number[][] = [];
    for (const x of xs) {
      const pre = (gate: number, j: number) => {
        const col = gate * H + j;
        let s = b[col];
        x.forEach((v, p) => { s += v * W[p * 4 * H + col]; });
        h.forEach((v, p) => { s += v * U[p * 4 * H + col]; });
        return s;
      };
      const row = { i: [] as number[], f: [] as number[], o: [] as number[] };
      const nc: number[] = [], nh: number[] = [];
      for (let j = 0; j < H; j++) {
        const i = sig(pre(0, j)), f = sig(pre(1, j)), g = Math.tanh(pre(2, j)), o = sig(pre(3, j));
        row.i.push(i); row.f.push(f); row.o.push(o);
        nc.push(f * c[j] + i * g);
        nh.push(o * Math.tanh(nc[j]));
      }
      h = nh; c = nc;
      trace.i.push(row.i); trace.f.push(row.f); trace.o.push(row.o); trace.c.push(c);
      outs.push(h);
    }
    layers.push(trace);
    xs = outs;
  }
  const last = xs.length ? xs[xs.length - 1] : new Array<number>(H).fill(0);
  const w = read('dense.w'), bias = read('dense.b');
  const logits = bias.map((v, k) => last.reduce((s, x, p) => s + x * w[p * V + k], v));
  return { layers, logits };
}
