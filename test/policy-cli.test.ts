import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CASES = 'test/fixtures/policy/conformance';

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'envgate-policy-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('envgate policy test (as a process)', () => {
  it('prints {"results":[…]} for several resource files and multi-document files, and exits 1 on a failure', () => {
    const result = runCli(
      [
        'policy',
        'test',
        '--policy',
        `${CASES}/kubernetes/replica-limit-params/policy.yaml`,
        '--resource',
        `${CASES}/kubernetes/replica-limit-params/resources.yaml`,
        '--resource',
        `${CASES}/kubernetes/replica-limit/resources.yaml`,
        '--namespace-object',
        `${CASES}/kubernetes/replica-limit-params/namespace.yaml`,
        '--format',
        'json',
      ],
      { cwd: ROOT },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const policy = 'replicalimit-policy.example.com';
    expect(JSON.parse(result.stdout)).toEqual({
      results: [
        {
          policy,
          resource: { kind: 'Deployment', namespace: 'default', name: 'web' },
          verdict: 'fail',
          messages: ['object.spec.replicas must be no greater than 3'],
        },
        { policy, resource: { kind: 'Deployment', namespace: 'payments', name: 'api' }, verdict: 'pass', messages: [] },
        {
          policy,
          resource: { kind: 'Deployment', namespace: 'payments', name: 'batch' },
          verdict: 'fail',
          messages: ['object.spec.replicas must be no greater than 100'],
        },
        {
          policy,
          resource: { kind: 'Deployment', namespace: 'default', name: 'small' },
          verdict: 'pass',
          messages: [],
        },
        {
          policy,
          resource: { kind: 'Deployment', namespace: 'default', name: 'large' },
          verdict: 'fail',
          messages: ['object.spec.replicas must be no greater than 3'],
        },
        {
          policy,
          resource: { kind: 'ReplicaSet', namespace: 'default', name: 'large-7d9f' },
          verdict: 'skip',
          messages: [],
        },
      ],
    });
  });

  it('exits 0 when everything passes or is skipped, binds --params, and uses --old for UPDATE', () => {
    const dir = workspace({
      'policy.yaml': `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicy
metadata: {name: no-scale-down}
spec:
  paramKind: {apiVersion: v1, kind: ConfigMap}
  matchConstraints:
    resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [UPDATE], resources: [deployments]}]
  validations:
    - expression: object.spec.replicas >= oldObject.spec.replicas - int(params.data.slack)
      messageExpression: "'scaled down by more than ' + params.data.slack"
`,
      'params.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: slack}\ndata: {slack: "1"}\n',
      'new.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 2}\n',
      'old.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 3}\n',
      'older.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {replicas: 5}\n',
    });
    const args = ['policy', 'test', '--policy', 'policy.yaml', '--resource', 'new.yaml', '--params', 'params.yaml'];
    const passed = runCli([...args, '--old', 'old.yaml'], { cwd: dir });
    expect(passed.stdout).toBe('PASS  no-scale-down · Deployment shop/web\n');
    expect(passed.code).toBe(0);
    const created = runCli(args, { cwd: dir });
    expect(created.stdout).toBe('SKIP  no-scale-down · Deployment shop/web\n');
    expect(created.code).toBe(0);
    const failed = runCli([...args, '--old', 'older.yaml'], { cwd: dir });
    expect(failed.stdout).toBe('FAIL  no-scale-down · Deployment shop/web\n      scaled down by more than 1\n');
    expect(failed.code).toBe(1);
  });

  it('reports a broken policy as an error naming the policy and the expression', () => {
    const dir = workspace({
      'policy.yaml': `apiVersion: policies.kyverno.io/v1alpha1
kind: ValidatingPolicy
metadata: {name: typo}
spec:
  validationActions: [Deny]
  matchConstraints:
    resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
  validations:
    - expression: object.spec.containers.all(c, c.image.startsWith(registry))
`,
      'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}]}\n',
    });
    const result = runCli(['policy', 'test', '--policy', 'policy.yaml', '--resource', 'pod.yaml', '--format', 'json'], {
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).results).toEqual([
      {
        policy: 'typo',
        resource: { kind: 'Pod', namespace: '', name: 'p' },
        verdict: 'error',
        messages: [
          'spec.validations[0].expression `object.spec.containers.all(c, c.image.startsWith(registry))`: Unknown variable: registry',
        ],
      },
    ]);
  });

  it('exits 2 with one line on usage and input errors', () => {
    const dir = workspace({
      'pod.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n',
      'bad.yaml': 'kind: [\n',
      'empty.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
    });
    const cases: [string[], RegExp][] = [
      [['--resource', 'pod.yaml'], /--policy is required/],
      [['--policy', 'missing.yaml', '--resource', 'pod.yaml'], /missing.yaml: no such file/],
      [['--policy', 'bad.yaml', '--resource', 'pod.yaml'], /bad.yaml:2: invalid YAML/],
      [['--policy', 'empty.yaml', '--resource', 'pod.yaml'], /holds no ValidatingAdmissionPolicy or ValidatingPolicy/],
      [
        ['--policy', `${ROOT}/src/policy/baseline/image-digest.yaml`, '--resource', 'pod.yaml', '--operation', 'PATCH'],
        /--operation must be one of CREATE, UPDATE, DELETE/,
      ],
    ];
    for (const [args, message] of cases) {
      const result = runCli(['policy', 'test', ...args], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('is listed in envgate --help', () => {
    expect(runCli(['--help']).stdout).toMatch(/policy test {3}evaluate ValidatingAdmissionPolicies/);
  });
});
