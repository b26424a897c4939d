// Naming objects the way the controllers do: group/kind/namespace/name, version-free, so that an object
// rendered as `autoscaling/v2` and listed by the cluster as `autoscaling/v1` is still the same object.
import type { ResourceRef } from '../core/types.js';
import { groupOf, type KubeObject } from '../render/types.js';
import type { ObjectId } from './types.js';

export { groupOf } from '../render/types.js';

/** Kinds without a namespace, so that a rendered object without one is not looked for in `default`. */
const CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/VolumeAttachment',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'networking.k8s.io/IngressClass',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'cert-manager.io/ClusterIssuer',
  'external-secrets.io/ClusterSecretStore',
  'external-secrets.io/ClusterExternalSecret',
  'gateway.networking.k8s.io/GatewayClass',
  'kyverno.io/ClusterPolicy',
  'policies.kyverno.io/ValidatingPolicy',
  'snapshot.storage.k8s.io/VolumeSnapshotClass',
]);

export function isClusterScoped(group: string, kind: string): boolean {
  return CLUSTER_SCOPED.has(`${group}/${kind}`);
}

/** The identity of a rendered or live object; undefined when it has no kind or name (nothing to look up). */
export function idOf(object: KubeObject): ObjectId | undefined {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : undefined;
  const kind = typeof object.kind === 'string' ? object.kind : undefined;
  const name = typeof object.metadata?.name === 'string' ? object.metadata.name : undefined;
  if (!apiVersion || !kind || !name) return undefined;
  const group = groupOf(apiVersion);
  const namespace =
    !isClusterScoped(group, kind) && typeof object.metadata?.namespace === 'string' ? object.metadata.namespace : '';
  return { group, kind, namespace, name, apiVersion };
}

export function idKey(id: Pick<ObjectId, 'group' | 'kind' | 'namespace' | 'name'>): string {
  return `${id.group}/${id.kind}/${id.namespace}/${id.name}`;
}

export function refOf(id: ObjectId): ResourceRef {
  return {
    apiVersion: id.apiVersion,
    kind: id.kind,
    ...(id.namespace ? { namespace: id.namespace } : {}),
    name: id.name,
  };
}

/** `Deployment shop-prod/checkout-api`, as people write it. */
export function describeId(id: Pick<ObjectId, 'kind' | 'namespace' | 'name'>): string {
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}

/**
 * A Flux inventory entry: `id` is `<namespace>_<name>_<group>_<kind>` and `v` the version. Names, groups and
 * kinds cannot contain `_`, so the four parts are unambiguous; anything else is not an entry.
 */
export function parseFluxInventoryEntry(entry: unknown): ObjectId | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const { id, v } = entry as { id?: unknown; v?: unknown };
  if (typeof id !== 'string') return undefined;
  const parts = id.split('_');
  if (parts.length !== 4) return undefined;
  const [namespace, name, group, kind] = parts as [string, string, string, string];
  if (!name || !kind) return undefined;
  const version = typeof v === 'string' && v ? v : 'v1';
  return { group, kind, namespace, name, apiVersion: group ? `${group}/${version}` : version };
}

/** An Argo CD `status.resources[]` or managed-resources item. */
export function parseArgoResourceRef(entry: unknown): ObjectId | undefined {
  if (!entry || typeof entry !== 'object') return undefined;
  const e = entry as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const kind = str(e.kind);
  const name = str(e.name);
  if (!kind || !name) return undefined;
  const group = str(e.group);
  const version = str(e.version) || 'v1';
  return { group, kind, namespace: str(e.namespace), name, apiVersion: group ? `${group}/${version}` : version };
}
