// The metadata transformers, images and replicas against real Kustomize: each case is a kustomization (or a chain
// of them, innermost first) over the realistic manifests in ./transformer-fixtures; kubectl builds it with
// `sortOptions: fifo` so its output keeps accumulation order, and our modules, run in Kustomize's transformer
// order on the same objects, must print the same bytes. References in the fixtures point outside each set, so
// kubectl's name-reference pass changes nothing and the comparison isolates these transformers.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { MemorySnapshot } from '../../../src/git/memory.js';
import type { FieldSpec } from '../../../src/render/kustomize/fieldspec.js';
import { applyImages, splitImage, updatedImage, type ImageSpec } from '../../../src/render/kustomize/images.js';
import { applyReplicas, type ReplicaSpec } from '../../../src/render/kustomize/replicas.js';
import { newResource, type Resource } from '../../../src/render/kustomize/resource.js';
import {
  applyCommonAnnotations,
  applyCommonLabels,
  applyLabels,
  applyNamePrefixSuffix,
  applyNamespace,
  type LabelsEntry,
} from '../../../src/render/kustomize/transformers.js';
import { parseResourceYaml, printObjects } from '../../../src/render/kustomize/yaml-io.js';
import { RenderError } from '../../../src/render/types.js';
import { cleanupKubectlTrees, hasKubectl, kubectlRender } from '../../helpers/kubectl-renderer.js';

const FIXTURES = fileURLToPath(new URL('./transformer-fixtures/', import.meta.url));
const fixture = (name: string) => readFileSync(FIXTURES + name, 'utf8');

type Configurations = Partial<
  Record<
    | 'namespace'
    | 'namePrefix'
    | 'nameSuffix'
    | 'commonLabels'
    | 'labels'
    | 'templateLabels'
    | 'commonAnnotations'
    | 'images'
    | 'replicas',
    FieldSpec[]
  >
>;

interface Layer {
  namespace?: string;
  namePrefix?: string;
  nameSuffix?: string;
  labels?: LabelsEntry[];
  commonLabels?: Record<string, string>;
  commonAnnotations?: Record<string, string>;
  replicas?: ReplicaSpec[];
  images?: ImageSpec[];
  configurations?: Configurations;
}

interface Case {
  name: string;
  /** Fixture files (or inline YAML) the innermost kustomization lists as resources. */
  resources: string[];
  /** Kustomizations from the innermost (which holds the resources) outwards. */
  layers: Layer[];
}

/** Our side: the modules in Kustomize's transformer order (kusttarget_configplugin.go), layer by layer. */
function renderOurs(c: Case): string {
  const resources: Resource[] = c.resources.flatMap((file) =>
    parseResourceYaml(file.includes('\n') ? file : fixture(file), file).map((o) => newResource(o, file)),
  );
  for (const layer of c.layers) {
    const config = layer.configurations ?? {};
    applyNamespace(resources, layer.namespace ?? '', config.namespace);
    applyNamePrefixSuffix(resources, layer.namePrefix, layer.nameSuffix, config);
    applyLabels(resources, layer.labels ?? [], config);
    applyCommonLabels(resources, layer.commonLabels ?? {}, config.commonLabels);
    applyCommonAnnotations(resources, layer.commonAnnotations ?? {}, config.commonAnnotations);
    applyReplicas(resources, layer.replicas ?? [], config.replicas);
    applyImages(resources, layer.images ?? [], config.images);
  }
  return printObjects(resources.map((r) => r.object));
}

/** Kustomize's side: one directory per layer, each listing the one inside it. */
function kustomizationFiles(c: Case): Record<string, string> {
  const files: Record<string, string> = {};
  c.layers.forEach((layer, i) => {
    const dir = `${c.name}/l${i}`;
    const { configurations, labels, ...rest } = layer;
    const resources =
      i === 0
        ? c.resources.map((file, n) => {
            const name = file.includes('\n') ? `inline-${n}.yaml` : file;
            files[`${dir}/${name}`] = file.includes('\n') ? file : fixture(file);
            return name;
          })
        : [`../l${i - 1}`];
    const kustomization: Record<string, unknown> = { resources, ...rest, sortOptions: { order: 'fifo' } };
    if (labels) kustomization.labels = labels;
    if (configurations) {
      files[`${dir}/config.yaml`] = stringify(configurations);
      kustomization.configurations = ['config.yaml'];
    }
    files[`${dir}/kustomization.yaml`] = stringify(kustomization);
  });
  return files;
}

const ALL = ['workloads.yaml', 'cluster.yaml', 'images.yaml'];

const CASES: Case[] = [
  {
    name: 'namespace',
    resources: ALL,
    layers: [{ namespace: 'team-a' }],
  },
  {
    name: 'prefix-suffix',
    resources: ALL,
    layers: [{ namePrefix: 'shop-', nameSuffix: '-v2' }],
  },
  {
    name: 'prefix-only-then-suffix-only',
    resources: ['workloads.yaml', 'cluster.yaml'],
    layers: [{ namePrefix: 'base-' }, { nameSuffix: '-prod', namespace: 'prod' }],
  },
  {
    name: 'common-labels',
    resources: ALL,
    layers: [{ commonLabels: { 'app.kubernetes.io/part-of': 'shop', team: 'payments' } }],
  },
  {
    name: 'common-annotations',
    resources: ALL,
    layers: [{ commonAnnotations: { 'acme.io/owner': 'payments', 'acme.io/oncall': 'https://oncall.acme.io/pay' } }],
  },
  {
    name: 'labels-entries',
    resources: ALL,
    layers: [
      {
        labels: [
          { pairs: { env: 'prod' } },
          { pairs: { 'app.kubernetes.io/version': '1.4.2' }, includeTemplates: true },
          { pairs: { 'app.kubernetes.io/instance': 'shop-prod' }, includeSelectors: true },
          {
            pairs: { 'acme.io/cost-center': 'cc-42' },
            includeSelectors: false,
            fields: [
              { path: 'spec/selector/matchLabels', kind: 'ServiceMonitor', create: false },
              { path: 'spec/template/metadata/labels', kind: 'Rollout', group: 'argoproj.io', create: true },
            ],
          },
        ],
      },
    ],
  },
  {
    name: 'labels-templates-and-selectors-flags',
    resources: ['workloads.yaml'],
    layers: [
      {
        labels: [
          { pairs: { a: '1' }, includeSelectors: true, includeTemplates: false },
          { pairs: { b: '2' }, includeSelectors: false, includeTemplates: false },
        ],
        commonLabels: { c: '3' },
      },
    ],
  },
  {
    name: 'custom-configurations',
    resources: ALL,
    layers: [
      {
        namespace: 'shop',
        namePrefix: 'eu-',
        commonLabels: { region: 'eu' },
        commonAnnotations: { 'acme.io/region': 'eu-west-1' },
        images: [{ name: 'quay.io/prometheus/prometheus', newTag: 'v2.49.1' }],
        replicas: [{ name: 'storefront', count: 6 }],
        configurations: {
          commonLabels: [
            { path: 'spec/selector/matchLabels', kind: 'ServiceMonitor', group: 'monitoring.coreos.com', create: true },
            { path: 'spec/template/metadata/labels', kind: 'Rollout', create: true },
          ],
          commonAnnotations: [{ path: 'spec/template/metadata/annotations', kind: 'Rollout', create: true }],
          images: [{ path: 'spec/image', kind: 'Prometheus' }],
          replicas: [{ path: 'spec/replicas', kind: 'Rollout', group: 'argoproj.io', create: true }],
          namePrefix: [{ path: 'spec/serviceName', kind: 'StatefulSet' }],
          namespace: [
            { path: 'spec/targetNamespace', kind: 'HelmRelease', group: 'helm.toolkit.fluxcd.io', create: true },
            // Dropped for (Cluster)RoleBindings: only subjects named "default" follow the namespace.
            { path: 'subjects/namespace', kind: 'RoleBinding', create: true },
          ],
        },
      },
    ],
  },
  {
    // A kind-less custom spec for a path some kind already has counts as already there and is dropped.
    name: 'custom-spec-covered-by-default',
    resources: ['images.yaml'],
    layers: [
      {
        commonLabels: { tier: 'web' },
        configurations: { commonLabels: [{ path: 'spec/template/metadata/labels', create: true }] },
      },
    ],
  },
  {
    name: 'images',
    resources: ['images.yaml', 'cluster.yaml'],
    layers: [
      {
        images: [
          { name: 'nginx', newTag: '1.27.1' },
          { name: 'busybox', newName: 'registry.acme.internal:5000/mirror/busybox' },
          { name: 'registry.acme.internal:5000/shop/api', newTag: 'v1.5.0' },
          { name: 'registry.acme.internal:5000/shop/migrate', newTag: 'v1.5.0' },
          { name: 'ghcr.io/acme/worker', newName: 'registry.acme.internal/mirror/worker' },
          {
            name: 'redis',
            newTag: '7.2.4',
            digest: 'sha256:e422889e156ebea83856b6ff973bfe0c86bce867d80def228044eeecf925592b',
          },
          {
            name: 'quay.io/prometheus/node-exporter',
            digest: 'sha256:4cb2b9019f1757be8482419002cb7afe028fdba35d47958829e4cfeaf6246d80',
          },
          { name: 'quay.io.jetstack/cert-manager-controller', newTag: 'v1.14.0' },
          { name: 'alpine:3.19', newTag: '3.20' },
          { name: 'envoyproxy/envoy', tagSuffix: '-distroless' },
          { name: 'docker.io/library/nginx', newName: 'mirror.gcr.io/library/nginx' },
          // Image volumes (spec/volumes[]/image/reference) are not in v5.5's table: untouched.
          { name: 'ghcr.io/acme/models', newTag: 'v2' },
          { name: 'ghcr.io/knative/helloworld-go', digest: 'sha256:0123456789abcdef' },
        ],
      },
    ],
  },
  {
    // tagSuffix shows where the field specs reach: the legacy walk and then each spec add it again.
    name: 'images-tag-suffix',
    resources: ['images.yaml'],
    layers: [
      {
        images: [
          { name: 'busybox', tagSuffix: '-debug' },
          { name: 'alpine', tagSuffix: '-slim' },
          { name: 'envoyproxy/envoy', tagSuffix: '-distroless' },
          { name: 'registry.acme.internal:5000/shop/migrate', tagSuffix: '-rc1' },
        ],
      },
    ],
  },
  {
    name: 'images-chained-entries',
    resources: ['images.yaml'],
    layers: [
      {
        images: [
          { name: 'nginx', newName: 'nginx-unstable' },
          { name: 'nginx-unstable', newTag: 'mainline' },
          { name: 'busybox', newName: 'busybox', newTag: '1.37' },
        ],
      },
      { images: [{ name: 'nginx-unstable', digest: 'sha256:abc123' }] },
    ],
  },
  {
    name: 'replicas',
    resources: ['workloads.yaml', 'images.yaml'],
    layers: [
      { namePrefix: 'base-', replicas: [{ name: 'web', count: 5 }] },
      {
        nameSuffix: '-prod',
        replicas: [
          { name: 'web', count: 7 },
          { name: 'base-db', count: 3 },
          { name: 'legacy-frontend', count: 0 },
          { name: 'old-rc', count: 2 },
        ],
      },
    ],
  },
  {
    name: 'everything',
    resources: ALL,
    layers: [
      {
        namespace: 'payments',
        namePrefix: 'pay-',
        nameSuffix: '-blue',
        labels: [{ pairs: { 'app.kubernetes.io/managed-by': 'envgate' }, includeTemplates: true }],
        commonLabels: { 'app.kubernetes.io/part-of': 'payments' },
        commonAnnotations: { 'acme.io/repo': 'gitops' },
        replicas: [{ name: 'web', count: 3 }],
        images: [{ name: 'nginx', newName: 'ghcr.io/acme/nginx', newTag: '1.27.1' }],
      },
    ],
  },
];

if (!hasKubectl) console.warn('kubectl is not installed: the transformer parity cases against Kustomize are skipped');

describe.skipIf(!hasKubectl)('transformers, images and replicas match kubectl kustomize', () => {
  const expected = new Map<string, string>();
  beforeAll(async () => {
    const files = Object.assign({}, ...CASES.map(kustomizationFiles)) as Record<string, string>;
    const snapshot = MemorySnapshot.fromRecord('x'.repeat(40), files);
    await Promise.all(
      CASES.map(async (c) => {
        const out = await kubectlRender(
          snapshot,
          { path: `${c.name}/l${c.layers.length - 1}`, type: 'kustomize' },
          { engine: 'kustomize', loadRestrictor: 'LoadRestrictionsRootOnly' },
        );
        expected.set(c.name, printObjects(out.objects));
      }),
    );
  }, 60_000);
  afterAll(cleanupKubectlTrees);

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(renderOurs(c)).toBe(expected.get(c.name));
  });
});

describe.skipIf(!hasKubectl)('errors match kubectl kustomize', () => {
  afterAll(cleanupKubectlTrees);

  const errorCases: { case: Case; pattern: RegExp }[] = [
    {
      case: {
        name: 'replica-missing',
        resources: ['workloads.yaml'],
        layers: [{ replicas: [{ name: 'api', count: 2 }] }],
      },
      pattern: /resource with name api does not match a config/,
    },
    {
      // kind Pod is not in the replicas table: a name match on an unlisted kind is no match.
      case: {
        name: 'replica-wrong-kind',
        resources: ['images.yaml'],
        layers: [{ replicas: [{ name: 'toolbox', count: 2 }] }],
      },
      pattern: /resource with name toolbox does not match a config/,
    },
    {
      case: {
        name: 'namespace-conflict',
        resources: [
          'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n',
        ],
        layers: [{ namespace: 'shared' }],
      },
      pattern: /namespace transformation produces ID conflict/,
    },
    {
      case: {
        name: 'labels-conflicting-fieldspecs',
        resources: ['workloads.yaml'],
        layers: [
          {
            labels: [
              {
                pairs: { team: 'payments' },
                fields: [{ path: 'metadata/labels', kind: 'ServiceMonitor', create: false }],
              },
            ],
          },
        ],
      },
      pattern: /conflicting fieldspecs/,
    },
  ];

  it.each(errorCases.map((e) => [e.case.name, e] as const))('%s', async (_name, { case: c, pattern }) => {
    const snapshot = MemorySnapshot.fromRecord('y'.repeat(40), kustomizationFiles(c));
    const theirs = await kubectlRender(
      snapshot,
      { path: `${c.name}/l${c.layers.length - 1}`, type: 'kustomize' },
      { engine: 'kustomize', loadRestrictor: 'LoadRestrictionsRootOnly' },
    ).then(
      () => 'rendered',
      (error: Error) => error.message,
    );
    expect(theirs).toMatch(pattern);
    let ours: unknown;
    try {
      renderOurs(c);
    } catch (error) {
      ours = error;
    }
    expect(ours).toBeInstanceOf(RenderError);
    expect((ours as RenderError).reason).toBe('invalid');
    expect((ours as RenderError).message).toMatch(pattern);
  });
});

describe('image references', () => {
  it('splits registry ports, tags and digests as Kustomize does', () => {
    expect(splitImage('registry.acme.internal:5000/shop/api')).toEqual({
      name: 'registry.acme.internal:5000/shop/api',
      tag: '',
      digest: '',
    });
    expect(splitImage('registry.acme.internal:5000/shop/api:v1@sha256:ab')).toEqual({
      name: 'registry.acme.internal:5000/shop/api',
      tag: 'v1',
      digest: 'sha256:ab',
    });
    expect(splitImage('nginx@sha256:ab')).toEqual({ name: 'nginx', tag: '', digest: 'sha256:ab' });
  });

  it('matches only the whole name, with an optional tag and sha256 digest', () => {
    expect(updatedImage('nginx-exporter:1', { name: 'nginx', newTag: '2' })).toBeUndefined();
    expect(updatedImage('nginx@sha512:ab', { name: 'nginx', newTag: '2' })).toBeUndefined();
    expect(updatedImage('nginx:1@sha256:ab', { name: 'nginx', newTag: '2' })).toBe('nginx:2');
  });

  it('refuses a name that is not a valid pattern with a clear error', () => {
    expect(() =>
      applyImages(
        [newResource({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }, 'p.yaml')],
        [{ name: 'nginx[' }],
      ),
    ).toThrow(/images: name 'nginx\[' is not a valid image name pattern/);
  });
});
