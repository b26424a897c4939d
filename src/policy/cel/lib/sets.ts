// cel-go's sets extension (Kubernetes 1.29+): set relations between lists, by CEL equality.
import type { Environment } from '@marcbachmann/cel-js';
import { celEquals } from '../compare.js';

class SetsNamespace {}

const has = (list: unknown[], v: unknown) => list.some((x) => celEquals(x, v));

export function registerSets(env: Environment): void {
  env
    .registerType('SetsNamespace', SetsNamespace)
    .registerConstant('sets', 'SetsNamespace', new SetsNamespace())
    .registerFunction('SetsNamespace.contains(list, list): bool', (_ns: unknown, a: unknown[], b: unknown[]) =>
      b.every((v) => has(a, v)),
    )
    .registerFunction(
      'SetsNamespace.equivalent(list, list): bool',
      (_ns: unknown, a: unknown[], b: unknown[]) => b.every((v) => has(a, v)) && a.every((v) => has(b, v)),
    )
    .registerFunction('SetsNamespace.intersects(list, list): bool', (_ns: unknown, a: unknown[], b: unknown[]) =>
      b.some((v) => has(a, v)),
    );
}
