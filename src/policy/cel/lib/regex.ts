// Kubernetes' regex library: `find` (the first match, or '') and `findAll` (all, or the first n), RE2 syntax.
import type { Environment } from '@marcbachmann/cel-js';
import { findAll } from '../regex.js';
import { regexFor } from './compat.js';

export function registerRegex(env: Environment): void {
  env
    .registerFunction(
      'string.find(string): string',
      (s: string, pattern: string) => regexFor(pattern).exec(s)?.[0] ?? '',
    )
    .registerFunction('string.findAll(string): list<string>', (s: string, pattern: string) => {
      regexFor(pattern);
      return findAll(s, pattern);
    })
    .registerFunction('string.findAll(string, int): list<string>', (s: string, pattern: string, n: bigint) => {
      regexFor(pattern);
      return findAll(s, pattern, Number(n));
    });
}
