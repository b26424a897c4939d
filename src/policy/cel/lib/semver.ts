// Kubernetes' semver library (1.33+): `isSemver`, `semver('1.2.3')` and comparisons, Semantic Versioning 2.0.
// With `normalize` (the second argument), a `v` prefix, missing minor/patch and leading zeros are accepted.
import type { Environment } from '@marcbachmann/cel-js';
import { EvaluationError } from '@marcbachmann/cel-js';

const STRICT =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export class Semver {
  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: string[],
  ) {}

  static parse(text: string, normalize = false): Semver | undefined {
    let s = text;
    if (normalize) {
      s = s.replace(/^v/, '');
      const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?(.*)$/.exec(s);
      if (!m) return undefined;
      s = `${BigInt(m[1]!)}.${BigInt(m[2] ?? '0')}.${BigInt(m[3] ?? '0')}${m[4]}`;
    }
    const m = STRICT.exec(s);
    if (!m) return undefined;
    return new Semver(BigInt(m[1]!), BigInt(m[2]!), BigInt(m[3]!), m[4] ? m[4].split('.') : []);
  }

  compare(other: unknown): number {
    if (!(other instanceof Semver)) throw new EvaluationError('expected a semver');
    for (const k of ['major', 'minor', 'patch'] as const) {
      if (this[k] !== other[k]) return this[k] < other[k] ? -1 : 1;
    }
    // A release sorts after its pre-releases.
    if (this.pre.length === 0 && other.pre.length === 0) return 0;
    if (this.pre.length === 0) return 1;
    if (other.pre.length === 0) return -1;
    for (let i = 0; i < Math.max(this.pre.length, other.pre.length); i++) {
      const a = this.pre[i];
      const b = other.pre[i];
      if (a === undefined) return -1;
      if (b === undefined) return 1;
      if (a === b) continue;
      const na = /^\d+$/.test(a);
      const nb = /^\d+$/.test(b);
      if (na && nb) return BigInt(a) < BigInt(b) ? -1 : 1;
      if (na !== nb) return na ? -1 : 1;
      return a < b ? -1 : 1;
    }
    return 0;
  }

  equals(other: unknown): boolean {
    return other instanceof Semver && this.compare(other) === 0;
  }
}

function parse(text: string, normalize: boolean): Semver {
  const v = Semver.parse(text, normalize);
  if (!v) throw new EvaluationError(`invalid semver: ${text}`);
  return v;
}

export function registerSemver(env: Environment): void {
  const S = 'kubernetes.Semver';
  env
    .registerType(S, Semver)
    .registerFunction('isSemver(string): bool', (s: string) => Semver.parse(s) !== undefined)
    .registerFunction('isSemver(string, bool): bool', (s: string, n: boolean) => Semver.parse(s, n) !== undefined)
    .registerFunction(`semver(string): ${S}`, (s: string) => parse(s, false))
    .registerFunction(`semver(string, bool): ${S}`, (s: string, n: boolean) => parse(s, n))
    .registerFunction(`${S}.major(): int`, (v: Semver) => v.major)
    .registerFunction(`${S}.minor(): int`, (v: Semver) => v.minor)
    .registerFunction(`${S}.patch(): int`, (v: Semver) => v.patch)
    .registerFunction(`${S}.isLessThan(${S}): bool`, (a: Semver, b: Semver) => a.compare(b) < 0)
    .registerFunction(`${S}.isGreaterThan(${S}): bool`, (a: Semver, b: Semver) => a.compare(b) > 0)
    .registerFunction(`${S}.compareTo(${S}): int`, (a: Semver, b: Semver) => BigInt(a.compare(b)))
    .registerOperator(`${S} == ${S}`, (a: Semver, b: Semver) => a.equals(b));
}
