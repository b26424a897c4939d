import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../src/config/config.js';
import { review, STAGES, type Stage } from '../src/core/review.js';
import type { ChangedPath, Finding, PullRequestSnapshot, Review } from '../src/core/types.js';
import { MemorySnapshot } from '../src/git/memory.js';
import { memoryPr } from './helpers/memory-pr.js';
import { policyStage } from '../src/policy/stage.js';
import type { KubeObject, RenderedRoot } from '../src/render/types.js';
import { parseStage } from '../src/validate/parse-stage.js';

const DIGEST = `sha256:${'3ab8e5ad'.repeat(8)}`;
const CONFIG = `environments:
  dev: { paths: ["environments/dev/**"], class: low }
  staging: { paths: ["environments/staging/**"], class: high }
  prod: { paths: ["environments/prod/**"], class: critical }
`;

const REPLICA_POLICY = (max: number) => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: replica-limit
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [deployments]
  validations:
    - expression: object.spec.replicas <= ${max}
      messageExpression: "'at most ${max} replicas, not ' + string(object.spec.replicas)"
`;

const BASE_FILES: Record<string, string> = {
  '.envgate.yml': CONFIG,
  'policies/replicas.yaml': REPLICA_POLICY(5),
  'environments/prod/kustomization.yaml':
    'namespace: shop-prod\nresources: [../../base/app]\nimages:\n  - name: ghcr.io/acme/checkout-api\n    newTag: 1.8.1\n    digest: ' +
    DIGEST +
    '\n',
  'environments/staging/kustomization.yaml': 'namespace: shop-staging\nresources: [../../base/app]\n',
  'environments/dev/kustomization.yaml': 'namespace: shop-dev\nresources: [../../base/app]\n',
  'base/app/kustomization.yaml': 'resources: [deployment.yaml]\n',
  'base/app/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: checkout-api}\n',
};

function pr(head: Record<string, string>, changed: (string | ChangedPath)[]): PullRequestSnapshot {
  return memoryPr(
    BASE_FILES,
    { ...BASE_FILES, ...head },
    {
      id: '12',
      title: 'checkout 1.8.2',
      sourceBranch: 'release',
      changedPaths: changed.map((c) =>
        typeof c === 'string' ? { path: c, status: BASE_FILES[c] !== undefined ? 'modified' : 'added' } : c,
      ),
    },
  );
}

const deployment = (
  namespace: string,
  image: string,
  replicas = 3,
  extra: Record<string, unknown> = {},
): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'checkout-api', namespace, labels: { app: 'checkout' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'checkout' } },
    template: {
      metadata: { labels: { app: 'checkout' } },
      spec: {
        containers: [
          {
            name: 'api',
            image,
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            ...extra,
          },
        ],
      },
    },
  },
});

const service = (namespace: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'checkout-api', namespace },
  spec: { selector: { app: 'checkout' }, ports: [{ port: 80 }] },
});

function root(env: string, base: KubeObject[] | 'absent', head: KubeObject[] | 'error'): RenderedRoot {
  return {
    path: `environments/${env}`,
    type: 'kustomize',
    env,
    base: base === 'absent' ? { status: 'absent' } : { status: 'ok', objects: base, files: [] },
    head:
      head === 'error'
        ? { status: 'error', error: 'accumulating resources: missing file', reason: 'missing', files: [] }
        : { status: 'ok', objects: head, files: [`environments/${env}/kustomization.yaml`] },
  };
}

const rendered = (roots: RenderedRoot[]): Stage => ({ name: 'render', run: (ctx) => void ctx.rendered.push(...roots) });

async function run(input: PullRequestSnapshot, roots: RenderedRoot[] | undefined): Promise<Review> {
  const stages = roots ? [parseStage, rendered(roots), policyStage] : [parseStage, policyStage];
  return review({ pr: input, config: loadRepoConfig(input.target) }, stages);
}

const policyFindings = (r: Review) => r.findings.filter((f) => f.rule.startsWith('policy/'));
const brief = (f: Finding) => [f.env, f.severity, f.rule, f.resource?.kind, f.message];

describe('policy stage', () => {
  it('runs after validate in the pipeline', () => {
    expect(STAGES.map((s) => s.name)).toEqual([
      'parse',
      'render',
      'diff',
      'validate',
      'policy',
      'drift',
      'renovate',
      'approvals',
    ]);
  });

  it('catches a dropped image digest in prod on the rendered objects, at the changed kustomization file', async () => {
    const input = pr(
      {
        'environments/prod/kustomization.yaml': BASE_FILES['environments/prod/kustomization.yaml']!.replace(
          `1.8.1\n    digest: ${DIGEST}`,
          '1.8.2',
        ),
      },
      ['environments/prod/kustomization.yaml'],
    );
    const prod = root(
      'prod',
      [deployment('shop-prod', `ghcr.io/acme/checkout-api:1.8.1@${DIGEST}`), service('shop-prod')],
      [deployment('shop-prod', 'ghcr.io/acme/checkout-api:1.8.2'), service('shop-prod')],
    );
    const result = await run(input, [prod]);
    expect(policyFindings(result).map((f) => [...brief(f), f.file, f.resource])).toEqual([
      [
        'prod',
        'error',
        'policy/envgate-baseline-image-digest',
        'Deployment',
        'images must be pinned by digest (image@sha256:…) in staging and prod: api (ghcr.io/acme/checkout-api:1.8.2)',
        'environments/prod/kustomization.yaml',
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop-prod', name: 'checkout-api' },
      ],
    ]);
    expect(result.gate.validate.state).toBe('fail');
  });

  it('reports only what the PR changes, and evaluates UPDATE with the old object and DELETE without an object', async () => {
    const immutable = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-service-delete}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [DELETE], resources: [services]}]
  validations:
    - expression: object == null && oldObject.metadata.name != 'checkout-api'
      message: the checkout-api Service must not be deleted
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-scale-down}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [UPDATE], resources: [deployments]}]
  validations:
    - expression: object.spec.replicas >= oldObject.spec.replicas
      messageExpression: "'scales down from ' + string(oldObject.spec.replicas) + ' to ' + string(object.spec.replicas)"
`;
    const input = pr({}, []);
    (input.target as MemorySnapshot) = MemorySnapshot.fromRecord('3'.repeat(40), {
      ...BASE_FILES,
      'policies/rules.yaml': immutable,
    });
    const pinned = `ghcr.io/acme/checkout-api:1.8.1@${DIGEST}`;
    const devUnchanged = root(
      'dev',
      [deployment('shop-dev', 'nginx'), service('shop-dev')],
      [deployment('shop-dev', 'nginx'), service('shop-dev')],
    );
    const staging = root(
      'staging',
      [deployment('shop-staging', pinned, 9), service('shop-staging')],
      [deployment('shop-staging', pinned, 2)],
    );
    const result = await run(input, [devUnchanged, staging]);
    expect(policyFindings(result).map(brief)).toEqual([
      [
        'staging',
        'error',
        'policy/no-scale-down',
        'Deployment',
        'scales down from 9 to 2 (rendered from environments/staging)',
      ],
      [
        'staging',
        'error',
        'policy/no-service-delete',
        'Service',
        'the checkout-api Service must not be deleted (on deleting the object) (rendered from environments/staging)',
      ],
    ]);
  });

  it('uses the target branch’s policies, never the PR head’s, and reports policy changes as proposed', async () => {
    const input = pr({ 'policies/replicas.yaml': REPLICA_POLICY(50), 'policies/broken.yaml': 'kind: [' }, [
      'policies/replicas.yaml',
      'policies/broken.yaml',
    ]);
    const prod = root('prod', 'absent', [deployment('shop-prod', `ghcr.io/acme/checkout-api@${DIGEST}`, 10)]);
    const result = await run(input, [prod]);
    expect(policyFindings(result).map((f) => [f.severity, f.rule, f.file, f.message])).toEqual([
      [
        'info',
        'policy/proposed',
        'policies/replicas.yaml',
        "this PR changes policies/replicas.yaml; the gate used main's policies (proposed policy changes apply once merged)",
      ],
      [
        'info',
        'policy/proposed',
        'policies/broken.yaml',
        "this PR adds policies/broken.yaml; the gate used main's policies (proposed policy changes apply once merged)",
      ],
      [
        'warning',
        'policy/proposed-invalid',
        'policies/broken.yaml',
        expect.stringMatching(/^the proposed policies\/broken.yaml would not load: invalid YAML/),
      ],
      ['error', 'policy/replica-limit', undefined, 'at most 5 replicas, not 10 (rendered from environments/prod)'],
    ]);
  });

  it('fails the gate on a broken repository policy and names the policy and expression', async () => {
    const input = pr({}, []);
    (input.target as MemorySnapshot) = MemorySnapshot.fromRecord('3'.repeat(40), {
      ...BASE_FILES,
      'policies/replicas.yaml': REPLICA_POLICY(5).replace(
        'object.spec.replicas <= 5',
        'object.spec.replicas <= params.max +',
      ),
      'policies/shape.yaml': `# team guardrails\n${REPLICA_POLICY(5)
        .replace('name: replica-limit', 'name: unmatched')
        .replace(/ {2}matchConstraints:[\s\S]*? {2}validations:/, '  validations:')}`,
    });
    const result = await run(input, [root('dev', 'absent', [deployment('shop-dev', 'nginx:1')])]);
    expect(policyFindings(result).map((f) => [f.severity, f.rule, f.file, f.line, f.message])).toEqual([
      [
        'error',
        'policy/invalid',
        'policies/shape.yaml',
        2,
        'ValidatingAdmissionPolicy unmatched: spec.matchConstraints.resourceRules must hold at least one rule',
      ],
      [
        'error',
        'policy/invalid',
        'policies/replicas.yaml',
        1,
        expect.stringMatching(
          /^ValidatingAdmissionPolicy replica-limit: spec.validations\[0\].expression `object.spec.replicas <= params.max \+`: syntax error/,
        ),
      ],
    ]);
    expect(result.gate.validate.state).toBe('fail');
  });

  it('turns warnings into errors in critical environments, and reports evaluation errors as errors', async () => {
    const warnOnly = REPLICA_POLICY(5).replace(
      'name: replica-limit',
      'name: replica-limit\n  annotations:\n    envgate.dev/action: warn',
    );
    const input = pr({}, []);
    (input.target as MemorySnapshot) = MemorySnapshot.fromRecord('3'.repeat(40), {
      ...BASE_FILES,
      'policies/replicas.yaml': warnOnly,
      '.envgate.yml': `${CONFIG}policies: { paths: ["policies/**"], builtin: none }\n`,
    });
    const noReplicas = deployment('shop-dev', 'nginx:1');
    delete (noReplicas.spec as Record<string, unknown>).replicas;
    const result = await run(input, [
      root('dev', 'absent', [deployment('shop-dev', 'nginx:1', 9)]),
      root('prod', 'absent', [deployment('shop-prod', 'nginx:1', 9)]),
      root('staging', 'absent', [noReplicas]),
    ]);
    expect(policyFindings(result).map((f) => [f.env, f.severity, f.message])).toEqual([
      ['dev', 'warning', 'at most 5 replicas, not 9 (rendered from environments/dev)'],
      [
        'staging',
        'error',
        expect.stringMatching(
          /^could not be evaluated: spec.validations\[0\].expression `object.spec.replicas <= 5`: No such key: replicas/,
        ),
      ],
      ['prod', 'error', 'at most 5 replicas, not 9 (rendered from environments/prod)'],
    ]);
  });

  it('scopes policies and bindings to environments, and binds per-environment parameters', async () => {
    const scoped = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: replica-limit}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]
  validations:
    - expression: object.spec.replicas <= int(params.data.maxReplicas)
      messageExpression: "'at most ' + params.data.maxReplicas + ' replicas in ' + params.metadata.name"
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: replica-limit-staging
  annotations: {envgate.dev/environments: staging}
spec:
  policyName: replica-limit
  validationActions: [Deny]
  paramRef: {name: staging-limits, parameterNotFoundAction: Deny}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: staging-limits}
data: {maxReplicas: "2"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: envgate-environment}
data: {namespacePattern: "^shop-{env}$"}
`;
    const input = pr({}, []);
    (input.target as MemorySnapshot) = MemorySnapshot.fromRecord('3'.repeat(40), {
      ...BASE_FILES,
      'policies/replicas.yaml': scoped,
    });
    const pinned = `ghcr.io/acme/checkout-api@${DIGEST}`;
    const result = await run(input, [
      root('staging', 'absent', [deployment('shop-staging', pinned, 3)]),
      root('dev', 'absent', [deployment('team-dev', 'nginx:1', 3)]),
    ]);
    expect(policyFindings(result).map(brief)).toEqual([
      [
        'dev',
        'error',
        'policy/envgate-baseline-namespace-environment',
        'Deployment',
        'namespace team-dev does not belong to environment dev: its name must match ^shop-dev$ or its Namespace must be labelled envgate.dev/environment=dev (rendered from environments/dev)',
      ],
      [
        'staging',
        'error',
        'policy/replica-limit',
        'Deployment',
        'at most 2 replicas in staging-limits (rendered from environments/staging)',
      ],
    ]);
  });

  it('reads whole objects from the changed files when nothing was rendered', async () => {
    const file = `apiVersion: apps/v1
kind: Deployment
metadata: {name: worker, namespace: shop-prod}
spec:
  replicas: 8
  template:
    spec:
      containers: [{name: w, image: "ghcr.io/acme/worker@${DIGEST}", resources: {requests: {cpu: 1, memory: 1Gi}, limits: {memory: 1Gi}}}]
`;
    const input = pr({ 'environments/prod/worker.yaml': file }, ['environments/prod/worker.yaml']);
    const result = await run(input, undefined);
    expect(policyFindings(result).map((f) => [...brief(f), f.file, f.line])).toEqual([
      [
        'prod',
        'error',
        'policy/replica-limit',
        'Deployment',
        'at most 5 replicas, not 8',
        'environments/prod/worker.yaml',
        1,
      ],
    ]);
  });

  it('never lets a policy message quote a Secret value', async () => {
    const password = randomBytes(12).toString('hex');
    const leaky = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: short-passwords}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [secrets]}]
  validations:
    - expression: object.?stringData.?password.orValue('').size() >= 32
      messageExpression: "'password ' + object.stringData.password + ' is too short'"
    - expression: "!has(object.data) || object.data.token.size() > 100"
      messageExpression: "'token ' + object.data.token + ' is too short'"
`;
    const input = pr({}, []);
    (input.target as MemorySnapshot) = MemorySnapshot.fromRecord('3'.repeat(40), {
      ...BASE_FILES,
      'policies/leaky.yaml': leaky,
    });
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop-dev' },
      stringData: { password },
      data: { token: Buffer.from(password).toString('base64') },
    };
    const result = await run(input, [root('dev', 'absent', [secret])]);
    const messages = policyFindings(result).map((f) => f.message);
    expect(messages).toEqual([
      'password [redacted] is too short (rendered from environments/dev)',
      'token [redacted] is too short (rendered from environments/dev)',
    ]);
    expect(JSON.stringify(result)).not.toContain(password);
    expect(JSON.stringify(result)).not.toContain(Buffer.from(password).toString('base64'));
  });

  it('checks deletions of changed files when nothing was rendered, at the deleted file', async () => {
    const guarded = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: keep-pdbs}
spec:
  matchConstraints:
    resourceRules: [{apiGroups: [policy], apiVersions: [v1], operations: [DELETE], resources: [poddisruptionbudgets]}]
  validations:
    - expression: "false"
      messageExpression: "'PodDisruptionBudget ' + oldObject.metadata.name + ' protects prod; do not delete it'"
`;
    const pdb =
      'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: checkout-api}\nspec: {minAvailable: 1}\n';
    const files = { ...BASE_FILES, 'policies/pdb.yaml': guarded, 'environments/prod/pdb.yaml': pdb };
    const input = pr({}, [{ path: 'environments/prod/pdb.yaml', status: 'deleted' }]);
    (input.base as MemorySnapshot) = MemorySnapshot.fromRecord('1'.repeat(40), files);
    (input.target as MemorySnapshot) = input.base as MemorySnapshot;
    const result = await run(input, undefined);
    expect(policyFindings(result).map((f) => [...brief(f), f.file])).toEqual([
      [
        'prod',
        'error',
        'policy/keep-pdbs',
        'PodDisruptionBudget',
        'PodDisruptionBudget checkout-api protects prod; do not delete it (on deleting the object)',
        'environments/prod/pdb.yaml',
      ],
    ]);
  });

  it('skips roots that failed to render (the render stage reports them)', async () => {
    const result = await run(pr({}, []), [root('prod', [deployment('shop-prod', 'nginx')], 'error')]);
    expect(policyFindings(result)).toEqual([]);
  });
});
