import { describe, expect, it } from 'vitest';
import { autogenRewrite } from '../src/policy/compile.js';
import { baselinePack, PolicyEngine } from '../src/policy/engine.js';
import { paramSource, verdictOf, type PolicyEvaluation } from '../src/policy/evaluate.js';
import { loadPolicyText } from '../src/policy/load.js';
import type { AdmissionRequest } from '../src/policy/match.js';
import type { Operation } from '../src/policy/model.js';
import { ResourceCatalog } from '../src/policy/resources.js';
import type { KubeObject } from '../src/render/types.js';

const catalog = new ResourceCatalog();

function request(
  object: KubeObject | null,
  options: { operation?: Operation; old?: KubeObject | null; namespaceObject?: KubeObject } = {},
): AdmissionRequest {
  const subject = (object ?? options.old)!;
  const resource = catalog.info(subject);
  return {
    operation: options.operation ?? (options.old ? 'UPDATE' : 'CREATE'),
    object,
    oldObject: options.old ?? null,
    resource,
    name: subject.metadata?.name ?? '',
    namespace: resource.namespaced ? (subject.metadata?.namespace ?? '') : '',
    namespaceObject: options.namespaceObject ?? null,
  };
}

function engineFor(yaml: string): PolicyEngine {
  const engine = new PolicyEngine(loadPolicyText('policies/test.yaml', yaml));
  expect(engine.problems).toEqual([]);
  expect(engine.compileErrors.map((e) => e.reason)).toEqual([]);
  return engine;
}

function evaluate(yaml: string, req: AdmissionRequest, params: KubeObject[] = []): PolicyEvaluation {
  const engine = engineFor(yaml);
  const results = engine.evaluate(req, undefined, paramSource([...engine.params, ...params]));
  expect(results).toHaveLength(1);
  return results[0]!;
}

const pod = (spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', ...metadata },
  spec,
});

const deployment = (replicas: number, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels },
  spec: { replicas, template: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
});

const REPLICAS = `apiVersion: admissionregistration.k8s.io/v1
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
    - expression: object.spec.replicas <= 5
`;

describe('loading policies', () => {
  it('reports a malformed policy with its file, line, name and field', () => {
    const set = loadPolicyText(
      'policies/bad.yaml',
      `${REPLICAS}---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata:
  name: no-expression
spec:
  matchConstraints:
    resourceRules: [{ apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods] }]
  validations:
    - message: forgot the expression
---
apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: bad-action
spec:
  validationActions: [Block]
  matchConstraints:
    resourceRules: [{ apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods] }]
  validations:
    - expression: "true"
`,
    );
    expect(set.policies.map((p) => p.name)).toEqual(['replica-limit']);
    expect(set.problems).toEqual([
      {
        message: 'ValidatingAdmissionPolicy no-expression: spec.validations[0].expression is required',
        policy: 'no-expression',
        source: { file: 'policies/bad.yaml', line: 15, document: 1 },
      },
      {
        message: 'ValidatingPolicy bad-action: spec.validationActions holds "Block"; allowed: Deny, Warn, Audit',
        policy: 'bad-action',
        source: { file: 'policies/bad.yaml', line: 25, document: 2 },
      },
    ]);
  });

  it('keeps other objects in policy files as parameters, and reports YAML errors', () => {
    const set = loadPolicyText(
      'policies/p.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: limits}\n---\na: [\n',
    );
    expect(set.params.map((p) => p.metadata?.name)).toEqual(['limits']);
    expect(set.problems[0]!.message).toMatch(/^invalid YAML/);
  });

  it('reads the Kyverno shape in every version that has it, and rejects unknown versions', () => {
    for (const version of ['v1alpha1', 'v1beta1', 'v1']) {
      const yaml = REPLICAS.replace('admissionregistration.k8s.io/v1', `policies.kyverno.io/${version}`).replace(
        'ValidatingAdmissionPolicy',
        'ValidatingPolicy',
      );
      expect(loadPolicyText('p.yaml', yaml).policies[0]).toMatchObject({
        kind: 'ValidatingPolicy',
        validationActions: ['Deny'],
      });
    }
    const v2 = REPLICAS.replace('admissionregistration.k8s.io/v1', 'admissionregistration.k8s.io/v2');
    expect(loadPolicyText('p.yaml', v2).problems[0]!.message).toMatch(
      /apiVersion admissionregistration.k8s.io\/v2 is not supported/,
    );
  });
});

describe('compiling policies', () => {
  it('names the policy, the field and the expression of every broken expression', () => {
    const engine = new PolicyEngine(
      loadPolicyText(
        'policies/broken.yaml',
        REPLICAS.replace('object.spec.replicas <= 5', 'object.spec.replicas <=').replace(
          '  validations:',
          '  variables:\n    - name: a\n      expression: variables.b + 1\n    - name: b\n      expression: size(1)\n  validations:',
        ),
      ),
    );
    expect(engine.policies).toEqual([]);
    expect(engine.compileErrors.map((e) => [e.policy.name, e.field, e.expression, e.reason])).toEqual([
      ['replica-limit', 'spec.variables[0].expression', 'variables.b + 1', 'undefined variable: variables.b'],
      ['replica-limit', 'spec.variables[1].expression', 'size(1)', "found no matching overload for 'size(int)'"],
      [
        'replica-limit',
        'spec.validations[0].expression',
        'object.spec.replicas <=',
        expect.stringMatching(/^syntax error/),
      ],
    ]);
  });
});

describe('evaluating a ValidatingAdmissionPolicy', () => {
  it('passes, fails with the fallback message, and skips what it does not match', () => {
    expect(verdictOf(evaluate(REPLICAS, request(deployment(3))))).toBe('pass');
    const failed = evaluate(REPLICAS, request(deployment(7)));
    expect(verdictOf(failed)).toBe('fail');
    expect(failed.decisions.map((d) => [d.type, d.message, d.reason])).toEqual([
      ['deny', 'failed expression: object.spec.replicas <= 5', 'Invalid'],
    ]);
    expect(verdictOf(evaluate(REPLICAS, request(pod({ containers: [] }))))).toBe('skip');
    expect(verdictOf(evaluate(REPLICAS, request(null, { operation: 'DELETE', old: deployment(7) })))).toBe('skip');
  });

  it('uses messageExpression, falling back to message when it fails, is empty or spans lines', () => {
    const withMessages = (messageExpression: string) =>
      REPLICAS.replace(
        '    - expression: object.spec.replicas <= 5',
        `    - expression: object.spec.replicas <= 5\n      message: too many replicas\n      messageExpression: ${JSON.stringify(messageExpression)}`,
      );
    const message = (expr: string) => evaluate(withMessages(expr), request(deployment(7))).decisions[0]!.message;
    expect(message("'replicas ' + string(object.spec.replicas) + ' > 5'")).toBe('replicas 7 > 5');
    expect(message('object.spec.missing')).toBe('too many replicas');
    expect(message("'  '")).toBe('too many replicas');
    expect(message("'line one\\nline two'")).toBe('too many replicas');
  });

  it('evaluates variables lazily, once, and in order', () => {
    const yaml = REPLICAS.replace(
      '  validations:\n    - expression: object.spec.replicas <= 5',
      `  variables:
    - name: replicas
      expression: object.spec.replicas
    - name: broken
      expression: object.spec.nothing.here
    - name: double
      expression: variables.replicas * 2
  validations:
    - expression: variables.double <= 10 || variables.broken
    - expression: variables.replicas <= 5`,
    );
    const result = evaluate(yaml, request(deployment(3)));
    expect(verdictOf(result)).toBe('pass'); // `broken` is never needed, so never evaluated
    const errored = evaluate(yaml, request(deployment(7)));
    expect(errored.decisions.map((d) => [d.type, d.field])).toEqual([
      ['error', 'spec.validations[0].expression'],
      ['deny', 'spec.validations[1].expression'],
    ]);
    expect(errored.decisions[0]!.message).toMatch(
      /variables.broken \(spec.variables\[1\].expression\): No such key: nothing/,
    );
  });

  it('skips when a match condition is false, even if another errs; errs by failurePolicy otherwise', () => {
    const conditions = (first: string, second: string, failurePolicy = 'Fail') =>
      REPLICAS.replace('spec:\n', `spec:\n  failurePolicy: ${failurePolicy}\n`).replace(
        '  validations:',
        `  matchConditions:\n    - name: first\n      expression: ${JSON.stringify(first)}\n    - name: second\n      expression: ${JSON.stringify(second)}\n  validations:`,
      );
    const req = request(deployment(7, { tier: 'web' }));
    expect(verdictOf(evaluate(conditions('object.metadata.labels.tier == "db"', 'object.nothing'), req))).toBe('skip');
    const errored = evaluate(conditions('object.metadata.labels.tier == "web"', 'object.nothing'), req);
    expect(verdictOf(errored)).toBe('error');
    expect(errored.decisions[0]!.message).toMatch(/^match condition "second": spec.matchConditions\[1\].expression/);
    const ignored = evaluate(conditions('true', 'object.nothing', 'Ignore'), req);
    expect(verdictOf(ignored)).toBe('pass');
    expect(ignored.decisions[0]).toMatchObject({ type: 'error', ignored: true });
  });

  it('fails closed with the reason when a validation cannot be evaluated', () => {
    const yaml = REPLICAS.replace('object.spec.replicas <= 5', 'object.spec.template.spec.nodeName == "x"');
    const result = evaluate(yaml, request(deployment(1)));
    expect(verdictOf(result)).toBe('error');
    expect(result.decisions[0]!.message).toBe(
      'spec.validations[0].expression `object.spec.template.spec.nodeName == "x"`: No such key: nodeName',
    );
    const authz = REPLICAS.replace('object.spec.replicas <= 5', "authorizer.requestResource.check('update').allowed()");
    expect(evaluate(authz, request(deployment(1))).decisions[0]!.message).toMatch(/authorizer is not available/);
  });

  it('binds params through paramRef, once per param, and honours parameterNotFoundAction', () => {
    const yaml = `${REPLICAS.replace(
      'spec:\n',
      'spec:\n  paramKind: {apiVersion: rules.example.com/v1, kind: ReplicaLimit}\n',
    ).replace('object.spec.replicas <= 5', 'object.spec.replicas <= params.maxReplicas')}---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: limit-by-label}
spec:
  policyName: replica-limit
  validationActions: [Warn]
  paramRef:
    selector: {matchLabels: {tier: web}}
    parameterNotFoundAction: Deny
`;
    const limit = (name: string, max: number, tier = 'web'): KubeObject =>
      ({
        apiVersion: 'rules.example.com/v1',
        kind: 'ReplicaLimit',
        metadata: { name, labels: { tier } },
        maxReplicas: max,
      }) as KubeObject;
    const both = evaluate(yaml, request(deployment(4)), [limit('three', 3), limit('ten', 10), limit('db', 1, 'db')]);
    expect(both.decisions.map((d) => [d.type, d.actions])).toEqual([['deny', ['Warn']]]);
    const none = evaluate(yaml, request(deployment(4)), [limit('db', 1, 'db')]);
    expect(none.decisions[0]!.message).toMatch(/no params found for policy binding limit-by-label with Deny/);
    const allow = evaluate(
      yaml.replace('parameterNotFoundAction: Deny', 'parameterNotFoundAction: Allow'),
      request(deployment(4)),
    );
    expect(verdictOf(allow)).toBe('skip');
  });

  it('matches namespaceSelector on the Namespace, objectSelector on the object or the old object, and excludes', () => {
    const yaml = REPLICAS.replace(
      '  matchConstraints:\n',
      `  matchConstraints:
    namespaceSelector: {matchExpressions: [{key: environment, operator: In, values: [prod]}]}
    objectSelector: {matchLabels: {team: shop}}
`,
    );
    const ns = (environment: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { environment } },
    });
    const labelled = deployment(9, { team: 'shop' });
    expect(verdictOf(evaluate(yaml, request(labelled, { namespaceObject: ns('prod') })))).toBe('fail');
    expect(verdictOf(evaluate(yaml, request(labelled, { namespaceObject: ns('dev') })))).toBe('skip');
    expect(verdictOf(evaluate(yaml, request(labelled)))).toBe('skip'); // namespace unknown: no labels
    expect(verdictOf(evaluate(yaml, request(deployment(9), { namespaceObject: ns('prod'), old: labelled })))).toBe(
      'fail',
    );
    expect(verdictOf(evaluate(yaml, request(deployment(9), { namespaceObject: ns('prod') })))).toBe('skip');
    const byName = yaml.replace(
      'namespaceSelector: {matchExpressions: [{key: environment, operator: In, values: [prod]}]}',
      "namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': shop}}",
    );
    expect(verdictOf(evaluate(byName, request(labelled)))).toBe('fail');
    const excluded = REPLICAS.replace(
      '  validations:',
      '    excludeResourceRules: [{apiGroups: [apps], apiVersions: ["*"], operations: ["*"], resources: [deployments], resourceNames: [web]}]\n  validations:',
    ).replace('    resourceRules:', '    resourceRules:');
    expect(verdictOf(evaluate(excluded.replace('  validations:', '  validations:'), request(deployment(9))))).toBe(
      'skip',
    );
  });

  it('applies a NamespacedValidatingPolicy only in its own namespace', () => {
    const yaml = REPLICAS.replace('admissionregistration.k8s.io/v1', 'policies.kyverno.io/v1')
      .replace('ValidatingAdmissionPolicy', 'NamespacedValidatingPolicy')
      .replace('  name: replica-limit', '  name: replica-limit\n  namespace: shop');
    expect(verdictOf(evaluate(yaml, request(deployment(9))))).toBe('fail');
    const other = deployment(9);
    other.metadata!.namespace = 'billing';
    expect(verdictOf(evaluate(yaml, request(other)))).toBe('skip');
  });
});

const NO_HOST_NETWORK = `apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata:
  name: no-host-network
spec:
  validationActions: [Audit]
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: [v1]
        operations: [CREATE, UPDATE]
        resources: [pods]
  validations:
    - expression: "!object.spec.?hostNetwork.orValue(false)"
      messageExpression: "'pod ' + object.metadata.name + ' uses the host network in ' + object.metadata.namespace"
      message: the host network is not allowed
`;

const podTemplate = {
  metadata: { labels: { app: 'web' } },
  spec: { hostNetwork: true, containers: [{ name: 'web', image: 'nginx' }] },
};
const CONTROLLERS: KubeObject[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: podTemplate } },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { serviceName: 'web', template: podTemplate } },
  { apiVersion: 'apps/v1', kind: 'DaemonSet', spec: { template: podTemplate } },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', spec: { template: podTemplate } },
  { apiVersion: 'batch/v1', kind: 'Job', spec: { template: podTemplate } },
  {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    spec: { schedule: '@hourly', jobTemplate: { spec: { template: podTemplate } } },
  },
].map((o) => ({ ...o, metadata: { name: `web-${o.kind!.toLowerCase()}`, namespace: 'shop' } }));

describe('autogen: Pod policies on pod controllers', () => {
  it.each(CONTROLLERS.map((c) => [c.kind!, c] as const))('checks the pod template of a %s', (_kind, controller) => {
    const failed = evaluate(NO_HOST_NETWORK, request(controller));
    expect(verdictOf(failed)).toBe('fail');
    expect(failed.autogen).toBe(controller.kind === 'CronJob' ? 'cronjobs' : 'defaults');
    // object.metadata.name becomes the template's (absent) name, so the static message is used — as in Kyverno.
    expect(failed.decisions[0]!.message).toBe('the host network is not allowed');
    const fixed = structuredClone(controller);
    const spec =
      controller.kind === 'CronJob'
        ? (fixed.spec as { jobTemplate: { spec: { template: { spec: Record<string, unknown> } } } }).jobTemplate.spec
            .template.spec
        : (fixed.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    delete spec.hostNetwork;
    expect(verdictOf(evaluate(NO_HOST_NETWORK, request(fixed)))).toBe('pass');
  });

  it('rewrites object and oldObject paths as Kyverno does, keeping metadata.namespace the workload’s', () => {
    expect(autogenRewrite('object.spec.containers + oldObject.spec.containers', 'defaults')).toBe(
      'object.spec.template.spec.containers + oldObject.spec.template.spec.containers',
    );
    expect(autogenRewrite('object.metadata.namespace + object.metadata.name', 'cronjobs')).toBe(
      'object.metadata.namespace + object.spec.jobTemplate.spec.template.metadata.name',
    );
  });

  it('honours spec.autogen.podControllers.controllers, and does not autogen policies that match more than Pods', () => {
    const onlyCron = NO_HOST_NETWORK.replace(
      'spec:\n  validationActions',
      'spec:\n  autogen: {podControllers: {controllers: [cronjobs]}}\n  validationActions',
    );
    expect(verdictOf(evaluate(onlyCron, request(CONTROLLERS[0]!)))).toBe('skip');
    expect(verdictOf(evaluate(onlyCron, request(CONTROLLERS[5]!)))).toBe('fail');
    const none = NO_HOST_NETWORK.replace(
      'spec:\n  validationActions',
      'spec:\n  autogen: {podControllers: {controllers: []}}\n  validationActions',
    );
    expect(verdictOf(evaluate(none, request(CONTROLLERS[0]!)))).toBe('skip');
    const wider = NO_HOST_NETWORK.replace('resources: [pods]', 'resources: [pods, services]');
    expect(verdictOf(evaluate(wider, request(CONTROLLERS[0]!)))).toBe('skip');
  });
});

describe('the baseline pack beside repository policies', () => {
  const deploymentWithTag = deployment(1);

  it('lets a repository binding replace the pack’s binding of a built-in policy', () => {
    const repository = loadPolicyText(
      'policies/bindings.yaml',
      `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata: {name: digests-warn-only}
spec:
  policyName: envgate-baseline-image-digest
  validationActions: [Warn]
`,
    );
    const engine = PolicyEngine.fromSets([repository, baselinePack()]);
    const policy = engine.policies.find((p) => p.definition.name === 'envgate-baseline-image-digest')!;
    expect(engine.bindingsOf(policy).map((b) => [b.name, b.validationActions])).toEqual([
      ['digests-warn-only', ['Warn']],
    ]);
    const namespacePolicy = engine.policies.find(
      (p) => p.definition.name === 'envgate-baseline-namespace-environment',
    )!;
    expect(engine.bindingsOf(namespacePolicy).map((b) => b.name)).toEqual(['envgate-baseline-namespace-environment']);
    const result = engine
      .evaluate(request(deploymentWithTag), { name: 'prod', class: 'critical' })
      .find((e) => e.policy === policy)!;
    expect(result.decisions.map((d) => [d.type, d.actions])).toEqual([['deny', ['Warn']]]);
  });

  it('lets a repository policy with a built-in policy’s name replace it, and reports other duplicates', () => {
    const own = REPLICAS.replace('name: replica-limit', 'name: envgate-baseline-resources');
    const engine = PolicyEngine.fromSets([loadPolicyText('policies/own.yaml', own), baselinePack()]);
    const resources = engine.policies.filter((p) => p.definition.name === 'envgate-baseline-resources');
    expect(resources.map((p) => p.definition.source.file)).toEqual(['policies/own.yaml']);
    expect(engine.problems).toEqual([]);
    const twice = PolicyEngine.fromSets([loadPolicyText('a.yaml', REPLICAS), loadPolicyText('b.yaml', REPLICAS)]);
    expect(twice.problems.map((p) => p.message)).toEqual([
      'ValidatingAdmissionPolicy replica-limit is defined twice (also in a.yaml); names must be unique',
    ]);
  });
});
