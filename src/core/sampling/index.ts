export { type Random, seededRandom, mathRandom } from '../math/random';
export {
  type Logits,
  type Strategy,
  STRATEGY_DEFAULTS,
  parseStrategy,
  describeStrategy,
} from './strategy';
export { softmax, logSoftmax } from '../math/softmax';
export { greedy } from '../math/greedy';
export { sampleTemperature } from './temperature';
export { sampleTopK } from './top-k';
export { sampleTopP } from './top-p';
export { pick } from './pick';
