// CEL equality and ordering over the values policies see (BigInt ints, number doubles, strings, bools, null,
// lists, maps, and the library types with an `equals`/`compare`), for the list and set functions.

interface Comparable {
  compare(other: unknown): number;
}
interface Equatable {
  equals(other: unknown): boolean;
}

const isPlainMap = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && (v.constructor === Object || v.constructor === undefined);

/** CEL `==`: numbers compare across int and double, lists and maps element-wise, never by reference. */
export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'bigint' || ta === 'number') && (tb === 'bigint' || tb === 'number')) {
    return (a as number) == (b as number);
  }
  if (a === null || b === null || ta !== 'object' || tb !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!celEquals(a[i], b[i])) return false;
    return true;
  }
  if (isPlainMap(a)) {
    if (!isPlainMap(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => Object.hasOwn(b, k) && celEquals(a[k], b[k]));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof (a as Equatable).equals === 'function') return (a as Equatable).equals(b);
  return false;
}

export class OrderingError extends Error {
  override name = 'OrderingError';
}

/** CEL ordering (`<`) for the comparable types; anything else has no order. */
export function celCompare(a: unknown, b: unknown): number {
  const ta = typeof a;
  const tb = typeof b;
  if ((ta === 'bigint' || ta === 'number') && (tb === 'bigint' || tb === 'number')) {
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  if (ta === 'string' && tb === 'string') return (a as string) < (b as string) ? -1 : a === b ? 0 : 1;
  if (ta === 'boolean' && tb === 'boolean') return Number(a) - Number(b);
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  if (a !== null && ta === 'object' && typeof (a as Comparable).compare === 'function') {
    return (a as Comparable).compare(b);
  }
  throw new OrderingError(`no ordering between ${typeName(a)} and ${typeName(b)}`);
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'number') return 'double';
  if (Array.isArray(value)) return 'list';
  if (isPlainMap(value)) return 'map';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
