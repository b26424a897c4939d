import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../src/config/config.js';
import { review, STAGES, type Stage } from '../src/core/review.js';
import type { PullRequestSnapshot, Review } from '../src/core/types.js';
import { memoryPr } from './helpers/memory-pr.js';
import type { KubeObject, RenderedRoot } from '../src/render/types.js';
import { renderJson } from '../src/report/json.js';
import { renderComment } from '../src/report/markdown.js';
import { parseStage } from '../src/validate/parse-stage.js';
import { validateStage } from '../src/validate/stage.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout-api
spec:
  selector:
    matchLabels: { app: checkout-api }
  template:
    metadata:
      labels: { app: checkout-api }
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/checkout-api:1.8.1
`;

const BASE: Record<string, string> = {
  '.envgate.yml':
    'environments:\n  dev: { paths: ["environments/dev/**"], class: low }\n  prod: { paths: ["environments/prod/**"], class: critical }\nsecrets:\n  allow:\n    - { path: "environments/dev/fixtures/**", rule: "secret/plain-secret", reason: "throwaway data for the dev smoke test" }\n',
  'base/app/kustomization.yaml': 'resources: [deployment.yaml]\n',
  'base/app/deployment.yaml': DEPLOYMENT,
  'environments/dev/kustomization.yaml': 'resources: [../../base/app]\n',
  'environments/prod/kustomization.yaml':
    'resources: [../../base/app]\npatches:\n  - path: patches/resources.yaml\nsecretGenerator:\n  - name: db-creds\n    envs: [db.env]\n',
  'environments/prod/db.env': 'DB_HOST=postgres.shop-prod.svc\nDB_USER=checkout\n',
  'environments/prod/patches/resources.yaml':
    'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: checkout-api\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          resources: { limits: { cpu: "1" } }\n',
};

const PASSWORD = randomBytes(12).toString('hex');

const HEAD: Record<string, string> = {
  ...BASE,
  'environments/prod/patches/resources.yaml': BASE['environments/prod/patches/resources.yaml']!.replace(
    'resources:',
    'resourcse:',
  ),
  'environments/prod/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\n',
  'environments/dev/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\n',
  'environments/dev/fixtures/smoke.yaml': `apiVersion: v1\nkind: Secret\nmetadata: { name: smoke }\nstringData:\n  password: ${PASSWORD}\n`,
};

function pr(head: Record<string, string>, changed: string[]): PullRequestSnapshot {
  return memoryPr(BASE, head, {
    id: '7',
    title: 'checkout: prod resources',
    changedPaths: changed.map((path) => ({ path, status: BASE[path] ? 'modified' : 'added' })),
  });
}

const renderedDeployment = (extra: Record<string, unknown>): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'checkout-api', namespace: 'shop-prod' },
  spec: {
    template: { spec: { containers: [{ name: 'api', image: 'ghcr.io/acme/checkout-api:1.8.1', ...extra }] } },
  },
});

/** The validate stage's findings (the config's own notes are another stage's business). */
const ours = (result: Review) => result.findings.filter((f) => /^(schema|secret)\//.test(f.rule));

function renderStage(roots: RenderedRoot[]): Stage {
  return { name: 'render', run: (ctx) => void ctx.rendered.push(...roots) };
}

const CHANGED = [
  'environments/prod/patches/resources.yaml',
  'environments/prod/widget.yaml',
  'environments/dev/widget.yaml',
  'environments/dev/fixtures/smoke.yaml',
];

describe('validate stage', () => {
  it('is part of the pipeline right after parsing, rendering and diffing', () => {
    expect(STAGES.map((s) => s.name).slice(0, 4)).toEqual(['parse', 'render', 'diff', 'validate']);
  });

  it('checks raw changed files: patches as patches, unknown kinds by class, allowances as information', async () => {
    const input = pr(HEAD, CHANGED);
    const result = await review({ pr: input, config: loadRepoConfig(input.target) });
    expect(ours(result).map((f) => [f.env, f.severity, f.rule, f.file, f.line, f.message])).toEqual([
      [
        'prod',
        'error',
        'schema/unknown-field',
        'environments/prod/patches/resources.yaml',
        10,
        'spec.template.spec.containers[0].resourcse: unknown field (did you mean resources?)',
      ],
      [
        'prod',
        'error',
        'schema/unknown-kind',
        'environments/prod/widget.yaml',
        2,
        'no schema for example.com/v1 Widget, so it was not checked; add its CustomResourceDefinition to the repository so envgate can check it',
      ],
      [
        'dev',
        'warning',
        'schema/unknown-kind',
        'environments/dev/widget.yaml',
        2,
        'no schema for example.com/v1 Widget, so it was not checked; add its CustomResourceDefinition to the repository so envgate can check it',
      ],
      [
        'dev',
        'info',
        'secret/plain-secret',
        'environments/dev/fixtures/smoke.yaml',
        5,
        'allowed by secrets.allow (throwaway data for the dev smoke test): stringData.password: a Secret with a plain value (24 bytes) is a secret in Git; commit a SealedSecret, an ExternalSecret or a SOPS-encrypted Secret instead',
      ],
      // The rendered prod root: the Secret its generator makes from a committed env file, a problem the PR did not add.
      ...['DB_HOST: a Secret with a plain value (22 bytes)', 'DB_USER: a Secret with a plain value (8 bytes)'].map(
        (what) => [
          'prod',
          'warning',
          'secret/plain-secret',
          'environments/prod/kustomization.yaml',
          undefined,
          `secretGenerator "db-creds": data.${what} is a secret in Git; commit a SealedSecret, an ExternalSecret or a SOPS-encrypted Secret instead (already so before this change)`,
        ],
      ),
    ]);
    // prod also carries the baseline policy's two errors on the rendered Deployment (no digest, no resources).
    expect(result.environments.map((e) => [e.name, e.errors, e.warnings])).toEqual([
      ['dev', 0, 1],
      ['prod', 4, 2],
    ]);
  });

  it('uses the CustomResourceDefinitions of the head', async () => {
    const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.example.com }
spec:
  group: example.com
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: { type: object, properties: { size: { type: integer } } }
`;
    const input = pr({ ...HEAD, 'crds/widget.yaml': crd }, ['environments/prod/widget.yaml']);
    const result = await review({ pr: input, config: loadRepoConfig(input.target) });
    expect(ours(result)).toEqual([]);
  });

  it('validates rendered objects whole, maps them to their source, and reports each problem once', async () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db-creds-5f7k9m2h4t', namespace: 'shop-prod' },
      data: { PASSWORD: Buffer.from(PASSWORD).toString('base64') },
    };
    const prodRoot: RenderedRoot = {
      path: 'environments/prod',
      type: 'kustomize',
      env: 'prod',
      // The base already lacked a selector (an old problem); the head adds the typo and a generated Secret.
      base: { status: 'ok', objects: [renderedDeployment({})], files: [] },
      head: {
        status: 'ok',
        objects: [renderedDeployment({ resourcse: { limits: { cpu: '1' } } }), secret],
        files: ['environments/prod/kustomization.yaml', 'environments/prod/patches/resources.yaml'],
      },
    };
    const input = pr(HEAD, CHANGED.slice(0, 1));
    const stages = [parseStage, renderStage([prodRoot]), validateStage];
    const result = await review({ pr: input, config: loadRepoConfig(input.target) }, stages);
    expect(ours(result).map((f) => [f.severity, f.rule, f.file, f.line, f.resource?.name, f.message])).toEqual([
      [
        'error',
        'schema/unknown-field',
        'environments/prod/patches/resources.yaml',
        10,
        'checkout-api',
        'spec.template.spec.containers[0].resourcse: unknown field (did you mean resources?)',
      ],
      [
        'warning',
        'schema/required-field',
        undefined,
        undefined,
        'checkout-api',
        'rendered from environments/prod: spec.selector: required field is missing (already so before this change)',
      ],
      [
        'error',
        'secret/plain-secret',
        'environments/prod/kustomization.yaml',
        undefined,
        'db-creds-5f7k9m2h4t',
        'secretGenerator "db-creds": data.PASSWORD: a Secret with a plain value (24 bytes) is a secret in Git; commit a SealedSecret, an ExternalSecret or a SOPS-encrypted Secret instead',
      ],
    ]);
    expect(ours(result).every((f) => f.env === 'prod')).toBe(true);
  });

  it("never points a rendered object at another environment's file with the same resource", async () => {
    const devPatch = BASE['environments/prod/patches/resources.yaml']!.replace('resources:', 'resourcse:');
    const prodRoot: RenderedRoot = {
      path: 'environments/prod',
      type: 'kustomize',
      env: 'prod',
      base: { status: 'ok', objects: [], files: [] },
      head: {
        status: 'ok',
        objects: [
          {
            ...renderedDeployment({ resourcse: {} }),
            spec: { selector: {}, ...(renderedDeployment({ resourcse: {} }).spec as object) },
          },
        ],
        files: ['environments/prod/kustomization.yaml', 'base/app/deployment.yaml'],
      },
    };
    const input = pr({ ...HEAD, 'environments/dev/patches/resources.yaml': devPatch }, [
      'environments/dev/patches/resources.yaml',
    ]);
    const result = await review({ pr: input, config: loadRepoConfig(input.target) }, [
      parseStage,
      renderStage([prodRoot]),
      validateStage,
    ]);
    const prod = ours(result).filter((f) => f.env === 'prod');
    expect(prod.map((f) => [f.rule, f.file])).toEqual([['schema/unknown-field', undefined]]);
    expect(prod[0]!.message).toMatch(/^rendered from environments\/prod: /);
  });

  it('reports a secretGenerator literal once: at the literal, not again on the Secret it generates', async () => {
    const kustomization = `resources: [../../base/app]\nsecretGenerator:\n  - name: db-creds\n    literals:\n      - PASSWORD=${PASSWORD}\n`;
    const head = { ...HEAD, 'environments/prod/kustomization.yaml': kustomization };
    const root: RenderedRoot = {
      path: 'environments/prod',
      type: 'kustomize',
      env: 'prod',
      base: { status: 'absent' },
      head: {
        status: 'ok',
        objects: [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'db-creds-7dc9b2mhk4' },
            data: { PASSWORD: Buffer.from(PASSWORD).toString('base64') },
          },
        ],
        files: ['environments/prod/kustomization.yaml'],
      },
    };
    const input = pr(head, ['environments/prod/kustomization.yaml']);
    const result = await review({ pr: input, config: loadRepoConfig(input.target) }, [
      parseStage,
      renderStage([root]),
      validateStage,
    ]);
    expect(ours(result).map((f) => [f.rule, f.file, f.line, f.message])).toEqual([
      [
        'secret/plain-secret',
        'environments/prod/kustomization.yaml',
        5,
        'secretGenerator[0].literals[0]: secretGenerator literal "PASSWORD" puts a plain value in Git (24 chars); use a SealedSecret, an ExternalSecret or SOPS',
      ],
    ]);
    expect(renderJson(result)).not.toContain(PASSWORD);
  });

  it('reports a new problem of a rendered object against the root and resource when no source holds it', async () => {
    const root: RenderedRoot = {
      path: 'environments/dev',
      type: 'kustomize',
      env: 'dev',
      base: { status: 'absent' },
      head: {
        status: 'ok',
        objects: [{ ...renderedDeployment({ imagePullPolicy: 'Sometimes' }), metadata: { name: 'dev-checkout-api' } }],
        files: [],
      },
    };
    const input = pr(HEAD, []);
    const result = await review({ pr: input, config: loadRepoConfig(input.target) }, [
      renderStage([root]),
      validateStage,
    ]);
    expect(ours(result).map((f) => [f.severity, f.file, f.resource?.name, f.message])).toEqual([
      [
        'error',
        undefined,
        'dev-checkout-api',
        'rendered from environments/dev: spec.selector: required field is missing',
      ],
      [
        'error',
        undefined,
        'dev-checkout-api',
        'rendered from environments/dev: spec.template.spec.containers[0].imagePullPolicy: must be one of Always, IfNotPresent, Never, got "Sometimes"',
      ],
    ]);
  });

  it('skips roots that did not render and never puts a secret value in the review', async () => {
    const broken: RenderedRoot = {
      path: 'environments/prod',
      type: 'kustomize',
      env: 'prod',
      base: { status: 'ok', objects: [], files: [] },
      head: { status: 'error', error: 'accumulating resources: missing.yaml', reason: 'missing', files: [] },
    };
    const head = {
      ...HEAD,
      'environments/prod/db.yaml': `apiVersion: v1\nkind: Secret\nmetadata: { name: db }\nstringData:\n  password: ${PASSWORD}\n`,
    };
    const input = pr(head, ['environments/prod/db.yaml']);
    const result = await review({ pr: input, config: loadRepoConfig(input.target) }, [
      parseStage,
      renderStage([broken]),
      validateStage,
    ]);
    expect(ours(result).map((f) => f.rule)).toEqual(['secret/plain-secret']);
    expect(renderJson(result)).not.toContain(PASSWORD);
    expect(renderComment(result)).not.toContain(PASSWORD);
  });
});
