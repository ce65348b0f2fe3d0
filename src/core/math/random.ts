/** A source of uniform random numbers, injectable so sampling can be replayed exactly. */
export interface Random {
  /** A uniform float in [0, 1). */
  next(): number;
}

/** A generator whose one 32-bit word of state can be saved and put back (a resumed training run). */
export interface SeededRandom extends Random {
  state: number;
}

/**
 * mulberry32 (Tommy Ettinger, 2017): one 32-bit word of state and a period of 2^32 draws,
 * far more than the few thousand characters a completion or sample needs. Chosen over
 * Math.random because a seed reproduces a generated text, and over sfc32 because one word of
 * state is all a seed has to fill.
 *
 * Only the low 32 bits of `seed` matter (seeds 0 and 2^32 give the same sequence).
 */
export function seededRandom(seed: number): SeededRandom {
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number, got ${seed}`);
  let state = seed >>> 0;
  return {
    get state(): number { return state >>> 0; },
    set state(word: number) { state = word | 0; },
    next(): number {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      // 2^32 divisor maps the 32-bit output to [0, 1) without ever reaching 1.
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** Unseeded: a different text each run. */
export const mathRandom: Random = { next: () => Math.random() };
