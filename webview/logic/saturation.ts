import { checkShape } from './shape';

/** A gate below this is left-saturated (nearly closed), above RIGHT_SATURATED right-saturated (nearly open). */
export const LEFT_SATURATED = 0.1;
export const RIGHT_SATURATED = 0.9;

export interface Saturation {
  /** `[hidden]`: fraction of steps with value < 0.1. */
  left: Float32Array;
  /** `[hidden]`: fraction of steps with value > 0.9. */
  right: Float32Array;
  /** Steps counted; 0 means no data (left and right are then all 0, not a finding). */
  steps: number;
}

/**
 * How often each unit's gate is saturated over the rows of `[time, hidden]`, as in Karpathy,
 * Johnson & Fei-Fei 2015, fig. 3: one point (left, right) per unit. Units near (0, 1) are
 * always open (forget gates that remember), near (1, 0) always closed, near (0, 0) never
 * saturated: they respond to the text.
 */
export function saturation(values: ArrayLike<number>, time: number, hidden: number): Saturation {
  checkShape(values, time, hidden);
  const left = new Float32Array(hidden), right = new Float32Array(hidden);
  if (time === 0) return { left, right, steps: 0 };
  for (let t = 0; t < time; t++) {
    for (let u = 0; u < hidden; u++) {
      const v = values[t * hidden + u];
      if (v < LEFT_SATURATED) left[u]++;
      else if (v > RIGHT_SATURATED) right[u]++;
    }
  }
  for (let u = 0; u < hidden; u++) {
    left[u] /= time;
    right[u] /= time;
  }
  return { left, right, steps: time };
}
