// The Kubernetes source against a fake API server on 127.0.0.1 with a kubeconfig pointing at it.
import { afterEach, describe, expect, it } from 'vitest';
import { compareEnvironment } from '../../src/drift/environment.js';
import { idKey, idOf } from '../../src/drift/identity.js';
import { plan } from '../../src/drift/environment.js';
import { KubernetesSource } from '../../src/drift/sources/kubernetes.js';
import { LiveSourceError } from '../../src/drift/types.js';
import type { KubeObject } from '../../src/render/types.js';
import { startFakeKube, writeKubeconfig, type FakeKube } from './fake-kube.js';
import { LIVE, rendered, yamlObjects } from './helpers.js';

function liveProd(): KubeObject[] {
  const list = yamlObjects(`${LIVE}prod/shop-prod/objects.yaml`)[0]!.items as KubeObject[];
  return [
    ...list,
    ...yamlObjects(`${LIVE}prod/shop-prod/deployment-checkout-api.yaml`),
    ...yamlObjects(`${LIVE}prod/shop-prod/namespace.yaml`),
    ...yamlObjects(`${LIVE}prod/flux-system/kustomization-checkout-prod.yaml`),
  ];
}

const [base, head] = rendered('prod');
const roots = [{ path: 'environments/prod', base, head }];
let fake: FakeKube | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function source(over: Partial<ConstructorParameters<typeof KubernetesSource>[0]> = {}) {
  return new KubernetesSource({
    context: 'prod-ro',
    kubeconfig: fake!.kubeconfig,
    timeoutMs: 2000,
    concurrency: 4,
    ...over,
  });
}

async function preview(s: KubernetesSource) {
  const controllers = await s.controllers(['environments/prod']);
  const live = await s.get([...plan(roots, controllers).values()].map((p) => p.id));
  return compareEnvironment({
    env: 'prod',
    source: s.description,
    roots,
    controllers,
    live,
    rules: [],
    notes: s.notes(),
  });
}

describe('the Kubernetes source', () => {
  it('reads the rendered objects and the Flux inventory with GETs only, and finds the hand changes', async () => {
    fake = await startFakeKube(liveProd());
    const drift = await preview(source());
    expect(drift.items[0]).toMatchObject({
      resource: { kind: 'Deployment', namespace: 'shop-prod', name: 'checkout-api' },
      state: 'reverts-out-of-band',
      owner: 'Kustomization flux-system/checkout-prod',
    });
    expect(drift.items[0]!.reverts!.map((r) => [r.path, r.live, r.main, r.head])).toEqual([
      ['spec.replicas', 5, 3, 4],
      ['spec.template.spec.containers[name=api].resources.limits.memory', '1536Mi', '1Gi', '1Gi'],
    ]);
    expect(drift.items.slice(1).every((i) => i.state === 'in-sync')).toBe(true);
    expect(drift.notes).toEqual([
      'Kustomization flux-system/checkout-prod: suspended: nothing is applied until it is resumed',
    ]);
    expect(fake.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(new Set(fake.requests.map((r) => r.authorization))).toEqual(new Set(['Bearer test-token-not-secret']));
    // Argo CD is not installed on this cluster: its API is not served, which is no error.
    expect(fake.requests.some((r) => r.path === '/apis/argoproj.io/v1alpha1')).toBe(true);
  });

  it('shows what the inventory lists and Git no longer has as pruned, read from the cluster', async () => {
    const stray = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'checkout-config-old7h2k9c4', namespace: 'shop-prod', uid: 'x', resourceVersion: '1' },
      data: { LOG_LEVEL: 'info' },
    };
    const objects = liveProd();
    const kustomization = objects.find((o) => o.kind === 'Kustomization')!;
    (kustomization as { status: { inventory: { entries: unknown[] } } }).status.inventory.entries.push({
      id: 'shop-prod_checkout-config-old7h2k9c4__ConfigMap',
      v: 'v1',
    });
    fake = await startFakeKube([...objects, stray as KubeObject]);
    const drift = await preview(source());
    expect(drift.items.find((i) => i.resource.name === 'checkout-config-old7h2k9c4')).toMatchObject({
      state: 'will-prune',
      note: 'not in main either (left from an earlier revision); Kustomization flux-system/checkout-prod deletes it',
    });
  });

  it('says an object it may not read is unknown (403), and the rest is still compared', async () => {
    fake = await startFakeKube(liveProd());
    fake.forbidden.add('/apis/bitnami.com/v1alpha1/namespaces/shop-prod/sealedsecrets/checkout-payment');
    const drift = await preview(source());
    expect(drift.status).toBe('checked');
    expect(drift.items.find((i) => i.resource.kind === 'SealedSecret')).toMatchObject({
      state: 'unknown',
      note: 'forbidden: sealedsecrets "checkout-payment" is forbidden: User "system:serviceaccount:envgate:drift-reader" cannot get resource "sealedsecrets"',
    });
    expect(drift.items[0]!.state).toBe('reverts-out-of-band');
  });

  it('reports objects the cluster lacks as absent (404) and kinds it does not serve with a note', async () => {
    fake = await startFakeKube(liveProd().filter((o) => o.kind !== 'Service'));
    const widget = {
      apiVersion: 'example.acme.io/v1',
      kind: 'Widget',
      metadata: { name: 'w', namespace: 'shop-prod' },
    };
    const s = source();
    const service = idOf(head!.find((o) => o.kind === 'Service')!)!;
    const live = await s.get([service, idOf(widget)!]);
    expect(live.get(idKey(service))).toEqual({ state: 'absent' });
    expect(live.get(idKey(idOf(widget)!))).toEqual({
      state: 'absent',
      note: 'example.acme.io/v1 is not served by the cluster',
    });
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    fake = await startFakeKube(liveProd());
    fake.delayMs = 20;
    await preview(source({ concurrency: 2 }));
    expect(fake.maxInFlight).toBeLessThanOrEqual(2);
    expect(fake.maxInFlight).toBe(2);
  });

  it('gives up on a slow server after the timeout: the whole environment is unknown', async () => {
    fake = await startFakeKube(liveProd());
    fake.delayMs = 1500;
    const s = source({ timeoutMs: 150 });
    await expect(preview(s)).rejects.toThrow(new LiveSourceError(`no answer from ${fake.url} within 150 ms`));
  });

  it('cannot reach a server that is not there', async () => {
    fake = await startFakeKube([]);
    const url = fake.url;
    await fake.close();
    fake = undefined;
    const s = new KubernetesSource({
      context: 'prod-ro',
      kubeconfig: writeKubeconfig(url),
      timeoutMs: 1000,
      concurrency: 2,
    });
    await expect(s.get([idOf(base![0]!)!])).rejects.toThrow(`cannot reach ${url}: ECONNREFUSED`);
  });

  it('says when the credentials are refused (401) or the context does not exist', async () => {
    fake = await startFakeKube(liveProd());
    fake.unauthorized = true;
    await expect(source().get([idOf(base![0]!)!])).rejects.toThrow(
      `${fake.url} refused the credentials of context prod-ro (401 Unauthorized)`,
    );
    await expect(source({ context: 'prod-admin' }).get([])).rejects.toThrow('the kubeconfig has no context prod-admin');
    const missing = new KubernetesSource({
      context: 'x',
      kubeconfig: '/nonexistent/kubeconfig',
      timeoutMs: 100,
      concurrency: 1,
    });
    await expect(missing.get([])).rejects.toThrow(/cannot load the kubeconfig \/nonexistent\/kubeconfig/);
  });

  it('reads named Kustomizations whatever their path', async () => {
    fake = await startFakeKube(liveProd());
    // A bare name is looked for in flux-system, where `flux bootstrap` puts Kustomizations.
    const records = await source({ fluxKustomizations: ['checkout-prod'] }).controllers(['somewhere/else']);
    expect(records.map((r) => [r.owner, r.objects.length, r.prune])).toEqual([
      ['Kustomization flux-system/checkout-prod', 8, true],
    ]);
    expect(records[0]!.objects.map(idKey)).toContain('apps/Deployment/shop-prod/checkout-api');
    const s = source({ fluxKustomizations: ['flux-system/checkout-staging'] });
    // Named ones only: the operator said which to read, so none is looked for by its path.
    expect(await s.controllers(['environments/prod'])).toEqual([]);
    expect(s.notes()).toEqual(['Kustomization flux-system/checkout-staging: not found']);
  });
});
