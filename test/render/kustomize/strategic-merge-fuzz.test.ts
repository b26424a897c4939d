// Differential test: seeded random Deployments and strategic merge patches (merged and replaced lists, ports with
// and without protocol, topology spread constraints, directives on maps, elements and lists, nulls, duplicates)
// built by kubectl kustomize and by envgate, compared object by object. The seed is fixed, so a failure
// reproduces; ENVGATE_FUZZ_SEED=<n> explores others.
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasKubectl } from '../../helpers/kubectl-renderer.js';
import { renderWithEnvgate, renderWithKubectl, type Outcome, type ParityCase } from './patch-parity.js';

const SEED = Number(process.env.ENVGATE_FUZZ_SEED ?? 20261123);
const CASES = 48;

/** mulberry32: small, seedable. */
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

function generator(seed: number) {
  const next = random(seed);
  const chance = (p: number) => next() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const some = <T>(items: readonly T[], max = items.length): T[] =>
    items.filter(() => chance(0.5)).slice(0, Math.max(0, max));

  const names = ['app', 'sidecar', 'proxy', 'init'];
  const envNames = ['A', 'B', 'C', 'D'];
  const ports = [80, 443, 8080];
  const protocols = [undefined, 'TCP', 'UDP'];

  const env = (patch: boolean) =>
    some(envNames).map((name) => {
      const e: Record<string, unknown> = { name, value: `${name.toLowerCase()}-${patch ? 'patch' : 'base'}` };
      if (patch && chance(0.15)) return { name, $patch: 'delete' };
      if (patch && chance(0.1)) e.value = null;
      return e;
    });
  const portList = () =>
    [...some(ports), ...(chance(0.3) ? [pick(ports)] : [])].map((containerPort) => {
      const p: Record<string, unknown> = { containerPort };
      const protocol = pick(protocols);
      if (protocol) p.protocol = protocol;
      if (chance(0.5)) p.name = `p${containerPort}${chance(0.5) ? 'x' : ''}`;
      return p;
    });
  const container = (name: string, patch: boolean) => {
    const c: Record<string, unknown> = { name };
    if (!patch || chance(0.5)) c.image = `${name}:${patch ? '2' : '1'}`;
    if (chance(0.6)) c.env = env(patch);
    if (chance(0.5)) c.ports = portList();
    if (chance(0.3)) c.args = some(['--a', '--b', '--c']);
    if (chance(0.3)) c.resources = patch && chance(0.3) ? { $patch: 'delete' } : { limits: { cpu: patch ? '2' : '1' } };
    if (patch && chance(0.1)) c.$patch = pick(['delete', 'replace', 'merge']);
    return c;
  };
  const containers = (patch: boolean) => {
    const list: unknown[] = some(names).map((n) => container(n, patch));
    if (patch && chance(0.1)) list.push({ $patch: pick(['replace', 'delete', 'merge']) });
    if (!patch && chance(0.1)) list.push(container(pick(names), false)); // a duplicate name
    return list;
  };
  const spec = (patch: boolean) => {
    const s: Record<string, unknown> = {};
    if (!patch || chance(0.8)) s.containers = containers(patch);
    if (chance(0.4)) s.volumes = some(['data', 'cache', 'tmp']).map((name) => ({ name, emptyDir: {} }));
    if (chance(0.3)) s.tolerations = [{ key: patch ? 'patched' : 'base', operator: 'Exists' }];
    if (chance(0.3))
      s.topologySpreadConstraints = some(['zone', 'host']).flatMap((key) =>
        some(['DoNotSchedule', 'ScheduleAnyway', undefined]).map((when) => ({
          topologyKey: key,
          ...(when ? { whenUnsatisfiable: when } : {}),
          maxSkew: patch ? 2 : 1,
        })),
      );
    if (patch && chance(0.1)) s.nodeSelector = null;
    else if (chance(0.3)) s.nodeSelector = { pool: patch ? 'b' : 'a' };
    return s;
  };
  const metadata = (patch: boolean) => {
    const m: Record<string, unknown> = { name: 'web' };
    if (chance(0.4)) m.finalizers = some(['example.com/a', 'example.com/b', 'example.com/c']);
    if (chance(0.4)) m.labels = { tier: patch ? 'patched' : 'base', ...(patch && chance(0.3) ? { app: null } : {}) };
    return m;
  };
  return (): { resource: unknown; patch: unknown } => {
    const base = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { ...metadata(false), labels: { app: 'web', tier: 'base' } },
      spec: { replicas: 1, template: { metadata: { labels: { app: 'web' } }, spec: spec(false) } },
    };
    const patchSpec: Record<string, unknown> = { template: { spec: spec(true) } };
    if (chance(0.3)) patchSpec.replicas = chance(0.3) ? null : 3;
    const patch: Record<string, unknown> = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(true),
      spec: patchSpec,
    };
    if (chance(0.08)) patch.$patch = pick(['replace', 'merge', 'delete']);
    if (chance(0.08)) patchSpec.template = { $patch: pick(['replace', 'delete']), ...(patchSpec.template as object) };
    return { resource: base, patch };
  };
}

const make = generator(SEED);
const cases: ParityCase[] = Array.from({ length: CASES }, (_, i) => {
  const { resource, patch } = make();
  return { name: `fuzz-${i}`, resources: stringify(resource), patches: [{ patch: stringify(patch) }] };
});

let kubectl: Map<string, Outcome>;

beforeAll(async () => {
  if (!hasKubectl) {
    console.warn('kubectl is not on PATH: strategic merge differential cases are skipped');
    return;
  }
  kubectl = await renderWithKubectl(cases);
}, 120_000);

describe.skipIf(!hasKubectl)(`random strategic merge patches (seed ${SEED}) match kubectl kustomize`, () => {
  it('renders most cases (the generator makes patches, not mostly errors)', () => {
    const rendered = [...kubectl.values()].filter((o) => 'objects' in o).length;
    expect(rendered).toBeGreaterThan(CASES * 0.75);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const expected = kubectl.get(c.name)!;
    const actual = renderWithEnvgate(c);
    if ('error' in expected) expect(actual, c.patches![0]!.patch).toHaveProperty('error');
    else expect(actual, `${c.resources}---\n${c.patches![0]!.patch}`).toEqual(expected);
  });
});
