import type { Logits } from '../math/logits';
import { checkTemperature } from '../math/softmax';

export type { Logits };

/** How the next character id is chosen from the model's logits. */
export type Strategy =
  | { kind: 'greedy' }
  | { kind: 'temperature'; temperature: number }
  | { kind: 'topk'; k: number; temperature: number }
  | { kind: 'topp'; p: number; temperature: number };

/**
 * Used when an option is not given. T=1 samples the model's own distribution; k=10 (of a
 * ~100-character vocabulary) cuts the long tail where typos live but leaves room to vary;
 * p=0.9 is a common nucleus setting.
 */
export const STRATEGY_DEFAULTS = { temperature: 1, k: 10, p: 0.9 } as const;

const KINDS: Record<string, Strategy['kind']> = {
  greedy: 'greedy',
  temperature: 'temperature',
  topk: 'topk',
  'top-k': 'topk',
  topp: 'topp',
  'top-p': 'topp',
  nucleus: 'topp',
};

/**
 * Turns user input (CLI flags, settings) into a validated Strategy. Options a strategy does
 * not use are ignored, so a front end may pass all of them unconditionally.
 */
export function parseStrategy(
  name: string,
  opts: { temperature?: number; k?: number; p?: number },
): Strategy {
  const kind = KINDS[name.trim().toLowerCase()];
  if (kind === undefined) {
    throw new Error(`unknown sampling strategy "${name}"; expected greedy, temperature, top-k or top-p`);
  }
  if (kind === 'greedy') return { kind };
  const temperature = checkTemperature(opts.temperature ?? STRATEGY_DEFAULTS.temperature);
  if (kind === 'temperature') return { kind, temperature };
  if (kind === 'topk') return { kind, k: checkK(opts.k ?? STRATEGY_DEFAULTS.k), temperature };
  return { kind, p: checkP(opts.p ?? STRATEGY_DEFAULTS.p), temperature };
}

/** Short human-readable form for logs and status bars, e.g. "top-k (k=5, T=0.8)". */
export function describeStrategy(s: Strategy): string {
  switch (s.kind) {
    case 'greedy':
      return 'greedy';
    case 'temperature':
      return `temperature (T=${s.temperature})`;
    case 'topk':
      return `top-k (k=${s.k}, T=${s.temperature})`;
    case 'topp':
      return `top-p (p=${s.p}, T=${s.temperature})`;
    default: {
      const unreachable: never = s;
      throw new Error(`unknown strategy ${JSON.stringify(unreachable)}`);
    }
  }
}

export function checkK(k: number): number {
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`k must be a whole number ≥ 1, got ${k}`);
  return k;
}

export function checkP(p: number): number {
  if (!(p > 0 && p <= 1)) throw new Error(`p must be a number in (0, 1], got ${p}`);
  return p;
}
