import type { ModelConfig } from './config';

/** Upper bounds that keep a hostile or mistyped config from allocating gigabytes. */
export const CONFIG_LIMITS = { vocabSize: 1 << 16, embedding: 4096, hidden: 4096, layers: 8 };

/** Throws a one-line Error naming the first field that is not a valid ModelConfig value. */
export function validateConfig(config: ModelConfig): void {
  const c = config as unknown as Record<string, unknown>;
  if (c.cell !== 'lstm' && c.cell !== 'rnn') throw new Error(`cell must be "lstm" or "rnn", got ${JSON.stringify(c.cell)}`);
  for (const [field, max] of Object.entries(CONFIG_LIMITS)) {
    const v = c[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
      throw new Error(`${field} must be a whole number from 1 to ${max}, got ${JSON.stringify(v)}`);
    }
  }
  if (typeof c.dropout !== 'number' || !(c.dropout >= 0 && c.dropout < 1)) {
    throw new Error(`dropout must be a number in [0, 1), got ${JSON.stringify(c.dropout)}`);
  }
}
