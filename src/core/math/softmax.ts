import { greedy } from './greedy';
import type { Logits } from './logits';

/**
 * Probabilities (summing to 1) from logits scaled by 1/temperature. The max logit is
 * subtracted first so exp never overflows (±1e4 logits are fine) and the max id always
 * gets weight exp(0) = 1, so the sum is ≥ 1 and never 0. Float64 regardless of input:
 * float32 loses the tail at low temperature.
 */
export function softmax(logits: Logits, temperature = 1): Float64Array {
  checkTemperature(temperature);
  const max = logits[greedy(logits)];
  const out = new Float64Array(logits.length);
  if (max === Infinity) return shareAmongInfinite(logits, out);
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp((logits[i] - max) / temperature); // -Infinity logits give exactly 0
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** Natural-log probabilities; exact in the tail where softmax underflows to 0 (for losses). */
export function logSoftmax(logits: Logits, temperature = 1): Float64Array {
  checkTemperature(temperature);
  const max = logits[greedy(logits)];
  const out = new Float64Array(logits.length);
  if (max === Infinity) {
    shareAmongInfinite(logits, out);
    for (let i = 0; i < out.length; i++) out[i] = Math.log(out[i]);
    return out;
  }
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = (logits[i] - max) / temperature;
    sum += Math.exp(out[i]);
  }
  const logSum = Math.log(sum);
  for (let i = 0; i < out.length; i++) out[i] -= logSum;
  return out;
}

/** +Infinity logits outrank every finite one: they split all the mass equally. */
function shareAmongInfinite(logits: Logits, out: Float64Array): Float64Array {
  let count = 0;
  for (let i = 0; i < logits.length; i++) if (logits[i] === Infinity) count++;
  for (let i = 0; i < logits.length; i++) out[i] = logits[i] === Infinity ? 1 / count : 0;
  return out;
}

/** The temperature `t` of a softmax, refused unless finite and above 0. */
export function checkTemperature(t: number): number {
  if (!(Number.isFinite(t) && t > 0)) {
    // T=0 would divide by zero; greedy is its well-defined limit.
    throw new Error(`temperature must be a finite number > 0, got ${t} (use greedy for T → 0)`);
  }
  return t;
}
