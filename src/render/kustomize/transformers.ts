// Kustomize's built-in metadata transformers: namespace, namePrefix/nameSuffix, commonLabels/labels and
// commonAnnotations, with the default field-spec tables of Kustomize v5.5 (api/internal/konfig/builtinpluginconsts
// at kustomize/v5.5.0, the version inside kubectl here) and the special cases of their filters (api/filters/namespace,
// plugin/builtin/prefixtransformer, api/filters/labels). Transformers mutate the resources in place and call
// `rememberId` before any rename or re-namespace, so name references can still find the object.
import type { KubeObject } from '../types.js';
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
  type ResId,
} from './resource.js';

const WORKLOAD_TEMPLATE_KINDS: FieldSpec[] = [
  { version: 'v1', kind: 'ReplicationController', path: 'spec/template/metadata/labels', create: true },
  { kind: 'Deployment', path: 'spec/template/metadata/labels', create: true },
  { kind: 'ReplicaSet', path: 'spec/template/metadata/labels', create: true },
  { kind: 'DaemonSet', path: 'spec/template/metadata/labels', create: true },
  { group: 'apps', kind: 'StatefulSet', path: 'spec/template/metadata/labels', create: true },
];

/**
 * builtinpluginconsts/metadatalabels.go at v5.5.0: where labels go besides selectors. v5.5 still lists the
 * StatefulSet volumeClaimTemplates here (later releases moved it out), so `includeTemplates` reaches them too.
 */
export const TEMPLATE_LABEL_SPECS: readonly FieldSpec[] = [
  { path: 'metadata/labels', create: true },
  ...WORKLOAD_TEMPLATE_KINDS,
  { group: 'apps', kind: 'StatefulSet', path: 'spec/volumeClaimTemplates[]/metadata/labels', create: true },
  { group: 'batch', kind: 'Job', path: 'spec/template/metadata/labels', create: true },
  { group: 'batch', kind: 'CronJob', path: 'spec/jobTemplate/metadata/labels', create: true },
  { group: 'batch', kind: 'CronJob', path: 'spec/jobTemplate/spec/template/metadata/labels', create: true },
];

const AFFINITY_SELECTOR_PATHS = [
  'spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels',
  'spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels',
  'spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels',
];

/** builtinpluginconsts/commonlabels.go at v5.5.0: selectors and affinity terms, then the template label specs. */
export const COMMON_LABEL_SPECS: readonly FieldSpec[] = [
  { version: 'v1', kind: 'Service', path: 'spec/selector', create: true },
  { version: 'v1', kind: 'ReplicationController', path: 'spec/selector', create: true },
  { kind: 'Deployment', path: 'spec/selector/matchLabels', create: true },
  ...AFFINITY_SELECTOR_PATHS.map((path) => ({ group: 'apps', kind: 'Deployment', path, create: false })),
  { kind: 'ReplicaSet', path: 'spec/selector/matchLabels', create: true },
  { kind: 'DaemonSet', path: 'spec/selector/matchLabels', create: true },
  { group: 'apps', kind: 'StatefulSet', path: 'spec/selector/matchLabels', create: true },
  ...AFFINITY_SELECTOR_PATHS.map((path) => ({ group: 'apps', kind: 'StatefulSet', path, create: false })),
  { group: 'batch', kind: 'Job', path: 'spec/selector/matchLabels', create: false },
  { group: 'batch', kind: 'CronJob', path: 'spec/jobTemplate/spec/selector/matchLabels', create: false },
  { group: 'policy', kind: 'PodDisruptionBudget', path: 'spec/selector/matchLabels', create: false },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy', path: 'spec/podSelector/matchLabels', create: false },
  {
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
    path: 'spec/ingress/from/podSelector/matchLabels',
    create: false,
  },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy', path: 'spec/egress/to/podSelector/matchLabels', create: false },
  ...TEMPLATE_LABEL_SPECS,
];

/** builtinpluginconsts/commonannotations.go. */
export const COMMON_ANNOTATION_SPECS: readonly FieldSpec[] = [
  { path: 'metadata/annotations', create: true },
  { version: 'v1', kind: 'ReplicationController', path: 'spec/template/metadata/annotations', create: true },
  { kind: 'Deployment', path: 'spec/template/metadata/annotations', create: true },
  { kind: 'ReplicaSet', path: 'spec/template/metadata/annotations', create: true },
  { kind: 'DaemonSet', path: 'spec/template/metadata/annotations', create: true },
  { kind: 'StatefulSet', path: 'spec/template/metadata/annotations', create: true },
  { group: 'batch', kind: 'Job', path: 'spec/template/metadata/annotations', create: true },
  { group: 'batch', kind: 'CronJob', path: 'spec/jobTemplate/metadata/annotations', create: true },
  { group: 'batch', kind: 'CronJob', path: 'spec/jobTemplate/spec/template/metadata/annotations', create: true },
];

/**
 * builtinpluginconsts/namespace.go. `metadata/namespace` itself is set by the filter for every namespaced kind;
 * the Namespace entry renames a (v1) Namespace object to the target namespace.
 */
export const NAMESPACE_SPECS: readonly FieldSpec[] = [
  { kind: 'Namespace', path: 'metadata/name', create: true },
  { group: 'apiregistration.k8s.io', kind: 'APIService', path: 'spec/service/namespace', create: true },
  {
    group: 'apiextensions.k8s.io',
    kind: 'CustomResourceDefinition',
    path: 'spec/conversion/webhook/clientConfig/service/namespace',
  },
];

export const NAME_PREFIX_SPECS: readonly FieldSpec[] = [{ path: 'metadata/name' }];
export const NAME_SUFFIX_SPECS: readonly FieldSpec[] = [{ path: 'metadata/name' }];

/** A `labels:` entry of a kustomization. */
export interface LabelsEntry {
  pairs: Record<string, string>;
  includeSelectors?: boolean;
  includeTemplates?: boolean;
  fields?: FieldSpec[];
}

/**
 * Kustomize's FieldSpec.effectivelyEquals: same path, and the incoming spec's group/version/kind, read as a
 * selector (empty parts match anything), selects the existing one's. So a kind-less custom spec is "already there"
 * when any kind has that path.
 */
const coveredBy = (existing: FieldSpec, incoming: FieldSpec): boolean =>
  existing.path === incoming.path &&
  (!incoming.group || incoming.group === (existing.group ?? '')) &&
  (!incoming.version || incoming.version === (existing.version ?? '')) &&
  (!incoming.kind || incoming.kind === (existing.kind ?? ''));

/** Kustomize's FsSlice.MergeAll: a spec already there is dropped; already there with another `create` is an error. */
export function mergeFieldSpecs(base: readonly FieldSpec[], incoming: readonly FieldSpec[] = []): FieldSpec[] {
  const result = [...base];
  for (const spec of incoming) {
    const existing = result.find((s) => coveredBy(s, spec));
    if (!existing) result.push(spec);
    else if (Boolean(existing.create) !== Boolean(spec.create)) {
      throw new RenderError(
        `conflicting fieldspecs: '${spec.path}'${spec.kind ? ` of kind ${spec.kind}` : ''} is listed with and without create`,
        'invalid',
      );
    }
  }
  return result;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function describe(object: KubeObject): string {
  const id = resIdOf(object);
  return `${id.kind || '(no kind)'} ${id.namespace ? `${id.namespace}/` : ''}${id.name || '(no name)'}`;
}

function fieldError(spec: FieldSpec, object: KubeObject, what: string): RenderError {
  return new RenderError(`considering field '${spec.path}' of object ${describe(object)}: ${what}`, 'invalid');
}

/** Sets the given entries in the mapping at each field the specs reach (labels, annotations). */
function setEntries(object: KubeObject, specs: readonly FieldSpec[], entries: Record<string, string>): void {
  for (const spec of specs) {
    visitFieldSpec(object, spec, (parent, key) => {
      let target = parent[key];
      if (target === null || target === undefined) {
        if (!spec.create) return;
        target = parent[key] = {};
      }
      if (!isMapping(target)) throw fieldError(spec, object, 'expected a mapping');
      for (const name of Object.keys(entries).sort()) target[name] = entries[name];
    });
  }
}

const isEmptyObject = (object: KubeObject): boolean => Object.keys(object).length === 0;

// ---------------------------------------------------------------------------------------------------- namespace

const ROLE_BINDING_KINDS = new Set(['RoleBinding', 'ClusterRoleBinding']);

/** Kustomize's ResId.Equals as a map key: same apiVersion, kind, name and effective namespace. */
const idKey = (id: ResId): string => `${id.apiVersion}\u0000${id.kind}\u0000${id.name}\u0000${effectiveNamespace(id)}`;

/**
 * The namespace transformer: `metadata.namespace` of every namespaced object, the name of v1 Namespace objects,
 * the service namespace of APIServices and CRD conversion webhooks, and RoleBinding/ClusterRoleBinding subjects
 * named `default` (Kustomize's default `setRoleBindingSubjects: defaultOnly`).
 */
export function applyNamespace(resources: Resource[], namespace: string, extraSpecs?: FieldSpec[]): void {
  if (namespace === '') return;
  const allSpecs = mergeFieldSpecs(NAMESPACE_SPECS, extraSpecs);
  // How many resources hold each current id: Kustomize checks for a clash right after each object moves.
  const holders = new Map<string, number>();
  for (const r of resources) holders.set(idKey(resIdOf(r.object)), (holders.get(idKey(resIdOf(r.object))) ?? 0) + 1);
  for (const resource of resources) {
    const object = resource.object;
    if (isEmptyObject(object)) continue;
    const before = idKey(resIdOf(object));
    rememberId(resource);
    const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
    const kind = typeof object.kind === 'string' ? object.kind : '';
    let specs = allSpecs.filter(
      (s) => s.path !== 'metadata/namespace' && (apiVersion === 'v1' || s.path !== 'metadata/name'),
    );
    if (!isClusterScoped(apiVersion, kind)) {
      const metadata = isMapping(object.metadata) ? object.metadata : (object.metadata = {});
      (metadata as Record<string, unknown>).namespace = namespace;
    }
    if (ROLE_BINDING_KINDS.has(kind)) {
      specs = specs.filter((s) => !(s.kind && ROLE_BINDING_KINDS.has(s.kind) && s.path === 'subjects/namespace'));
      const subjects = (object as Record<string, unknown>).subjects;
      if (Array.isArray(subjects)) {
        for (const subject of subjects)
          if (isMapping(subject) && subject.name === 'default') subject.namespace = namespace;
      }
    }
    for (const spec of specs) {
      visitFieldSpec(object, spec, (parent, key) => {
        if (isMapping(parent[key]) || Array.isArray(parent[key])) {
          throw fieldError(spec, object, 'namespace field specs must target scalar nodes');
        }
        parent[key] = namespace;
      });
    }
    const after = idKey(resIdOf(object));
    holders.set(before, (holders.get(before) ?? 1) - 1);
    holders.set(after, (holders.get(after) ?? 0) + 1);
    if (holders.get(after) !== 1) {
      throw new RenderError(
        `namespace transformation produces ID conflict: more than one ${describe(object)} in namespace '${namespace}'`,
        'invalid',
        resource.source,
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------- prefix/suffix

/** Kinds the prefix and suffix transformers never rename (their names are API contracts). */
function keepsName(id: ResId): boolean {
  return (
    id.kind === 'CustomResourceDefinition' ||
    id.kind === 'Namespace' ||
    (id.kind === 'APIService' && groupOf(id.apiVersion) === 'apiregistration.k8s.io')
  );
}

function idSelected(id: ResId, spec: FieldSpec): boolean {
  return specMatches(spec, { apiVersion: id.apiVersion, kind: id.kind });
}

function applyAffix(resources: Resource[], affix: string, specs: FieldSpec[], where: 'prefix' | 'suffix'): void {
  for (const resource of resources) {
    const id = originalId(resource);
    if (keepsName(id)) continue;
    for (const spec of specs) {
      // Kustomize selects by the original id, then the field walk checks the current object as well.
      if (!idSelected(id, spec)) continue;
      if (spec.path === 'metadata/name') {
        // Kustomize's AddNamePrefix/AddNameSuffix: name references use them to tell same-named candidates apart.
        (where === 'prefix' ? (resource.prefixes ??= []) : (resource.suffixes ??= [])).push(affix);
        rememberId(resource);
      }
      visitFieldSpec(resource.object, spec, (parent, key) => {
        const value = parent[key];
        if (isMapping(value) || Array.isArray(value)) throw fieldError(spec, resource.object, 'expected a scalar');
        const text = value === null || value === undefined ? '' : String(value);
        parent[key] = where === 'prefix' ? affix + text : text + affix;
      });
    }
  }
}

/** namePrefix then nameSuffix (two transformers in Kustomize, in that order). */
export function applyNamePrefixSuffix(
  resources: Resource[],
  prefix: string | undefined,
  suffix: string | undefined,
  extraSpecs?: { namePrefix?: FieldSpec[]; nameSuffix?: FieldSpec[] },
): void {
  if (prefix) applyAffix(resources, prefix, mergeFieldSpecs(NAME_PREFIX_SPECS, extraSpecs?.namePrefix), 'prefix');
  if (suffix) applyAffix(resources, suffix, mergeFieldSpecs(NAME_SUFFIX_SPECS, extraSpecs?.nameSuffix), 'suffix');
}

// ------------------------------------------------------------------------------------------ labels/annotations

export function applyCommonLabels(
  resources: Resource[],
  labels: Record<string, string>,
  extraSpecs?: FieldSpec[],
): void {
  if (Object.keys(labels).length === 0) return;
  const specs = mergeFieldSpecs(COMMON_LABEL_SPECS, extraSpecs);
  for (const resource of resources) setEntries(resource.object, specs, labels);
}

/** Custom `configurations` tables that `labels:` entries draw on. */
export interface LabelSpecConfig {
  /** The `labels` table: applies to every entry. */
  labels?: FieldSpec[];
  /** Added to the default commonLabels table (entries with `includeSelectors`). */
  commonLabels?: FieldSpec[];
  /** Added to the default template-labels table (entries with `includeTemplates`). */
  templateLabels?: FieldSpec[];
}

/** The `labels:` entries, each one transformer, in order (they run before `commonLabels`). */
export function applyLabels(resources: Resource[], entries: LabelsEntry[], config: LabelSpecConfig = {}): void {
  for (const entry of entries) {
    if (Object.keys(entry.pairs ?? {}).length === 0) continue;
    let specs = mergeFieldSpecs(entry.fields ?? [], config.labels);
    if (entry.includeSelectors) {
      specs = mergeFieldSpecs(specs, mergeFieldSpecs(COMMON_LABEL_SPECS, config.commonLabels));
    } else {
      if (entry.includeTemplates)
        specs = mergeFieldSpecs(specs, mergeFieldSpecs(TEMPLATE_LABEL_SPECS, config.templateLabels));
      specs = mergeFieldSpecs(specs, [{ path: 'metadata/labels', create: true }]);
    }
    for (const resource of resources) setEntries(resource.object, specs, entry.pairs);
  }
}

export function applyCommonAnnotations(
  resources: Resource[],
  annotations: Record<string, string>,
  extraSpecs?: FieldSpec[],
): void {
  if (Object.keys(annotations).length === 0) return;
  const specs = mergeFieldSpecs(COMMON_ANNOTATION_SPECS, extraSpecs);
  for (const resource of resources) setEntries(resource.object, specs, annotations);
}
