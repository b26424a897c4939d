// The Argo CD source against the real managed-resources and application response shapes, with nock.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareEnvironment, plan } from '../../src/drift/environment.js';
import { ArgoCdSource } from '../../src/drift/sources/argocd.js';
import type { KubeObject } from '../../src/render/types.js';
import { LIVE, rendered, yamlObjects } from './helpers.js';

const SERVER = 'https://argocd.acme.example';
const TOKEN = 'argocd-token-for-tests';
const [base, head] = rendered('prod');
const roots = [{ path: 'environments/prod', base, head }];

beforeEach(() => {
  nock.disableNetConnect();
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

/** Argo CD stamps its tracking label on what it manages, in Git's state and the cluster's. */
function tracked(object: KubeObject): KubeObject {
  const copy = structuredClone(object);
  copy.metadata = { ...copy.metadata, labels: { ...copy.metadata?.labels, 'app.kubernetes.io/instance': 'shop-prod' } };
  return copy;
}

function liveObjects(): KubeObject[] {
  return [
    ...(yamlObjects(`${LIVE}prod/shop-prod/objects.yaml`)[0]!.items as KubeObject[]),
    ...yamlObjects(`${LIVE}prod/shop-prod/deployment-checkout-api.yaml`),
    ...yamlObjects(`${LIVE}prod/shop-prod/namespace.yaml`),
  ].map(tracked);
}

const groupOf = (o: KubeObject) => (String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0]! : '');

/** A managed-resources item as Argo CD's API returns it: every state a JSON string, "null" for a missing side. */
function item(target: KubeObject | null, live: KubeObject | null, normalize: (o: KubeObject) => KubeObject = (o) => o) {
  const any = (target ?? live)!;
  return {
    group: groupOf(any),
    kind: any.kind,
    namespace: any.metadata?.namespace ?? '',
    name: any.metadata?.name,
    targetState: JSON.stringify(target),
    liveState: JSON.stringify(live),
    normalizedLiveState: JSON.stringify(live ? normalize(live) : null),
    predictedLiveState: JSON.stringify(target),
    resourceVersion: String(live?.metadata && (live.metadata as { resourceVersion?: string }).resourceVersion),
    modified: JSON.stringify(target) !== JSON.stringify(live),
  };
}

const withoutReplicas = (o: KubeObject) => {
  const copy = structuredClone(o);
  if (copy.kind === 'Deployment') delete (copy.spec as { replicas?: number }).replicas;
  return copy;
};

function application(extra: Record<string, unknown> = {}) {
  return {
    metadata: { name: 'shop-prod', namespace: 'argocd', resourceVersion: '991' },
    spec: {
      project: 'shop',
      source: { repoURL: 'https://github.com/acme/shop-deploy.git', path: 'environments/prod', targetRevision: 'main' },
      destination: { server: 'https://kubernetes.default.svc', namespace: 'shop-prod' },
      syncPolicy: { automated: { prune: true, selfHeal: false } },
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
      ...extra,
    },
    status: {
      sync: { status: 'OutOfSync', revision: '883d6c51fb8bec0708fcbbfd66e4a6390dddb9e6' },
      health: { status: 'Healthy' },
      resources: liveObjects().map((o) => ({
        group: groupOf(o),
        version: String(o.apiVersion).split('/').pop(),
        kind: o.kind,
        namespace: o.metadata?.namespace,
        name: o.metadata?.name,
        status: o.kind === 'Deployment' ? 'OutOfSync' : 'Synced',
        health: { status: 'Healthy' },
      })),
    },
  };
}

function source(over: { token?: string | undefined; timeoutMs?: number; server?: string } = {}) {
  return new ArgoCdSource({
    server: SERVER,
    applications: ['shop-prod'],
    token: TOKEN,
    tokenEnv: 'ARGOCD_AUTH_TOKEN',
    timeoutMs: 2000,
    ...over,
  });
}

async function preview(s: ArgoCdSource) {
  const controllers = await s.controllers();
  const live = await s.get([...plan(roots, controllers).values()].map((p) => p.id));
  return compareEnvironment({
    env: 'prod',
    source: s.description,
    roots,
    controllers,
    live,
    rules: controllers.flatMap((c) => c.ignore ?? []),
    notes: s.notes(),
  });
}

function mockApp(app: object, items: unknown[]) {
  const auth = { reqheaders: { authorization: `Bearer ${TOKEN}` } };
  nock(SERVER, auth).get('/api/v1/applications/shop-prod').reply(200, app);
  nock(SERVER, auth).get('/api/v1/applications/shop-prod/managed-resources').reply(200, { items });
}

describe('the Argo CD source', () => {
  it("uses Argo CD's normalised live state and the app's ignoreDifferences: replicas ignored, the memory hotfix reverted", async () => {
    const targets = new Map(base!.map((o) => [`${o.kind}/${o.metadata?.name}`, tracked(o)]));
    mockApp(
      application(),
      liveObjects().map((live) =>
        item(targets.get(`${live.kind}/${live.metadata?.name}`) ?? null, live, withoutReplicas),
      ),
    );
    const drift = await preview(source());
    const deployment = drift.items[0]!;
    expect(deployment).toMatchObject({ state: 'reverts-out-of-band', owner: 'Application argocd/shop-prod' });
    expect(deployment.reverts?.map((r) => r.path)).toEqual([
      'spec.template.spec.containers[name=api].resources.limits.memory',
    ]);
    expect(deployment.fields?.map((f) => f.path)).not.toContain('spec.replicas');
    expect(drift.items.filter((i) => i.state === 'in-sync')).toHaveLength(7);
    expect(drift.notes).toBeUndefined();
  });

  it('prunes what the app manages and Git no longer has, when automated sync prunes; says when auto-sync is off', async () => {
    const extra = tracked({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'checkout-config-old7h2k9c4', namespace: 'shop-prod' },
      data: { a: '1' },
    });
    const app = application();
    app.status.resources.push({
      group: '',
      version: 'v1',
      kind: 'ConfigMap',
      namespace: 'shop-prod',
      name: 'checkout-config-old7h2k9c4',
      status: 'OutOfSync',
      health: { status: 'Healthy' },
      requiresPruning: true,
    } as never);
    const targets = new Map(base!.map((o) => [`${o.kind}/${o.metadata?.name}`, tracked(o)]));
    mockApp(app, [
      ...liveObjects().map((l) => item(targets.get(`${l.kind}/${l.metadata?.name}`) ?? null, l)),
      item(null, extra),
    ]);
    const drift = await preview(source());
    expect(drift.items.find((i) => i.resource.name === 'checkout-config-old7h2k9c4')).toMatchObject({
      state: 'will-prune',
      note: 'not in main either (left from an earlier revision); Application argocd/shop-prod deletes it',
    });

    const manualApp = application({ syncPolicy: {} });
    manualApp.status.resources.push(app.status.resources.at(-1)!);
    mockApp(manualApp, [item(null, extra)]);
    const manual = await preview(source());
    expect(manual.items.find((i) => i.resource.name === 'checkout-config-old7h2k9c4')).toMatchObject({
      state: 'orphaned',
      note: 'not in main either (left from an earlier revision); kept: prune is off for Application argocd/shop-prod',
    });
    expect(manual.notes).toContain(
      'Application argocd/shop-prod: automated sync is off: the merge is applied when someone syncs',
    );
  });

  it('compares masked Secrets by key, and tells a value differs from main by the mask lengths', async () => {
    const secret = (data: Record<string, string>) =>
      tracked({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'checkout-db', namespace: 'shop-prod' },
        type: 'Opaque',
        data,
      });
    const target = secret({ password: '++++++++', user: '+++++++++' });
    const live = secret({ password: '+++++++++++', user: '+++++++++' });
    mockApp(application(), [item(target, live)]);
    const s = source();
    await s.controllers();
    const result = await s.get([
      { group: '', kind: 'Secret', namespace: 'shop-prod', name: 'checkout-db', apiVersion: 'v1' },
    ]);
    expect([...result.values()][0]).toMatchObject({
      state: 'found',
      secretValuesMasked: true,
      secretKeysDifferingFromMain: ['password'],
    });
  });

  it('reports a refused token without showing it, and a missing token before calling anyone', async () => {
    nock(SERVER)
      .get('/api/v1/applications/shop-prod')
      .reply(403, { error: 'permission denied', code: 7, message: 'permission denied' });
    nock(SERVER)
      .get('/api/v1/applications/shop-prod/managed-resources')
      .reply(403, { error: 'permission denied', code: 7, message: 'permission denied' });
    const error = await source()
      .controllers()
      .catch((e: Error) => e);
    expect((error as Error).message).toBe(
      'Argo CD refused the token in ARGOCD_AUTH_TOKEN for application shop-prod (403: permission denied)',
    );
    expect((error as Error).message).not.toContain(TOKEN);
    await expect(source({ token: undefined }).controllers()).rejects.toThrow(
      'ARGOCD_AUTH_TOKEN is not set: no Argo CD API token',
    );
  });

  it('names an application Argo CD does not have', async () => {
    const body = {
      error: 'applications.argoproj.io "shop-prod" not found',
      code: 5,
      message: 'applications.argoproj.io "shop-prod" not found',
    };
    nock(SERVER).get('/api/v1/applications/shop-prod').reply(404, body);
    nock(SERVER).get('/api/v1/applications/shop-prod/managed-resources').reply(404, body);
    await expect(source().controllers()).rejects.toThrow(
      'Argo CD has no application shop-prod (404: applications.argoproj.io "shop-prod" not found)',
    );
  });

  it('gives up after the timeout', async () => {
    // A real socket that answers too late: the timeout is the source's own, not a mock's.
    const slow = createServer((_req, res) => setTimeout(() => res.end('{}'), 1000));
    await new Promise<void>((done) => slow.listen(0, '127.0.0.1', done));
    nock.enableNetConnect('127.0.0.1');
    const server = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
    try {
      await expect(source({ server, timeoutMs: 100 }).controllers()).rejects.toThrow(
        `no answer from Argo CD ${server} within 100 ms`,
      );
    } finally {
      slow.closeAllConnections();
      await new Promise((done) => slow.close(done));
    }
  });

  it('notes ignoreDifferences it cannot apply, and applies the rest', async () => {
    mockApp(
      application({
        ignoreDifferences: [
          {
            group: 'apps',
            kind: 'Deployment',
            jqPathExpressions: ['.spec.template.spec.containers[] | select(.name | test("^sidecar"))'],
          },
          { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
        ],
      }),
      [],
    );
    const s = source();
    const [record] = await s.controllers();
    expect(record!.ignore).toHaveLength(1);
    expect(s.notes()).toEqual([
      'Application argocd/shop-prod ignoreDifferences[0]: jq expression ".spec.template.spec.containers[] | select(.name | test("^sidecar"))" is outside the supported subset (paths, [], [n], pipes, select with ==, !=, startswith, endswith); those fields are compared',
    ]);
  });
});
