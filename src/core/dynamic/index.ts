export { DEFAULT_SEGMENT, DEFAULT_RMS_EPS, DYNAMIC_DEFAULTS, DynamicAdapter, evaluateDynamic, gradientStats } from './dynamic-eval';
export type { DynamicEvalOptions, DynamicEvaluation, DynamicSettings, GradientStats } from './dynamic-eval';
