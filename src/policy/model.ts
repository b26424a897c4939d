// Policies as envgate reads them: the common shape of Kubernetes' ValidatingAdmissionPolicy (+ Binding) and
// Kyverno's ValidatingPolicy, normalised, plus where each came from so every problem can point at its file.
import type { KubeObject } from '../render/types.js';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
export type ValidationAction = 'Deny' | 'Warn' | 'Audit';

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}

export interface ResourceRule {
  apiGroups: string[];
  apiVersions: string[];
  resources: string[];
  operations: string[];
  resourceNames: string[];
  scope: '*' | 'Cluster' | 'Namespaced';
}

export interface MatchResources {
  resourceRules: ResourceRule[];
  excludeResourceRules: ResourceRule[];
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
  matchPolicy: 'Exact' | 'Equivalent';
}

export interface NamedExpression {
  name: string;
  expression: string;
}

export interface ValidationSpec {
  expression: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
}

export interface SourceRef {
  file?: string;
  line?: number;
  /** 0-based document index in the file. */
  document?: number;
}

/** What envgate adds, in annotations the Kubernetes shape tolerates. */
export interface EnvgateScope {
  /** `envgate.dev/environments`: environment names; undefined = every environment. */
  environments?: string[];
  /** `envgate.dev/environment-classes`: low, medium, high, critical; undefined = every class. */
  classes?: string[];
  /** `envgate.dev/action`: overrides validationActions for the gate. */
  action?: 'deny' | 'warn';
}

export type PolicyKind = 'ValidatingAdmissionPolicy' | 'ValidatingPolicy' | 'NamespacedValidatingPolicy';

export interface PolicyDefinition {
  kind: PolicyKind;
  apiVersion: string;
  name: string;
  /** NamespacedValidatingPolicy only: it applies to objects in this namespace. */
  namespace?: string;
  source: SourceRef;
  failurePolicy: 'Fail' | 'Ignore';
  paramKind?: { apiVersion: string; kind: string };
  matchConstraints?: MatchResources;
  matchConditions: NamedExpression[];
  variables: NamedExpression[];
  validations: ValidationSpec[];
  /** Kyverno's spec.validationActions; a ValidatingAdmissionPolicy takes them from its bindings. */
  validationActions?: ValidationAction[];
  /**
   * Pod controllers whose pod templates a Pod policy is also applied to (Kyverno's autogen). undefined = all
   * of them; [] = none. Kyverno: spec.autogen.podControllers.controllers; VAP: `envgate.dev/autogen-controllers`.
   */
  autogenControllers?: string[];
  scope: EnvgateScope;
  /** Built into envgate (the baseline pack) rather than read from the repository. */
  builtin?: boolean;
}

export interface ParamRef {
  name?: string;
  namespace?: string;
  selector?: LabelSelector;
  parameterNotFoundAction?: 'Allow' | 'Deny';
}

export interface PolicyBinding {
  name: string;
  policyName: string;
  source: SourceRef;
  paramRef?: ParamRef;
  matchResources?: MatchResources;
  validationActions: ValidationAction[];
  scope: EnvgateScope;
  /** Made up by envgate for a policy that has no binding (Kyverno policies, unbound VAPs, the baseline pack). */
  implicit?: boolean;
}

/** A policy file's problem that stops a policy (or binding) from loading. */
export interface LoadProblem {
  message: string;
  /** The policy or binding it is about, when known. */
  policy?: string;
  source: SourceRef;
  /** Default error: the policy cannot be enforced. A warning is about something that has no effect. */
  severity?: 'error' | 'warning';
}

export interface PolicySet {
  policies: PolicyDefinition[];
  bindings: PolicyBinding[];
  /** Every other object in the policy files: candidates for paramRef. */
  params: KubeObject[];
  problems: LoadProblem[];
}
