// Reads policy files: ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding
// (admissionregistration.k8s.io/v1, v1beta1), Kyverno ValidatingPolicy and NamespacedValidatingPolicy
// (policies.kyverno.io/v1alpha1, v1beta1, v1: the same shape). Everything else in the files is kept as a
// possible parameter object. A malformed policy is a problem that names the file, the policy and the field; it
// never silently drops a check.
import type { KubeObject } from '../render/types.js';
import { parseYaml } from '../validate/yaml.js';
import type {
  EnvgateScope,
  LabelSelector,
  LoadProblem,
  MatchResources,
  NamedExpression,
  ParamRef,
  PolicyBinding,
  PolicyDefinition,
  PolicyKind,
  PolicySet,
  ResourceRule,
  SourceRef,
  ValidationAction,
  ValidationSpec,
} from './model.js';

export const ANNOTATIONS = {
  environments: 'envgate.dev/environments',
  classes: 'envgate.dev/environment-classes',
  action: 'envgate.dev/action',
  autogen: 'envgate.dev/autogen-controllers',
} as const;

const VAP_GROUP = 'admissionregistration.k8s.io/';
const KYVERNO_GROUP = 'policies.kyverno.io/';
const VAP_VERSIONS = new Set(['v1', 'v1beta1']);
const KYVERNO_VERSIONS = new Set(['v1alpha1', 'v1beta1', 'v1']);
const ACTIONS: readonly ValidationAction[] = ['Deny', 'Warn', 'Audit'];
const REASONS = new Set(['Unauthorized', 'Forbidden', 'Invalid', 'RequestEntityTooLarge']);
const CLASSES = new Set(['low', 'medium', 'high', 'critical']);
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

class ShapeError extends Error {}

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Reads one structure with errors that say where: `spec.validations[0].expression must be a string`. */
class Reader {
  constructor(readonly path: string) {}

  at(key: string | number): string {
    return typeof key === 'number' ? `${this.path}[${key}]` : this.path ? `${this.path}.${key}` : key;
  }

  map(value: unknown, key: string, required = false): Record<string, unknown> | undefined {
    const v = isMap(value) ? value[key] : undefined;
    if (v === undefined || v === null) {
      if (required) throw new ShapeError(`${this.at(key)} is required`);
      return undefined;
    }
    if (!isMap(v)) throw new ShapeError(`${this.at(key)} must be a mapping`);
    return v;
  }

  list(value: unknown, key: string, required = false): unknown[] {
    const v = isMap(value) ? value[key] : undefined;
    if (v === undefined || v === null) {
      if (required) throw new ShapeError(`${this.at(key)} is required`);
      return [];
    }
    if (!Array.isArray(v)) throw new ShapeError(`${this.at(key)} must be a list`);
    return v;
  }

  string(value: unknown, key: string, required = false): string | undefined {
    const v = isMap(value) ? value[key] : undefined;
    if (v === undefined || v === null) {
      if (required) throw new ShapeError(`${this.at(key)} is required`);
      return undefined;
    }
    if (typeof v !== 'string') throw new ShapeError(`${this.at(key)} must be a string`);
    if (required && v.trim() === '') throw new ShapeError(`${this.at(key)} must not be empty`);
    return v;
  }

  strings(value: unknown, key: string): string[] {
    return this.list(value, key).map((item, i) => {
      if (typeof item !== 'string') throw new ShapeError(`${this.at(key)}[${i}] must be a string`);
      return item;
    });
  }

  child(key: string | number): Reader {
    return new Reader(this.at(key));
  }
}

function selector(r: Reader, value: unknown, key: string): LabelSelector | undefined {
  const sel = r.map(value, key);
  if (!sel) return undefined;
  const s = r.child(key);
  const matchLabels = s.map(sel, 'matchLabels');
  for (const [k, v] of Object.entries(matchLabels ?? {})) {
    if (typeof v !== 'string') throw new ShapeError(`${s.at('matchLabels')}.${k} must be a string`);
  }
  const matchExpressions = s.list(sel, 'matchExpressions').map((e, i) => {
    const er = s.child('matchExpressions').child(i);
    const operator = er.string(e, 'operator', true)!;
    if (!['In', 'NotIn', 'Exists', 'DoesNotExist'].includes(operator)) {
      throw new ShapeError(`${er.at('operator')} must be one of In, NotIn, Exists, DoesNotExist (got "${operator}")`);
    }
    const values = er.strings(e, 'values');
    if ((operator === 'In' || operator === 'NotIn') && values.length === 0) {
      throw new ShapeError(`${er.at('values')} must not be empty for operator ${operator}`);
    }
    return {
      key: er.string(e, 'key', true)!,
      operator: operator as 'In' | 'NotIn' | 'Exists' | 'DoesNotExist',
      values,
    };
  });
  return { matchLabels: matchLabels as Record<string, string> | undefined, matchExpressions };
}

function rules(r: Reader, value: unknown, key: string): ResourceRule[] {
  return r.list(value, key).map((rule, i) => {
    const rr = r.child(key).child(i);
    if (!isMap(rule)) throw new ShapeError(`${r.at(key)}[${i}] must be a mapping`);
    const scope = rr.string(rule, 'scope') ?? '*';
    if (!['*', 'Cluster', 'Namespaced'].includes(scope)) {
      throw new ShapeError(`${rr.at('scope')} must be one of *, Cluster, Namespaced (got "${scope}")`);
    }
    const operations = rr.strings(rule, 'operations');
    for (const op of operations) {
      if (!['*', 'CREATE', 'UPDATE', 'DELETE', 'CONNECT'].includes(op)) {
        throw new ShapeError(`${rr.at('operations')} holds "${op}"; allowed: *, CREATE, UPDATE, DELETE, CONNECT`);
      }
    }
    return {
      apiGroups: rr.strings(rule, 'apiGroups'),
      apiVersions: rr.strings(rule, 'apiVersions'),
      resources: rr.strings(rule, 'resources'),
      operations,
      resourceNames: rr.strings(rule, 'resourceNames'),
      scope: scope as ResourceRule['scope'],
    };
  });
}

function matchResources(r: Reader, value: unknown, key: string): MatchResources | undefined {
  const m = r.map(value, key);
  if (!m) return undefined;
  const mr = r.child(key);
  const matchPolicy = mr.string(m, 'matchPolicy') ?? 'Equivalent';
  if (matchPolicy !== 'Exact' && matchPolicy !== 'Equivalent') {
    throw new ShapeError(`${mr.at('matchPolicy')} must be Exact or Equivalent (got "${matchPolicy}")`);
  }
  return {
    resourceRules: rules(mr, m, 'resourceRules'),
    excludeResourceRules: rules(mr, m, 'excludeResourceRules'),
    namespaceSelector: selector(mr, m, 'namespaceSelector'),
    objectSelector: selector(mr, m, 'objectSelector'),
    matchPolicy,
  };
}

function namedExpressions(r: Reader, value: unknown, key: string, what: string): NamedExpression[] {
  const seen = new Set<string>();
  return r.list(value, key).map((item, i) => {
    const ir = r.child(key).child(i);
    const name = ir.string(item, 'name', true)!;
    if (what === 'variable' && !IDENTIFIER.test(name)) {
      throw new ShapeError(`${ir.at('name')} "${name}" is not a valid CEL identifier`);
    }
    if (seen.has(name)) throw new ShapeError(`${ir.at('name')}: duplicate ${what} name "${name}"`);
    seen.add(name);
    return { name, expression: ir.string(item, 'expression', true)! };
  });
}

function validations(r: Reader, spec: Record<string, unknown>): ValidationSpec[] {
  return r.list(spec, 'validations').map((item, i) => {
    const vr = r.child('validations').child(i);
    const message = vr.string(item, 'message');
    if (message !== undefined && /[\r\n]/.test(message.trim())) {
      throw new ShapeError(`${vr.at('message')} must not contain line breaks`);
    }
    const reason = vr.string(item, 'reason');
    if (reason !== undefined && !REASONS.has(reason)) {
      throw new ShapeError(`${vr.at('reason')} must be one of ${[...REASONS].join(', ')} (got "${reason}")`);
    }
    return {
      expression: vr.string(item, 'expression', true)!,
      message,
      messageExpression: vr.string(item, 'messageExpression'),
      reason,
    };
  });
}

function actions(r: Reader, value: unknown, key: string): ValidationAction[] | undefined {
  if (!isMap(value) || value[key] === undefined) return undefined;
  const list = r.strings(value, key);
  for (const a of list) {
    if (!ACTIONS.includes(a as ValidationAction)) {
      throw new ShapeError(`${r.at(key)} holds "${a}"; allowed: ${ACTIONS.join(', ')}`);
    }
  }
  if (list.includes('Deny') && list.includes('Warn')) {
    throw new ShapeError(`${r.at(key)} may not hold both Deny and Warn`);
  }
  return list as ValidationAction[];
}

const commaList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

function envgateScope(metadata: Record<string, unknown> | undefined): EnvgateScope {
  const annotations = isMap(metadata?.annotations) ? metadata.annotations : {};
  const text = (key: string) => {
    const v = annotations[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw new ShapeError(`metadata.annotations["${key}"] must be a string`);
    return v;
  };
  const scope: EnvgateScope = {};
  const envs = text(ANNOTATIONS.environments);
  if (envs !== undefined) scope.environments = commaList(envs);
  const classes = text(ANNOTATIONS.classes);
  if (classes !== undefined) {
    scope.classes = commaList(classes);
    for (const c of scope.classes) {
      if (!CLASSES.has(c)) {
        throw new ShapeError(
          `metadata.annotations["${ANNOTATIONS.classes}"] holds "${c}"; allowed: low, medium, high, critical`,
        );
      }
    }
  }
  const action = text(ANNOTATIONS.action);
  if (action !== undefined) {
    if (action !== 'deny' && action !== 'warn') {
      throw new ShapeError(`metadata.annotations["${ANNOTATIONS.action}"] must be deny or warn (got "${action}")`);
    }
    scope.action = action;
  }
  return scope;
}

export function isPolicyDocument(value: unknown): boolean {
  if (!isMap(value) || typeof value.apiVersion !== 'string') return false;
  const { apiVersion, kind } = value;
  if (apiVersion.startsWith(VAP_GROUP)) {
    return kind === 'ValidatingAdmissionPolicy' || kind === 'ValidatingAdmissionPolicyBinding';
  }
  return apiVersion.startsWith(KYVERNO_GROUP) && (kind === 'ValidatingPolicy' || kind === 'NamespacedValidatingPolicy');
}

function readPolicy(doc: Record<string, unknown>, source: SourceRef): PolicyDefinition {
  const kind = doc.kind as PolicyKind;
  const apiVersion = doc.apiVersion as string;
  const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
  const kyverno = kind !== 'ValidatingAdmissionPolicy';
  if (!(kyverno ? KYVERNO_VERSIONS : VAP_VERSIONS).has(version)) {
    throw new ShapeError(`apiVersion ${apiVersion} is not supported for ${kind}`);
  }
  const root = new Reader('');
  const metadata = root.map(doc, 'metadata', true)!;
  const name = root.child('metadata').string(metadata, 'name', true)!;
  const spec = root.map(doc, 'spec', true)!;
  const r = new Reader('spec');
  const failurePolicy = r.string(spec, 'failurePolicy') ?? 'Fail';
  if (failurePolicy !== 'Fail' && failurePolicy !== 'Ignore') {
    throw new ShapeError(`spec.failurePolicy must be Fail or Ignore (got "${failurePolicy}")`);
  }
  const paramKindRaw = r.map(spec, 'paramKind');
  const paramKind = paramKindRaw
    ? {
        apiVersion: r.child('paramKind').string(paramKindRaw, 'apiVersion', true)!,
        kind: r.child('paramKind').string(paramKindRaw, 'kind', true)!,
      }
    : undefined;
  const policy: PolicyDefinition = {
    kind,
    apiVersion,
    name,
    source,
    failurePolicy,
    paramKind,
    matchConstraints: matchResources(r, spec, 'matchConstraints'),
    matchConditions: namedExpressions(r, spec, 'matchConditions', 'match condition'),
    variables: namedExpressions(r, spec, 'variables', 'variable'),
    validations: validations(r, spec),
    scope: envgateScope(metadata),
  };
  if (policy.validations.length === 0) throw new ShapeError('spec.validations must hold at least one validation');
  if (!policy.matchConstraints || policy.matchConstraints.resourceRules.length === 0) {
    throw new ShapeError('spec.matchConstraints.resourceRules must hold at least one rule');
  }
  if (kind === 'NamespacedValidatingPolicy') {
    const namespace = root.child('metadata').string(metadata, 'namespace');
    if (!namespace) throw new ShapeError('metadata.namespace is required for a NamespacedValidatingPolicy');
    policy.namespace = namespace;
  }
  if (kyverno) {
    policy.validationActions = actions(r, spec, 'validationActions') ?? ['Deny'];
    const controllers = r.child('autogen').child('podControllers');
    const podControllers = r.child('autogen').map(r.map(spec, 'autogen'), 'podControllers');
    if (podControllers && podControllers.controllers !== undefined) {
      policy.autogenControllers = controllers.strings(podControllers, 'controllers');
    }
    const mode = r.child('evaluation').string(r.map(spec, 'evaluation'), 'mode');
    if (mode !== undefined && mode !== 'Kubernetes') {
      throw new ShapeError(`spec.evaluation.mode ${mode} is not supported: envgate evaluates Kubernetes objects`);
    }
  } else {
    const autogen = isMap(metadata.annotations) ? metadata.annotations[ANNOTATIONS.autogen] : undefined;
    if (typeof autogen === 'string') policy.autogenControllers = autogen === 'none' ? [] : commaList(autogen);
  }
  return policy;
}

function readBinding(doc: Record<string, unknown>, source: SourceRef): PolicyBinding {
  const root = new Reader('');
  const metadata = root.map(doc, 'metadata', true)!;
  const name = root.child('metadata').string(metadata, 'name', true)!;
  const spec = root.map(doc, 'spec', true)!;
  const r = new Reader('spec');
  const paramRefRaw = r.map(spec, 'paramRef');
  let paramRef: ParamRef | undefined;
  if (paramRefRaw) {
    const pr = r.child('paramRef');
    const notFound = pr.string(paramRefRaw, 'parameterNotFoundAction');
    if (notFound !== undefined && notFound !== 'Allow' && notFound !== 'Deny') {
      throw new ShapeError(`spec.paramRef.parameterNotFoundAction must be Allow or Deny (got "${notFound}")`);
    }
    paramRef = {
      name: pr.string(paramRefRaw, 'name'),
      namespace: pr.string(paramRefRaw, 'namespace'),
      selector: selector(pr, paramRefRaw, 'selector'),
      parameterNotFoundAction: notFound as ParamRef['parameterNotFoundAction'],
    };
    if (paramRef.name && paramRef.selector) {
      throw new ShapeError('spec.paramRef.name and spec.paramRef.selector are mutually exclusive');
    }
    if (!paramRef.name && !paramRef.selector) {
      throw new ShapeError('spec.paramRef needs a name or a selector');
    }
  }
  const validationActions = actions(r, spec, 'validationActions');
  if (!validationActions || validationActions.length === 0) {
    throw new ShapeError('spec.validationActions must hold at least one of Deny, Warn, Audit');
  }
  return {
    name,
    policyName: r.string(spec, 'policyName', true)!,
    source,
    paramRef,
    matchResources: matchResources(r, spec, 'matchResources'),
    validationActions,
    scope: envgateScope(metadata),
  };
}

/** Every policy, binding and other object in one YAML file. */
export function loadPolicyText(file: string, text: string): PolicySet {
  const set: PolicySet = { policies: [], bindings: [], params: [], problems: [] };
  const parsed = parseYaml(file, text);
  for (const f of parsed.findings) {
    set.problems.push({ message: `invalid YAML: ${f.message}`, source: { file, line: f.line } });
  }
  for (const doc of parsed.documents) {
    const source: SourceRef = { file, line: doc.line, document: doc.index };
    const value = doc.value;
    if (!isMap(value)) {
      set.problems.push({ message: `document ${doc.index + 1} is not a mapping`, source });
      continue;
    }
    if (!isPolicyDocument(value)) {
      if (typeof value.apiVersion === 'string' && typeof value.kind === 'string') set.params.push(value as KubeObject);
      else set.problems.push({ message: `document ${doc.index + 1} has no apiVersion and kind`, source });
      continue;
    }
    const name = isMap(value.metadata) && typeof value.metadata.name === 'string' ? value.metadata.name : undefined;
    try {
      if (value.kind === 'ValidatingAdmissionPolicyBinding') set.bindings.push(readBinding(value, source));
      else set.policies.push(readPolicy(value, source));
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      set.problems.push({ message: `${value.kind} ${name ?? '(unnamed)'}: ${error.message}`, policy: name, source });
    }
  }
  return set;
}

export function mergePolicySets(sets: PolicySet[]): PolicySet {
  const merged: PolicySet = { policies: [], bindings: [], params: [], problems: [] };
  for (const s of sets) {
    merged.policies.push(...s.policies);
    merged.bindings.push(...s.bindings);
    merged.params.push(...s.params);
    merged.problems.push(...s.problems);
  }
  const seen = new Map<string, PolicyDefinition>();
  const policies = merged.policies;
  merged.policies = [];
  for (const p of policies) {
    const key = `${p.kind === 'ValidatingAdmissionPolicy' ? 'vap' : 'kyverno'}|${p.namespace ?? ''}|${p.name}`;
    const first = seen.get(key);
    // A repository policy named like a built-in one replaces it.
    if (first && p.builtin && !first.builtin) continue;
    if (first) {
      merged.problems.push({
        message: `${p.kind} ${p.name} is defined twice (also in ${first.source.file ?? '?'}); names must be unique`,
        policy: p.name,
        source: p.source,
      });
    } else {
      seen.set(key, p);
      merged.policies.push(p);
    }
  }
  return merged;
}

export type { LoadProblem };
