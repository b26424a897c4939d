import { describe, expect, it } from 'vitest';
import { diffDesired, diffRemoved, scalarsEqual } from '../../src/drift/fields.js';
import { normalize } from '../../src/drift/normalize.js';
import { formatPath } from '../../src/drift/paths.js';
import { parseQuantity, quantitiesEqual } from '../../src/drift/quantity.js';
import type { KubeObject } from '../../src/render/types.js';
import { find, LIVE, rendered, yamlObjects } from './helpers.js';

const paths = (diffs: { path: Parameters<typeof formatPath>[0] }[]) => diffs.map((d) => formatPath(d.path));

describe('quantities', () => {
  it.each([
    ['100m', '0.1'],
    ['1Gi', '1024Mi'],
    ['1', 1],
    ['500m', 0.5],
    ['1k', '1000'],
    ['1e3', '1k'],
    ['1.5Gi', '1536Mi'],
    ['2', '2000m'],
    ['0', '0m'],
  ])('%s equals %s', (a, b) => {
    expect(quantitiesEqual(a, b)).toBe(true);
  });

  it.each([
    ['1G', '1Gi'],
    ['100m', '1'],
    ['1536Mi', '1Gi'],
    ['abc', 'abc'],
  ])('%s differs from %s', (a, b) => {
    expect(quantitiesEqual(a, b)).toBe(false);
  });

  it('refuses what is not a quantity', () => {
    expect(parseQuantity('1.2.3')).toBeUndefined();
    expect(parseQuantity('10Xi')).toBeUndefined();
    expect(parseQuantity(Number.NaN)).toBeUndefined();
  });
});

describe('desired-driven comparison', () => {
  it('finds no difference between main and the real-shaped live objects of staging (server defaults, status, managedFields)', () => {
    const [base] = rendered('staging');
    const live = yamlObjects(`${LIVE}staging/shop-staging/objects.yaml`)[0]!.items as never[];
    const liveObjects = [
      ...live,
      ...yamlObjects(`${LIVE}staging/shop-staging/deployment-checkout-api.yaml`),
      ...yamlObjects(`${LIVE}staging/shop-staging/namespace.yaml`),
    ] as KubeObject[];
    for (const desired of base!) {
      const match = liveObjects.find((l) => l.kind === desired.kind && l.metadata?.name === desired.metadata?.name)!;
      expect(match, `${desired.kind} ${desired.metadata?.name}`).toBeDefined();
      const diffs = diffDesired(normalize(desired, []).object, normalize(match, []).object);
      expect(diffs, `${desired.kind} ${desired.metadata?.name}`).toEqual([]);
    }
  });

  it('reports exactly the hand-changed fields of prod, with values', () => {
    const [base] = rendered('prod');
    const live = yamlObjects(`${LIVE}prod/shop-prod/deployment-checkout-api.yaml`)[0]!;
    const diffs = diffDesired(normalize(find(base!, 'Deployment'), []).object, normalize(live, []).object);
    expect(diffs.map((d) => [formatPath(d.path), d.desired, d.live])).toEqual([
      ['spec.replicas', 3, 5],
      ['spec.template.spec.containers[name=api].resources.limits.memory', '1Gi', '1536Mi'],
    ]);
  });

  it('matches merge-keyed lists by key, whatever their order', () => {
    const desired = {
      spec: {
        containers: [
          {
            name: 'a',
            env: [
              { name: 'X', value: '1' },
              { name: 'Y', value: '2' },
            ],
            ports: [{ containerPort: 80 }],
          },
          { name: 'b', image: 'b:1' },
        ],
        volumes: [{ name: 'v1', emptyDir: {} }],
      },
    };
    const live = {
      spec: {
        containers: [
          { name: 'b', image: 'b:1', imagePullPolicy: 'IfNotPresent' },
          {
            name: 'a',
            env: [
              { name: 'Y', value: '2' },
              { name: 'X', value: '1' },
            ],
            ports: [{ containerPort: 80, protocol: 'TCP' }],
          },
          { name: 'istio-proxy', image: 'proxy' },
        ],
        volumes: [{ name: 'v1', emptyDir: {} }],
      },
    };
    expect(diffDesired(desired, live)).toEqual([]);
    live.spec.containers[1]!.env![0]!.value = '3';
    expect(paths(diffDesired(desired, live))).toEqual(['spec.containers[name=a].env[name=Y].value']);
  });

  it('compares lists without a merge key by position, and a length change as the whole list', () => {
    expect(paths(diffDesired({ args: ['--a', '--b'] }, { args: ['--a', '--c'] }))).toEqual(['args[1]']);
    expect(paths(diffDesired({ args: ['--a'] }, { args: ['--a', '--c'] }))).toEqual(['args']);
    expect(
      paths(
        diffDesired(
          { tolerations: [{ key: 'k', operator: 'Exists' }] },
          { tolerations: [{ operator: 'Exists', key: 'k', effect: '' }] },
        ),
      ),
    ).toEqual([]);
  });

  it('reads scalars as Kubernetes does: int-or-string, booleans, quantities by value, zero values as absent', () => {
    expect(scalarsEqual(8080, '8080')).toBe(true);
    expect(scalarsEqual(true, 'true')).toBe(true);
    expect(scalarsEqual('0.5', '500m', ['resources', 'requests', 'cpu'])).toBe(true);
    expect(scalarsEqual('0.5', '500m', ['metadata', 'annotations', 'x'])).toBe(false);
    expect(diffDesired({ readOnly: false, value: '', n: 0 }, {})).toEqual([]);
    expect(diffDesired({ replicas: 2 }, {})).toHaveLength(1);
    expect(diffDesired({ metadata: { annotations: {} } }, { metadata: {} })).toEqual([]);
    expect(
      diffDesired(
        { spec: { resources: { limits: { memory: '1Gi', cpu: 2 } } } },
        { spec: { resources: { limits: { memory: '1024Mi', cpu: '2' } } } },
      ),
    ).toEqual([]);
  });

  it('finds fields main had and the PR drops, where live still has them', () => {
    const base = { metadata: { labels: { a: '1', b: '2' } }, spec: { containers: [{ name: 'x' }, { name: 'y' }] } };
    const head = { metadata: { labels: { a: '1' } }, spec: { containers: [{ name: 'x' }] } };
    const live = {
      metadata: { labels: { a: '1', b: '2', c: 'server' } },
      spec: { containers: [{ name: 'x' }, { name: 'y' }] },
    };
    expect(paths(diffRemoved(base, head, live))).toEqual(['metadata.labels.b', 'spec.containers[name=y]']);
  });
});

describe('normalisation', () => {
  it('drops what only the server writes and the last-applied copy', () => {
    const live = yamlObjects(`${LIVE}prod/shop-prod/deployment-checkout-api.yaml`)[0]!;
    live.metadata!.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': '{"big":"json"}' };
    const { object } = normalize(live, []);
    const metadata = object.metadata as Record<string, unknown>;
    expect(object.status).toBeUndefined();
    expect(Object.keys(metadata).sort()).toEqual(['labels', 'name', 'namespace']);
  });

  it('folds stringData into base64 data, as the API server stores a Secret, and drops SOPS metadata', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      stringData: { user: 'admin' },
      sops: { mac: 'x' },
    };
    const n = normalize(secret, []);
    expect(n.object.data).toEqual({ user: Buffer.from('admin').toString('base64') });
    expect(n.object.stringData).toBeUndefined();
    expect(n.sopsEncrypted).toBe(true);
  });
});
