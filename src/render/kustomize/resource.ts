// The unit every part of the built-in Kustomize engine works on: one object plus what Kustomize remembers about
// it while building (the ids it had before prefixes, suffixes, namespaces and hashes changed it, and how it was
// generated). Name references are resolved through those earlier ids, exactly as Kustomize's PrevIds/OrgId do.
import type { KubeObject } from '../types.js';

/** Kustomize's ResId: group/version/kind plus name and namespace ("" when unset). */
export interface ResId {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
}

export interface GeneratedInfo {
  /** `behavior` from the generator: how it meets a same-named generated object from a base. */
  behavior: 'create' | 'merge' | 'replace';
  /** False when `options.disableNameSuffixHash` (or generatorOptions) turned the hash suffix off. */
  nameSuffixHash: boolean;
}

export interface Resource {
  /** The object as it is now; transformers change it in place. */
  object: KubeObject;
  /** The repository path the object was read from or generated in (a kustomization file for generators). */
  source: string;
  /** Ids the object had before renames, oldest first; empty when never renamed. */
  previousIds: ResId[];
  /** Set for ConfigMaps and Secrets made by a generator. */
  generated?: GeneratedInfo;
  /** Name prefixes and suffixes applied, innermost first: they tell same-named name-reference candidates apart. */
  prefixes?: string[];
  suffixes?: string[];
}

export function resIdOf(object: KubeObject): ResId {
  return {
    apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : '',
    kind: typeof object.kind === 'string' ? object.kind : '',
    name: object.metadata?.name ?? '',
    namespace: object.metadata?.namespace ?? '',
  };
}

/** The id the object was first known by (Kustomize's OrgId). */
export function originalId(resource: Resource): ResId {
  return resource.previousIds[0] ?? resIdOf(resource.object);
}

/** Remembers the current id before a transformer renames or re-namespaces the object (Kustomize's StorePreviousId). */
export function rememberId(resource: Resource): void {
  resource.previousIds.push(resIdOf(resource.object));
}

/** `apps/v1` → `apps`; `v1` → `` (the core group). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function newResource(object: KubeObject, source: string, generated?: GeneratedInfo): Resource {
  return { object, source, previousIds: [], ...(generated ? { generated } : {}) };
}

/**
 * Kinds Kustomize knows to be cluster-scoped (kyaml's built-in OpenAPI data), by group. Everything else, CRDs
 * included, counts as namespaced: Kustomize cannot know better offline either.
 */
const CLUSTER_SCOPED: Record<string, readonly string[]> = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  // ValidatingAdmissionPolicy(Binding) came after kyaml's schema (v1.21.2): Kustomize v5.5 namespaces them.
  'admissionregistration.k8s.io': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'storage.k8s.io': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment'],
  'scheduling.k8s.io': ['PriorityClass'],
  'apiregistration.k8s.io': ['APIService'],
  'certificates.k8s.io': ['CertificateSigningRequest'],
  'networking.k8s.io': ['IngressClass'],
  'node.k8s.io': ['RuntimeClass'],
  policy: ['PodSecurityPolicy'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'authentication.k8s.io': ['TokenReview'],
  'authorization.k8s.io': ['SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SubjectAccessReview'],
};

export function isClusterScoped(apiVersion: string, kind: string): boolean {
  return CLUSTER_SCOPED[groupOf(apiVersion)]?.includes(kind) ?? false;
}

/** Kustomize's EffectiveNamespace: "default" for an unset namespace, a sentinel for cluster-scoped kinds. */
export function effectiveNamespace(id: ResId): string {
  if (isClusterScoped(id.apiVersion, id.kind)) return '_non_namespaceable_';
  return id.namespace === '' ? 'default' : id.namespace;
}
