import type { Vocab } from '../core/data/vocab';
import type { CharModel } from '../core/model/char-model';
import { METRICS_DEFAULTS, sliceText } from '../core/eval/completion-metrics';
import { DynamicAdapter, DynamicReader, evaluateDynamic, TYPING_SETTINGS } from '../core/dynamic';
import type { WorkspaceMixture } from '../core/mix/workspace-mixture';
import { asCompletedJson, measureAsCompleted, type AsCompleted } from './eval-as-completed';
import { describeMetrics } from './eval-measures';
import { formatCount } from './progress';

/** The model as completed while it adapts to typing: the LSTM's own figure, and the mixture's. */
export interface AsCompletedAdapting {
  /** The adapting LSTM alone, nats/char over `lstmChars` (whole segments of the text). */
  lstmLoss: number;
  lstmChars: number;
  asCompleted: AsCompleted;
}

/**
 * The model as the editor completes with it by default, `charLstm.completion.adaptToTyping` on
 * (src/completion/typing-adaptation.ts): the LSTM's weights take one step of TYPING_SETTINGS per
 * segment of text read, so by each position they have learnt the text before it, the files
 * read one after another as if typed in that order (the editor's adapted weights serve every
 * document). Each character is scored before the step on its segment (evaluateDynamic). Mixed
 * with the saved n-gram and a cache of each file by the saved weights, as `measureAsCompleted`
 * mixes the LSTM with its file's weights; nothing is fitted on `ids`. The model is not written.
 */
export async function measureAsCompletedAdapting(model: CharModel, vocab: Vocab, mixture: WorkspaceMixture,
  ids: ArrayLike<number>, documentStarts: readonly number[], maxChars: number, signal?: AbortSignal): Promise<AsCompletedAdapting> {
  const probs = new Float64Array(ids.length).fill(NaN);
  const adapter = new DynamicAdapter(model);
  // Kept where each slice of the completion figures starts, so those need only the steps within it.
  const slices = maxChars === 0 ? [] : sliceText(ids.length, maxChars, METRICS_DEFAULTS.sliceChars);
  const dynamic = await evaluateDynamic(model, ids, { ...TYPING_SETTINGS, targets: probs, adapter,
    checkpointsAt: slices.map((s) => s.from), ...(signal && { signal }) });
  const reader = new DynamicReader(model, ids, TYPING_SETTINGS, { adapter, checkpoints: dynamic.checkpoints });
  const asCompleted = measureAsCompleted(model, vocab, mixture, ids, documentStarts, probs, maxChars,
    { start: reader.start, revision: reader.revision });
  return { lstmLoss: dynamic.loss, lstmChars: dynamic.chars, asCompleted };
}

/** `eval`'s line for it. */
export function describeAdapting(a: AsCompletedAdapting): string {
  return `adapting to typing (charLstm.completion.adaptToTyping: one step per ${TYPING_SETTINGS.segment} chars read, the files `
    + `in order): the LSTM alone ${a.lstmLoss.toFixed(3)} nats/char over ${formatCount(a.lstmChars)} chars; as completed `
    + `${a.asCompleted.natsPerChar.toFixed(3)} nats/char over ${formatCount(a.asCompleted.chars)} chars`
    + (a.asCompleted.metrics ? `; ${describeMetrics(a.asCompleted.metrics)}` : '');
}

export function adaptingJson(a: AsCompletedAdapting) {
  return { lstm_nats_per_char: a.lstmLoss, lstm_chars: a.lstmChars, ...asCompletedJson(a.asCompleted) };
}
