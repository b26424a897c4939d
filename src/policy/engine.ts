// The policy engine as the review and `envgate policy test` use it: the repository's policies and the built-in
// baseline pack, compiled once, their bindings grouped, and one call that evaluates every applicable policy for
// an admission request in an environment.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EnvironmentClass } from '../core/types.js';
import type { KubeObject } from '../render/types.js';
import { compilePolicies, type CompiledPolicy, type PolicyCompileError } from './compile.js';
import { evaluatePolicy, paramSource, type ParamSource, type PolicyEvaluation } from './evaluate.js';
import { loadPolicyText, mergePolicySets } from './load.js';
import type { AdmissionRequest } from './match.js';
import type { EnvgateScope, LoadProblem, PolicyBinding, PolicySet } from './model.js';

const BASELINE_DIR = fileURLToPath(new URL('./baseline/', import.meta.url));
let baseline: PolicySet | undefined;

/** The built-in baseline pack (src/policy/baseline/*.yaml), each marked as built in. */
export function baselinePack(): PolicySet {
  if (!baseline) {
    const files = readdirSync(BASELINE_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    const set = mergePolicySets(
      files.map((f) => loadPolicyText(`envgate:baseline/${f}`, readFileSync(`${BASELINE_DIR}${f}`, 'utf8'))),
    );
    for (const p of set.policies) p.builtin = true;
    baseline = set;
  }
  return baseline;
}

export interface EnvironmentRef {
  name: string;
  class: EnvironmentClass;
}

/** Whether an envgate scope (annotations on a policy or binding) includes the environment. */
export function inScope(scope: EnvgateScope, env: EnvironmentRef | undefined): boolean {
  if (!env) return true;
  if (scope.environments && !scope.environments.includes(env.name)) return false;
  if (scope.classes && !scope.classes.includes(env.class)) return false;
  return true;
}

export class PolicyEngine {
  readonly policies: CompiledPolicy[];
  readonly compileErrors: PolicyCompileError[];
  readonly problems: LoadProblem[];
  readonly params: KubeObject[];
  private readonly bindings = new Map<string, PolicyBinding[]>();

  constructor(set: PolicySet) {
    const compiled = compilePolicies(set.policies);
    this.policies = compiled.policies;
    this.compileErrors = compiled.errors;
    this.problems = [...set.problems];
    this.params = set.params;
    const vapNames = new Set(set.policies.filter((p) => p.kind === 'ValidatingAdmissionPolicy').map((p) => p.name));
    // A repository binding for a built-in policy replaces the pack's own binding.
    const boundByRepository = new Set(
      set.bindings.filter((b) => !b.source.file?.startsWith('envgate:')).map((b) => b.policyName),
    );
    for (const binding of set.bindings) {
      if (!vapNames.has(binding.policyName)) {
        this.problems.push({
          message: `ValidatingAdmissionPolicyBinding ${binding.name} binds ${binding.policyName}, which is not a ValidatingAdmissionPolicy here; it has no effect`,
          policy: binding.policyName,
          source: binding.source,
          severity: 'warning',
        });
        continue;
      }
      if (binding.source.file?.startsWith('envgate:') && boundByRepository.has(binding.policyName)) continue;
      this.bindings.set(binding.policyName, [...(this.bindings.get(binding.policyName) ?? []), binding]);
    }
  }

  /** Repository policies (may be none) plus, unless switched off, the baseline pack. */
  static fromSets(sets: PolicySet[]): PolicyEngine {
    return new PolicyEngine(mergePolicySets(sets));
  }

  bindingsOf(policy: CompiledPolicy): PolicyBinding[] {
    return policy.definition.kind === 'ValidatingAdmissionPolicy'
      ? (this.bindings.get(policy.definition.name) ?? [])
      : [];
  }

  /** Every policy that applies in `env`, evaluated for `req`. Skipped policies are included (applied: false). */
  evaluate(
    req: AdmissionRequest,
    env?: EnvironmentRef,
    params: ParamSource = paramSource(this.params),
  ): PolicyEvaluation[] {
    const results: PolicyEvaluation[] = [];
    for (const policy of this.policies) {
      if (!inScope(policy.definition.scope, env)) continue;
      const bindings = this.bindingsOf(policy);
      const inEnv = bindings.filter((b) => inScope(b.scope, env));
      // Bound, but by no binding for this environment: the policy does not apply here.
      if (bindings.length > 0 && inEnv.length === 0) continue;
      results.push(evaluatePolicy(policy, inEnv, req, params));
    }
    return results;
  }
}
