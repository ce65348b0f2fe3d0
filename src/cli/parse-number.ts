import { InvalidArgumentError } from 'commander';

/**
 * Argument parsers for commander's `.argParser()` / `.option(flags, description, parser)`.
 * They are strict where `Number()` is lenient: "", " ", "0x10", "1e", "Infinity" and "12abc"
 * are all rejected, so a typo never becomes 0, 16 or NaN silently.
 */

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface Bounds {
  min?: number;
  max?: number;
  /** Whether `min` itself is excluded (e.g. a learning rate must be > 0, not ≥ 0). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/** A whole number in [min, max]. */
export function intArg(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const text = value.trim();
    const n = INTEGER.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER
        ? `expected a whole number ≥ ${min}`
        : `expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** A finite decimal number within `bounds`. */
export function floatArg(bounds: Bounds = {}): (value: string) => number {
  return (value) => {
    const text = value.trim();
    const n = DECIMAL.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(n) || !within(n, bounds)) {
      throw new InvalidArgumentError(`expected a number${describeBounds(bounds)}`);
    }
    return n;
  };
}

function within(n: number, b: Bounds): boolean {
  if (b.min !== undefined && (b.minExclusive ? n <= b.min : n < b.min)) return false;
  if (b.max !== undefined && (b.maxExclusive ? n >= b.max : n > b.max)) return false;
  return true;
}

/** E.g. " in [0, 1)", " > 0", " ≤ 60"; "" when unbounded. */
export function describeBounds(b: Bounds): string {
  if (b.min !== undefined && b.max !== undefined) {
    return ` in ${b.minExclusive ? '(' : '['}${b.min}, ${b.max}${b.maxExclusive ? ')' : ']'}`;
  }
  if (b.min !== undefined) return ` ${b.minExclusive ? '>' : '≥'} ${b.min}`;
  if (b.max !== undefined) return ` ${b.maxExclusive ? '<' : '≤'} ${b.max}`;
  return '';
}
