// `envgate policy test`: evaluate ValidatingAdmissionPolicies and Kyverno ValidatingPolicies against resources
// on disk, so policy authors can unit-test their policies (and the baseline pack's) without a cluster.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { oneLine, verdictOf, paramSource, type Verdict } from '../policy/evaluate.js';
import { PolicyEngine } from '../policy/engine.js';
import { loadPolicyText, mergePolicySets } from '../policy/load.js';
import type { AdmissionRequest } from '../policy/match.js';
import type { Operation, PolicySet } from '../policy/model.js';
import { identityOf } from '../policy/requests.js';
import { redactSecretValues } from '../policy/redact.js';
import { ResourceCatalog } from '../policy/resources.js';
import type { KubeObject } from '../render/types.js';
import { parseYaml } from '../validate/yaml.js';
import { EXIT, InputError, oneOf, parseCommandArgs, UsageError, type CliIO, type Command } from './command.js';

export interface PolicyTestResult {
  policy: string;
  resource: { kind: string; namespace: string; name: string };
  verdict: Verdict;
  messages: string[];
}

function readText(path: string, cwd: string): string {
  try {
    return readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`}`);
  }
}

/** Every Kubernetes object in the files, in order; anything else in them is an input error. */
function readObjects(paths: readonly string[], cwd: string, what: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const path of paths) {
    const parsed = parseYaml(path, readText(path, cwd));
    const problem = parsed.findings.find((f) => f.severity === 'error');
    if (problem) throw new InputError(`${path}:${problem.line ?? 0}: ${problem.message}`);
    for (const doc of parsed.documents) {
      const o = doc.value as KubeObject;
      if (o === null || typeof o !== 'object' || Array.isArray(o) || typeof o.kind !== 'string') {
        throw new InputError(`${path}:${doc.line}: ${what} document ${doc.index + 1} is not a Kubernetes object`);
      }
      objects.push(o);
    }
  }
  return objects;
}

function readPolicies(paths: readonly string[], cwd: string): PolicySet {
  const sets = paths.map((path) => {
    const set = loadPolicyText(path, readText(path, cwd));
    const yaml = set.problems.find((p) => p.message.startsWith('invalid YAML'));
    if (yaml) throw new InputError(`${path}:${yaml.source.line ?? 0}: ${yaml.message}`);
    if (set.policies.length === 0 && set.problems.length === 0) {
      throw new InputError(`${path}: holds no ValidatingAdmissionPolicy or ValidatingPolicy`);
    }
    return set;
  });
  return mergePolicySets(sets);
}

/** A policy with paramKind and no binding is bound to every given param of that kind, for testing. */
function bindGivenParams(set: PolicySet, params: readonly KubeObject[]): void {
  for (const policy of set.policies) {
    if (!policy.paramKind || set.bindings.some((b) => b.policyName === policy.name)) continue;
    if (policy.kind !== 'ValidatingAdmissionPolicy') continue;
    const { apiVersion, kind } = policy.paramKind;
    if (!params.some((p) => p.apiVersion === apiVersion && p.kind === kind)) continue;
    set.bindings.push({
      name: `${policy.name}-test-params`,
      policyName: policy.name,
      source: policy.source,
      paramRef: { selector: {}, parameterNotFoundAction: 'Deny' },
      validationActions: ['Deny'],
      scope: {},
      implicit: true,
    });
  }
}

export interface PolicyTestInput {
  policies: PolicySet;
  resources: KubeObject[];
  old: KubeObject[];
  params: KubeObject[];
  namespaceObject?: KubeObject;
  operation?: Operation;
}

export function runPolicyTest(input: PolicyTestInput): PolicyTestResult[] {
  bindGivenParams(input.policies, input.params);
  const engine = new PolicyEngine(input.policies);
  const catalog = new ResourceCatalog();
  for (const o of [...input.resources, ...input.old]) catalog.addCrd(o);
  const params = paramSource([...engine.params, ...input.params]);
  const old = new Map(input.old.map((o) => [identityOf(o), o]));
  const broken = new Map<string, string[]>();
  for (const e of engine.compileErrors) {
    const list = broken.get(e.policy.name) ?? [];
    list.push(`${e.field} \`${oneLine(e.expression)}\`: ${e.reason}`);
    broken.set(e.policy.name, list);
  }
  for (const p of engine.problems) {
    if ((p.severity ?? 'error') !== 'error') continue;
    const name = p.policy ?? p.source.file ?? 'policy';
    broken.set(name, [...(broken.get(name) ?? []), p.message]);
  }
  const nsName = input.namespaceObject?.metadata?.name;
  const results: PolicyTestResult[] = [];
  for (const resource of input.resources) {
    const info = catalog.info(resource);
    const namespace = info.namespaced ? (resource.metadata?.namespace ?? nsName ?? '') : '';
    const previous = old.get(identityOf(resource)) ?? null;
    const operation = input.operation ?? (previous ? 'UPDATE' : 'CREATE');
    const req: AdmissionRequest = {
      operation,
      object: operation === 'DELETE' ? null : resource,
      oldObject: operation === 'DELETE' ? (previous ?? resource) : operation === 'CREATE' ? null : previous,
      resource: info,
      name: resource.metadata?.name ?? '',
      namespace,
      namespaceObject: namespace && namespace === nsName ? input.namespaceObject! : null,
    };
    const ref = { kind: resource.kind ?? '', namespace, name: resource.metadata?.name ?? '' };
    for (const [policy, messages] of broken) results.push({ policy, resource: ref, verdict: 'error', messages });
    for (const evaluation of engine.evaluate(req, undefined, params)) {
      results.push({
        policy: evaluation.policy.definition.name,
        resource: ref,
        verdict: verdictOf(evaluation),
        messages: evaluation.decisions.map((d) =>
          redactSecretValues(
            d.type === 'error'
              ? `error: ${d.message}${d.ignored ? ' (ignored: failurePolicy Ignore)' : ''}`
              : d.message,
            req.object,
            req.oldObject,
          ),
        ),
      });
    }
  }
  return results;
}

export const policyTestCommand: Command = {
  name: 'policy test',
  summary: 'evaluate ValidatingAdmissionPolicies and Kyverno ValidatingPolicies against resources on disk',
  usage: `envgate policy test --policy FILE [--policy FILE…] --resource FILE [--resource FILE…] [--old FILE]
         [--params FILE] [--namespace-object FILE] [--operation CREATE|UPDATE|DELETE] [--format json]

  --policy FILE            ValidatingAdmissionPolicy (+ Binding) or Kyverno ValidatingPolicy files; other objects
                           in them are params for paramRef
  --resource FILE          the objects to check (multi-document files: each document is checked)
  --old FILE               the objects before the change (oldObject), matched by kind, namespace and name
  --params FILE            parameter objects; a policy with paramKind and no binding is bound to all of them
  --namespace-object FILE  the Namespace the resources are in (namespaceObject)
  --operation OP           CREATE (default; UPDATE when --old has the object) | UPDATE | DELETE
  --format FORMAT          text (default) or json: {"results":[{"policy","resource","verdict","messages"}]}

Pod policies also check the pod templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and
CronJobs (Kyverno's autogen). Verdicts: pass, fail, error, skip (the policy does not apply).
Exit codes: 0 all pass or skip, 1 any fail or error, 2 usage or input error.`,
  async run(args: string[], io: CliIO) {
    const { values } = parseCommandArgs(args, {
      policy: { type: 'string', multiple: true },
      resource: { type: 'string', multiple: true },
      old: { type: 'string', multiple: true },
      params: { type: 'string', multiple: true },
      'namespace-object': { type: 'string' },
      operation: { type: 'string' },
      format: { type: 'string' },
    });
    const format = oneOf(values.format, ['text', 'json'] as const, 'format', 'text');
    const operation = values.operation
      ? oneOf(values.operation, ['CREATE', 'UPDATE', 'DELETE'] as const, 'operation', 'CREATE')
      : undefined;
    if (!values.policy?.length) throw new UsageError('--policy is required');
    if (!values.resource?.length) throw new UsageError('--resource is required');
    const namespaceObjects = values['namespace-object']
      ? readObjects([values['namespace-object']], io.cwd, 'namespace object')
      : [];
    if (namespaceObjects.length > 1 || (namespaceObjects[0] && namespaceObjects[0].kind !== 'Namespace')) {
      throw new InputError(`${values['namespace-object']}: must hold exactly one Namespace`);
    }
    const results = runPolicyTest({
      policies: readPolicies(values.policy, io.cwd),
      resources: readObjects(values.resource, io.cwd, 'resource'),
      old: readObjects(values.old ?? [], io.cwd, 'old object'),
      params: readObjects(values.params ?? [], io.cwd, 'params'),
      namespaceObject: namespaceObjects[0],
      operation,
    });
    if (format === 'json') {
      io.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
    } else {
      for (const r of results) {
        const where = `${r.resource.kind} ${r.resource.namespace ? `${r.resource.namespace}/` : ''}${r.resource.name}`;
        io.stdout.write(`${r.verdict.toUpperCase().padEnd(5)} ${r.policy} · ${where}\n`);
        for (const m of r.messages) io.stdout.write(`      ${m}\n`);
      }
    }
    return results.some((r) => r.verdict === 'fail' || r.verdict === 'error') ? EXIT.gateFailed : EXIT.passed;
  },
};
