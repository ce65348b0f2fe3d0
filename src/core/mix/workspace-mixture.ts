import type { KneserNey } from '../ngram/kneser-ney';
import type { MixtureWeights } from './mixture-weights';

/** The models of a WorkspaceMixture's weights, in order. */
export const MIXTURE_MODELS = ['lstm', 'ngram', 'cache'] as const;

/**
 * What completes besides the LSTM, saved with a workspace model: the workspace's Kneser-Ney
 * n-gram and the weights that mix the LSTM, the n-gram and the open document's cache
 * (MIXTURE_MODELS' order), per bucket of the n-gram's matched context, fitted on the validation
 * text of the run that made the model.
 */
export interface WorkspaceMixture {
  ngram: KneserNey;
  /** The n-gram's order, chosen on the validation text (= ngram.maxOrder). */
  order: number;
  weights: MixtureWeights;
  /** The document caches' n-gram order the weights were fitted with. */
  cacheOrder: number;
  /** Validation nats/char at the same positions, each alone and mixed, and how many positions. */
  valid: { lstm: number; ngram: number; mixture: number; chars: number };
}

/** Whether the n-gram alone beat the LSTM alone on validation: then the status bar says the n-gram leads. */
export function ngramLeads(mixture: WorkspaceMixture): boolean {
  return mixture.valid.ngram < mixture.valid.lstm;
}
