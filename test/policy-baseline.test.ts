import { describe, expect, it } from 'vitest';
import type { EnvironmentClass } from '../src/core/types.js';
import { baselinePack, PolicyEngine } from '../src/policy/engine.js';
import { paramSource, verdictOf } from '../src/policy/evaluate.js';
import type { AdmissionRequest } from '../src/policy/match.js';
import { ResourceCatalog } from '../src/policy/resources.js';
import { environmentParams } from '../src/policy/stage.js';
import type { KubeObject } from '../src/render/types.js';

const engine = PolicyEngine.fromSets([baselinePack()]);
const catalog = new ResourceCatalog();
const ENVS: Record<string, EnvironmentClass> = { dev: 'low', test: 'medium', staging: 'high', prod: 'critical' };
const DIGEST = `sha256:${'3ab8e5ad'.repeat(8)}`;

/** Verdict and messages of one baseline policy for one object in one environment. */
function check(
  policy: string,
  object: KubeObject,
  env: keyof typeof ENVS,
  options: { namespaceObject?: KubeObject; old?: KubeObject } = {},
) {
  const resource = catalog.info(object);
  const req: AdmissionRequest = {
    operation: options.old ? 'UPDATE' : 'CREATE',
    object,
    oldObject: options.old ?? null,
    resource,
    name: object.metadata?.name ?? '',
    namespace: resource.namespaced ? (object.metadata?.namespace ?? '') : '',
    namespaceObject: options.namespaceObject ?? null,
  };
  const ref = { name: env, class: ENVS[env]! };
  const results = engine.evaluate(req, ref, paramSource([environmentParams(ref, undefined)]));
  const result = results.find((r) => r.policy.definition.name === `envgate-baseline-${policy}`);
  if (!result) return { verdict: 'not in this environment', messages: [] as string[] };
  return { verdict: verdictOf(result), messages: result.decisions.map((d) => d.message) };
}

function workload(
  containers: Record<string, unknown>[],
  podSpec: Record<string, unknown> = {},
  namespace = 'shop-prod',
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'checkout-api', namespace },
    spec: {
      selector: { matchLabels: { app: 'checkout' } },
      template: { metadata: { labels: { app: 'checkout' } }, spec: { containers, ...podSpec } },
    },
  };
}

const RESOURCES = { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } };
const api = (image: string, extra: Record<string, unknown> = {}) => ({
  name: 'api',
  image,
  resources: RESOURCES,
  ...extra,
});

describe('baseline pack', () => {
  it('loads and compiles every policy', () => {
    expect(engine.problems).toEqual([]);
    expect(engine.compileErrors).toEqual([]);
    expect(engine.policies.map((p) => p.definition.name)).toEqual([
      'envgate-baseline-argocd-auto-prune',
      'envgate-baseline-flux-pinned-source',
      'envgate-baseline-image-digest',
      'envgate-baseline-image-not-latest',
      'envgate-baseline-namespace-environment',
      'envgate-baseline-no-secret-env-values',
      'envgate-baseline-pod-security',
      'envgate-baseline-resources',
    ]);
  });

  describe('image-digest (staging and prod)', () => {
    it('fails a tag in staging and prod and names the container and image', () => {
      const tagged = workload([api('ghcr.io/acme/checkout-api:1.8.2')]);
      for (const env of ['staging', 'prod'] as const) {
        expect(check('image-digest', tagged, env)).toEqual({
          verdict: 'fail',
          messages: [
            'images must be pinned by digest (image@sha256:…) in staging and prod: api (ghcr.io/acme/checkout-api:1.8.2)',
          ],
        });
      }
      expect(check('image-digest', tagged, 'dev').verdict).toBe('not in this environment');
    });

    it('passes digests (with or without a tag), in init containers and CronJobs too', () => {
      const pinned = workload([api(`ghcr.io/acme/checkout-api:1.8.2@${DIGEST}`)], {
        initContainers: [{ name: 'migrate', image: `ghcr.io/acme/migrate@${DIGEST}` }],
      });
      expect(check('image-digest', pinned, 'prod').verdict).toBe('pass');
      const cron: KubeObject = {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'report', namespace: 'shop-prod' },
        spec: {
          schedule: '@daily',
          jobTemplate: { spec: { template: { spec: { containers: [{ name: 'r', image: 'busybox:1.36' }] } } } },
        },
      };
      expect(check('image-digest', cron, 'prod').messages).toEqual([
        'images must be pinned by digest (image@sha256:…) in staging and prod: r (busybox:1.36)',
      ]);
    });
  });

  describe('image-not-latest (every environment, a warning)', () => {
    it('fails latest and untagged images, passes versions and digests', () => {
      const floating = workload([api('nginx'), { name: 'side', image: 'registry:5000/tools/proxy:latest' }]);
      expect(check('image-not-latest', floating, 'dev')).toEqual({
        verdict: 'fail',
        messages: [
          'images must name a version, not latest or no tag: api (nginx), side (registry:5000/tools/proxy:latest)',
        ],
      });
      expect(check('image-not-latest', workload([api('registry:5000/proxy:1.2')]), 'dev').verdict).toBe('pass');
      expect(check('image-not-latest', workload([api(`nginx:latest@${DIGEST}`)]), 'dev').verdict).toBe('pass');
    });
  });

  describe('no-secret-env-values (every environment)', () => {
    it('fails literal values of secret-named variables, never printing the value', () => {
      const leaked = workload([
        api('nginx:1', {
          env: [
            { name: 'DATABASE_PASSWORD', value: 'hunter2-do-not-print' },
            { name: 'stripe_api_key', value: 'sk_live_x' },
            { name: 'GITHUB_TOKEN', valueFrom: { secretKeyRef: { name: 'gh', key: 'token' } } },
            { name: 'PASSWORD_FILE', value: '/run/secrets/db' },
            { name: 'TOKEN_URL', value: 'https://auth.example.com/token' },
            { name: 'API_TOKEN', value: '$(SHARED_TOKEN)' },
            { name: 'CLIENT_SECRET', value: '' },
          ],
        }),
      ]);
      const result = check('no-secret-env-values', leaked, 'dev');
      expect(result).toEqual({
        verdict: 'fail',
        messages: [
          'secret values must come from a Secret (valueFrom.secretKeyRef), not a literal value: api.DATABASE_PASSWORD, api.stripe_api_key',
        ],
      });
      expect(JSON.stringify(result)).not.toContain('hunter2');
    });
  });

  describe('resources (prod)', () => {
    it('requires CPU and memory requests and a memory limit, no larger request than limit', () => {
      expect(check('resources', workload([api('nginx:1')]), 'prod').verdict).toBe('pass');
      const missing = workload([{ name: 'api', image: 'nginx:1', resources: { limits: { memory: '1Gi' } } }], {
        initContainers: [{ name: 'init', image: 'busybox:1', resources: RESOURCES }],
      });
      expect(check('resources', missing, 'prod').messages).toEqual([
        'containers need resources.requests.cpu, resources.requests.memory and resources.limits.memory in prod: api',
      ]);
      const inverted = workload([
        {
          name: 'api',
          image: 'nginx:1',
          resources: { requests: { cpu: 1, memory: '2Gi' }, limits: { memory: 1073741824 } },
        },
      ]);
      expect(check('resources', inverted, 'prod').messages).toEqual([
        'memory request is larger than the memory limit: api',
      ]);
      expect(check('resources', missing, 'staging').verdict).toBe('not in this environment');
    });
  });

  describe('pod-security (staging and prod)', () => {
    it('fails privileged containers, host namespaces and hostPath volumes, each with its message', () => {
      const risky = workload([api('nginx:1', { securityContext: { privileged: true } })], {
        hostNetwork: true,
        hostPID: false,
        hostIPC: true,
        volumes: [
          { name: 'docker', hostPath: { path: '/var/run/docker.sock' } },
          { name: 'tmp', emptyDir: {} },
        ],
      });
      expect(check('pod-security', risky, 'staging').messages).toEqual([
        'privileged containers are not allowed in staging and prod: api',
        'host namespaces are not allowed in staging and prod: hostNetwork, hostIPC is true',
        'hostPath volumes are not allowed in staging and prod: docker (/var/run/docker.sock)',
      ]);
      expect(
        check(
          'pod-security',
          workload([api('nginx:1', { securityContext: { privileged: false } })], { hostNetwork: false }),
          'prod',
        ).verdict,
      ).toBe('pass');
    });
  });

  describe('namespace-environment (every environment)', () => {
    const configMap = (namespace: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', namespace },
    });
    it('passes namespaces that carry the environment as a word, fails others', () => {
      expect(check('namespace-environment', configMap('shop-prod'), 'prod').verdict).toBe('pass');
      expect(check('namespace-environment', configMap('prod'), 'prod').verdict).toBe('pass');
      expect(check('namespace-environment', configMap('shop-staging'), 'prod')).toEqual({
        verdict: 'fail',
        messages: [
          'namespace shop-staging does not belong to environment prod: its name must match (^|[-.])prod([-.]|$) or its Namespace must be labelled envgate.dev/environment=prod',
        ],
      });
      expect(check('namespace-environment', configMap('shop-nonprod'), 'prod').verdict).toBe('fail');
    });

    it('accepts a Namespace labelled for the environment, and checks Namespace objects themselves', () => {
      const ns: KubeObject = {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'payments', labels: { 'envgate.dev/environment': 'prod' } },
      };
      expect(check('namespace-environment', configMap('payments'), 'prod', { namespaceObject: ns }).verdict).toBe(
        'pass',
      );
      expect(check('namespace-environment', ns, 'prod').verdict).toBe('pass');
      expect(check('namespace-environment', ns, 'staging').verdict).toBe('fail');
      const clusterRole: KubeObject = {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'x' },
      };
      expect(check('namespace-environment', clusterRole, 'prod').verdict).toBe('skip');
      expect(check('namespace-environment', { ...configMap(''), metadata: { name: 'cfg' } }, 'prod').verdict).toBe(
        'skip',
      );
    });
  });

  describe('argocd-auto-prune (staging and prod)', () => {
    const app = (syncPolicy: unknown, annotations?: Record<string, string>): KubeObject => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'checkout', namespace: 'argocd', ...(annotations ? { annotations } : {}) },
      spec: {
        project: 'shop',
        source: { repoURL: 'https://git.example.com/shop.git', path: 'environments/prod' },
        destination: { server: 'https://kubernetes.default.svc', namespace: 'shop-prod' },
        syncPolicy,
      },
    });
    it('fails automated sync with prune unless opted in; passes manual sync or no prune', () => {
      expect(check('argocd-auto-prune', app({ automated: { prune: true, selfHeal: true } }), 'prod').messages).toEqual([
        'Application checkout syncs automatically with prune: true in staging or prod; turn prune off or annotate it envgate.dev/allow-auto-prune: "true"',
      ]);
      expect(
        check(
          'argocd-auto-prune',
          app({ automated: { prune: true } }, { 'envgate.dev/allow-auto-prune': 'true' }),
          'prod',
        ).verdict,
      ).toBe('pass');
      expect(check('argocd-auto-prune', app({ automated: { prune: true, enabled: false } }), 'staging').verdict).toBe(
        'pass',
      );
      expect(check('argocd-auto-prune', app({ automated: { selfHeal: true } }), 'staging').verdict).toBe('pass');
      expect(check('argocd-auto-prune', app(undefined), 'staging').verdict).toBe('pass');
      expect(check('argocd-auto-prune', app({ automated: { prune: true } }), 'test').verdict).toBe(
        'not in this environment',
      );
    });

    it('checks the template of an ApplicationSet', () => {
      const appSet: KubeObject = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'ApplicationSet',
        metadata: { name: 'shop', namespace: 'argocd' },
        spec: {
          generators: [{ list: { elements: [] } }],
          template: { metadata: { name: '{{name}}' }, spec: { syncPolicy: { automated: { prune: true } } } },
        },
      };
      expect(check('argocd-auto-prune', appSet, 'prod').verdict).toBe('fail');
    });
  });

  describe('flux-pinned-source (prod)', () => {
    const git = (ref: unknown): KubeObject => ({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'shop', namespace: 'flux-system' },
      spec: { interval: '1m', url: 'https://git.example.com/shop.git', ...(ref ? { ref } : {}) },
    });
    const oci = (ref: unknown): KubeObject => ({
      apiVersion: 'source.toolkit.fluxcd.io/v1beta2',
      kind: 'OCIRepository',
      metadata: { name: 'manifests', namespace: 'flux-system' },
      spec: { interval: '5m', url: 'oci://ghcr.io/acme/manifests', ...(ref ? { ref } : {}) },
    });
    it('requires GitRepositories to pin a tag, semver range or commit', () => {
      expect(check('flux-pinned-source', git({ branch: 'main' }), 'prod').messages).toEqual([
        'GitRepository shop follows branch main in prod; pin spec.ref.tag, spec.ref.semver or spec.ref.commit',
      ]);
      expect(check('flux-pinned-source', git(undefined), 'prod').messages[0]).toMatch(/follows its default branch/);
      for (const ref of [
        { tag: 'v1.8.2' },
        { semver: '>=1.8.0 <2.0.0' },
        { branch: 'main', commit: 'a'.repeat(40) },
        { name: 'refs/tags/v1.8.2' },
      ]) {
        expect(check('flux-pinned-source', git(ref), 'prod').verdict).toBe('pass');
      }
      expect(check('flux-pinned-source', git({ branch: 'main' }), 'staging').verdict).toBe('not in this environment');
    });

    it('requires OCIRepositories to pin a digest, semver or version tag, and refuses Bucket sources', () => {
      expect(check('flux-pinned-source', oci(undefined), 'prod').verdict).toBe('fail');
      expect(check('flux-pinned-source', oci({ tag: 'latest' }), 'prod').verdict).toBe('fail');
      expect(check('flux-pinned-source', oci({ tag: '1.8.2' }), 'prod').verdict).toBe('pass');
      expect(check('flux-pinned-source', oci({ digest: DIGEST }), 'prod').verdict).toBe('pass');
      const kustomization = (kind: string): KubeObject => ({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'shop', namespace: 'flux-system' },
        spec: { interval: '10m', path: './environments/prod', prune: true, sourceRef: { kind, name: 'shop' } },
      });
      expect(check('flux-pinned-source', kustomization('Bucket'), 'prod').messages).toEqual([
        'Kustomization shop follows Bucket shop in prod; a bucket has no revision to pin, use a GitRepository or OCIRepository',
      ]);
      expect(check('flux-pinned-source', kustomization('GitRepository'), 'prod').verdict).toBe('pass');
    });
  });
});
