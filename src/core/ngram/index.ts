// An interpolated modified Kneser-Ney character n-gram: the baseline completions are measured against.
export { PairTable } from './pair-table';
export { NgramCounts, countNgrams, DEFAULT_MAX_NODES, type CountOptions } from './ngram-counts';
export { modifiedKneserNeyDiscounts, discountOf, MIN_DISCOUNT, type Discounts } from './discounts';
export { KneserNey } from './kneser-ney';
export { scoreOrders, natsPerChar, type OrderScore } from './score';
export { selectOrder, trainKneserNey, type OrderSelection, type SelectOptions, type TrainedKneserNey } from './select-order';
export { NgramPredictor } from './ngram-predictor';
