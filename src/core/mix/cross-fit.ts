import { fitMixtureWeights, mixtureNatsPerChar, type MixtureWeights, type TargetProbabilities } from './mixture-weights';
import { slicePositions } from './target-probabilities';

/** A mixture measured on held-out text whose own halves fit its weights, each half for the other. */
export interface CrossFit {
  /** The mixture's loss, nats/char: each half scored with the weights fitted on the other. */
  natsPerChar: number;
  /** Each model alone at the same positions, nats/char. */
  modelNatsPerChar: number[];
  /** Where the second half starts; `weightsFor(at)` gives the weights that were not fitted on `at`. */
  half: number;
  fittedOnFirst: MixtureWeights;
  fittedOnSecond: MixtureWeights;
  weightsFor(at: number): MixtureWeights;
}

/**
 * Two-fold cross-fitting: the weights are fitted on one half of the held-out positions and
 * scored on the other, so no position is scored with weights fitted on it (the models were
 * trained elsewhere; their probabilities on their own training text would be overconfident).
 */
export function crossFitMixture(targets: TargetProbabilities, buckets: number): CrossFit {
  const n = targets.bucket.length;
  if (n < 2) throw new RangeError(`too little held-out text to fit a mixture (${n} chars)`);
  const half = Math.floor(n / 2);
  const first = slicePositions(targets, 0, half), second = slicePositions(targets, half, n);
  const fittedOnFirst = fitMixtureWeights(first, buckets), fittedOnSecond = fitMixtureWeights(second, buckets);
  const natsPerChar = (mixtureNatsPerChar(first, fittedOnSecond) * half + mixtureNatsPerChar(second, fittedOnFirst) * (n - half)) / n;
  return {
    natsPerChar, modelNatsPerChar: targets.probs.map(meanNats),
    half, fittedOnFirst, fittedOnSecond,
    weightsFor: (at) => (at < half ? fittedOnSecond : fittedOnFirst),
  };
}

/** Mean -log p over the positions: a model's loss alone, nats/char. */
export function meanNats(p: Float64Array): number {
  let nats = 0;
  for (let i = 0; i < p.length; i++) nats -= Math.log(p[i]);
  return nats / p.length;
}
