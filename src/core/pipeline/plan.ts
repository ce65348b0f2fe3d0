/**
 * How pipelined priming shares a stacked LSTM's work per chunk among threads (stages).
 *
 * Per chunk of `time` characters the work is a sequence of items, in data order:
 *   R0, P1, R1, P2, R2, …
 * R_l is layer l's recurrence (`LstmLayer.recur`: time steps, each one streamed pass over wHh;
 * cannot be split, every step needs the previous one) and P_l (l ≥ 1) its input product
 * (`LstmLayer.project`: time rows through wIh; rows are independent, so it can be split by rows).
 * Layer 0's input part is a table lookup (`gather`), cheap, done by stage 0 (the calling
 * thread, which has the ids).
 *
 * A stage is a contiguous run of items; between two stages is a cut inside some P_j: the stage
 * before runs R_{j-1} and projects the first rows of layer j's input (`share` of them), the
 * stage after projects the rest and runs R_j onwards. share 0 hands over layer j-1's outputs h, share 1 the finished
 * input part of layer j's gates. The stage before sends, per chunk, gates rows [0, r) and h rows
 * [r, time); r starts from the planned share and follows the load (`CutBalancer`).
 */

/** Stage boundary inside layer `layer`'s input product (1 ≤ layer < layers). */
export interface Cut {
  layer: number;
  /** Planned fraction of a chunk's rows of P_layer the stage before the cut projects, in [0, 1]. */
  share: number;
}

export interface StagePlan {
  /** Layers whose recurrence this stage runs, first … last (inclusive). */
  first: number;
  last: number;
  /** Boundary with the stage before (null for stage 0, which starts with the table lookup). */
  cutIn: Cut | null;
  /** Boundary with the stage after (null for the last stage). */
  cutOut: Cut | null;
}

/**
 * Cost of P_l per weight relative to R_l per weight, for the same number of rows/steps: a
 * 128-row `project` (cache-blocked matmul) takes about 0.72 of a 128-step `recur` with the same
 * count of weights (measured on the wasm kernels, model M and 2x512, x86-64): the recurrence
 * streams its weights once per step, the product reuses them from cache.
 */
const PROJECT_COST = 0.72;

/** Layer sizes of a stacked LSTM: input width of layer l, and its hidden width. */
export interface LayerShape {
  inputSize: number;
  hidden: number;
}

/**
 * Splits the items into at most `stages` (and at most one per layer) contiguous stages of about
 * equal cost, each running at least one recurrence. A cut that lands inside a recurrence moves to
 * its nearer end; a cut that would leave a stage without a recurrence is dropped (fewer stages).
 * With one layer, or `stages` < 2, the plan is one stage: nothing to pipeline.
 */
export function planStages(layers: LayerShape[], stages: number): StagePlan[] {
  const L = layers.length;
  const n = Math.max(1, Math.min(stages, L));
  // items[0] = R_0, then items[2l-1] = P_l, items[2l] = R_l. Costs in weights × rows.
  const items: number[] = [];
  layers.forEach((s, l) => {
    if (l > 0) items.push(PROJECT_COST * s.inputSize * 4 * s.hidden);
    items.push(s.hidden * 4 * s.hidden);
  });
  const total = items.reduce((a, b) => a + b, 0);
  const cuts: Cut[] = [];
  for (let s = 1; s < n; s++) {
    const target = (total * s) / n;
    let before = 0, i = 0;
    while (i < items.length - 1 && before + items[i] <= target) before += items[i++];
    let cut: Cut;
    if (i % 2 === 1) {
      cut = { layer: (i + 1) / 2, share: (target - before) / items[i] };
    } else {
      // Inside R_l (l = i/2): move to the end of P_l (share 1) or the start of P_{l+1} (share 0).
      const l = i / 2;
      cut = l > 0 && target - before < before + items[i] - target ? { layer: l, share: 1 } : { layer: l + 1, share: 0 };
    }
    // Stage s runs R_{cutIn.layer} … R_{cutOut.layer - 1}: at least one.
    const previous = cuts.length > 0 ? cuts[cuts.length - 1].layer : 0;
    if (cut.layer > previous && cut.layer < L) cuts.push(cut);
  }
  const plan: StagePlan[] = [];
  let cutIn: Cut | null = null;
  for (const cutOut of [...cuts, null]) {
    plan.push({ first: cutIn ? cutIn.layer : 0, last: cutOut ? cutOut.layer - 1 : L - 1, cutIn, cutOut });
    cutIn = cutOut;
  }
  return plan;
}

/**
 * Rows of P_layer the stage before a cut projects in a chunk of `time` rows. Bit-identical
 * results need every part to take the same kernel path as the whole: `project` multiplies 4 or
 * more rows with the blocked matmul (each row's sums in the same order whatever the row count)
 * and fewer row by row with the packed product, so a split is made only where both parts have
 * at least 4 rows.
 */
export function cutRows(share: number, time: number): number {
  if (share <= 0) return 0;
  if (share >= 1) return time;
  if (time < 8) return share < 0.5 ? 0 : time;
  return Math.min(time - 4, Math.max(4, Math.round(share * time)));
}
