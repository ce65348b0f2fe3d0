import type { HeapOffset, Kernels } from './kernels/kernels';
import type { Param } from './parameters';

/**
 * Checks a layer runs on entry. Layers take heap offsets and counts, not arrays, so a wrong
 * argument would not fail where it is passed: it would read or write another buffer's floats, or
 * trap inside wasm at a negative byte address. Each check is O(1) and throws a RangeError naming
 * the method (`where`, e.g. "LSTM layer0 recur"), the argument and the shape it should have.
 */

/** A buffer's shape, outermost first, for messages: `{ time: 5, '4*hidden': 28 }` reads `[time 5, 4*hidden 28]`. */
export type Dims = Record<string, number>;

const floatsOf = (dims: Dims): number => Object.values(dims).reduce((a, b) => a * b, 1);
const describe = (dims: Dims): string => `[${Object.entries(dims).map(([name, n]) => `${name} ${n}`).join(', ')}]`;

/** `value` is a whole number ≥ `least`: a batch, a count of steps or rows. */
export function checkCount(where: string, name: string, value: number, least: number): void {
  if (Number.isInteger(value) && value >= least) return;
  throw new RangeError(`${where}: ${name} must be a whole number of at least ${least}, got ${value}`);
}

/** The buffer `name` of shape `dims` at `offset` lies inside the heap (an empty one anywhere). */
export function checkBuffer(k: Kernels, where: string, name: string, offset: HeapOffset, dims: Dims): void {
  const floats = floatsOf(dims);
  if (floats === 0) return;
  const heapFloats = k.heap.length;
  if (Number.isInteger(offset) && offset >= 0 && offset + floats <= heapFloats) return;
  const what = `${where}: ${name} ${describe(dims)} (${floats} floats) at heap offset ${offset}`;
  if (!(Number.isInteger(offset) && offset >= 0)) throw new RangeError(`${what} is not a place in the heap`);
  throw new RangeError(`${what} runs past the heap's end (${heapFloats} floats)`);
}

/** The parameter has the shape the layer was built for (its specs made with other sizes would not). */
export function checkParamShape(where: string, param: Param, dims: Dims): void {
  const want = Object.values(dims);
  if (param.shape.length === want.length && param.shape.every((n, i) => n === want[i])) return;
  const has = `[${param.shape.join(', ')}]`;
  throw new RangeError(`${where}: parameter ${param.name} has shape ${has}, the layer needs ${describe(dims)}`);
}
