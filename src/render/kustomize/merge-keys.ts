// Where Kustomize merges lists element by element instead of replacing them. Kustomize (kyaml merge2) takes this from
// the Kubernetes v1.21.2 OpenAPI document compiled into it: a list field is merged only when the schema marks it
// `x-kubernetes-patch-strategy: merge`, keyed by `x-kubernetes-list-map-keys` when present, else by
// `x-kubernetes-patch-merge-key`, else (no key) as a set of scalars. Kinds it has no schema for, CRDs and API
// versions newer than v1.21 (autoscaling/v2 among them) included, have every list replaced.
//
// This is the part of that document that changes a merge: the kinds it knows and the paths to their merged lists,
// written as a small type graph. Each merged list here is exercised by a kubectl parity case in
// test/render/kustomize/strategic-merge.test.ts. Status lists are included: exported manifests committed to Git
// carry status, and any strategic merge rebuilds every merged list of its target.

/** The schema at one position of an object, reduced to what merging needs. */
export interface MergeSchema {
  readonly fields?: Readonly<Record<string, MergeSchema>>;
  /** Schema of the elements, for a list. */
  readonly items?: MergeSchema;
  /** Present when the list is merged: by these keys, or as a set of scalars when empty. */
  readonly mergeKeys?: readonly string[];
}

/** A known position with nothing merge-relevant below it. */
const OPAQUE: MergeSchema = {};

const objectMeta: MergeSchema = {
  fields: {
    finalizers: { mergeKeys: [] },
    ownerReferences: { mergeKeys: ['uid'] },
  },
};

const containerFields = {
  env: { mergeKeys: ['name'] },
  volumeMounts: { mergeKeys: ['mountPath'] },
  volumeDevices: { mergeKeys: ['devicePath'] },
};
const container: MergeSchema = {
  fields: { ...containerFields, ports: { mergeKeys: ['containerPort', 'protocol'] } },
};
// Ephemeral containers have ports in v1.21, but not as a merged list.
const ephemeralContainer: MergeSchema = { fields: containerFields };

const podSpec: MergeSchema = {
  fields: {
    containers: { mergeKeys: ['name'], items: container },
    initContainers: { mergeKeys: ['name'], items: container },
    ephemeralContainers: { mergeKeys: ['name'], items: ephemeralContainer },
    imagePullSecrets: { mergeKeys: ['name'] },
    hostAliases: { mergeKeys: ['ip'] },
    topologySpreadConstraints: { mergeKeys: ['topologyKey', 'whenUnsatisfiable'] },
    volumes: {
      mergeKeys: ['name'],
      items: { fields: { ephemeral: { fields: { volumeClaimTemplate: { fields: { metadata: objectMeta } } } } } },
    },
  },
};
const podTemplateSpec: MergeSchema = { fields: { metadata: objectMeta, spec: podSpec } };
const jobSpec: MergeSchema = { fields: { template: podTemplateSpec } };

const resource = (fields: Record<string, MergeSchema> = {}): MergeSchema => ({
  fields: { metadata: objectMeta, ...fields },
});
const withPodTemplate = resource({ spec: { fields: { template: podTemplateSpec } } });
const cronJob = resource({
  spec: { fields: { jobTemplate: { fields: { metadata: objectMeta, spec: jobSpec } } } },
});
const webhookConfiguration = resource({ webhooks: { mergeKeys: ['name'] } });
const csiNode = resource({ spec: { fields: { drivers: { mergeKeys: ['name'] } } } });

/** Kinds with more than metadata to merge, by apiVersion. */
const SPECIAL: Record<string, Record<string, MergeSchema>> = {
  v1: {
    Pod: resource({ spec: podSpec }),
    PodTemplate: resource({ template: podTemplateSpec }),
    ReplicationController: withPodTemplate,
    Service: resource({ spec: { fields: { ports: { mergeKeys: ['port', 'protocol'] } } } }),
    ServiceAccount: resource({ secrets: { mergeKeys: ['name'] } }),
    Node: resource({ spec: { fields: { podCIDRs: { mergeKeys: [] } } } }),
    ComponentStatus: resource({ conditions: { mergeKeys: ['type'] } }),
  },
  'apps/v1': {
    Deployment: withPodTemplate,
    StatefulSet: withPodTemplate,
    DaemonSet: withPodTemplate,
    ReplicaSet: withPodTemplate,
  },
  'batch/v1': { Job: resource({ spec: jobSpec }), CronJob: cronJob },
  'batch/v1beta1': { CronJob: cronJob },
  'admissionregistration.k8s.io/v1': {
    MutatingWebhookConfiguration: webhookConfiguration,
    ValidatingWebhookConfiguration: webhookConfiguration,
  },
  'admissionregistration.k8s.io/v1beta1': {
    MutatingWebhookConfiguration: webhookConfiguration,
    ValidatingWebhookConfiguration: webhookConfiguration,
  },
  'storage.k8s.io/v1': { CSINode: csiNode },
  'storage.k8s.io/v1beta1': { CSINode: csiNode },
};

/** Every other kind of the v1.21.2 API with object metadata: only finalizers and ownerReferences merge. */
const PLAIN: Record<string, string> = {
  v1: 'Binding ConfigMap Endpoints Event LimitRange Namespace PersistentVolume PersistentVolumeClaim ResourceQuota Secret',
  'apps/v1': 'ControllerRevision',
  'apiextensions.k8s.io/v1': 'CustomResourceDefinition',
  'apiextensions.k8s.io/v1beta1': 'CustomResourceDefinition',
  'apiregistration.k8s.io/v1': 'APIService',
  'apiregistration.k8s.io/v1beta1': 'APIService',
  'authentication.k8s.io/v1': 'TokenRequest TokenReview',
  'authentication.k8s.io/v1beta1': 'TokenReview',
  'authorization.k8s.io/v1':
    'LocalSubjectAccessReview SelfSubjectAccessReview SelfSubjectRulesReview SubjectAccessReview',
  'authorization.k8s.io/v1beta1':
    'LocalSubjectAccessReview SelfSubjectAccessReview SelfSubjectRulesReview SubjectAccessReview',
  'autoscaling/v1': 'HorizontalPodAutoscaler Scale',
  'autoscaling/v2beta1': 'HorizontalPodAutoscaler',
  'autoscaling/v2beta2': 'HorizontalPodAutoscaler',
  'certificates.k8s.io/v1': 'CertificateSigningRequest',
  'certificates.k8s.io/v1beta1': 'CertificateSigningRequest',
  'coordination.k8s.io/v1': 'Lease',
  'coordination.k8s.io/v1beta1': 'Lease',
  'discovery.k8s.io/v1': 'EndpointSlice',
  'discovery.k8s.io/v1beta1': 'EndpointSlice',
  'events.k8s.io/v1': 'Event',
  'events.k8s.io/v1beta1': 'Event',
  'extensions/v1beta1': 'Ingress',
  'flowcontrol.apiserver.k8s.io/v1beta1': 'FlowSchema PriorityLevelConfiguration',
  'networking.k8s.io/v1': 'Ingress IngressClass NetworkPolicy',
  'networking.k8s.io/v1beta1': 'Ingress IngressClass',
  'node.k8s.io/v1': 'RuntimeClass',
  'node.k8s.io/v1beta1': 'RuntimeClass',
  'policy/v1': 'PodDisruptionBudget',
  'policy/v1beta1': 'Eviction PodDisruptionBudget PodSecurityPolicy',
  'rbac.authorization.k8s.io/v1': 'ClusterRole ClusterRoleBinding Role RoleBinding',
  'rbac.authorization.k8s.io/v1beta1': 'ClusterRole ClusterRoleBinding Role RoleBinding',
  'scheduling.k8s.io/v1': 'PriorityClass',
  'scheduling.k8s.io/v1beta1': 'PriorityClass',
  'storage.k8s.io/v1': 'CSIDriver StorageClass VolumeAttachment',
  'storage.k8s.io/v1beta1': 'CSIDriver CSIStorageCapacity StorageClass VolumeAttachment',
};

/** Kinds whose status lists merge too (exported manifests carry status): conditions by type, and more for some. */
const STATUS: Record<string, Record<string, MergeSchema>> = {};
const conditions = { conditions: { mergeKeys: ['type'] } };
for (const [apiVersion, kinds] of Object.entries({
  v1: 'Namespace PersistentVolumeClaim ReplicationController Service',
  'apps/v1': 'DaemonSet Deployment ReplicaSet StatefulSet',
  'batch/v1': 'Job',
  'policy/v1': 'PodDisruptionBudget',
  'policy/v1beta1': 'PodDisruptionBudget',
  'apiregistration.k8s.io/v1': 'APIService',
  'apiregistration.k8s.io/v1beta1': 'APIService',
}))
  for (const kind of kinds.split(' ')) (STATUS[apiVersion] ??= {})[kind] = { fields: conditions };
STATUS.v1!.Pod = { fields: { ...conditions, podIPs: { mergeKeys: ['ip'] } } };
STATUS.v1!.Node = { fields: { ...conditions, addresses: { mergeKeys: ['type'] } } };

const plainResource = resource();
const BY_TYPE = new Map<string, MergeSchema>();
for (const [apiVersion, kinds] of Object.entries(PLAIN))
  for (const kind of kinds.split(' ')) BY_TYPE.set(`${apiVersion} ${kind}`, plainResource);
for (const [apiVersion, kinds] of Object.entries(SPECIAL))
  for (const [kind, schema] of Object.entries(kinds)) BY_TYPE.set(`${apiVersion} ${kind}`, schema);
for (const [apiVersion, kinds] of Object.entries(STATUS))
  for (const [kind, status] of Object.entries(kinds)) {
    const key = `${apiVersion} ${kind}`;
    const schema = BY_TYPE.get(key)!;
    BY_TYPE.set(key, { fields: { ...schema.fields, status } });
  }

/** Every apiVersion and kind with a schema, for tests that check each one against Kustomize. */
export function knownTypes(): { apiVersion: string; kind: string }[] {
  return [...BY_TYPE.keys()].map((key) => {
    const [apiVersion, kind] = key.split(' ') as [string, string];
    return { apiVersion, kind };
  });
}

/** The schema Kustomize has for exactly this apiVersion and kind; undefined for CRDs and unknown versions. */
export function schemaForType(apiVersion: string, kind: string): MergeSchema | undefined {
  return BY_TYPE.get(`${apiVersion} ${kind}`);
}

/** The schema of a field below a known position (known positions never lose their schema). */
export function fieldSchema(schema: MergeSchema, field: string): MergeSchema {
  return schema.fields?.[field] ?? OPAQUE;
}

export function itemSchema(schema: MergeSchema): MergeSchema {
  return schema.items ?? OPAQUE;
}
