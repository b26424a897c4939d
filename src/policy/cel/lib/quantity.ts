// Kubernetes' quantity library: `quantity('500m')`, `isQuantity`, comparisons and arithmetic on
// resource.Quantity values, exactly (a quantity is held as a fraction of BigInts, never as a float).
import type { Environment } from '@marcbachmann/cel-js';
import { EvaluationError } from '@marcbachmann/cel-js';

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const QUANTITY = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/;
const INT64_MAX = 2n ** 63n - 1n;
const INT64_MIN = -(2n ** 63n);

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
};

export class Quantity {
  /** value = num / den, den > 0, reduced. */
  readonly num: bigint;
  readonly den: bigint;

  constructor(num: bigint, den = 1n) {
    const g = gcd(num, den) || 1n;
    this.num = num / g;
    this.den = den / g;
  }

  static parse(text: string): Quantity {
    const m = QUANTITY.exec(text.trim() === text ? text : '\u0000');
    if (!m || (m[2] === '' && (m[3] ?? '') === ''))
      throw new EvaluationError(
        `quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$': ${text}`,
      );
    const [, sign, whole, fraction = '', suffix = ''] = m;
    let num = BigInt(`${whole || '0'}${fraction}`);
    let den = 10n ** BigInt(fraction.length);
    if (suffix in DECIMAL_SUFFIX) {
      const exp = DECIMAL_SUFFIX[suffix]!;
      if (exp >= 0) num *= 10n ** BigInt(exp);
      else den *= 10n ** BigInt(-exp);
    } else if (suffix in BINARY_SUFFIX) {
      num *= 2n ** BigInt(BINARY_SUFFIX[suffix]!);
    } else if (/^[eE][+-]?[0-9]+$/.test(suffix)) {
      const exp = Number(suffix.slice(1));
      if (Math.abs(exp) > 10000) throw new EvaluationError(`quantity exponent out of range: ${text}`);
      if (exp >= 0) num *= 10n ** BigInt(exp);
      else den *= 10n ** BigInt(-exp);
    } else {
      throw new EvaluationError(`unable to parse quantity's suffix: ${text}`);
    }
    return new Quantity(sign === '-' ? -num : num, den);
  }

  static tryParse(text: string): Quantity | undefined {
    try {
      return Quantity.parse(text);
    } catch {
      return undefined;
    }
  }

  compare(other: unknown): number {
    const o = toQuantity(other);
    const left = this.num * o.den;
    const right = o.num * this.den;
    return left < right ? -1 : left > right ? 1 : 0;
  }

  equals(other: unknown): boolean {
    return other instanceof Quantity && this.compare(other) === 0;
  }

  add(other: Quantity): Quantity {
    return new Quantity(this.num * other.den + other.num * this.den, this.den * other.den);
  }

  isInteger(): boolean {
    if (this.den !== 1n) return false;
    return this.num <= INT64_MAX && this.num >= INT64_MIN;
  }

  toString(): string {
    if (this.den === 1n) return this.num.toString();
    return String(Number(this.num) / Number(this.den));
  }
}

function toQuantity(v: unknown): Quantity {
  if (v instanceof Quantity) return v;
  if (typeof v === 'bigint') return new Quantity(v);
  if (typeof v === 'string') return Quantity.parse(v);
  throw new EvaluationError('expected a quantity');
}

export function registerQuantity(env: Environment): void {
  env
    .registerType('kubernetes.Quantity', Quantity)
    .registerFunction('quantity(string): kubernetes.Quantity', (s: string) => Quantity.parse(s))
    .registerFunction('isQuantity(string): bool', (s: string) => Quantity.tryParse(s) !== undefined)
    .registerFunction('kubernetes.Quantity.isInteger(): bool', (q: Quantity) => q.isInteger())
    .registerFunction('kubernetes.Quantity.asInteger(): int', (q: Quantity) => {
      if (!q.isInteger()) throw new EvaluationError('cannot convert value to integer');
      return q.num;
    })
    .registerFunction('kubernetes.Quantity.asApproximateFloat(): double', (q: Quantity) => {
      const whole = q.num / q.den;
      const remainder = q.num - whole * q.den;
      return Number(whole) + Number(remainder) / Number(q.den);
    })
    .registerFunction('kubernetes.Quantity.sign(): int', (q: Quantity) => BigInt(q.num > 0n ? 1 : q.num < 0n ? -1 : 0))
    .registerFunction('kubernetes.Quantity.add(kubernetes.Quantity): kubernetes.Quantity', (a: Quantity, b: Quantity) =>
      a.add(b),
    )
    .registerFunction('kubernetes.Quantity.add(int): kubernetes.Quantity', (a: Quantity, b: bigint) =>
      a.add(new Quantity(b)),
    )
    .registerFunction('kubernetes.Quantity.sub(kubernetes.Quantity): kubernetes.Quantity', (a: Quantity, b: Quantity) =>
      a.add(new Quantity(-b.num, b.den)),
    )
    .registerFunction('kubernetes.Quantity.sub(int): kubernetes.Quantity', (a: Quantity, b: bigint) =>
      a.add(new Quantity(-b)),
    )
    .registerFunction(
      'kubernetes.Quantity.isLessThan(kubernetes.Quantity): bool',
      (a: Quantity, b: Quantity) => a.compare(b) < 0,
    )
    .registerFunction(
      'kubernetes.Quantity.isGreaterThan(kubernetes.Quantity): bool',
      (a: Quantity, b: Quantity) => a.compare(b) > 0,
    )
    .registerFunction('kubernetes.Quantity.compareTo(kubernetes.Quantity): int', (a: Quantity, b: Quantity) =>
      BigInt(a.compare(b)),
    )
    .registerOperator('kubernetes.Quantity == kubernetes.Quantity', (a: Quantity, b: Quantity) => a.equals(b));
}
