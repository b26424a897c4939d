// Kustomize's metadata transformers: namespace, name prefix and suffix, labels and annotations, each over its
// default field-spec table (api/internal/konfig/builtinpluginconsts) plus the specs of custom `configurations`.
// Renames and re-namespacings remember the id the object had before, so name references resolve afterwards.
import { RenderError } from '../types.js';
import { specMatches, visitFieldSpec, type FieldSpec } from './fieldspec.js';
import {
  groupOf,
  isClusterScoped,
  originalId,
  rememberId,
  resIdOf,
  effectiveNamespace,
  type Resource,
} from './resource.js';

const spec = (path: string, kind?: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({
  path,
  ...(kind ? { kind } : {}),
  ...extra,
});

/** Pod-template metadata of the workload kinds (Kustomize's metadataLabelsFieldSpecs, with `labels` swapped in). */
function templateMetadataSpecs(field: 'labels' | 'annotations'): FieldSpec[] {
  return [
    spec(`metadata/${field}`, undefined, { create: true }),
    spec(`spec/template/metadata/${field}`, 'ReplicationController', { version: 'v1', create: true }),
    spec(`spec/template/metadata/${field}`, 'Deployment', { create: true }),
    spec(`spec/template/metadata/${field}`, 'ReplicaSet', { create: true }),
    spec(`spec/template/metadata/${field}`, 'DaemonSet', { create: true }),
    spec(`spec/template/metadata/${field}`, 'StatefulSet', {
      group: field === 'labels' ? 'apps' : undefined,
      create: true,
    }),
    spec(`spec/template/metadata/${field}`, 'Job', { group: 'batch', create: true }),
    spec(`spec/jobTemplate/metadata/${field}`, 'CronJob', { group: 'batch', create: true }),
    spec(`spec/jobTemplate/spec/template/metadata/${field}`, 'CronJob', { group: 'batch', create: true }),
  ].map((s) => (s.group === undefined ? (({ group: _, ...rest }) => rest)(s) : s));
}

export const TEMPLATE_LABEL_SPECS: FieldSpec[] = templateMetadataSpecs('labels');

const VOLUME_CLAIM_TEMPLATE_LABEL_SPECS: FieldSpec[] = [
  spec('spec/volumeClaimTemplates[]/metadata/labels', 'StatefulSet', { group: 'apps', create: true }),
];

const AFFINITY_PATHS = [
  'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
];

/** Selectors and templates: where commonLabels (and `labels` with includeSelectors) go. */
export const COMMON_LABEL_SPECS: FieldSpec[] = [
  spec('spec/selector', 'Service', { version: 'v1', create: true }),
  spec('spec/selector', 'ReplicationController', { version: 'v1', create: true }),
  spec('spec/selector/matchLabels', 'Deployment', { create: true }),
  ...AFFINITY_PATHS.map((path) => spec(path, 'Deployment', { group: 'apps', create: false })),
  spec('spec/selector/matchLabels', 'ReplicaSet', { create: true }),
  spec('spec/selector/matchLabels', 'DaemonSet', { create: true }),
  spec('spec/selector/matchLabels', 'StatefulSet', { group: 'apps', create: true }),
  ...AFFINITY_PATHS.map((path) => spec(path, 'StatefulSet', { group: 'apps', create: false })),
  spec('spec/selector/matchLabels', 'Job', { group: 'batch', create: false }),
  spec('spec/jobTemplate/spec/selector/matchLabels', 'CronJob', { group: 'batch', create: false }),
  spec('spec/selector/matchLabels', 'PodDisruptionBudget', { group: 'policy', create: false }),
  spec('spec/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io', create: false }),
  spec('spec/ingress/from/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io', create: false }),
  spec('spec/egress/to/podSelector/matchLabels', 'NetworkPolicy', { group: 'networking.k8s.io', create: false }),
  ...TEMPLATE_LABEL_SPECS,
  ...VOLUME_CLAIM_TEMPLATE_LABEL_SPECS,
];

export const COMMON_ANNOTATION_SPECS: FieldSpec[] = templateMetadataSpecs('annotations');

const NAMESPACE_SPECS: FieldSpec[] = [
  spec('metadata/name', 'Namespace', { create: true }),
  spec('spec/service/namespace', 'APIService', { group: 'apiregistration.k8s.io', create: true }),
  spec('spec/conversion/webhook/clientConfig/service/namespace', 'CustomResourceDefinition', {
    group: 'apiextensions.k8s.io',
  }),
];

/** Kustomize's FsSlice.MergeAll: a spec with the same gvk and path is not added twice. */
function mergeSpecs(...lists: FieldSpec[][]): FieldSpec[] {
  const out: FieldSpec[] = [];
  for (const s of lists.flat()) {
    const same = out.find(
      (o) =>
        o.path === s.path &&
        (o.group ?? '') === (s.group ?? '') &&
        (o.version ?? '') === (s.version ?? '') &&
        (o.kind ?? '') === (s.kind ?? ''),
    );
    if (!same) out.push(s);
  }
  return out;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function describe(resource: Resource): string {
  const id = resIdOf(resource.object);
  return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
}

/** Sets string entries in the mapping each spec reaches (creating it where the spec says so). */
function setEntries(resources: Resource[], specs: FieldSpec[], entries: Record<string, string>, what: string): void {
  const keys = Object.keys(entries).sort();
  if (keys.length === 0) return;
  for (const resource of resources) {
    for (const s of specs) {
      visitFieldSpec(resource.object, s, (parent, key) => {
        let map = parent[key];
        if (map === undefined || map === null) {
          if (!s.create) return;
          map = parent[key] = {};
        }
        if (!isMapping(map)) {
          throw new RenderError(
            `${what}: ${s.path} of ${describe(resource)} is not a mapping, so ${what} cannot be set there`,
            'invalid',
            resource.source,
          );
        }
        for (const k of keys) map[k] = entries[k];
      });
    }
  }
}

/** `commonLabels`: metadata, selectors and templates. */
export function applyCommonLabels(
  resources: Resource[],
  labels: Record<string, string>,
  extraSpecs: FieldSpec[] = [],
): void {
  setEntries(resources, mergeSpecs(COMMON_LABEL_SPECS, extraSpecs), labels, 'commonLabels');
}

export interface LabelsEntry {
  pairs: Record<string, string>;
  includeSelectors?: boolean;
  includeTemplates?: boolean;
  fields?: FieldSpec[];
}

/** `labels`: metadata only, plus templates or selectors when asked, plus the entry's own `fields`. */
export function applyLabels(resources: Resource[], entries: LabelsEntry[], extraSpecs: FieldSpec[] = []): void {
  for (const entry of entries) {
    let specs = mergeSpecs(entry.fields ?? [], extraSpecs);
    if (entry.includeSelectors) specs = mergeSpecs(specs, COMMON_LABEL_SPECS);
    else {
      if (entry.includeTemplates) specs = mergeSpecs(specs, TEMPLATE_LABEL_SPECS);
      specs = mergeSpecs(specs, [spec('metadata/labels', undefined, { create: true })]);
    }
    setEntries(resources, specs, entry.pairs, 'labels');
  }
}

export function applyCommonAnnotations(
  resources: Resource[],
  annotations: Record<string, string>,
  extraSpecs: FieldSpec[] = [],
): void {
  setEntries(resources, mergeSpecs(COMMON_ANNOTATION_SPECS, extraSpecs), annotations, 'commonAnnotations');
}

function setScalar(parent: Record<string, unknown>, key: string, value: string): void {
  const current = parent[key];
  if (isMapping(current) || Array.isArray(current)) {
    throw new RenderError(`namespace field specs must target scalar nodes (${key})`, 'invalid');
  }
  parent[key] = value;
}

/**
 * `namespace`: every namespaced object's metadata.namespace, Namespace objects' names (v1 only), the default
 * field specs, and the namespace of RoleBinding subjects named "default". Ids must stay unique.
 */
export function applyNamespace(resources: Resource[], namespace: string, extraSpecs: FieldSpec[] = []): void {
  const specs = mergeSpecs(NAMESPACE_SPECS, extraSpecs);
  for (const resource of resources) {
    const object = resource.object;
    rememberId(resource);
    const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
    const kind = typeof object.kind === 'string' ? object.kind : '';
    if (!isClusterScoped(apiVersion, kind)) {
      const metadata = isMapping(object.metadata) ? object.metadata : (object.metadata = {});
      (metadata as Record<string, unknown>).namespace = namespace;
    }
    const roleBinding = kind === 'RoleBinding' || kind === 'ClusterRoleBinding';
    if (roleBinding && Array.isArray((object as Record<string, unknown>).subjects)) {
      for (const subject of (object as Record<string, unknown>).subjects as unknown[]) {
        if (isMapping(subject) && subject.name === 'default') subject.namespace = namespace;
      }
    }
    for (const s of specs) {
      if (s.path === 'metadata/namespace') continue;
      if (s.path === 'metadata/name' && apiVersion !== 'v1') continue;
      if (roleBinding && s.path === 'subjects/namespace') continue;
      visitFieldSpec(object, s, (parent, key) => setScalar(parent, key, namespace));
    }
  }
  const seen = new Map<string, Resource>();
  for (const resource of resources) {
    const id = resIdOf(resource.object);
    const key = `${groupOf(id.apiVersion)}|${id.kind}|${effectiveNamespace(id)}|${id.name}`;
    if (seen.has(key)) {
      throw new RenderError(
        `namespace transformation produces ID conflict: two ${id.kind} objects named ${id.name} in namespace ${namespace}`,
        'invalid',
        resource.source,
      );
    }
    seen.set(key, resource);
  }
}

const PREFIX_SKIP: { group?: string; kind: string }[] = [
  { kind: 'CustomResourceDefinition' },
  { group: 'apiregistration.k8s.io', kind: 'APIService' },
  { kind: 'Namespace' },
];

/** `namePrefix` and `nameSuffix` on metadata.name (and custom specs), except CRDs, APIServices and Namespaces. */
export function applyNamePrefixSuffix(
  resources: Resource[],
  prefix: string,
  suffix: string,
  extra: { prefix?: FieldSpec[]; suffix?: FieldSpec[] } = {},
): void {
  const run = (value: string, which: 'prefix' | 'suffix', specs: FieldSpec[]) => {
    if (value === '') return;
    for (const resource of resources) {
      const org = originalId(resource);
      if (
        PREFIX_SKIP.some(
          (skip) => skip.kind === org.kind && (skip.group === undefined || skip.group === groupOf(org.apiVersion)),
        )
      ) {
        continue;
      }
      for (const s of specs) {
        if (!specMatches(s, { apiVersion: org.apiVersion, kind: org.kind })) continue;
        if (s.path === 'metadata/name') {
          const list = which === 'prefix' ? (resource.prefixes ??= []) : (resource.suffixes ??= []);
          list.push(value);
          rememberId(resource);
        }
        visitFieldSpec(resource.object, s, (parent, key) => {
          const current = parent[key];
          if (typeof current !== 'string') return;
          parent[key] = which === 'prefix' ? `${value}${current}` : `${current}${value}`;
        });
      }
    }
  };
  run(prefix, 'prefix', mergeSpecs([spec('metadata/name')], extra.prefix ?? []));
  run(suffix, 'suffix', mergeSpecs([spec('metadata/name')], extra.suffix ?? []));
}
