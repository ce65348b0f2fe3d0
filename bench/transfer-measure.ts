// How the transfer table (bench/transfer.ts) measures a predictor on held-out text: a model file's
// LSTM alone and as the editor completes with it (its saved n-gram and mixture weights and a
// cache of each held-out file: src/cli/eval-as-completed.ts, as `char-lstm eval` measures it),
// and a workspace's Kneser-Ney n-gram (src/cli/eval-measures.ts). Losses in nats/char; top-1 and
// chars saved as fractions (src/core/eval/completion-metrics.ts), on at most `metricsChars`
// positions of the held-out text.
import { Vocab } from '../src/core/data/vocab';
import { loadModel, type TrainingInfo } from '../src/core/io/model-file';
import { createKernels } from '../src/core/nn/kernels/select';
import { lstmMetrics, metricsJson, ngramBaseline } from '../src/cli/eval-measures';
import { evaluateLstm, measureAsCompleted } from '../src/cli/eval-as-completed';
import { measureAsCompletedAdapting } from '../src/cli/eval-adapting';
import type { CompletionMetrics } from '../src/core/eval/completion-metrics';
import type { HeldOutText } from './transfer-data';

/** One predictor's figures on one held-out text. */
export interface Figures {
  /** nats/char (lower is better). */
  natsPerChar: number;
  /** Fraction of positions whose most likely next character is right. */
  top1: number | null;
  /** Fraction of typed characters that accepted ghost text would have saved. */
  charsSaved: number | null;
}

/** A model file measured: its LSTM alone, and as completed (null: no saved mixture, so the LSTM alone completes). */
export interface ModelFigures {
  /** e.g. "2×256 LSTM, embedding 64, 98 ids". */
  model: string;
  info: TrainingInfo;
  lstm: Figures;
  asCompleted: Figures | null;
  /** The saved mixture's n-gram order, null without one. */
  mixtureOrder: number | null;
  /**
   * Adapting to typing (the editor's default, src/cli/eval-adapting.ts): the LSTM alone (nats/char
   * only) and as completed; null where not measured or without a saved mixture.
   */
  adapting: { lstm: Figures; asCompleted: Figures } | null;
}

/**
 * `withMixture` false: the LSTM alone even where the file has a mixture (one that saw the held-out
 * text); `adapting`: also as completed while adapting to typing.
 */
export async function measureModel(path: string, held: HeldOutText, metricsChars: number, withMixture: boolean,
  adapting = false): Promise<ModelFigures> {
  const loaded = await loadModel(path, createKernels());
  const { model, vocab, info } = loaded;
  const mixture = withMixture ? loaded.mixture : undefined;
  const ids = vocab.encode(held.text);
  const lstm = await evaluateLstm(model, ids, mixture !== undefined);
  const alone = figures(lstm.loss, lstmMetrics(model, vocab, ids, metricsChars));
  const asCompleted = mixture ? measureAsCompleted(model, vocab, mixture, ids, held.starts, lstm.probs!, metricsChars) : null;
  const adapted = adapting && mixture ? await measureAsCompletedAdapting(model, vocab, mixture, ids, held.starts, metricsChars) : null;
  const c = model.config;
  return {
    model: `${c.layers}×${c.hidden} ${c.cell.toUpperCase()}, embedding ${c.embedding}, ${vocab.size} ids`, info,
    lstm: alone, asCompleted: asCompleted && figures(asCompleted.natsPerChar, asCompleted.metrics), mixtureOrder: loaded.mixture?.order ?? null,
    adapting: adapted && { lstm: figures(adapted.lstmLoss, null),
      asCompleted: figures(adapted.asCompleted.natsPerChar, adapted.asCompleted.metrics) },
  };
}

/**
 * The workspace's Kneser-Ney n-gram over the workspace's own characters (as training from scratch
 * gets them), order chosen on the last 10% of `workspaceText` and counted on all of it; its loss
 * reads the held-out text as one stream.
 */
export function measureNgram(workspaceText: string, held: HeldOutText, metricsChars: number): Figures & { order: number } {
  const vocab = Vocab.fromText(workspaceText);
  const ngram = ngramBaseline(vocab, workspaceText, vocab.encode(held.text), metricsChars, { maxOrder: 10 });
  return { ...figures(ngram.natsPerChar, ngram.metrics), order: ngram.order };
}

function figures(natsPerChar: number, m: CompletionMetrics | null): Figures {
  const { top1, chars_saved } = metricsJson(m);
  const r4 = (x: number | null) => (x === null ? null : Number(x.toFixed(4)));
  return { natsPerChar: Number(natsPerChar.toFixed(4)), top1: r4(top1), charsSaved: r4(chars_saved) };
}
