// A policy definition compiled into what evaluation runs: every expression parsed and checked once, and — for
// policies that match Pods — the autogen variants Kyverno generates for pod controllers, so the Deployments,
// StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs a GitOps repository holds are checked too.
import { compileExpression, CompileError, type CompiledExpression } from './cel/expression.js';
import type { MatchResources, PolicyDefinition, ResourceRule, ValidationSpec } from './model.js';

export interface CompiledValidation {
  expression: CompiledExpression;
  message?: string;
  messageExpression?: CompiledExpression;
  reason?: string;
}

export interface CompiledSpec {
  matchConditions: (CompiledExpression & { name: string })[];
  variables: (CompiledExpression & { name: string })[];
  validations: CompiledValidation[];
}

export interface AutogenVariant {
  /** `defaults` (pod template at spec.template) or `cronjobs` (spec.jobTemplate.spec.template). */
  name: 'defaults' | 'cronjobs';
  match: MatchResources;
  spec: CompiledSpec;
}

export interface CompiledPolicy {
  definition: PolicyDefinition;
  spec: CompiledSpec;
  autogen: AutogenVariant[];
}

export interface PolicyCompileError {
  policy: PolicyDefinition;
  field: string;
  expression: string;
  reason: string;
}

/** Kyverno's pod controllers and where each keeps its pod template. */
const CONTROLLERS: Record<string, { group: string; resource: string; kind: string; variant: AutogenVariant['name'] }> =
  {
    daemonsets: { group: 'apps', resource: 'daemonsets', kind: 'DaemonSet', variant: 'defaults' },
    deployments: { group: 'apps', resource: 'deployments', kind: 'Deployment', variant: 'defaults' },
    replicasets: { group: 'apps', resource: 'replicasets', kind: 'ReplicaSet', variant: 'defaults' },
    statefulsets: { group: 'apps', resource: 'statefulsets', kind: 'StatefulSet', variant: 'defaults' },
    jobs: { group: 'batch', resource: 'jobs', kind: 'Job', variant: 'defaults' },
    cronjobs: { group: 'batch', resource: 'cronjobs', kind: 'CronJob', variant: 'cronjobs' },
  };

const REPLACEMENTS: Record<AutogenVariant['name'], [string, string][]> = {
  defaults: [
    ['spec', 'spec.template.spec'],
    ['metadata', 'spec.template.metadata'],
  ],
  cronjobs: [
    ['spec', 'spec.jobTemplate.spec.template.spec'],
    ['metadata', 'spec.jobTemplate.spec.template.metadata'],
  ],
};

/**
 * Kyverno's textual rewrite (pkg/cel/autogen): `object.spec` → `object.spec.template.spec` and so on, for
 * `object.` and `oldObject.`, except where the path continues with `.namespace` (the workload's own namespace
 * is what a policy means by `object.metadata.namespace`). Applied to every string of the spec, as Kyverno does.
 */
export function autogenRewrite(text: string, variant: AutogenVariant['name']): string {
  let out = text;
  for (const [from, to] of REPLACEMENTS[variant]) {
    for (const root of ['object.', 'oldObject.']) out = replaceUnprotected(out, root + from, root + to);
  }
  return out;
}

function replaceUnprotected(text: string, from: string, to: string): string {
  let out = '';
  let rest = text;
  for (let at = rest.indexOf(from); at !== -1; at = rest.indexOf(from)) {
    const after = rest.slice(at + from.length);
    const isProtected = /^\.namespace(?![A-Za-z0-9_])/.test(after);
    out += rest.slice(0, at) + (isProtected ? from : to);
    rest = after;
  }
  return out + rest;
}

/** Kyverno generates pod-controller rules only for a policy that matches Pods alone, by resource rules only. */
export function canAutogen(match: MatchResources | undefined): boolean {
  if (!match) return false;
  const objectSelector = match.objectSelector;
  if (
    objectSelector &&
    (Object.keys(objectSelector.matchLabels ?? {}).length > 0 || (objectSelector.matchExpressions?.length ?? 0) > 0)
  ) {
    return false;
  }
  if (match.excludeResourceRules.length > 0 || match.resourceRules.length !== 1) return false;
  const rule = match.resourceRules[0]!;
  const only = (list: string[], value: string) => list.length === 1 && list[0] === value;
  return (
    rule.resourceNames.length === 0 &&
    only(rule.apiGroups, '') &&
    only(rule.apiVersions, 'v1') &&
    only(rule.resources, 'pods')
  );
}

/** `deployments`, `Deployment` and `deployment` all name the same controller. */
function normaliseController(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (CONTROLLERS[lower]) return lower;
  return Object.keys(CONTROLLERS).find((k) => CONTROLLERS[k]!.kind.toLowerCase() === lower);
}

function compileSpec(
  policy: PolicyDefinition,
  rewrite: (s: string) => string,
  errors: PolicyCompileError[],
): CompiledSpec | undefined {
  const before = errors.length;
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof CompileError)) throw error;
      errors.push({ policy, field: error.field, expression: error.expression, reason: error.reason });
      return undefined;
    }
  };
  const declared = new Set<string>();
  const variables: CompiledSpec['variables'] = [];
  policy.variables.forEach((v, i) => {
    const compiled = attempt(() =>
      compileExpression(rewrite(v.expression), {
        field: `spec.variables[${i}].expression`,
        expected: 'any',
        variables: new Set(declared),
      }),
    );
    if (compiled) variables.push({ ...compiled, name: v.name, run: compiled.run });
    declared.add(v.name);
  });
  const all = new Set(declared);
  const matchConditions: CompiledSpec['matchConditions'] = [];
  policy.matchConditions.forEach((c, i) => {
    const compiled = attempt(() =>
      compileExpression(rewrite(c.expression), {
        field: `spec.matchConditions[${i}].expression`,
        expected: 'bool',
        variables: all,
      }),
    );
    if (compiled) matchConditions.push({ ...compiled, name: c.name, run: compiled.run });
  });
  const validations: CompiledValidation[] = [];
  policy.validations.forEach((v: ValidationSpec, i) => {
    const expression = attempt(() =>
      compileExpression(rewrite(v.expression), {
        field: `spec.validations[${i}].expression`,
        expected: 'bool',
        variables: all,
      }),
    );
    const messageExpression =
      v.messageExpression === undefined
        ? undefined
        : attempt(() =>
            compileExpression(rewrite(v.messageExpression!), {
              field: `spec.validations[${i}].messageExpression`,
              expected: 'string',
              variables: all,
            }),
          );
    if (expression) {
      validations.push({
        expression,
        message: v.message === undefined ? undefined : rewrite(v.message),
        messageExpression,
        reason: v.reason,
      });
    }
  });
  return errors.length === before ? { matchConditions, variables, validations } : undefined;
}

function controllerRules(controllers: string[], operations: string[]): ResourceRule[] {
  const byGroup = new Map<string, string[]>();
  for (const c of controllers) {
    const { group, resource } = CONTROLLERS[c]!;
    byGroup.set(group, [...(byGroup.get(group) ?? []), resource]);
  }
  return [...byGroup].map(([group, resources]) => ({
    apiGroups: [group],
    apiVersions: ['v1'],
    resources: resources.sort(),
    operations,
    resourceNames: [],
    scope: '*' as const,
  }));
}

export interface CompileResult {
  policies: CompiledPolicy[];
  errors: PolicyCompileError[];
}

/** Compiles each policy; a policy with any error is left out of `policies` and reported in `errors`. */
export function compilePolicies(definitions: readonly PolicyDefinition[]): CompileResult {
  const result: CompileResult = { policies: [], errors: [] };
  for (const definition of definitions) {
    const compiled = compilePolicy(definition, result.errors);
    if (compiled) result.policies.push(compiled);
  }
  return result;
}

export function compilePolicy(definition: PolicyDefinition, errors: PolicyCompileError[]): CompiledPolicy | undefined {
  const spec = compileSpec(definition, (s) => s, errors);
  if (!spec) return undefined;
  const autogen: AutogenVariant[] = [];
  if (canAutogen(definition.matchConstraints)) {
    const requested = definition.autogenControllers ?? Object.keys(CONTROLLERS);
    const controllers = requested.map(normaliseController).filter((c): c is string => c !== undefined);
    const rule = definition.matchConstraints!.resourceRules[0]!;
    for (const variant of ['defaults', 'cronjobs'] as const) {
      const mine = controllers.filter((c) => CONTROLLERS[c]!.variant === variant);
      if (mine.length === 0) continue;
      const variantSpec = compileSpec(definition, (s) => autogenRewrite(s, variant), errors);
      if (!variantSpec) return undefined;
      autogen.push({
        name: variant,
        spec: variantSpec,
        match: {
          resourceRules: controllerRules(mine, rule.operations),
          excludeResourceRules: [],
          namespaceSelector: definition.matchConstraints!.namespaceSelector,
          matchPolicy: definition.matchConstraints!.matchPolicy,
        },
      });
    }
  }
  return { definition, spec, autogen };
}
