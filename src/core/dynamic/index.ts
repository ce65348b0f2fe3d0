export {
  DEFAULT_SEGMENT, DEFAULT_RMS_EPS, DYNAMIC_DEFAULTS, DynamicAdapter, evaluateDynamic, gradientStats, segmentFor, segmentsBefore,
} from './dynamic-eval';
export type { DynamicCheckpoint, DynamicEvalOptions, DynamicEvaluation, DynamicSettings, GradientStats } from './dynamic-eval';
export { DynamicReader } from './dynamic-reader';
export { TYPING_SETTINGS, TypedTextLearner, localLearner } from './typed-text-learner';
export type { LearnedStretch, Learner, StretchJob } from './typed-text-learner';
export { ThreadedLearner } from './threaded-learner';
