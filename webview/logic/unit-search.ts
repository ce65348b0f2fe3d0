import { inClass, type CharClass } from './char-classes';
import { checkShape } from './shape';

/** One unit's response to a character class, in the signal's units (a gate's 0…1, the cell's c). */
export interface UnitResponse {
  unit: number;
  /** Mean value over the positions whose character is in the class. */
  inClass: number;
  /** Mean value over the other positions. */
  outside: number;
  /** inClass − outside: positive for units that rise on the class, negative for units that drop. */
  score: number;
}

/**
 * Units ranked by response to a class, or why there is no ranking: a difference of means needs
 * positions both in and out of the class (otherwise it would be NaN).
 */
export type UnitSearch =
  | { status: 'ranked'; occurrences: number; others: number; units: UnitResponse[] }
  | { status: 'no-occurrences'; occurrences: 0; others: number }
  | { status: 'no-others'; occurrences: number; others: 0 };

/**
 * Ranks the units of one signal `[time, hidden]` (row t after `chars[t]`) by how differently
 * they behave on the class's characters: strongest |score| first, so units that switch off on
 * the class (a forget gate at line ends) rank with those that switch on; ties by unit index.
 */
export function searchUnits(values: ArrayLike<number>, time: number, hidden: number,
  chars: readonly string[], cls: CharClass): UnitSearch {
  checkShape(values, time, hidden);
  if (chars.length !== time) throw new RangeError(`${chars.length} characters for ${time} rows`);
  const member = chars.map((c) => inClass(c, cls));
  const occurrences = member.filter(Boolean).length, others = time - occurrences;
  if (occurrences === 0) return { status: 'no-occurrences', occurrences: 0, others };
  if (others === 0) return { status: 'no-others', occurrences, others: 0 };
  const sumIn = new Float64Array(hidden), sumOut = new Float64Array(hidden);
  for (let t = 0; t < time; t++) {
    const sums = member[t] ? sumIn : sumOut;
    for (let u = 0; u < hidden; u++) sums[u] += values[t * hidden + u];
  }
  const units: UnitResponse[] = [];
  for (let u = 0; u < hidden; u++) {
    const inside = sumIn[u] / occurrences, outside = sumOut[u] / others;
    units.push({ unit: u, inClass: inside, outside, score: inside - outside });
  }
  units.sort((a, b) => Math.abs(b.score) - Math.abs(a.score) || a.unit - b.unit);
  return { status: 'ranked', occurrences, others, units };
}

export type UnitOrder = 'index' | 'mean' | 'variance';

/**
 * Unit indices in display order: by index, or by mean or variance over time, largest first
 * (ties by index). With no rows every unit's statistics are 0, so every order is index order.
 */
export function sortUnits(values: ArrayLike<number>, time: number, hidden: number, by: UnitOrder): number[] {
  const order = Array.from({ length: hidden }, (_, u) => u);
  if (by === 'index') return order;
  const stats = unitStats(values, time, hidden);
  const key = by === 'mean' ? stats.mean : stats.variance;
  return order.sort((a, b) => key[b] - key[a] || a - b);
}

/** Per unit `[hidden]`: mean and (population) variance over the `time` rows; 0 when time is 0. */
export function unitStats(values: ArrayLike<number>, time: number, hidden: number): { mean: Float64Array; variance: Float64Array } {
  checkShape(values, time, hidden);
  const mean = new Float64Array(hidden), variance = new Float64Array(hidden);
  if (time === 0) return { mean, variance };
  for (let t = 0; t < time; t++) for (let u = 0; u < hidden; u++) mean[u] += values[t * hidden + u];
  for (let u = 0; u < hidden; u++) mean[u] /= time;
  // Two passes: the one-pass Σx² − n·mean² loses everything to cancellation for cells near ±10.
  for (let t = 0; t < time; t++) {
    for (let u = 0; u < hidden; u++) {
      const d = values[t * hidden + u] - mean[u];
      variance[u] += d * d;
    }
  }
  for (let u = 0; u < hidden; u++) variance[u] /= time;
  return { mean, variance };
}
