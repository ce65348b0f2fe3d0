export {
  DEFAULT_SEGMENT, DEFAULT_RMS_EPS, DYNAMIC_DEFAULTS, DynamicAdapter, evaluateDynamic, gradientStats, segmentFor, segmentsBefore,
} from './dynamic-eval';
export type { DynamicCheckpoint, DynamicEvalOptions, DynamicEvaluation, DynamicSettings, GradientStats } from './dynamic-eval';
export { DynamicReader } from './dynamic-reader';
