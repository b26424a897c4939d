import { describe, expect, it } from 'vitest';
import { canonicalEqual } from '../../src/diff/canonical.js';
import { diffObjects } from '../../src/diff/diff.js';
import { fieldChanges, formatFieldChange } from '../../src/diff/fields.js';
import { unifiedDiff } from '../../src/diff/unified.js';
import type { KubeObject } from '../../src/render/types.js';

function deployment(
  image: string,
  options: { replicas?: number; env?: [string, string][]; ports?: boolean } = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'checkout-api', namespace: 'shop-prod', labels: { 'app.kubernetes.io/name': 'checkout' } },
    spec: {
      replicas: options.replicas ?? 3,
      selector: { matchLabels: { 'app.kubernetes.io/component': 'api' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/component': 'api' } },
        spec: {
          containers: [
            {
              name: 'api',
              image,
              args: ['--port=8080', '--verbose'],
              env: (
                options.env ?? [
                  ['LOG_LEVEL', 'info'],
                  ['REGION', 'eu'],
                ]
              ).map(([name, value]) => ({ name, value })),
              ports: [
                { name: 'http', containerPort: 8080 },
                { name: 'metrics', containerPort: 9090 },
              ],
            },
            { name: 'proxy', image: 'envoyproxy/envoy:v1.31.0' },
          ],
        },
      },
    },
  };
}

const where = { root: 'environments/prod', env: 'prod' };

describe('canonical comparison', () => {
  it('ignores key order and the order of lists Kubernetes merges by key', () => {
    const a = deployment('ghcr.io/acme/checkout-api:1.8.1');
    const b = deployment('ghcr.io/acme/checkout-api:1.8.1', {
      env: [
        ['REGION', 'eu'],
        ['LOG_LEVEL', 'info'],
      ],
    });
    const spec = (b.spec as { template: { spec: { containers: unknown[] } } }).template.spec;
    spec.containers.reverse();
    const reverseKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reverseKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([key, value]) => [key, reverseKeys(value)]),
            )
          : v;
    const reordered = reverseKeys(b);
    expect(Object.keys(reordered as object)[0]).toBe('spec');
    expect(canonicalEqual(a, b)).toBe(true);
    expect(canonicalEqual(a, reordered)).toBe(true);
    expect(diffObjects([a], [b], where)).toEqual([]);
  });

  it('keeps order where order is meaning: args, initContainers', () => {
    const a = deployment('x:1');
    const b = deployment('x:1');
    const spec = b.spec as { template: { spec: { containers: { args: string[] }[] } } };
    spec.template.spec.containers[0]!.args.reverse();
    expect(canonicalEqual(a, b)).toBe(false);
    const init = (names: string[]) => ({ spec: { initContainers: names.map((name) => ({ name, image: 'busybox' })) } });
    expect(canonicalEqual(init(['migrate', 'warm-cache']), init(['warm-cache', 'migrate']))).toBe(false);
  });
});

describe('field-level view', () => {
  it('names changed containers and env entries by key, with old → new', () => {
    const before = deployment('ghcr.io/acme/checkout-api:1.8.1');
    const after = deployment('ghcr.io/acme/checkout-api:1.8.2', {
      replicas: 4,
      env: [
        ['LOG_LEVEL', 'warn'],
        ['REGION', 'eu'],
        ['TZ', 'UTC'],
      ],
    });
    const [change] = diffObjects([before], [after], where);
    expect(change).toMatchObject({
      change: 'modified',
      kind: 'Deployment',
      namespace: 'shop-prod',
      name: 'checkout-api',
    });
    expect(change!.fields!.map((f) => formatFieldChange(f))).toEqual([
      'spec.replicas: 3 → 4',
      'spec.template.spec.containers[name=api].env[name=LOG_LEVEL].value: info → warn',
      'spec.template.spec.containers[name=api].env[name=TZ]: (none) → {"name":"TZ","value":"UTC"}',
      'spec.template.spec.containers[name=api].image: ghcr.io/acme/checkout-api:1.8.1 → ghcr.io/acme/checkout-api:1.8.2',
    ]);
  });

  it('quotes keys that are not identifiers, and reports removed fields', () => {
    const fields = fieldChanges(
      { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-01' }, labels: { tier: 'web' } } },
      { metadata: { labels: {} } },
    );
    expect(fields).toEqual([
      { path: 'metadata.annotations', before: { 'kubectl.kubernetes.io/restartedAt': '2026-11-01' } },
      { path: 'metadata.labels.tier', before: 'web' },
    ]);
    expect(fieldChanges({ a: { 'x.y/z': 1 } }, { a: { 'x.y/z': 2 } })).toEqual([
      { path: 'a["x.y/z"]', before: 1, after: 2 },
    ]);
  });

  it('reports an ordered list of a different length as one change', () => {
    expect(fieldChanges({ args: ['a', 'b'] }, { args: ['a', 'b', 'c'] })).toEqual([
      { path: 'args', before: ['a', 'b'], after: ['a', 'b', 'c'] },
    ]);
  });
});

describe('unified YAML diff', () => {
  it('shows a few lines of context and folds the long unchanged runs', () => {
    const before = Array.from({ length: 40 }, (_, i) => `line${i + 1}: x`).join('\n') + '\n';
    const after = before.replace('line20: x', 'line20: y');
    expect(unifiedDiff(before, after).split('\n')).toEqual([
      '@@ … 16 unchanged lines @@',
      ' line17: x',
      ' line18: x',
      ' line19: x',
      '-line20: x',
      '+line20: y',
      ' line21: x',
      ' line22: x',
      ' line23: x',
      '@@ … 17 unchanged lines @@',
    ]);
  });

  it('folds between two distant changes, and prints added objects whole', () => {
    const before = Array.from({ length: 30 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
    const after = before.replace('l2\n', 'L2\n').replace('l29\n', 'L29\n');
    const diff = unifiedDiff(before, after).split('\n');
    expect(diff[0]).toBe(' l1');
    expect(diff).toContain('@@ … 20 unchanged lines @@');
    expect(diff.at(-1)).toBe(' l30');
    expect(unifiedDiff(undefined, 'a: 1\nb: 2\n')).toBe('+a: 1\n+b: 2');
    expect(unifiedDiff('a: 1\n', undefined)).toBe('-a: 1');
  });

  it('is the diff of each modified resource, in canonical YAML', () => {
    const [change] = diffObjects([deployment('x:1')], [deployment('x:2')], where);
    expect(change!.diff).toMatch(/^- +image: x:1\n\+ +image: x:2$/m);
    expect(change!.diff).toMatch(/^@@ … \d+ unchanged lines @@/);
  });
});

describe('resource changes', () => {
  const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  const cm = (name: string, data: Record<string, string>): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'shop-prod' },
    data,
  });

  it('pairs objects by (group, kind, namespace, name): added, removed, modified; cluster-scoped namespace is ""', () => {
    const changes = diffObjects(
      [ns('shop-prod'), cm('old', { a: '1' })],
      [ns('shop-prod'), cm('new', { a: '1' })],
      where,
    );
    expect(changes.map((c) => [c.change, c.kind, c.namespace, c.name, c.root, c.env])).toEqual([
      ['added', 'ConfigMap', 'shop-prod', 'new', 'environments/prod', 'prod'],
      ['removed', 'ConfigMap', 'shop-prod', 'old', 'environments/prod', 'prod'],
    ]);
    const moved = diffObjects([ns('a')], [{ ...ns('a'), metadata: { name: 'a', labels: { x: 'y' } } }], where);
    expect(moved[0]).toMatchObject({ change: 'modified', namespace: '', apiVersion: 'v1' });
  });

  it('treats a new API version of the same group as a modification', () => {
    const hpa = (apiVersion: string): KubeObject => ({
      apiVersion,
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'api', namespace: 'n' },
    });
    const [change] = diffObjects([hpa('autoscaling/v2beta2')], [hpa('autoscaling/v2')], where);
    expect(change).toMatchObject({ change: 'modified', apiVersion: 'autoscaling/v2' });
    expect(change!.fields).toEqual([{ path: 'apiVersion', before: 'autoscaling/v2beta2', after: 'autoscaling/v2' }]);
  });

  it('pairs a generator output renamed by its hash suffix as one modification with previousName', () => {
    const changes = diffObjects(
      [cm('checkout-config-7m2dk9hb4c', { LOG_LEVEL: 'info' }), cm('unrelated', { a: '1' })],
      [cm('checkout-config-t8b5mfh2k7', { LOG_LEVEL: 'warn' }), cm('unrelated', { a: '1' })],
      where,
    );
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      change: 'modified',
      name: 'checkout-config-t8b5mfh2k7',
      previousName: 'checkout-config-7m2dk9hb4c',
    });
    expect(changes[0]!.fields).toContainEqual({ path: 'data.LOG_LEVEL', before: 'info', after: 'warn' });
  });

  it('does not pair when the suffix is not a Kustomize hash or the match is ambiguous', () => {
    const notHash = diffObjects([cm('app-aaaaaaaaaa', {})], [cm('app-bbbbbbbbbb', {})], where); // a, e never appear
    expect(notHash.map((c) => c.change)).toEqual(['added', 'removed']);
    const twoEach = diffObjects(
      [cm('app-7m2dk9hb4c', {}), cm('app-8k5ggfd9b2', {})],
      [cm('app-t8b5mfh2k7', {}), cm('app-h5c6f4d2b9', {})],
      where,
    );
    expect(twoEach.map((c) => c.change)).toEqual(['added', 'added', 'removed', 'removed']);
  });

  it('keeps two objects with one identity apart instead of dropping one', () => {
    const changes = diffObjects([], [cm('dup', { a: '1' }), cm('dup', { a: '2' })], where);
    expect(changes.map((c) => c.change)).toEqual(['added', 'added']);
  });
});
