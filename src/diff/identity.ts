// Who a rendered object is, for pairing base with head: (group, kind, namespace, name). The version is left out on
// purpose: `autoscaling/v2beta2` → `autoscaling/v2` is the same object served at another version, a modification.
import { groupOf, type KubeObject } from '../render/types.js';

export interface ObjectIdentity {
  group: string;
  kind: string;
  /** "" for cluster-scoped objects (and objects the render left without one). */
  namespace: string;
  name: string;
}

export { groupOf } from '../render/types.js';

export function identityOf(object: KubeObject): ObjectIdentity {
  const metadata = object.metadata ?? {};
  return {
    group: groupOf(object.apiVersion),
    kind: typeof object.kind === 'string' ? object.kind : '',
    namespace: typeof metadata.namespace === 'string' ? metadata.namespace : '',
    name: typeof metadata.name === 'string' ? metadata.name : '',
  };
}

export function identityKey(id: ObjectIdentity): string {
  return `${id.group}|${id.kind}|${id.namespace}|${id.name}`;
}

/** `Deployment shop-prod/checkout-api`, `ClusterRole view` — how the comment names an object. */
export function describeIdentity(id: { kind: string; namespace?: string; name: string }): string {
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}
