// The render stage and the diff on real Kustomize output (kubectl kustomize, Kustomize v5): the example repository's
// sample PR, a generator hash rename, and broken roots. Independent of envgate's own engine.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig, loadRepoConfig, type LoadedConfig } from '../../src/config/config.js';
import { review } from '../../src/core/review.js';
import type { PullRequestSnapshot, Review } from '../../src/core/types.js';
import { buildDemoRepo, type DemoRepo } from '../../src/demo/build.js';
import { diffStage } from '../../src/diff/stage.js';
import { localPullRequest } from '../../src/git/local-pr.js';
import { memoryPr } from '../helpers/memory-pr.js';
import { createRenderStage } from '../../src/render/stage.js';
import { renderJson } from '../../src/report/json.js';
import { renderComment } from '../../src/report/markdown.js';
import { parseStage } from '../../src/validate/parse-stage.js';
import { cleanupKubectlTrees, hasKubectl, kubectlRender } from '../helpers/kubectl-renderer.js';

const stages = [parseStage, createRenderStage(kubectlRender), diffStage];

afterAll(() => cleanupKubectlTrees());

describe.skipIf(!hasKubectl)('rendered diff on real Kustomize output', () => {
  let demo: DemoRepo;
  let result: Review;

  beforeAll(async () => {
    demo = await buildDemoRepo();
    const pr = await localPullRequest({ repo: demo.dir, base: demo.base, head: demo.head });
    result = await review({ pr, config: loadRepoConfig(pr.target) }, stages);
  });
  afterAll(() => demo?.cleanup());

  it('diffs the sample PR: prod image and replicas, the staging rollout patch and image, the test additions', () => {
    expect(result.roots.map((r) => [r.path, r.env, r.base, r.head])).toEqual([
      ['environments/prod', 'prod', 'ok', 'ok'],
      ['environments/staging', 'staging', 'ok', 'ok'],
      ['environments/test', 'test', 'ok', 'ok'], // kubectl's Kustomize takes the duplicate key; envgate's engine refuses it
    ]);
    const byEnv = (env: string) => result.diff.filter((c) => c.env === env);
    expect(byEnv('prod').map((c) => [c.kind, c.namespace, c.name, c.change])).toEqual([
      ['Deployment', 'shop-prod', 'checkout-api', 'modified'],
    ]);
    expect(byEnv('prod')[0]!.fields).toEqual([
      { path: 'spec.replicas', before: 3, after: 4 },
      {
        path: 'spec.template.spec.containers[name=api].image',
        before:
          'ghcr.io/acme/checkout-api:1.8.1@sha256:3ab8e5ad213f77f6354504666fa08f7227a7c2ad77f4e380058f03747d73c2d5',
        after: 'ghcr.io/acme/checkout-api:1.8.2',
      },
    ]);
    expect(byEnv('staging')[0]!.fields!.map((f) => f.path)).toEqual([
      'spec.minReadySeconds',
      'spec.strategy.rollingUpdate.maxSurge',
      'spec.strategy.rollingUpdate.maxUnavailble',
      'spec.template.spec.containers[name=api].image',
    ]);
    expect(byEnv('test').map((c) => [c.kind, c.name, c.change])).toEqual([
      ['Secret', 'checkout-db-loadtest', 'added'],
      ['Deployment', 'checkout-api', 'modified'],
    ]);
    // The generated ConfigMaps did not change, so neither did their hash-suffixed names: no noise.
    expect(result.diff.some((c) => c.kind === 'ConfigMap')).toBe(false);
    expect(result.environments.map((e) => [e.name, e.resources])).toEqual([
      ['test', 8],
      ['staging', 8],
      ['prod', 8],
    ]);
  });

  it('shows the comment with the diff, and no secret value anywhere', () => {
    const comment = renderComment(result);
    expect(comment).toContain('<summary>prod · Deployment shop-prod/checkout-api ~ modified</summary>');
    expect(comment).toContain('-  replicas: 3\n+  replicas: 4');
    expect(comment).toContain('+  password: "*** (17 bytes)"');
    for (const text of [comment, renderJson(result)]) expect(text).not.toContain('Tr0ub4dor');
  });
});

const k = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const APP: Record<string, string> = {
  'base/api/kustomization.yaml': k(
    'resources: [deployment.yaml]\nconfigMapGenerator:\n  - name: api-config\n    literals: [LOG_LEVEL=info]\n',
  ),
  'base/api/deployment.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: api',
    '          image: ghcr.io/acme/api:2.4.0',
    '          envFrom:',
    '            - configMapRef:',
    '                name: api-config',
    '',
  ].join('\n'),
  'environments/prod/kustomization.yaml': k('namespace: api-prod\nresources: [../../base/api]\n'),
  'environments/dev/kustomization.yaml': k('namespace: api-dev\nresources: [../../base/api]\n'),
};

function pr(head: Record<string, string>): PullRequestSnapshot {
  return memoryPr(
    APP,
    { ...APP, ...head },
    {
      changedPaths: Object.keys(head).map((path) => ({ path, status: path in APP ? 'modified' : 'added' })),
    },
  );
}

const DEFAULTS: LoadedConfig = { config: defaultConfig(), valid: true, findings: [] };

describe.skipIf(!hasKubectl)('real Kustomize: renames and broken roots', () => {
  it('pairs a generator output renamed by its hash, and shows the reference update in the Deployment', async () => {
    const result = await review(
      {
        pr: pr({
          'base/api/kustomization.yaml': APP['base/api/kustomization.yaml']!.replace(
            'LOG_LEVEL=info',
            'LOG_LEVEL=warn',
          ),
        }),
        config: DEFAULTS,
      },
      stages,
    );
    const prod = result.diff.filter((c) => c.env === 'prod');
    expect(prod.map((c) => [c.kind, c.change])).toEqual([
      ['ConfigMap', 'modified'],
      ['Deployment', 'modified'],
    ]);
    const [configMap, deployment] = prod;
    expect(configMap!.name).toMatch(/^api-config-[2456789bcdfghkmt]{10}$/);
    expect(configMap!.previousName).toMatch(/^api-config-[2456789bcdfghkmt]{10}$/);
    expect(configMap!.previousName).not.toBe(configMap!.name);
    expect(configMap!.fields).toContainEqual({ path: 'data.LOG_LEVEL', before: 'info', after: 'warn' });
    expect(deployment!.fields).toEqual([
      {
        path: 'spec.template.spec.containers[name=api].envFrom[0].configMapRef.name',
        before: configMap!.previousName,
        after: configMap!.name,
      },
    ]);
  });

  it.each([
    ['a broken kustomization', { 'environments/prod/kustomization.yaml': k('resources: [../../base/api\n') }],
    [
      'a missing resource file',
      { 'environments/prod/kustomization.yaml': k('resources: [../../base/api, pdb.yaml]\n') },
    ],
    [
      'a reference cycle',
      {
        'environments/prod/kustomization.yaml': k('resources: [../../base/api, ../loop]\n'),
        'environments/loop/kustomization.yaml': k('resources: [../prod]\n'),
      },
    ],
    [
      'an escape from the root',
      {
        'environments/prod/kustomization.yaml': k(
          'resources: [../../base/api]\npatches: [{ path: ../../secrets/patch.yaml }]\n',
        ),
        'secrets/patch.yaml': 'x: 1\n',
      },
    ],
  ])('gives %s a per-root error, never "all removed", and still diffs dev', async (_name, change) => {
    const result = await review(
      {
        pr: pr({
          ...change,
          'environments/dev/kustomization.yaml': k(
            'namespace: api-dev\nresources: [../../base/api]\nnamePrefix: dev-\n',
          ),
        }),
        config: DEFAULTS,
      },
      stages,
    );
    const prod = result.roots.find((r) => r.path === 'environments/prod')!;
    expect(prod).toMatchObject({ base: 'ok', head: 'error' });
    expect(prod.error!.length).toBeGreaterThan(10);
    expect(prod.error).not.toContain('\n');
    expect(result.findings).toContainEqual(
      expect.objectContaining({ rule: 'render/failed', severity: 'error', env: 'prod' }),
    );
    expect(result.diff.filter((c) => c.env === 'prod')).toEqual([]);
    expect(result.diff.filter((c) => c.env === 'dev').map((c) => c.change)).toEqual([
      'added',
      'added',
      'removed',
      'removed',
    ]);
  });
});
