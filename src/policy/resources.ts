// What admission sees of an object: its group, version, plural resource name and scope. Policies match
// `resources: ["deployments"]`, manifests say `kind: Deployment`; the plural comes from a repository CRD when
// there is one, else from the built-in table of irregular names, else from the guess the API machinery itself
// makes (lower case + s / es / ies).
import type { KubeObject } from '../render/types.js';

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  resource: string;
  namespaced: boolean;
}

/** Kinds whose plural is not the guess. */
const IRREGULAR: Record<string, string> = {
  Endpoints: 'endpoints',
};

/** Cluster-scoped kinds, by group (built-ins and the CRDs GitOps repositories commonly hold). */
const CLUSTER_SCOPED: Record<string, readonly string[]> = {
  '': ['Namespace', 'Node', 'PersistentVolume', 'ComponentStatus'],
  'rbac.authorization.k8s.io': ['ClusterRole', 'ClusterRoleBinding'],
  'apiextensions.k8s.io': ['CustomResourceDefinition'],
  'apiregistration.k8s.io': ['APIService'],
  'storage.k8s.io': ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'VolumeAttributesClass'],
  'scheduling.k8s.io': ['PriorityClass'],
  'node.k8s.io': ['RuntimeClass'],
  'networking.k8s.io': ['IngressClass', 'IPAddress', 'ServiceCIDR'],
  'admissionregistration.k8s.io': [
    'ValidatingWebhookConfiguration',
    'MutatingWebhookConfiguration',
    'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding',
    'MutatingAdmissionPolicy',
    'MutatingAdmissionPolicyBinding',
  ],
  'certificates.k8s.io': ['CertificateSigningRequest', 'ClusterTrustBundle'],
  'flowcontrol.apiserver.k8s.io': ['FlowSchema', 'PriorityLevelConfiguration'],
  'policies.kyverno.io': ['ValidatingPolicy', 'MutatingPolicy', 'GeneratingPolicy', 'ImageValidatingPolicy'],
  'kyverno.io': ['ClusterPolicy', 'ClusterCleanupPolicy'],
  'cert-manager.io': ['ClusterIssuer'],
  'external-secrets.io': ['ClusterSecretStore', 'ClusterExternalSecret'],
  'gateway.networking.k8s.io': ['GatewayClass'],
  'templates.gatekeeper.sh': ['ConstraintTemplate'],
};

/** The API machinery's own guess (k8s.io/apimachinery meta.UnsafeGuessKindToResource). */
export function guessResource(kind: string): string {
  if (IRREGULAR[kind]) return IRREGULAR[kind];
  const singular = kind.toLowerCase();
  if (singular.endsWith('endpoints')) return singular;
  if (singular.endsWith('s')) return `${singular}es`;
  if (singular.endsWith('y')) return `${singular.slice(0, -1)}ies`;
  return `${singular}s`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash === -1
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** CRD-declared names and scopes, keyed by `group/Kind`. */
export class ResourceCatalog {
  private readonly crds = new Map<string, { plural: string; namespaced: boolean }>();

  /** Learns a CustomResourceDefinition's plural and scope; ignores anything else. */
  addCrd(object: unknown): void {
    const crd = object as {
      kind?: unknown;
      spec?: { group?: unknown; names?: { kind?: unknown; plural?: unknown }; scope?: unknown };
    };
    if (crd?.kind !== 'CustomResourceDefinition') return;
    const { group, names, scope } = crd.spec ?? {};
    if (typeof group !== 'string' || typeof names?.kind !== 'string' || typeof names.plural !== 'string') return;
    this.crds.set(`${group}/${names.kind}`, { plural: names.plural, namespaced: scope !== 'Cluster' });
  }

  info(object: KubeObject): ResourceInfo {
    const { group, version } = splitApiVersion(object.apiVersion ?? '');
    const kind = object.kind ?? '';
    const crd = this.crds.get(`${group}/${kind}`);
    const namespaced = crd ? crd.namespaced : !(CLUSTER_SCOPED[group]?.includes(kind) ?? false);
    return { group, version, kind, resource: crd?.plural ?? guessResource(kind), namespaced };
  }
}
