/**
 * Natural-log unnormalised scores, one per character id (length = vocabulary size V).
 * -Infinity masks an id out; +Infinity makes it certain (shared equally with other +Infinity).
 */
export type Logits = Float32Array | Float64Array | readonly number[];
