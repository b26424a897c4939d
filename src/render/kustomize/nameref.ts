// Name references (Kustomize's nameReference transformer and api/filters/nameref): after prefixes, suffixes,
// namespaces and hash suffixes have renamed objects, every field that names one of them — a pod's ConfigMap
// volume, a RoleBinding's roleRef, an HPA's target, a webhook's Service — is pointed at the new name. A reference
// resolves through the names a candidate had before (its remembered ids), in the referrer's namespace, and
// prefixes and suffixes tell apart candidates that once had the same name.
import { RenderError } from '../types.js';
import { specMatches, splitFieldPath, type FieldSpec } from './fieldspec.js';
import { effectiveNamespace, isClusterScoped, originalId, resIdOf, type ResId, type Resource } from './resource.js';

export interface Gvk {
  group?: string;
  version?: string;
  kind?: string;
}

export interface NameBackReference extends Gvk {
  fieldSpecs: FieldSpec[];
}

const POD_SPECS: Record<string, { prefix: string; gvk: Gvk }> = {
  Pod: { prefix: 'spec', gvk: { kind: 'Pod', version: 'v1' } },
  PodTemplate: { prefix: 'template/spec', gvk: { kind: 'PodTemplate' } },
  Deployment: { prefix: 'spec/template/spec', gvk: { kind: 'Deployment' } },
  ReplicaSet: { prefix: 'spec/template/spec', gvk: { kind: 'ReplicaSet' } },
  DaemonSet: { prefix: 'spec/template/spec', gvk: { kind: 'DaemonSet' } },
  StatefulSet: { prefix: 'spec/template/spec', gvk: { kind: 'StatefulSet' } },
  Job: { prefix: 'spec/template/spec', gvk: { kind: 'Job' } },
  CronJob: { prefix: 'spec/jobTemplate/spec/template/spec', gvk: { kind: 'CronJob' } },
  ReplicationController: { prefix: 'spec/template/spec', gvk: { kind: 'ReplicationController' } },
};

/** The same pod-spec paths in each workload kind Kustomize lists for them. */
function inPods(kinds: string[], paths: string[]): FieldSpec[] {
  return kinds.flatMap((kind) => {
    const pod = POD_SPECS[kind]!;
    return paths.map((path) => ({ ...pod.gvk, path: `${pod.prefix}/${path}` }));
  });
}

const CONFIG_MAP_WORKLOADS = [
  'Pod',
  'PodTemplate',
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'StatefulSet',
  'Job',
  'CronJob',
];
const SERVICE_ACCOUNT_WORKLOADS = [
  'Pod',
  'StatefulSet',
  'Deployment',
  'ReplicationController',
  'CronJob',
  'Job',
  'DaemonSet',
];
const env = (ref: string) => [`containers/env/valueFrom/${ref}/name`, `initContainers/env/valueFrom/${ref}/name`];
const envFrom = (ref: string) => [`containers/envFrom/${ref}/name`, `initContainers/envFrom/${ref}/name`];
const scaleTarget: FieldSpec = { path: 'spec/scaleTargetRef/name', kind: 'HorizontalPodAutoscaler' };
const rules = (kind: string): FieldSpec => ({ path: 'rules/resourceNames', kind });

/** Kustomize v5.5's default nameReference table (api/internal/konfig/builtinpluginconsts/namereference.go). */
export const DEFAULT_NAME_REFERENCES: NameBackReference[] = [
  ...['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((kind) => ({
    kind,
    fieldSpecs: [scaleTarget],
  })),
  {
    kind: 'ConfigMap',
    version: 'v1',
    fieldSpecs: [
      ...inPods(CONFIG_MAP_WORKLOADS, [
        'volumes/configMap/name',
        ...env('configMapKeyRef'),
        ...envFrom('configMapRef'),
        'volumes/projected/sources/configMap/name',
      ]),
      { path: 'spec/configSource/configMap', kind: 'Node' },
      rules('Role'),
      rules('ClusterRole'),
      { path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/fastcgi-params-configmap', kind: 'Ingress' },
    ],
  },
  {
    kind: 'Secret',
    version: 'v1',
    fieldSpecs: [
      ...inPods(CONFIG_MAP_WORKLOADS, [
        'volumes/secret/secretName',
        ...env('secretKeyRef'),
        ...envFrom('secretRef'),
        'imagePullSecrets/name',
        'volumes/projected/sources/secret/name',
      ]),
      { path: 'spec/tls/secretName', kind: 'Ingress' },
      { path: 'metadata/annotations/ingress.kubernetes.io\\/auth-secret', kind: 'Ingress' },
      { path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-secret', kind: 'Ingress' },
      { path: 'metadata/annotations/nginx.ingress.kubernetes.io\\/auth-tls-secret', kind: 'Ingress' },
      { path: 'imagePullSecrets/name', kind: 'ServiceAccount' },
      ...['secretName', 'adminSecretName', 'userSecretName', 'secretRef'].map((p) => ({
        path: `parameters/${p}`,
        kind: 'StorageClass',
      })),
      rules('Role'),
      rules('ClusterRole'),
      {
        path: 'spec/template/spec/containers/env/valueFrom/secretKeyRef/name',
        kind: 'Service',
        group: 'serving.knative.dev',
        version: 'v1',
      },
      { path: 'spec/azureFile/secretName', kind: 'PersistentVolume' },
    ],
  },
  {
    kind: 'Service',
    version: 'v1',
    fieldSpecs: [
      { path: 'spec/serviceName', kind: 'StatefulSet', group: 'apps' },
      { path: 'spec/rules/http/paths/backend/serviceName', kind: 'Ingress' },
      { path: 'spec/backend/serviceName', kind: 'Ingress' },
      { path: 'spec/rules/http/paths/backend/service/name', kind: 'Ingress' },
      { path: 'spec/defaultBackend/service/name', kind: 'Ingress' },
      { path: 'spec/service/name', kind: 'APIService', group: 'apiregistration.k8s.io' },
      {
        path: 'webhooks/clientConfig/service',
        kind: 'ValidatingWebhookConfiguration',
        group: 'admissionregistration.k8s.io',
      },
      {
        path: 'webhooks/clientConfig/service',
        kind: 'MutatingWebhookConfiguration',
        group: 'admissionregistration.k8s.io',
      },
    ],
  },
  {
    kind: 'Role',
    group: 'rbac.authorization.k8s.io',
    fieldSpecs: [{ path: 'roleRef/name', kind: 'RoleBinding', group: 'rbac.authorization.k8s.io' }],
  },
  {
    kind: 'ClusterRole',
    group: 'rbac.authorization.k8s.io',
    fieldSpecs: [
      { path: 'roleRef/name', kind: 'RoleBinding', group: 'rbac.authorization.k8s.io' },
      { path: 'roleRef/name', kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io' },
    ],
  },
  {
    kind: 'ServiceAccount',
    version: 'v1',
    fieldSpecs: [
      { path: 'subjects', kind: 'RoleBinding', group: 'rbac.authorization.k8s.io' },
      { path: 'subjects', kind: 'ClusterRoleBinding', group: 'rbac.authorization.k8s.io' },
      ...inPods(SERVICE_ACCOUNT_WORKLOADS, ['serviceAccountName']).map(({ version: _, ...s }) => s),
    ],
  },
  {
    kind: 'PersistentVolumeClaim',
    version: 'v1',
    fieldSpecs: inPods(SERVICE_ACCOUNT_WORKLOADS, ['volumes/persistentVolumeClaim/claimName']).map(
      ({ version: _, ...s }) => s,
    ),
  },
  {
    kind: 'PersistentVolume',
    version: 'v1',
    fieldSpecs: [{ path: 'spec/volumeName', kind: 'PersistentVolumeClaim' }, rules('ClusterRole')],
  },
  {
    kind: 'StorageClass',
    version: 'v1',
    group: 'storage.k8s.io',
    fieldSpecs: [
      { path: 'spec/storageClassName', kind: 'PersistentVolume' },
      { path: 'spec/storageClassName', kind: 'PersistentVolumeClaim' },
      { path: 'spec/volumeClaimTemplates/spec/storageClassName', kind: 'StatefulSet' },
    ],
  },
  {
    kind: 'PriorityClass',
    version: 'v1',
    group: 'scheduling.k8s.io',
    fieldSpecs: inPods(SERVICE_ACCOUNT_WORKLOADS, ['priorityClassName']).map(({ version: _, ...s }) => s),
  },
  // Kustomize's table spells this group with its version, so it never matches; kept for identical output.
  {
    kind: 'IngressClass',
    version: 'v1',
    group: 'networking.k8s.io/v1',
    fieldSpecs: [{ path: 'spec/ingressClassName', kind: 'Ingress' }],
  },
  {
    kind: 'ValidatingAdmissionPolicy',
    group: 'admissionregistration.k8s.io',
    fieldSpecs: [
      { path: 'spec/policyName', kind: 'ValidatingAdmissionPolicyBinding', group: 'admissionregistration.k8s.io' },
    ],
  },
];

/** resid.Gvk.IsSelected. */
const selected = (id: ResId, gvk: Gvk): boolean => specMatches(gvk, id);

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The shorter list is the tail of the longer one (utils.SameEndingSubSlice). */
function sameEnding(a: readonly string[], b: readonly string[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.every((value, i) => long[long.length - short.length + i] === value);
}

function prefixSuffixEquals(r: Resource, o: Resource, allowEmpty: boolean): boolean {
  const [rp, op, rs, os] = [r.prefixes ?? [], o.prefixes ?? [], r.suffixes ?? [], o.suffixes ?? []];
  if (allowEmpty) {
    return (
      (rp.length === 0 || op.length === 0 || sameEnding(rp, op)) &&
      (rs.length === 0 || os.length === 0 || sameEnding(rs, os))
    );
  }
  return sameEnding(rp, op) && sameEnding(rs, os);
}

function mergeBackReferences(extra: NameBackReference[]): NameBackReference[] {
  const out = DEFAULT_NAME_REFERENCES.map((r) => ({ ...r, fieldSpecs: [...r.fieldSpecs] }));
  for (const ref of extra) {
    const same = out.find(
      (o) =>
        (o.group ?? '') === (ref.group ?? '') &&
        (o.version ?? '') === (ref.version ?? '') &&
        (o.kind ?? '') === (ref.kind ?? ''),
    );
    if (same) {
      for (const s of ref.fieldSpecs) {
        if (
          !same.fieldSpecs.some(
            (f) =>
              f.path === s.path &&
              (f.group ?? '') === (s.group ?? '') &&
              (f.version ?? '') === (s.version ?? '') &&
              (f.kind ?? '') === (s.kind ?? ''),
          )
        ) {
          same.fieldSpecs.push(s);
        }
      }
    } else out.push({ ...ref, fieldSpecs: [...ref.fieldSpecs] });
  }
  return out;
}

/** Candidates a namespaced referrer may name: cluster-scoped objects, its own namespace, its subjects' namespaces. */
function couldBeReferencedBy(referrer: Resource, all: Resource[]): Resource[] {
  const id = resIdOf(referrer.object);
  if (isClusterScoped(id.apiVersion, id.kind)) return all;
  const subjectNamespaces = new Set<string>();
  if (id.kind === 'RoleBinding' || id.kind === 'ClusterRoleBinding') {
    const subjects = (referrer.object as Record<string, unknown>).subjects;
    if (Array.isArray(subjects)) {
      for (const s of subjects) if (isMapping(s) && typeof s.namespace === 'string') subjectNamespaces.add(s.namespace);
    }
  }
  return all.filter((candidate) => {
    const cid = resIdOf(candidate.object);
    if (isClusterScoped(cid.apiVersion, cid.kind)) return true;
    if (effectiveNamespace(cid) === effectiveNamespace(id)) return true;
    return subjectNamespaces.has(cid.namespace);
  });
}

interface Lookup {
  referrer: Resource;
  target: Gvk;
  path: string;
  candidates: Resource[];
}

function selectReferral(
  lookup: Lookup,
  oldName: string,
  candidates: Resource[],
  identical: (rs: Resource[]) => boolean,
): Resource | undefined {
  const { referrer, target } = lookup;
  let c = candidates.filter((r) => r.previousIds.some((id) => id.name === oldName));
  c = c.filter((r) => r.previousIds.some((id) => selected(id, target)));
  if (lookup.path.endsWith('roleRef/name')) {
    const roleRef = (referrer.object as Record<string, unknown>).roleRef;
    if (isMapping(roleRef) && typeof roleRef.apiGroup === 'string' && typeof roleRef.kind === 'string') {
      const gvk = { group: roleRef.apiGroup, kind: roleRef.kind };
      c = c.filter((r) => r.previousIds.some((id) => selected(id, gvk)));
    }
  }
  const referrerId = resIdOf(referrer.object);
  if (!isClusterScoped(referrerId.apiVersion, referrerId.kind)) {
    c = c.filter((r) => {
      const id = resIdOf(r.object);
      return (
        isClusterScoped(id.apiVersion, id.kind) ||
        id.kind === 'ServiceAccount' ||
        effectiveNamespace(id) === effectiveNamespace(referrerId)
      );
    });
  }
  if (c.length === 1) return c[0];
  c = c.filter((r) => prefixSuffixEquals(r, referrer, true));
  if (c.length > 1) c = c.filter((r) => prefixSuffixEquals(r, referrer, false));
  if (c.length === 1) return c[0];
  if (c.length === 0) return undefined;
  if (identical(c)) return c[0];
  const ids = c.map((r) => {
    const id = resIdOf(r.object);
    return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
  });
  throw new RenderError(
    `found multiple possible referrals for "${oldName}" in ${referrerId.kind} ${referrerId.name} (${lookup.path}): ${ids.join(', ')}`,
    'invalid',
    referrer.source,
  );
}

const nameOf = (r: Resource) => r.object.metadata?.name ?? '';
const namespaceOf = (r: Resource) => r.object.metadata?.namespace ?? '';

function setScalar(lookup: Lookup, parent: Record<string, unknown> | unknown[], key: string | number): void {
  const value = (parent as Record<string | number, unknown>)[key];
  if (typeof value !== 'string') return;
  const referral = selectReferral(lookup, value, lookup.candidates, (rs) =>
    rs.every((r) => nameOf(r) === nameOf(rs[0]!)),
  );
  if (referral && nameOf(referral) !== value) (parent as Record<string | number, unknown>)[key] = nameOf(referral);
}

function setMapping(lookup: Lookup, node: Record<string, unknown>): void {
  if (!('name' in node)) {
    throw new RenderError(`path config error; no 'name' field in ${lookup.path}`, 'invalid', lookup.referrer.source);
  }
  let candidates = lookup.candidates;
  if (typeof node.namespace === 'string') {
    // Grouped by effective namespace ("" counts as "default"), original first, as Kustomize groups them.
    const ns = node.namespace;
    const byOriginal = candidates.filter((r) => effectiveNamespace(originalId(r)) === ns);
    candidates =
      byOriginal.length > 0 ? byOriginal : candidates.filter((r) => effectiveNamespace(resIdOf(r.object)) === ns);
  }
  const oldName = node.name;
  if (typeof oldName !== 'string') return;
  const referral = selectReferral(lookup, oldName, candidates, (rs) =>
    rs.every((r) => nameOf(r) === nameOf(rs[0]!) && namespaceOf(r) === namespaceOf(rs[0]!)),
  );
  if (!referral) return;
  if (nameOf(referral) === oldName && namespaceOf(referral) === '') return;
  node.name = nameOf(referral);
  if (namespaceOf(referral) !== '') node.namespace = namespaceOf(referral);
}

/** Walks `segments` (lists entered element by element) and fixes the name found at the end. */
function visit(lookup: Lookup, node: unknown, segments: string[]): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const item of node) visit(lookup, item, segments);
    return;
  }
  if (!isMapping(node)) return;
  const [head, ...rest] = segments as [string, ...string[]];
  const key = head.endsWith('[]') ? head.slice(0, -2) : head;
  const value = node[key];
  if (value === undefined || value === null) return;
  if (rest.length > 0) return visit(lookup, value, rest);
  if (typeof value === 'string') setScalar(lookup, node, key);
  else if (isMapping(value)) setMapping(lookup, value);
  else if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item === 'string') setScalar(lookup, value, i);
      else if (isMapping(item)) setMapping(lookup, item);
    });
  }
}

/** Points every name reference at the current name of what it names (defaults plus custom `configurations`). */
export function fixNameReferences(resources: Resource[], extra: NameBackReference[] = []): void {
  const backReferences = mergeBackReferences(extra);
  for (const referrer of resources) {
    const org = originalId(referrer);
    let candidates: Resource[] | undefined;
    for (const backReference of backReferences) {
      for (const spec of backReference.fieldSpecs) {
        if (!selected(org, spec)) continue;
        candidates ??= couldBeReferencedBy(referrer, resources);
        const { fieldSpecs: _, ...target } = backReference;
        visit({ referrer, target, path: spec.path, candidates }, referrer.object, splitFieldPath(spec.path));
      }
    }
  }
}
