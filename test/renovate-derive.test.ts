// Updates derived from rendered objects (the render stage's contract, values built here) and from raw files.
import { describe, expect, it } from 'vitest';
import type { ChangedPath } from '../src/core/types.js';
import { MemorySnapshot } from '../src/git/memory.js';
import type { KubeObject, RenderedRoot } from '../src/render/types.js';
import { deriveUpdates, rawDocuments } from '../src/renovate/derive.js';
import { kustomizationSlots, objectSlots } from '../src/renovate/slots.js';
import { DIGESTS } from './helpers/renovate-repo.js';

const empty = MemorySnapshot.fromRecord('0'.repeat(40), {});
const envOf = (path: string) => /^environments\/([^/]+)\//.exec(path)?.[1];

function deployment(image: string, init = 'ghcr.io/acme/migrate:1.8.1', replicas = 3): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'checkout-api', namespace: 'shop-prod', labels: { 'app.kubernetes.io/name': 'checkout' } },
    spec: {
      replicas,
      selector: { matchLabels: { 'app.kubernetes.io/component': 'api' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/component': 'api' } },
        spec: {
          initContainers: [{ name: 'migrate', image: init, args: ['migrate', 'up'] }],
          containers: [
            { name: 'api', image, ports: [{ name: 'http', containerPort: 8080 }] },
            { name: 'envoy', image: 'envoyproxy/envoy:v1.31.2' },
          ],
        },
      },
    },
  };
}

function root(
  before: KubeObject[],
  after: KubeObject[],
  files = ['environments/prod/kustomization.yaml'],
): RenderedRoot {
  return {
    path: 'environments/prod',
    type: 'kustomize',
    env: 'prod',
    base: { status: 'ok', objects: before, files },
    head: { status: 'ok', objects: after, files },
  };
}

describe('deriveUpdates from rendered roots', () => {
  it('finds every container image change of a workload and nothing else', () => {
    const before = deployment(`ghcr.io/acme/checkout-api:1.8.1@${DIGESTS.checkout181}`);
    const after = deployment(`ghcr.io/acme/checkout-api:1.8.2@${DIGESTS.checkout182}`, 'ghcr.io/acme/migrate:1.8.2');
    const derived = deriveUpdates({
      rendered: [root([before], [after])],
      changedPaths: [],
      base: empty,
      head: empty,
      environmentOf: envOf,
    });
    expect(derived.updates).toEqual([
      {
        env: 'prod',
        datasource: 'docker',
        package: 'ghcr.io/acme/migrate',
        from: { value: '1.8.1' },
        to: { value: '1.8.2' },
        type: 'patch',
        flags: [],
        locations: [
          {
            resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop-prod', name: 'checkout-api' },
            field: 'initContainers[migrate].image',
          },
        ],
      },
      expect.objectContaining({
        package: 'ghcr.io/acme/checkout-api',
        from: { value: '1.8.1', digest: DIGESTS.checkout181 },
        to: { value: '1.8.2', digest: DIGESTS.checkout182 },
        type: 'patch',
      }),
    ]);
    expect(derived.unexplained.size).toBe(0);
  });

  it('reports what changed beyond the versions: other fields, added and removed objects', () => {
    const before = [
      deployment('ghcr.io/acme/checkout-api:1.8.1'),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'old', namespace: 'shop-prod' } },
    ];
    const after = [
      deployment('ghcr.io/acme/checkout-api:1.8.2', undefined, 4),
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'new', namespace: 'shop-prod' },
        data: { token: 'c2VjcmV0' },
      },
    ];
    const derived = deriveUpdates({
      rendered: [root(before, after)],
      changedPaths: [],
      base: empty,
      head: empty,
      environmentOf: envOf,
    });
    expect(derived.updates).toHaveLength(1);
    expect(derived.unexplained.get('prod')).toEqual([
      'Deployment shop-prod/checkout-api changed beyond its versions',
      'Secret shop-prod/new added',
      'ConfigMap shop-prod/old removed',
    ]);
    // Never a secret value in what is reported.
    expect(JSON.stringify(derived)).not.toContain('c2VjcmV0');
  });

  it('keeps the tag from a kustomization images: entry when the rendered image carries only the digest', () => {
    // Kustomize renders `digest:` without the tag: the kustomization file says which tag the digest stands for.
    const kustomization = (tag: string, digest: string) =>
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../../base/checkout]\nimages:\n  - name: ghcr.io/acme/checkout-api\n    newTag: ${tag}\n    digest: ${digest}\n`;
    const base = MemorySnapshot.fromRecord('1'.repeat(40), {
      'environments/prod/kustomization.yaml': kustomization('1.8.1', DIGESTS.checkout181),
    });
    const head = MemorySnapshot.fromRecord('2'.repeat(40), {
      'environments/prod/kustomization.yaml': kustomization('2.0.0', DIGESTS.checkout182),
    });
    const rendered = root(
      [deployment(`ghcr.io/acme/checkout-api@${DIGESTS.checkout181}`)],
      [deployment(`ghcr.io/acme/checkout-api@${DIGESTS.checkout182}`)],
    );
    const changed: ChangedPath[] = [{ path: 'environments/prod/kustomization.yaml', status: 'modified' }];
    const derived = deriveUpdates({ rendered: [rendered], changedPaths: changed, base, head, environmentOf: envOf });
    expect(derived.updates).toHaveLength(1);
    expect(derived.updates[0]).toMatchObject({
      type: 'major',
      from: { value: '1.8.1', digest: DIGESTS.checkout181 },
      to: { value: '2.0.0', digest: DIGESTS.checkout182 },
      locations: [
        { file: 'environments/prod/kustomization.yaml', field: 'images[ghcr.io/acme/checkout-api]' },
        { resource: { kind: 'Deployment', name: 'checkout-api' }, field: 'containers[api].image' },
      ],
    });
    expect(derived.unexplained.size).toBe(0);
  });

  it('falls back to the changed files for a root that did not render, and says what it cannot read', () => {
    const manifest = (tag: string) =>
      `apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: redis\nspec:\n  serviceName: redis\n  template:\n    spec:\n      containers:\n        - name: redis\n          image: bitnami/redis:${tag}\n`;
    const base = MemorySnapshot.fromRecord('1'.repeat(40), {
      'environments/dev/redis.yaml': manifest('7.2.4-debian-12-r9'),
      'environments/dev/logo.png': 'a',
    });
    const head = MemorySnapshot.fromRecord('2'.repeat(40), {
      'environments/dev/redis.yaml': manifest('7.2.5-debian-12-r0'),
      'environments/dev/logo.png': 'b',
    });
    const failed: RenderedRoot = {
      path: 'environments/dev',
      type: 'kustomize',
      env: 'dev',
      base: { status: 'ok', objects: [], files: ['environments/dev/redis.yaml'] },
      head: {
        status: 'error',
        error: 'accumulating resources',
        reason: 'invalid',
        files: ['environments/dev/redis.yaml'],
      },
    };
    const derived = deriveUpdates({
      rendered: [failed],
      changedPaths: [
        { path: 'environments/dev/redis.yaml', status: 'modified' },
        { path: 'environments/dev/logo.png', status: 'modified' },
      ],
      base,
      head,
      environmentOf: envOf,
    });
    expect(derived.updates).toMatchObject([
      {
        env: 'dev',
        package: 'bitnami/redis',
        type: 'other',
        note: 'tag variant changed: -debian-12-r9 → -debian-12-r0',
      },
    ]);
    expect(derived.unexplained.get('dev')).toEqual(['environments/dev/logo.png modified']);
  });
  it('counts a changed JSON 6902 patch file as a change beyond versions', () => {
    const patch = (replicas: number) => `- op: replace\n  path: /spec/replicas\n  value: ${replicas}\n`;
    const base = MemorySnapshot.fromRecord('1'.repeat(40), { 'environments/prod/patches/replicas.yaml': patch(3) });
    const head = MemorySnapshot.fromRecord('2'.repeat(40), { 'environments/prod/patches/replicas.yaml': patch(5) });
    const derived = deriveUpdates({
      rendered: [],
      changedPaths: [{ path: 'environments/prod/patches/replicas.yaml', status: 'modified' }],
      base,
      head,
      environmentOf: envOf,
    });
    expect(derived.updates).toEqual([]);
    expect(derived.unexplained.get('prod')).toEqual([
      'environments/prod/patches/replicas.yaml changed beyond its versions',
    ]);
  });
});

describe('version slots', () => {
  it('CronJob, image volumes and a HelmRelease with values images', () => {
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'report' },
      spec: {
        jobTemplate: {
          spec: {
            template: {
              spec: {
                containers: [{ name: 'report', image: 'ghcr.io/acme/report:0.4.0' }],
                ephemeralContainers: [{ name: 'debug', image: 'busybox' }],
                volumes: [{ name: 'models', image: { reference: 'quay.io/acme/models:v3' } }],
              },
            },
          },
        },
      },
    };
    expect(objectSlots(cron).map((s) => [s.key, s.package, s.ref.value])).toEqual([
      ['containers[report]', 'ghcr.io/acme/report', '0.4.0'],
      ['ephemeralContainers[debug]', 'busybox', undefined],
      ['volumes[models]', 'quay.io/acme/models', 'v3'],
    ]);
    const release = {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'ingress-nginx', namespace: 'ingress' },
      spec: {
        chart: {
          spec: {
            chart: 'ingress-nginx',
            version: '4.11.3',
            sourceRef: { kind: 'HelmRepository', name: 'ingress-nginx' },
          },
        },
        values: {
          controller: {
            image: {
              registry: 'registry.k8s.io',
              image: 'ingress-nginx/controller',
              tag: 'v1.11.3',
              digest: DIGESTS.checkout181,
            },
          },
          defaultBackend: { image: { repository: 'registry.k8s.io/defaultbackend-amd64', tag: '1.5' } },
          sidecar: { image: 'ghcr.io/acme/sidecar:2.1.0' },
        },
      },
    };
    expect(objectSlots(release).map((s) => [s.field, s.datasource, s.package, s.ref.value])).toEqual([
      ['spec.chart.spec.version', 'helm', 'ingress-nginx', '4.11.3'],
      ['spec.values.defaultBackend.image.{repository,tag}', 'docker', 'registry.k8s.io/defaultbackend-amd64', '1.5'],
      ['spec.values.sidecar.image', 'docker', 'ghcr.io/acme/sidecar', '2.1.0'],
    ]);
  });

  it('Flux sources and Kustomizations, Argo CD Applications and ApplicationSets', () => {
    const oci = {
      apiVersion: 'source.toolkit.fluxcd.io/v1beta2',
      kind: 'OCIRepository',
      metadata: { name: 'podinfo' },
      spec: { url: 'oci://ghcr.io/stefanprodan/manifests/podinfo', ref: { tag: '6.6.0', digest: DIGESTS.checkout182 } },
    };
    expect(objectSlots(oci)).toMatchObject([
      {
        key: 'ref',
        datasource: 'docker',
        package: 'ghcr.io/stefanprodan/manifests/podinfo',
        ref: { value: '6.6.0', digest: DIGESTS.checkout182 },
        field: 'spec.ref.tag|digest',
      },
    ]);
    const git = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'infra' },
      spec: { url: 'https://github.com/acme/infra', ref: { tag: 'v2.4.0' } },
    };
    expect(objectSlots(git)).toMatchObject([
      { datasource: 'git', package: 'https://github.com/acme/infra', ref: { value: 'v2.4.0' } },
    ]);
    const fluxKs = {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'apps' },
      spec: { path: './apps', images: [{ name: 'ghcr.io/acme/checkout-api', newTag: `1.8.2@${DIGESTS.checkout182}` }] },
    };
    expect(objectSlots(fluxKs)).toMatchObject([
      { package: 'ghcr.io/acme/checkout-api', ref: { value: '1.8.2', digest: DIGESTS.checkout182 } },
    ]);
    const app = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'monitoring', namespace: 'argocd' },
      spec: {
        sources: [
          {
            repoURL: 'https://prometheus-community.github.io/helm-charts',
            chart: 'kube-prometheus-stack',
            targetRevision: '65.1.1',
            helm: { valueFiles: ['$values/monitoring/values.yaml'] },
          },
          { repoURL: 'https://github.com/acme/monitoring-values.git', targetRevision: 'main', ref: 'values' },
          { repoURL: 'ghcr.io/acme/charts', chart: 'alerts', targetRevision: '1.2.0' },
        ],
      },
    };
    expect(objectSlots(app).map((s) => [s.key, s.datasource, s.package, s.ref.value])).toEqual([
      ['sources[0]', 'helm', 'kube-prometheus-stack', '65.1.1'],
      ['sources[1]', 'git', 'https://github.com/acme/monitoring-values.git', 'main'],
      ['sources[2]', 'helm', 'ghcr.io/acme/charts/alerts', '1.2.0'],
    ]);
    const appSet = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'ApplicationSet',
      metadata: { name: 'guestbook' },
      spec: {
        template: {
          spec: {
            source: {
              repoURL: 'https://github.com/acme/apps.git',
              targetRevision: 'v1.4.0',
              path: 'guestbook',
              kustomize: { images: ['ghcr.io/acme/guestbook=ghcr.io/acme/guestbook:v0.3.1'] },
            },
          },
        },
      },
    };
    expect(objectSlots(appSet).map((s) => [s.key, s.package, s.ref.value])).toEqual([
      ['source', 'https://github.com/acme/apps.git', 'v1.4.0'],
      ['source.kustomize.images[ghcr.io/acme/guestbook]', 'ghcr.io/acme/guestbook', 'v0.3.1'],
    ]);
  });

  it('kustomization images, helmCharts and remote resources pinned with ?ref=', () => {
    const [doc] = rawDocuments(`apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - https://github.com/acme/platform//bases/ingress?ref=v1.10.0
  - ../../base/checkout
images:
  - name: nginx
    newName: registry.acme.internal:5000/mirror/nginx
    newTag: 1.10
helmCharts:
  - name: cert-manager
    repo: https://charts.jetstack.io
    version: v1.16.1
`)!.maps;
    expect(kustomizationSlots(doc).map((s) => [s.key, s.datasource, s.package, s.ref.value])).toEqual([
      ['images[nginx]', 'docker', 'registry.acme.internal:5000/mirror/nginx', '1.10'],
      ['helmCharts[cert-manager]', 'helm', 'cert-manager', 'v1.16.1'],
      [
        'resources[https://github.com/acme/platform//bases/ingress]',
        'git',
        'https://github.com/acme/platform//bases/ingress',
        'v1.10.0',
      ],
    ]);
  });

  it('an unreadable image is a slot of its own, so a change to it is reported, not guessed at', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { containers: [{ name: 'c', image: '${IMAGE}' }] },
    };
    expect(objectSlots(pod)).toMatchObject([{ key: 'containers[c]', unparsed: '${IMAGE}' }]);
  });
});
