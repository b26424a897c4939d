// JSON (as YAML parsing produces it) to CEL values and back. Kubernetes types every integer in an object as
// int64, so `x / 2` is integer division and `type(x) == int` holds: integers become BigInt, other numbers stay
// doubles. Objects stay plain objects (the CEL library reads them as maps), lists stay arrays.

/** A deep copy of `value` with every integral number as a BigInt. Safe on any JSON-shaped input. */
export function toCel(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? BigInt(value) : value;
    case 'object': {
      if (value === null) return null;
      if (Array.isArray(value)) {
        const out = new Array<unknown>(value.length);
        for (let i = 0; i < value.length; i++) out[i] = toCel(value[i]);
        return out;
      }
      if (value instanceof Date) return value.toISOString();
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[key];
        // JSON has no undefined: a key whose value is undefined does not exist.
        if (v !== undefined) out[key] = toCel(v);
      }
      return out;
    }
    case 'undefined':
      return null;
    default:
      return value;
  }
}

/** A CEL result as plain JSON-friendly data (BigInt → number when safe, else string), for messages and output. */
export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (Array.isArray(value)) return value.map(fromCel);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), fromCel(v)]));
  if (
    value !== null &&
    typeof value === 'object' &&
    (value.constructor === Object || value.constructor === undefined)
  ) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromCel(v)]));
  }
  return value;
}
