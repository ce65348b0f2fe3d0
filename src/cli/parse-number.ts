import { InvalidArgumentError } from 'commander';

/**
 * Argument parsers for commander's `.argParser()` / `.option(flags, description, parser)`.
 * They are strict where `Number()` is lenient: "", " ", "0x10", "1e", "Infinity" and "12abc"
 * are all rejected, so a typo never becomes 0, 16 or NaN silently.
 */

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface Bounds {
  min?: number;
  max?: number;
  /** Whether `min` itself is excluded (e.g. a learning rate must be > 0, not ≥ 0). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

/**
 * A whole number in [min, max], written as digits or in exponent notation ("1e9", "2.5e3"), as
 * long as its value is whole. Past Number.MAX_SAFE_INTEGER (2^53 - 1) whole numbers are not
 * exact in JavaScript, so that is the limit where `max` does not set a lower one.
 */
export function intArg(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  const expected = max === Number.MAX_SAFE_INTEGER ? `a whole number ≥ ${min}` : `a whole number from ${min} to ${max}`;
  return (value) => {
    const text = value.trim();
    const n = DECIMAL.test(text) ? Number(text) + 0 : NaN; // + 0: "-0" is 0
    if (Number.isNaN(n)) throw new InvalidArgumentError(`expected ${expected}`);
    // "1e-400" underflows to 0: not whole all the same.
    const underflow = n === 0 && /[1-9]/.test(text.split(/[eE]/)[0]);
    if (underflow || (Number.isFinite(n) && !Number.isInteger(n))) {
      throw new InvalidArgumentError(`expected ${expected}; ${text} is not whole`);
    }
    if (n < min) throw new InvalidArgumentError(`expected ${expected}`);
    if (n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER
        ? `expected ${expected}, at most ${max} (2^53 - 1, the largest whole number counted exactly)`
        : `expected ${expected}; ${text} is more than ${max}`);
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
