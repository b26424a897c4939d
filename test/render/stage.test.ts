import { describe, expect, it } from 'vitest';
import { defaultConfig, parseRepoConfig, type LoadedConfig } from '../../src/config/config.js';
import { review } from '../../src/core/review.js';
import type { ChangedPath, PullRequestSnapshot, RepoSnapshot } from '../../src/core/types.js';
import { diffStage } from '../../src/diff/stage.js';
import { memoryPr } from '../helpers/memory-pr.js';
import type { RenderRoot } from '../../src/render/discovery.js';
import { createRenderStage, type RenderRootFn, type RootRenderOptions } from '../../src/render/stage.js';
import { parseStage } from '../../src/validate/parse-stage.js';
import { plainRender } from '../helpers/plain-renderer.js';

const k = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const deployment = (image: string) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: checkout-api',
    'spec:',
    '  replicas: 2',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: api',
    `          image: ${image}`,
    '',
  ].join('\n');
const namespace = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;

const REPO: Record<string, string> = {
  'base/checkout/kustomization.yaml': k('resources: [deployment.yaml]\n'),
  'base/checkout/deployment.yaml': deployment('ghcr.io/acme/checkout-api:1.8.1'),
  'base/cart/kustomization.yaml': k('resources: [deployment.yaml]\n'),
  'base/cart/deployment.yaml': deployment('ghcr.io/acme/cart:2.0.0'),
  'environments/dev/kustomization.yaml': k('namespace: shop-dev\nresources: [namespace.yaml, ../../base/checkout]\n'),
  'environments/dev/namespace.yaml': namespace('shop-dev'),
  'environments/prod/kustomization.yaml': k('namespace: shop-prod\nresources: [namespace.yaml, ../../base/checkout]\n'),
  'environments/prod/namespace.yaml': namespace('shop-prod'),
  'environments/staging/kustomization.yaml': k(
    'namespace: shop-staging\nresources: [namespace.yaml, ../../base/cart]\n',
  ),
  'environments/staging/namespace.yaml': namespace('shop-staging'),
};

function pullRequest(
  head: Record<string, string | null>,
  options: { base?: Record<string, string>; renamed?: Record<string, string> } = {},
): PullRequestSnapshot {
  const baseFiles = options.base ?? REPO;
  const headFiles: Record<string, string> = { ...baseFiles };
  for (const [path, text] of Object.entries(head)) {
    if (text === null) delete headFiles[path];
    else headFiles[path] = text;
  }
  const changedPaths: ChangedPath[] = Object.entries(head).map(([path, text]) => ({
    path,
    status: text === null ? 'deleted' : path in baseFiles ? 'modified' : 'added',
  }));
  for (const [from, to] of Object.entries(options.renamed ?? {})) {
    changedPaths.push({ path: to, previousPath: from, status: 'renamed' });
    headFiles[to] = headFiles[from]!;
    delete headFiles[from];
  }
  return memoryPr(baseFiles, headFiles, { changedPaths });
}

const DEFAULTS: LoadedConfig = { config: defaultConfig(), valid: true, findings: [] };

async function run(pr: PullRequestSnapshot, render: RenderRootFn = plainRender, config = DEFAULTS) {
  return review({ pr, config }, [parseStage, createRenderStage(render), diffStage]);
}

describe('render stage', () => {
  it('renders only the roots a change feeds, and a shared base change touches their environments', async () => {
    const result = await run(
      pullRequest({ 'base/checkout/deployment.yaml': deployment('ghcr.io/acme/checkout-api:1.8.2') }),
    );
    expect(result.roots).toEqual([
      { path: 'environments/dev', type: 'kustomize', env: 'dev', base: 'ok', head: 'ok' },
      { path: 'environments/prod', type: 'kustomize', env: 'prod', base: 'ok', head: 'ok' },
    ]);
    expect(result.notReviewed).toEqual([]);
    expect(result.environments.map((e) => [e.name, e.changedPaths, e.resources, e.modified])).toEqual([
      ['dev', ['base/checkout/deployment.yaml'], 2, 1],
      ['prod', ['base/checkout/deployment.yaml'], 2, 1],
    ]);
    expect(result.diff.map((c) => [c.env, c.kind, c.namespace, c.name, c.change])).toEqual([
      ['dev', 'Deployment', 'shop-dev', 'checkout-api', 'modified'],
      ['prod', 'Deployment', 'shop-prod', 'checkout-api', 'modified'],
    ]);
    expect(result.diff[1]!.fields).toEqual([
      {
        path: 'spec.template.spec.containers[name=api].image',
        before: 'ghcr.io/acme/checkout-api:1.8.1',
        after: 'ghcr.io/acme/checkout-api:1.8.2',
      },
    ]);
    expect(Object.keys(result.timings)).toEqual(['parse', 'render', 'diff']);
  });

  it('leaves a change that feeds no root outside every environment as not reviewed', async () => {
    const result = await run(pullRequest({ 'base/unused/configmap.yaml': namespace('x'), 'docs/runbook.md': '# hi' }));
    expect(result.roots).toEqual([]);
    expect(result.notReviewed).toEqual(['base/unused/configmap.yaml', 'docs/runbook.md']);
  });

  it('follows a rename on either side', async () => {
    const result = await run(
      pullRequest(
        { 'base/checkout/kustomization.yaml': k('resources: [api.yaml]\n') },
        { renamed: { 'base/checkout/deployment.yaml': 'base/checkout/api.yaml' } },
      ),
    );
    expect(result.roots.map((r) => r.path)).toEqual(['environments/dev', 'environments/prod']);
    expect(result.diff).toEqual([]); // same objects: nothing to show
    expect(result.environments.find((e) => e.name === 'prod')!.changedPaths).toEqual([
      'base/checkout/kustomization.yaml',
      'base/checkout/api.yaml',
    ]);
  });

  it('shows a root the PR adds as all added, and one it deletes as all removed', async () => {
    const result = await run(
      pullRequest({
        'environments/qa/kustomization.yaml': k('namespace: shop-qa\nresources: [namespace.yaml]\n'),
        'environments/qa/namespace.yaml': namespace('shop-qa'),
        'environments/staging/kustomization.yaml': null,
        'environments/staging/namespace.yaml': null,
      }),
    );
    expect(result.roots).toEqual([
      { path: 'environments/qa', type: 'kustomize', env: 'qa', base: 'absent', head: 'ok' },
      { path: 'environments/staging', type: 'kustomize', env: 'staging', base: 'ok', head: 'absent' },
    ]);
    expect(result.diff.map((c) => [c.env, c.kind, c.name, c.change])).toEqual([
      ['qa', 'Namespace', 'shop-qa', 'added'],
      ['staging', 'Namespace', 'shop-staging', 'removed'],
      ['staging', 'Deployment', 'checkout-api', 'removed'],
    ]);
  });

  it('reports a root that fails at head, withholds its diff, and still diffs the other roots', async () => {
    const result = await run(
      pullRequest({
        'base/checkout/deployment.yaml': deployment('ghcr.io/acme/checkout-api:1.8.2'),
        'environments/prod/kustomization.yaml': k(
          'namespace: shop-prod\nresources: [namespace.yaml, ../../base/checkout, pdb.yaml]\n',
        ),
      }),
    );
    expect(result.roots).toEqual([
      { path: 'environments/dev', type: 'kustomize', env: 'dev', base: 'ok', head: 'ok' },
      {
        path: 'environments/prod',
        type: 'kustomize',
        env: 'prod',
        base: 'ok',
        head: 'error',
        error: 'environments/prod/kustomization.yaml: resource pdb.yaml does not exist',
      },
    ]);
    expect(result.findings).toEqual([
      {
        rule: 'render/failed',
        severity: 'error',
        message:
          'environments/prod does not render at head: environments/prod/kustomization.yaml: resource pdb.yaml does not exist; diff suppressed',
        file: 'environments/prod/kustomization.yaml',
        env: 'prod',
      },
    ]);
    // Never "everything removed": prod has no changes at all, dev has its real one.
    expect(result.diff.map((c) => [c.env, c.change])).toEqual([['dev', 'modified']]);
    const prod = result.environments.find((e) => e.name === 'prod')!;
    expect([prod.resources, prod.removed, prod.errors]).toEqual([null, 0, 1]);
  });

  it.each([
    [
      'a broken kustomization',
      { 'environments/prod/kustomization.yaml': k('resources: [namespace.yaml\n') },
      '^environments/prod/kustomization.yaml: .+',
    ],
    ['a missing resource file', { 'environments/prod/namespace.yaml': null }, 'no such file|does not exist'],
    [
      'a reference cycle',
      {
        'environments/prod/kustomization.yaml': k('resources: [../../base/loop]\n'),
        'base/loop/kustomization.yaml': k('resources: [../../environments/prod]\n'),
      },
      'cycle: environments/prod → base/loop → environments/prod',
    ],
    [
      'an escape from the repository',
      { 'environments/prod/kustomization.yaml': k('resources: [../../../etc]\n') },
      'outside the repository',
    ],
  ])('gives %s a clear per-root error, and the rest of the review still runs', async (_name, change, message) => {
    const result = await run(pullRequest({ ...change, 'environments/dev/namespace.yaml': namespace('shop-dev-2') }));
    const prod = result.roots.find((r) => r.path === 'environments/prod')!;
    expect(prod).toMatchObject({ base: 'ok', head: 'error' });
    expect(prod.error).toMatch(new RegExp(message));
    expect(result.findings.filter((f) => f.rule === 'render/failed').map((f) => f.env)).toEqual(['prod']);
    expect(result.diff.map((c) => [c.env, c.kind, c.change])).toEqual([
      ['dev', 'Namespace', 'added'],
      ['dev', 'Namespace', 'removed'],
    ]);
  });

  it("keeps a Secret's values out of a render error, even when the parser quotes the offending lines", async () => {
    const secret =
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: Tr0ub4dor-x9!Lq2v\n  password: hunter2-but-longer\n';
    const result = await run(
      pullRequest({
        'environments/prod/kustomization.yaml': k('namespace: shop-prod\nresources: [namespace.yaml, db.yaml]\n'),
        'environments/prod/db.yaml': secret,
      }),
    );
    expect(result.roots[0]!.error).toMatch(
      /^environments\/prod\/db.yaml: Map keys must be unique at line 7, column 3:?$/,
    );
    const everything = JSON.stringify(result);
    expect(everything).not.toContain('Tr0ub4dor');
    expect(everything).not.toContain('hunter2');
  });

  it('marks a remote base "not rendered": an error in prod, a warning in dev', async () => {
    const remote = (ns: string) =>
      k(`namespace: ${ns}\nresources: [namespace.yaml, https://github.com/acme/platform//monitoring?ref=v1.2.0]\n`);
    const result = await run(
      pullRequest({
        'environments/prod/kustomization.yaml': remote('shop-prod'),
        'environments/dev/kustomization.yaml': remote('shop-dev'),
      }),
    );
    expect(result.findings.map((f) => [f.rule, f.severity, f.env])).toEqual([
      ['render/not-rendered', 'warning', 'dev'],
      ['render/not-rendered', 'error', 'prod'],
    ]);
    expect(result.findings[1]!.message).toMatch(
      /^environments\/prod was not rendered: .*remote resource .* is not rendered offline; its changes are not shown or checked$/,
    );
    expect(result.roots.map((r) => r.error)).toEqual([
      expect.stringMatching(/^not rendered: /),
      expect.stringMatching(/^not rendered: /),
    ]);
    expect(result.diff).toEqual([]);
  });

  it('says so when only the base failed: nothing to diff against, no error for a PR that fixes it', async () => {
    const broken = { ...REPO, 'environments/prod/kustomization.yaml': k('resources: [namespace.yaml, gone.yaml]\n') };
    const result = await run(
      pullRequest({ 'environments/prod/kustomization.yaml': k('resources: [namespace.yaml]\n') }, { base: broken }),
    );
    expect(result.roots[0]).toMatchObject({
      base: 'error',
      head: 'ok',
      error: expect.stringMatching(/^at base: .*gone.yaml/),
    });
    expect(result.findings.map((f) => [f.rule, f.severity])).toEqual([['render/base-failed', 'info']]);
    expect(result.diff).toEqual([]);
  });

  it("turns an engine crash into that root's error", async () => {
    const crash: RenderRootFn = async (snapshot, root, options) => {
      if (root.path === 'environments/prod')
        throw new TypeError("Cannot read properties of undefined (reading 'spec')");
      return plainRender(snapshot, root, options);
    };
    const result = await run(pullRequest({ 'base/checkout/deployment.yaml': deployment('x:2') }), crash);
    expect(result.roots.map((r) => [r.path, r.head, r.error])).toEqual([
      ['environments/dev', 'ok', undefined],
      ['environments/prod', 'error', "internal error: Cannot read properties of undefined (reading 'spec')"],
    ]);
  });

  it('passes the engine and load restrictor from the config; Flux dirs always get LoadRestrictionsNone', async () => {
    const calls: string[] = [];
    const spy: RenderRootFn = async (snapshot: RepoSnapshot, root: RenderRoot, options: RootRenderOptions) => {
      calls.push(`${snapshot.sha[0]} ${root.type}:${root.path} ${options.engine} ${options.loadRestrictor}`);
      return plainRender(snapshot, root, options);
    };
    const config = parseRepoConfig(
      '.envgate.yml',
      'render:\n  search: [environments]\n  fluxDirs: ["clusters/*"]\n  engine: kustomize\n  loadRestrictor: LoadRestrictionsNone\n',
    );
    config.config.render.loadRestrictor = 'LoadRestrictionsRootOnly';
    const files = { ...REPO, 'clusters/prod/apps.yaml': namespace('apps') };
    const result = await run(
      pullRequest(
        { 'clusters/prod/apps.yaml': namespace('apps-2'), 'environments/dev/namespace.yaml': namespace('d') },
        { base: files },
      ),
      spy,
      config,
    );
    expect(calls.sort()).toEqual([
      '1 flux-dir:clusters/prod kustomize LoadRestrictionsNone',
      '1 kustomize:environments/dev kustomize LoadRestrictionsRootOnly',
      '2 flux-dir:clusters/prod kustomize LoadRestrictionsNone',
      '2 kustomize:environments/dev kustomize LoadRestrictionsRootOnly',
    ]);
    expect(result.roots.map((r) => [r.path, r.type, r.env])).toEqual([
      ['clusters/prod', 'flux-dir', undefined],
      ['environments/dev', 'kustomize', 'dev'],
    ]);
  });

  it('drops a root its closure over-counted once the render shows the change fed nothing', async () => {
    const files = { ...REPO, 'clusters/prod/apps.yaml': namespace('apps') };
    const config = parseRepoConfig('.envgate.yml', 'render:\n  fluxDirs: ["clusters/*"]\n');
    const result = await run(
      pullRequest({ 'clusters/prod/README.md': '# prod cluster' }, { base: files }),
      plainRender,
      config,
    );
    expect(result.roots).toEqual([]);
    expect(result.notReviewed).toEqual(['clusters/prod/README.md']);
  });

  it('renders every root when a render reads a file its closure did not predict, and keeps those it fed', async () => {
    // An engine that reads a shared file the closure knows nothing about (a new kind of reference).
    const reader: RenderRootFn = async (snapshot, root, options) => {
      const output = await plainRender(snapshot, root, options);
      const extra = snapshot.read('shared/labels.yaml');
      return {
        objects: output.objects.map((o) => ({
          ...o,
          metadata: { ...o.metadata, labels: { team: extra?.trim() ?? '' } },
        })),
        files: [...output.files, 'shared/labels.yaml'],
      };
    };
    const files = { ...REPO, 'shared/labels.yaml': 'payments' };
    const result = await run(
      pullRequest(
        { 'shared/labels.yaml': 'checkout', 'environments/dev/namespace.yaml': namespace('shop-dev') + '# touched\n' },
        { base: files },
      ),
      reader,
    );
    expect(result.roots.map((r) => r.path)).toEqual(['environments/dev', 'environments/prod', 'environments/staging']);
    expect(result.notReviewed).toEqual([]);
    expect(result.environments.map((e) => [e.name, e.modified])).toEqual([
      ['dev', 2],
      ['staging', 2],
      ['prod', 2],
    ]);
  });
});
