// Kubernetes' list library (isSorted, sum, min, max, indexOf, lastIndexOf) and cel-go's lists extension as
// Kubernetes 1.34+ enables it (lists.range, distinct, flatten, reverse, slice, sort, first, last).
import type { Environment } from '@marcbachmann/cel-js';
import { EvaluationError, Optional } from '@marcbachmann/cel-js';
import { celCompare, celEquals, OrderingError } from '../compare.js';

class ListsNamespace {}

function compare(a: unknown, b: unknown): number {
  try {
    return celCompare(a, b);
  } catch (error) {
    if (error instanceof OrderingError) throw new EvaluationError(error.message);
    throw error;
  }
}

function extreme(list: unknown[], sign: 1 | -1, name: string): unknown {
  if (list.length === 0) throw new EvaluationError(`${name}: the list is empty`);
  let best = list[0];
  for (let i = 1; i < list.length; i++) if (compare(list[i], best) * sign > 0) best = list[i];
  return best;
}

function sum(list: unknown[]): unknown {
  if (list.length === 0) return 0n;
  if (list.every((v) => typeof v === 'bigint')) return (list as bigint[]).reduce((a, b) => a + b, 0n);
  if (list.every((v) => typeof v === 'number')) return (list as number[]).reduce((a, b) => a + b, 0);
  throw new EvaluationError('sum: the list must hold only ints or only doubles');
}

function flatten(list: unknown[], depth: number): unknown[] {
  if (depth < 0) throw new EvaluationError('flatten: depth must not be negative');
  const out: unknown[] = [];
  for (const item of list) {
    if (Array.isArray(item) && depth > 0) out.push(...flatten(item, depth - 1));
    else out.push(item);
  }
  return out;
}

export function registerLists(env: Environment): void {
  env
    .registerFunction('list.isSorted(): bool', (list: unknown[]) => {
      for (let i = 1; i < list.length; i++) if (compare(list[i - 1], list[i]) > 0) return false;
      return true;
    })
    .registerFunction('list.sum(): dyn', sum)
    .registerFunction('list.min(): dyn', (list: unknown[]) => extreme(list, -1, 'min'))
    .registerFunction('list.max(): dyn', (list: unknown[]) => extreme(list, 1, 'max'))
    .registerFunction('list.indexOf(dyn): int', (list: unknown[], v: unknown) =>
      BigInt(list.findIndex((x) => celEquals(x, v))),
    )
    .registerFunction('list.lastIndexOf(dyn): int', (list: unknown[], v: unknown) =>
      BigInt(list.findLastIndex((x) => celEquals(x, v))),
    )
    .registerFunction('list.distinct(): list', (list: unknown[]) => {
      const out: unknown[] = [];
      for (const v of list) if (!out.some((o) => celEquals(o, v))) out.push(v);
      return out;
    })
    .registerFunction('list.flatten(): list', (list: unknown[]) => flatten(list, 1))
    .registerFunction('list.flatten(int): list', (list: unknown[], depth: bigint) => flatten(list, Number(depth)))
    .registerFunction('list.reverse(): list', (list: unknown[]) => [...list].reverse())
    .registerFunction('list.slice(int, int): list', (list: unknown[], start: bigint, end: bigint) => {
      const s = Number(start);
      const e = Number(end);
      if (s < 0 || e < 0 || s > e || e > list.length) {
        throw new EvaluationError(`slice: indexes ${s}, ${e} out of range for a list of ${list.length}`);
      }
      return list.slice(s, e);
    })
    .registerFunction('list.sort(): list', (list: unknown[]) => [...list].sort(compare))
    .registerFunction('list.first(): optional<dyn>', (list: unknown[]) =>
      list.length > 0 ? Optional.of(list[0]) : Optional.none(),
    )
    .registerFunction('list.last(): optional<dyn>', (list: unknown[]) =>
      list.length > 0 ? Optional.of(list[list.length - 1]) : Optional.none(),
    )
    .registerType('ListsNamespace', ListsNamespace)
    .registerConstant('lists', 'ListsNamespace', new ListsNamespace())
    .registerFunction('ListsNamespace.range(int): list<int>', (_ns: unknown, n: bigint) => {
      const out: bigint[] = [];
      for (let i = 0n; i < n; i++) out.push(i);
      return out;
    });
}
