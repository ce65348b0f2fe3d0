export { MixtureWeights, fitMixtureWeights, mixtureNatsPerChar, type TargetProbabilities } from './mixture-weights';
export { MixturePredictor, type ContextMatcher } from './mixture-predictor';
export { targetProbabilities, slicePositions } from './target-probabilities';
export { crossFitMixture, type CrossFit } from './cross-fit';
export { DocumentCache } from './document-cache';
