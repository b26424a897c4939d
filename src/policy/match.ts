// Which admission requests a policy (and each binding) applies to: resource rules, exclusions, namespace and
// object selectors, as the API server's policy matcher decides them.
import type { KubeObject } from '../render/types.js';
import type { LabelSelector, MatchResources, Operation, ResourceRule } from './model.js';
import type { ResourceInfo } from './resources.js';

/** One admission request, as a GitOps change stands in for it. */
export interface AdmissionRequest {
  operation: Operation;
  /** The head version; null on DELETE. */
  object: KubeObject | null;
  /** The base version; null on CREATE. */
  oldObject: KubeObject | null;
  resource: ResourceInfo;
  name: string;
  /** "" for cluster-scoped objects. */
  namespace: string;
  /** The object's Namespace as the repository defines it; null when cluster-scoped or not in the repository. */
  namespaceObject: KubeObject | null;
}

type Labels = Record<string, unknown>;

const labelsOf = (object: KubeObject | null | undefined): Labels =>
  (object?.metadata?.labels as Labels | undefined) ?? {};

export function matchesSelector(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return true;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[key] !== value) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const value = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !e.values?.includes(String(value))) return false;
        break;
      case 'NotIn':
        if (has && e.values?.includes(String(value))) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/**
 * A Namespace is matched on its own labels; other cluster-scoped objects always match; namespaced objects match
 * on their namespace's labels. The API server labels every namespace `kubernetes.io/metadata.name: <name>`.
 */
function matchesNamespaceSelector(selector: LabelSelector | undefined, req: AdmissionRequest): boolean {
  if (!selector) return true;
  const isNamespace = req.resource.group === '' && req.resource.kind === 'Namespace';
  if (!req.resource.namespaced && !isNamespace) return true;
  const name = isNamespace ? req.name : req.namespace;
  const labels = isNamespace ? labelsOf(req.object ?? req.oldObject) : labelsOf(req.namespaceObject);
  return matchesSelector(selector, { ...labels, 'kubernetes.io/metadata.name': name });
}

/** Either the new or the old object's labels may match, as the API server decides. */
function matchesObjectSelector(selector: LabelSelector | undefined, req: AdmissionRequest): boolean {
  if (!selector) return true;
  return [req.object, req.oldObject].some((o) => o !== null && matchesSelector(selector, labelsOf(o)));
}

const anyOf = (list: string[], value: string) => list.includes('*') || list.includes(value);

function matchesRule(rule: ResourceRule, req: AdmissionRequest, anyVersion: boolean): boolean {
  const r = req.resource;
  if (!anyOf(rule.operations, req.operation)) return false;
  if (!anyOf(rule.apiGroups, r.group)) return false;
  if (!anyVersion && !anyOf(rule.apiVersions, r.version)) return false;
  if (!rule.resources.some((res) => res === '*' || res === '*/*' || res === r.resource)) return false;
  if (rule.scope === 'Cluster' && r.namespaced) return false;
  if (rule.scope === 'Namespaced' && !r.namespaced) return false;
  return rule.resourceNames.length === 0 || rule.resourceNames.includes(req.name);
}

function matchesRules(rules: ResourceRule[], policy: MatchResources['matchPolicy'], req: AdmissionRequest): boolean {
  if (rules.some((rule) => matchesRule(rule, req, false))) return true;
  // Equivalent (the API default): the same group and resource served at another version also matches.
  return policy === 'Equivalent' && rules.some((rule) => matchesRule(rule, req, true));
}

export function matchesResources(match: MatchResources | undefined, req: AdmissionRequest): boolean {
  if (!match) return true;
  if (!matchesNamespaceSelector(match.namespaceSelector, req)) return false;
  if (!matchesObjectSelector(match.objectSelector, req)) return false;
  if (matchesRules(match.excludeResourceRules, match.matchPolicy, req)) return false;
  if (match.resourceRules.length === 0) return true;
  return matchesRules(match.resourceRules, match.matchPolicy, req);
}
