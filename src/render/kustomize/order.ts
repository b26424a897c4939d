// The order `kustomize build` prints resources in (Kustomize's SortOrderTransformer). `legacy` (the default when the
// kustomization sets no sortOptions) groups by kind priority, then by GVK, then by namespace and name; `fifo`
// keeps accumulation order.
import { RenderError } from '../types.js';
import type { SortOptions } from './kustomization.js';
import { groupOf, resIdOf, versionOf, type ResId, type Resource } from './resource.js';

const DEFAULT_ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
const DEFAULT_ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

function gvkOf(id: ResId): Gvk {
  return { group: groupOf(id.apiVersion), version: versionOf(id.apiVersion), kind: id.kind };
}

/** Kustomize's legacyGVKSortString: `group_version_kind` with `~G`/`~V`/`~K` for empty parts. */
const legacyGvkString = (g: Gvk) => [g.group || '~G', g.version || '~V', g.kind || '~K'].join('_');

/** Gvk.String(): `Kind.version.group` with Kustomize's placeholders. */
const gvkString = (g: Gvk) => [g.kind || '[noKind]', g.version || '[noVer]', g.group || '[noGrp]'].join('.');

/** Kustomize's legacyResIDSortString. */
const legacyIdString = (id: ResId, g: Gvk) => [gvkString(g), id.namespace || '~X', id.name || '~N'].join('|');

/** Go's string comparison is bytewise; JS compares UTF-16 units, which agrees outside astral characters. */
const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function legacyOrder(
  resources: readonly Resource[],
  orderFirst = DEFAULT_ORDER_FIRST,
  orderLast = DEFAULT_ORDER_LAST,
): Resource[] {
  const rank = new Map<string, number>();
  orderFirst.forEach((kind, i) => rank.set(kind, -orderFirst.length + i));
  orderLast.forEach((kind, i) => rank.set(kind, 1 + i));
  const keyed = resources.map((resource) => {
    const id = resIdOf(resource.object);
    const gvk = gvkOf(id);
    return {
      resource,
      gvk,
      gvkKey: legacyGvkString(gvk),
      idKey: legacyIdString(id, gvk),
      rank: rank.get(id.kind) ?? 0,
    };
  });
  keyed.sort((a, b) => {
    if (a.gvkKey !== b.gvkKey) {
      if (a.rank !== b.rank) return a.rank - b.rank;
      // Kustomize puts a core-group Namespace after a same-named-kind from another group (its comparison flips).
      if (a.gvk.kind === 'Namespace' && b.gvk.kind === 'Namespace' && (a.gvk.group === '' || b.gvk.group === '')) {
        return compareStrings(b.gvkKey, a.gvkKey);
      }
      return compareStrings(a.gvkKey, b.gvkKey);
    }
    return compareStrings(a.idKey, b.idKey);
  });
  return keyed.map((k) => k.resource);
}

/** Orders resources as `kustomize build` prints them, given the top kustomization's sortOptions. */
export function orderResources(
  resources: readonly Resource[],
  sortOptions: SortOptions | undefined,
  file: string,
): Resource[] {
  if (!sortOptions) return legacyOrder(resources);
  const order = sortOptions.order ?? '';
  if (order !== 'legacy' && order !== 'fifo') {
    throw new RenderError(`${file}: the field 'sortOptions.order' must be one of [fifo, legacy]`, 'invalid', file);
  }
  if (order === 'fifo') {
    if (sortOptions.legacySortOptions) {
      throw new RenderError(
        `${file}: the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'`,
        'invalid',
        file,
      );
    }
    return [...resources];
  }
  const legacy = sortOptions.legacySortOptions;
  return legacy ? legacyOrder(resources, legacy.orderFirst, legacy.orderLast) : legacyOrder(resources);
}
