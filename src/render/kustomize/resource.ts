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
  /** Names of the `vars` whose objref matched this object when its kustomization declared them (refVarNames). */
  refVarNames?: string[];
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

export { groupOf, versionOf } from '../types.js';

export function newResource(object: KubeObject, source: string, generated?: GeneratedInfo): Resource {
  return { object, source, previousIds: [], ...(generated ? { generated } : {}) };
}

/**
 * Kinds Kustomize v5.5 knows to be cluster-scoped: kyaml's precomputedIsNamespaceScoped table, keyed by the exact
 * apiVersion (kyaml/openapi/openapi.go at kustomize/v5.5.0). Everything else counts as namespaced, CRDs and newer
 * versions of these groups included (`admissionregistration.k8s.io/v1` ValidatingAdmissionPolicy,
 * `flowcontrol.apiserver.k8s.io/v1` FlowSchema get a namespace from `namespace:`, as kubectl shows).
 */
const CLUSTER_SCOPED: Record<string, readonly string[]> = {
  v1: ['ComponentStatus', 'Namespace', 'Node', 'NodeProxyOptions', 'PersistentVolume'],
  'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'admissionregistration.k8s.io/v1beta1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'apiextensions.k8s.io/v1beta1': ['CustomResourceDefinition'],
  'apiregistration.k8s.io/v1': ['APIService'],
  'apiregistration.k8s.io/v1beta1': ['APIService'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
  'certificates.k8s.io/v1beta1': ['CertificateSigningRequest'],
  'flowcontrol.apiserver.k8s.io/v1beta1': ['FlowSchema', 'PriorityLevelConfiguration'],
  'networking.k8s.io/v1': ['IngressClass'],
  'networking.k8s.io/v1beta1': ['IngressClass'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'node.k8s.io/v1beta1': ['RuntimeClass'],
  'policy/v1beta1': ['PodSecurityPolicy'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding'],
  'rbac.authorization.k8s.io/v1beta1': ['ClusterRole', 'ClusterRoleBinding'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'scheduling.k8s.io/v1beta1': ['PriorityClass'],
  'storage.k8s.io/v1': ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
  'storage.k8s.io/v1beta1': ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
};

export function isClusterScoped(apiVersion: string, kind: string): boolean {
  return CLUSTER_SCOPED[apiVersion]?.includes(kind) ?? false;
}

/** Kustomize's EffectiveNamespace: "default" for an unset namespace, a sentinel for cluster-scoped kinds. */
export function effectiveNamespace(id: ResId): string {
  if (isClusterScoped(id.apiVersion, id.kind)) return '_non_namespaceable_';
  return id.namespace === '' ? 'default' : id.namespace;
}
