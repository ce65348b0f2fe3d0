export { MixtureWeights, fitMixtureWeights, mixtureNatsPerChar, type TargetProbabilities } from './mixture-weights';
export { MixturePredictor, mixtureBucket, mixtureBuckets, type ContextMatcher } from './mixture-predictor';
export { targetProbabilities, slicePositions } from './target-probabilities';
export { crossFitMixture, type CrossFit } from './cross-fit';
export { DocumentCache } from './document-cache';
export { CACHE_WINDOW_CHARS, cacheWindowStart, EditorDocumentCache } from './editor-document-cache';
export { MIXTURE_MODELS, ngramLeads, type WorkspaceMixture } from './workspace-mixture';
