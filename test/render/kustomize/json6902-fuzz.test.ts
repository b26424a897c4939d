// Differential test for JSON 6902: seeded random operation lists (every operation, valid and missing paths, negative,
// out-of-range and `-` indices, escaped keys, values and no values) on a ConfigMap-like custom resource, applied by
// kubectl kustomize and by envgate. Both must agree on the result, or both must fail.
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasKubectl } from '../../helpers/kubectl-renderer.js';
import { renderWithEnvgate, renderWithKubectl, type Outcome, type ParityCase } from './patch-parity.js';

const SEED = Number(process.env.ENVGATE_FUZZ_SEED ?? 6902);
const CASES = 40;

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const resource = {
  apiVersion: 'example.com/v1',
  kind: 'Pipeline',
  metadata: { name: 'build', labels: { team: 'ci' } },
  spec: {
    stages: ['lint', 'test', 'build'],
    params: { 'a/b': 'slash', 'c~d': 'tilde', retries: 2 },
    steps: [{ name: 'checkout' }, { name: 'compile', args: ['-O2'] }],
  },
};

const paths = [
  '/spec/stages/0',
  '/spec/stages/2',
  '/spec/stages/3',
  '/spec/stages/-',
  '/spec/stages/-1',
  '/spec/stages/-3',
  '/spec/stages/-4',
  '/spec/stages/x',
  '/spec/params/a~1b',
  '/spec/params/c~0d',
  '/spec/params/retries',
  '/spec/params/missing',
  '/spec/missing/deeper',
  '/spec/steps/1/args/0',
  '/spec/steps/1/name',
  '/spec/steps/5/name',
  '/metadata/labels/team',
  '/spec/newField',
];
const values = [1, 'text', null, true, { nested: ['x'] }, ['a', 'b']];

function operations(next: () => number): unknown[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
    const op = pick(['add', 'remove', 'replace', 'move', 'copy', 'test', 'add', 'replace']);
    const o: Record<string, unknown> = { op, path: pick(paths) };
    if (op === 'move' || op === 'copy') o.from = pick(paths);
    if ((op === 'add' || op === 'replace' || op === 'test') && next() < 0.9) o.value = pick(values);
    if (op === 'test' && next() < 0.5) o.value = pick(['lint', 'slash', 2, 'ci', 'checkout']);
    return o;
  });
}

const next = random(SEED);
const cases: ParityCase[] = Array.from({ length: CASES }, (_, i) => ({
  name: `json-fuzz-${i}`,
  resources: stringify(resource),
  patches: [{ patch: JSON.stringify(operations(next)), target: { kind: 'Pipeline' } }],
}));

let kubectl: Map<string, Outcome>;

beforeAll(async () => {
  if (!hasKubectl) {
    console.warn('kubectl is not on PATH: JSON 6902 differential cases are skipped');
    return;
  }
  kubectl = await renderWithKubectl(cases);
}, 120_000);

describe.skipIf(!hasKubectl)(`random JSON 6902 patches (seed ${SEED}) match kubectl kustomize`, () => {
  it('exercises both outcomes', () => {
    const rendered = [...kubectl.values()].filter((o) => 'objects' in o).length;
    expect(rendered).toBeGreaterThan(CASES * 0.2);
    expect(rendered).toBeLessThan(CASES * 0.9);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const expected = kubectl.get(c.name)!;
    const actual = renderWithEnvgate(c);
    const context = c.patches![0]!.patch;
    if ('error' in expected) expect(actual, `${context}\nkubectl: ${expected.error}`).toHaveProperty('error');
    else expect(actual, context).toEqual(expected);
  });
});
