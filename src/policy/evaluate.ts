// Evaluates compiled policies against admission requests, as the API server's ValidatingAdmissionPolicy
// plugin does: bindings (each with its params), match conditions, lazily evaluated memoised variables,
// validations, messages with the same fallbacks, and failurePolicy for errors. Pure: no I/O, no clock.
import { errorSummary, ExpressionError, type CompiledExpression } from './cel/expression.js';
import { toCel } from './cel/values.js';
import type { CompiledPolicy, CompiledSpec } from './compile.js';
import { matchesResources, matchesSelector, type AdmissionRequest } from './match.js';
import type { PolicyBinding, ValidationAction } from './model.js';
import type { KubeObject } from '../render/types.js';

export interface Decision {
  /** `deny`: a validation evaluated to false. `error`: something could not be evaluated. */
  type: 'deny' | 'error';
  message: string;
  /** The field the decision comes from: `spec.validations[1].expression`. */
  field?: string;
  reason?: string;
  binding: PolicyBinding;
  /** How the gate enforces it: the binding's (or the Kyverno policy's) validationActions. */
  actions: ValidationAction[];
  /** An error under `failurePolicy: Ignore`: reported, not enforced. */
  ignored?: boolean;
}

export interface PolicyEvaluation {
  policy: CompiledPolicy;
  /** False when the policy (and every binding) did not apply: a skip. */
  applied: boolean;
  /** The pod template variant used: `defaults` or `cronjobs` for pod controllers. */
  autogen?: string;
  decisions: Decision[];
}

/** Parameter objects to resolve paramRefs against (the policy files' other objects, or --params). */
export interface ParamSource {
  find(apiVersion: string, kind: string, namespace: string | undefined, name: string | undefined): KubeObject[];
}

export function paramSource(objects: readonly KubeObject[]): ParamSource {
  return {
    find(apiVersion, kind, namespace, name) {
      return objects.filter(
        (o) =>
          o.apiVersion === apiVersion &&
          o.kind === kind &&
          (name === undefined || o.metadata?.name === name) &&
          (namespace === undefined || (o.metadata?.namespace ?? '') === namespace || !o.metadata?.namespace),
      );
    },
  };
}

const MAX_MESSAGE_BYTES = 5 * 1024;
const OPTIONS_KIND = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions', CONNECT: '' };

/** The AdmissionRequest attributes CEL sees as `request`. */
function requestValue(req: AdmissionRequest): Record<string, unknown> {
  const kind = { group: req.resource.group, version: req.resource.version, kind: req.resource.kind };
  const resource = { group: req.resource.group, version: req.resource.version, resource: req.resource.resource };
  const optionsKind = OPTIONS_KIND[req.operation];
  return {
    uid: '',
    kind,
    resource,
    subResource: '',
    requestKind: kind,
    requestResource: resource,
    requestSubResource: '',
    name: req.name,
    namespace: req.namespace,
    operation: req.operation,
    // Nobody applies a pull request: the GitOps controller will, as whoever it runs as.
    userInfo: { username: '', uid: '', groups: [], extra: {} },
    dryRun: false,
    options: optionsKind ? { kind: optionsKind, apiVersion: 'meta.k8s.io/v1' } : null,
  };
}

/** What the API server passes as namespaceObject: metadata, spec and status only. */
function namespaceValue(ns: KubeObject | null): Record<string, unknown> | null {
  if (!ns) return null;
  const metadata = (ns.metadata ?? {}) as Record<string, unknown>;
  const keep = ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp'];
  const meta: Record<string, unknown> = {};
  for (const k of [...keep, 'deletionTimestamp', 'annotations', 'finalizers']) {
    if (metadata[k] !== undefined) meta[k] = metadata[k];
  }
  meta.labels = { ...((metadata.labels as object) ?? {}), 'kubernetes.io/metadata.name': metadata.name };
  const value: Record<string, unknown> = { apiVersion: 'v1', kind: 'Namespace', metadata: meta };
  if (ns.spec !== undefined) value.spec = ns.spec;
  if (ns.status !== undefined) value.status = ns.status;
  return value;
}

const celCache = new WeakMap<object, unknown>();
/** Objects are converted once, however many policies read them. */
function cel(value: object | null): unknown {
  if (value === null) return null;
  let converted = celCache.get(value);
  if (converted === undefined) {
    converted = toCel(value);
    celCache.set(value, converted);
  }
  return converted;
}

/** `variables`: each evaluated on first use, its value or its error remembered. */
function lazyVariables(spec: CompiledSpec, activation: Record<string, unknown>): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const v of spec.variables) {
    let state: { value: unknown } | { error: unknown } | undefined;
    Object.defineProperty(variables, v.name, {
      enumerable: true,
      get() {
        if (!state) {
          try {
            state = { value: v.run(activation) };
          } catch (error) {
            state = { error };
          }
        }
        if ('error' in state) {
          throw new ExpressionError(`variables.${v.name} (${v.field}): ${errorSummary(state.error)}`);
        }
        return state.value;
      },
    });
  }
  return variables;
}

function describe(expression: CompiledExpression, error: unknown): string {
  return `${expression.field} \`${oneLine(expression.text)}\`: ${errorSummary(error)}`;
}

export function oneLine(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

interface Outcome {
  matched: boolean;
  decisions: Omit<Decision, 'binding' | 'actions'>[];
}

/** One (binding, param) evaluation of a spec. */
function validate(spec: CompiledSpec, req: AdmissionRequest, params: unknown, failurePolicy: string): Outcome {
  const activation: Record<string, unknown> = {
    object: cel(req.object),
    oldObject: cel(req.oldObject),
    request: requestValue(req),
    params,
    namespaceObject: toCel(namespaceValue(req.namespaceObject)),
  };
  activation.variables = lazyVariables(spec, activation);
  const ignored = failurePolicy === 'Ignore';

  // Match conditions: any false skips the policy, even when another one errs.
  let conditionError: string | undefined;
  for (const condition of spec.matchConditions) {
    let result: unknown;
    try {
      result = condition.run(activation);
    } catch (error) {
      conditionError ??= `match condition "${condition.name}": ${describe(condition, error)}`;
      continue;
    }
    if (result === false) return { matched: false, decisions: [] };
    if (result !== true) conditionError ??= `match condition "${condition.name}" returned ${typeof result}, not bool`;
  }
  if (conditionError) return { matched: true, decisions: [{ type: 'error', message: conditionError, ignored }] };

  const decisions: Outcome['decisions'] = [];
  for (const v of spec.validations) {
    let result: unknown;
    try {
      result = v.expression.run(activation);
    } catch (error) {
      decisions.push({ type: 'error', message: describe(v.expression, error), field: v.expression.field, ignored });
      continue;
    }
    if (result === true) continue;
    if (result !== false) {
      decisions.push({
        type: 'error',
        message: `${v.expression.field} \`${oneLine(v.expression.text)}\` returned ${typeof result}, not bool`,
        field: v.expression.field,
        ignored,
      });
      continue;
    }
    decisions.push({
      type: 'deny',
      message: message(v, activation),
      field: v.expression.field,
      reason: v.reason ?? 'Invalid',
    });
  }
  return { matched: true, decisions };
}

/** messageExpression, else message, else the expression — the API server's fallbacks. */
function message(v: CompiledSpec['validations'][number], activation: Record<string, unknown>): string {
  if (v.messageExpression) {
    try {
      const result = v.messageExpression.run(activation);
      if (typeof result === 'string') {
        const text = result.trim();
        if (text !== '' && !text.includes('\n') && Buffer.byteLength(text) <= MAX_MESSAGE_BYTES) return text;
      }
    } catch {
      // A failing messageExpression falls back to the static message, as in the API server.
    }
  }
  const text = v.message?.trim();
  if (text) return text;
  return `failed expression: ${v.expression.text.trim()}`;
}

/** The implicit binding of a policy nobody bound: Kyverno policies, unbound VAPs, the baseline pack. */
export function implicitBinding(policy: CompiledPolicy): PolicyBinding {
  return {
    name: policy.definition.name,
    policyName: policy.definition.name,
    source: policy.definition.source,
    validationActions: policy.definition.validationActions ?? ['Deny'],
    scope: {},
    implicit: true,
  };
}

function resolveParams(
  policy: CompiledPolicy,
  binding: PolicyBinding,
  req: AdmissionRequest,
  source: ParamSource,
): { params: unknown[] } | { error: string } {
  const kind = policy.definition.paramKind;
  if (!kind || !binding.paramRef) return { params: [null] };
  const ref = binding.paramRef;
  const namespace = ref.namespace ?? (req.namespace || undefined);
  let found: KubeObject[];
  if (ref.name !== undefined) {
    found = source.find(kind.apiVersion, kind.kind, namespace, ref.name);
  } else {
    found = source
      .find(kind.apiVersion, kind.kind, namespace, undefined)
      .filter((o) => matchesSelector(ref.selector, (o.metadata?.labels as Record<string, unknown>) ?? {}));
  }
  if (found.length === 0 && ref.parameterNotFoundAction === 'Deny') {
    const what = ref.name ? `${kind.kind} ${ref.name}` : `${kind.kind} selected by the binding`;
    return { error: `no params found for policy binding ${binding.name} with Deny parameterNotFoundAction (${what})` };
  }
  return { params: found.map((p) => cel(p)) };
}

/** Which spec applies: the policy's own, or the autogen variant for a pod controller. */
function specFor(policy: CompiledPolicy, req: AdmissionRequest) {
  const definition = policy.definition;
  if (definition.namespace !== undefined && definition.namespace !== req.namespace) return undefined;
  if (matchesResources(definition.matchConstraints, req)) return { spec: policy.spec };
  for (const variant of policy.autogen) {
    if (matchesResources(variant.match, req)) return { spec: variant.spec, autogen: variant.name };
  }
  return undefined;
}

export function evaluatePolicy(
  policy: CompiledPolicy,
  bindings: readonly PolicyBinding[],
  req: AdmissionRequest,
  params: ParamSource,
): PolicyEvaluation {
  const evaluation: PolicyEvaluation = { policy, applied: false, decisions: [] };
  const chosen = specFor(policy, req);
  if (!chosen) return evaluation;
  evaluation.autogen = chosen.autogen;
  const failurePolicy = policy.definition.failurePolicy;
  for (const binding of bindings.length > 0 ? bindings : [implicitBinding(policy)]) {
    if (binding.matchResources && !matchesResources(binding.matchResources, req)) continue;
    const resolved = resolveParams(policy, binding, req, params);
    const actions = binding.validationActions;
    if ('error' in resolved) {
      evaluation.applied = true;
      evaluation.decisions.push({
        type: 'error',
        message: resolved.error,
        binding,
        actions,
        ignored: failurePolicy === 'Ignore',
      });
      continue;
    }
    for (const p of resolved.params) {
      const outcome = validate(chosen.spec, req, p, failurePolicy);
      if (!outcome.matched) continue;
      evaluation.applied = true;
      for (const d of outcome.decisions) evaluation.decisions.push({ ...d, binding, actions });
    }
  }
  return evaluation;
}

export type Verdict = 'pass' | 'fail' | 'error' | 'skip';

/** One word for a policy on one resource: an unignored error outranks a denial. */
export function verdictOf(evaluation: PolicyEvaluation): Verdict {
  if (!evaluation.applied) return 'skip';
  if (evaluation.decisions.some((d) => d.type === 'error' && !d.ignored)) return 'error';
  if (evaluation.decisions.some((d) => d.type === 'deny')) return 'fail';
  return 'pass';
}
