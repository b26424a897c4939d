// Kubernetes resource quantities compared by value, exactly: `100m` = `0.1`, `1Gi` = `1024Mi`, `1e3` = `1k`.
// The API server rewrites quantities into a canonical form, so Git's `0.5` comes back as `500m`.

/** A non-negative-or-negative rational number as numerator / denominator, both BigInt so nothing rounds. */
interface Rational {
  num: bigint;
  den: bigint;
}

const BINARY: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$/;

export function parseQuantity(value: unknown): Rational | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    text = String(value);
    // String(1e21) is "1e+21": still matches the exponent form below.
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return undefined;
  }
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const [, sign, digits, suffix = ''] = match as unknown as [string, string, string, string | undefined];
  const [whole = '', fraction = ''] = digits.split('.');
  let num = BigInt((whole || '0') + fraction);
  let den = 10n ** BigInt(fraction.length);
  if (sign === '-') num = -num;
  if (suffix in BINARY) {
    num *= 1024n ** BigInt(BINARY[suffix]!);
  } else {
    const exponent = suffix in DECIMAL ? DECIMAL[suffix]! : Number(suffix.slice(1));
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 100) return undefined;
    if (exponent >= 0) num *= 10n ** BigInt(exponent);
    else den *= 10n ** BigInt(-exponent);
  }
  return { num, den };
}

export function quantitiesEqual(a: unknown, b: unknown): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  return x !== undefined && y !== undefined && x.num * y.den === y.num * x.den;
}

/** Map keys whose values are quantities: resource lists (limits, requests, ResourceQuota, LimitRange, …). */
const QUANTITY_MAPS = new Set([
  'limits',
  'requests',
  'hard',
  'capacity',
  'allocatable',
  'overhead',
  'max',
  'min',
  'default',
  'defaultRequest',
  'maxLimitRequestRatio',
]);
const QUANTITY_FIELDS = new Set(['sizeLimit', 'storage']);

/** Whether the value at this path (keys only) holds a quantity. */
export function isQuantityPath(keys: readonly (string | number | object)[]): boolean {
  const last = keys[keys.length - 1];
  const parent = keys[keys.length - 2];
  return (
    (typeof last === 'string' && QUANTITY_FIELDS.has(last)) || (typeof parent === 'string' && QUANTITY_MAPS.has(parent))
  );
}
