// Strategic merge against real Kustomize: every merged list of merge-keys.ts, the directives, nulls, kinds without a
// schema (CRDs, API versions newer than Kustomize's v1.21 OpenAPI data), all checked with kubectl kustomize.
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { knownTypes } from '../../../src/render/kustomize/merge-keys.js';
import { strategicMerge } from '../../../src/render/kustomize/strategic-merge.js';
import { hasKubectl } from '../../helpers/kubectl-renderer.js';
import { renderWithEnvgate, renderWithKubectl, type Outcome, type ParityCase } from './patch-parity.js';

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout-api
  labels:
    app: checkout-api
spec:
  replicas: 2
  selector:
    matchLabels:
      app: checkout-api
  template:
    metadata:
      labels:
        app: checkout-api
      finalizers: [example.com/keep]
    spec:
      serviceAccountName: checkout-api
      imagePullSecrets:
      - name: registry-a
      initContainers:
      - name: migrate
        image: ghcr.io/acme/checkout-migrate:1.4.0
        env:
        - name: DB_HOST
          value: db.internal
      containers:
      - name: app
        image: ghcr.io/acme/checkout-api:1.4.0
        ports:
        - containerPort: 8080
          name: http
        - containerPort: 9090
          name: metrics
          protocol: TCP
        env:
        - name: LOG_LEVEL
          value: info
        - name: DB_HOST
          value: db.internal
        resources:
          limits:
            cpu: 500m
            memory: 256Mi
          requests:
            cpu: 100m
        volumeMounts:
        - name: config
          mountPath: /etc/checkout
        - name: cache
          mountPath: /var/cache
      - name: envoy
        image: envoyproxy/envoy:v1.30.1
        ports:
        - containerPort: 53
          protocol: UDP
          name: dns-udp
        - containerPort: 53
          protocol: TCP
          name: dns-tcp
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: ScheduleAnyway
        labelSelector:
          matchLabels:
            app: checkout-api
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        labelSelector:
          matchLabels:
            app: checkout-api
      tolerations:
      - key: dedicated
        operator: Equal
        value: checkout
        effect: NoSchedule
      volumes:
      - name: config
        configMap:
          name: checkout-config
      - name: cache
        emptyDir: {}
`;

const deploymentHeader = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout-api
`;

const cases: ParityCase[] = [
  {
    name: 'containers-env-mounts-volumes',
    resources: deployment,
    patches: [
      {
        patch: `${deploymentHeader}spec:
  template:
    spec:
      containers:
      - name: app
        image: ghcr.io/acme/checkout-api:1.5.0
        env:
        - name: LOG_LEVEL
          value: debug
        - name: FEATURE_FLAGS
          value: new-cart
        volumeMounts:
        - mountPath: /var/cache
          readOnly: true
        - name: tls
          mountPath: /etc/tls
      - name: otel-collector
        image: otel/opentelemetry-collector:0.98.0
      volumes:
      - name: tls
        secret:
          secretName: checkout-tls
      - name: cache
        emptyDir:
          medium: Memory
      imagePullSecrets:
      - name: registry-b
`,
      },
    ],
  },
  {
    name: 'ports-by-port-and-protocol',
    resources: deployment,
    patches: [
      {
        patch: `${deploymentHeader}spec:
  template:
    spec:
      containers:
      - name: envoy
        ports:
        - containerPort: 53
          protocol: UDP
          hostPort: 5353
        - containerPort: 8443
          name: https
      - name: app
        ports:
        - containerPort: 8080
          name: web
`,
      },
    ],
  },
  {
    name: 'init-containers-topology-finalizers',
    resources: deployment,
    patches: [
      {
        patch: `${deploymentHeader}spec:
  template:
    metadata:
      finalizers: [example.com/audit]
    spec:
      initContainers:
      - name: migrate
        env:
        - name: DB_HOST
          value: db.prod.internal
      - name: wait-for-db
        image: busybox:1.36
      topologySpreadConstraints:
      - topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        maxSkew: 2
      tolerations:
      - key: spot
        operator: Exists
`,
      },
    ],
  },
  {
    name: 'directives-and-nulls',
    resources: deployment,
    patches: [
      {
        patch: `${deploymentHeader}  labels:
    app: null
spec:
  replicas: null
  template:
    spec:
      serviceAccountName: ~
      containers:
      - name: envoy
        $patch: delete
      - name: app
        resources:
          $patch: replace
          limits:
            memory: 512Mi
        env:
        - name: DB_HOST
          $patch: delete
      volumes:
      - $patch: replace
      - name: only
        emptyDir: {}
      initContainers:
      - $patch: delete
`,
      },
    ],
  },
  {
    name: 'element-replace-has-no-effect',
    resources: deployment,
    patches: [
      {
        patch: `${deploymentHeader}spec:
  template:
    spec:
      containers:
      - name: app
        $patch: replace
        image: ghcr.io/acme/checkout-api:2.0.0
`,
      },
    ],
  },
  {
    name: 'apimachinery-directives-stay-fields',
    resources: deployment,
    patches: [
      {
        patch: `${deploymentHeader}  $deleteFromPrimitiveList/finalizers: [a]
spec:
  strategy:
    $retainKeys: [type]
    type: Recreate
  template:
    spec:
      $setElementOrder/containers:
      - name: envoy
      - name: app
      tolerations:
      - $patch: replace
      - key: spot
        operator: Exists
`,
      },
    ],
  },
  {
    name: 'map-delete-and-replace',
    resources: deployment,
    patches: [
      {
        patch: `${deploymentHeader}spec:
  selector:
    $patch: replace
    matchLabels:
      app.kubernetes.io/name: checkout
  template:
    metadata:
      labels:
        $patch: delete
    spec:
      containers:
      - name: app
        resources:
          requests:
            $patch: delete
`,
      },
    ],
  },
];

const containerParts = `        env:
        - name: A
          value: "1"
        - name: B
          value: "2"
        volumeMounts:
        - name: data
          mountPath: /data
        - name: tmp
          mountPath: /tmp
        volumeDevices:
        - name: block
          devicePath: /dev/xvda
        - name: block2
          devicePath: /dev/xvdb
`;
const containerPatch = `        env:
        - name: B
          value: "3"
        volumeMounts:
        - mountPath: /tmp
          readOnly: true
        volumeDevices:
        - devicePath: /dev/xvdb
          name: renamed
`;

/** One object per kind that merges more than metadata, each with two elements in every merged list. */
const workloads = `apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  hostAliases:
  - ip: 10.0.0.1
    hostnames: [a.internal]
  - ip: 10.0.0.2
    hostnames: [b.internal]
  containers:
  - name: main
    image: busybox:1.36
${containerParts.replace(/^ {4}/gm, '')}  - name: other
    image: busybox:1.36
  ephemeralContainers:
  - name: debugger
    image: busybox:1.36
    ports:
    - containerPort: 80
    - containerPort: 81
${containerParts.replace(/^ {4}/gm, '')}  - name: debugger2
    image: busybox:1.36
---
apiVersion: v1
kind: PodTemplate
metadata:
  name: template
template:
  metadata:
    finalizers: [example.com/a]
  spec:
    containers:
    - name: main
      image: nginx:1.27
    - name: other
      image: nginx:1.27
---
apiVersion: v1
kind: ReplicationController
metadata:
  name: legacy
spec:
  template:
    spec:
      containers:
      - name: main
        image: nginx:1.27
      - name: other
        image: nginx:1.27
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres
spec:
  serviceName: postgres
  template:
    spec:
      containers:
      - name: postgres
        image: postgres:16
${containerParts}      - name: exporter
        image: prometheuscommunity/postgres-exporter:v0.15.0
      volumes:
      - name: scratch
        ephemeral:
          volumeClaimTemplate:
            metadata:
              finalizers: [example.com/a]
              ownerReferences:
              - apiVersion: v1
                kind: ConfigMap
                name: owner-a
                uid: 11111111-1111-1111-1111-111111111111
              - apiVersion: v1
                kind: ConfigMap
                name: owner-b
                uid: 22222222-2222-2222-2222-222222222222
            spec:
              accessModes: [ReadWriteOnce]
              resources:
                requests:
                  storage: 1Gi
      - name: other
        emptyDir: {}
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      accessModes: [ReadWriteOnce]
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
spec:
  template:
    spec:
      hostAliases:
      - ip: 10.0.0.1
        hostnames: [a.internal]
      - ip: 10.0.0.2
        hostnames: [b.internal]
      containers:
      - name: exporter
        image: prom/node-exporter:v1.8.0
      - name: other
        image: prom/node-exporter:v1.8.0
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: orphan
spec:
  template:
    spec:
      containers:
      - name: main
        image: nginx:1.27
      - name: other
        image: nginx:1.27
---
apiVersion: batch/v1
kind: Job
metadata:
  name: db-migrate
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: ghcr.io/acme/migrate:2.1.0
      - name: other
        image: ghcr.io/acme/migrate:2.1.0
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    metadata:
      finalizers: [example.com/a]
    spec:
      template:
        metadata:
          finalizers: [example.com/a]
        spec:
          imagePullSecrets:
          - name: registry-a
          - name: registry-b
          containers:
          - name: report
            image: ghcr.io/acme/report:3.0.0
          - name: other
            image: ghcr.io/acme/report:3.0.0
---
apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: legacy-report
spec:
  schedule: "0 4 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: report
            image: ghcr.io/acme/report:3.0.0
          - name: other
            image: ghcr.io/acme/report:3.0.0
---
apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  ports:
  - port: 53
    protocol: UDP
    name: dns-udp
  - port: 53
    protocol: TCP
    name: dns-tcp
  - port: 9153
    name: metrics
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
secrets:
- name: token-a
- name: token-b
---
apiVersion: v1
kind: Node
metadata:
  name: node-1
spec:
  podCIDRs: [10.1.0.0/24, 10.1.1.0/24]
---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: policy
webhooks:
- name: a.policy.example.com
  sideEffects: None
- name: b.policy.example.com
  sideEffects: None
---
apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingWebhookConfiguration
metadata:
  name: injector
webhooks:
- name: a.injector.example.com
  sideEffects: None
- name: b.injector.example.com
  sideEffects: None
---
apiVersion: v1
kind: ComponentStatus
metadata:
  name: etcd-0
conditions:
- type: Healthy
  status: "True"
- type: Other
  status: "True"
---
apiVersion: storage.k8s.io/v1
kind: CSINode
metadata:
  name: node-1
spec:
  drivers:
  - name: ebs.csi.aws.com
    nodeID: i-1
  - name: efs.csi.aws.com
    nodeID: i-1
`;

const podSpecPatch = (indent: string, container: string) =>
  `${indent}containers:\n${indent}- name: ${container}\n${indent}  image: patched:1\n${indent}- name: added\n${indent}  image: added:1\n`;

const workloadPatches = [
  `apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  hostAliases:
  - ip: 10.0.0.2
    hostnames: [c.internal]
  containers:
  - name: other
    image: busybox:1.37
${containerPatch.replace(/^ {4}/gm, '')}  ephemeralContainers:
  - name: debugger
    ports:
    - containerPort: 81
      name: replaced
${containerPatch.replace(/^ {4}/gm, '')}`,
  `apiVersion: v1
kind: PodTemplate
metadata:
  name: template
template:
  metadata:
    finalizers: [example.com/b]
  spec:
${podSpecPatch('    ', 'other')}`,
  `apiVersion: v1
kind: ReplicationController
metadata:
  name: legacy
spec:
  template:
    spec:
${podSpecPatch('      ', 'other')}`,
  `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: postgres
spec:
  template:
    spec:
      containers:
      - name: postgres
${containerPatch}      volumes:
      - name: scratch
        ephemeral:
          volumeClaimTemplate:
            metadata:
              finalizers: [example.com/b]
              ownerReferences:
              - uid: 22222222-2222-2222-2222-222222222222
                name: owner-b-renamed
  volumeClaimTemplates:
  - metadata:
      name: data
    spec:
      resources:
        requests:
          storage: 10Gi
`,
  `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-exporter
spec:
  template:
    spec:
      hostAliases:
      - ip: 10.0.0.1
        hostnames: [z.internal]
${podSpecPatch('      ', 'other')}`,
  `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: orphan
spec:
  template:
    spec:
${podSpecPatch('      ', 'other')}`,
  `apiVersion: batch/v1
kind: Job
metadata:
  name: db-migrate
spec:
  template:
    spec:
${podSpecPatch('      ', 'other')}`,
  `apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly-report
spec:
  jobTemplate:
    metadata:
      finalizers: [example.com/b]
    spec:
      template:
        metadata:
          finalizers: [example.com/b]
        spec:
          imagePullSecrets:
          - name: registry-c
${podSpecPatch('          ', 'other')}`,
  `apiVersion: batch/v1beta1
kind: CronJob
metadata:
  name: legacy-report
spec:
  jobTemplate:
    spec:
      template:
        spec:
${podSpecPatch('          ', 'other')}`,
  `apiVersion: v1
kind: Service
metadata:
  name: dns
spec:
  ports:
  - port: 53
    protocol: TCP
    targetPort: 5353
  - port: 443
    name: https
`,
  `apiVersion: v1
kind: ServiceAccount
metadata:
  name: deployer
secrets:
- name: token-c
`,
  `apiVersion: v1
kind: Node
metadata:
  name: node-1
spec:
  podCIDRs: [10.1.2.0/24]
`,
  `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: policy
webhooks:
- name: b.policy.example.com
  failurePolicy: Ignore
`,
  `apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingWebhookConfiguration
metadata:
  name: injector
webhooks:
- name: a.injector.example.com
  failurePolicy: Ignore
`,
  `apiVersion: v1
kind: ComponentStatus
metadata:
  name: etcd-0
conditions:
- type: Healthy
  status: "False"
  message: patched
`,
  `apiVersion: storage.k8s.io/v1
kind: CSINode
metadata:
  name: node-1
spec:
  drivers:
  - name: efs.csi.aws.com
    nodeID: i-2
`,
];

/** Every kind with a schema, plus kinds without one, each with a finalizer the patch adds to (or replaces). */
const schemaless = [
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' },
  { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' },
  { apiVersion: 'networking.k8s.io/v2', kind: 'Ingress' },
];
/** The kinds Kustomize's v1.21.2 OpenAPI data describes (object metadata included), written out independently. */
const KUSTOMIZE_KINDS =
  `v1: Binding ComponentStatus ConfigMap Endpoints Event LimitRange Namespace Node PersistentVolume
  PersistentVolumeClaim Pod PodTemplate ReplicationController ResourceQuota Secret Service ServiceAccount
apps/v1: ControllerRevision DaemonSet Deployment ReplicaSet StatefulSet
batch/v1: CronJob Job
batch/v1beta1: CronJob
admissionregistration.k8s.io/v1: MutatingWebhookConfiguration ValidatingWebhookConfiguration
admissionregistration.k8s.io/v1beta1: MutatingWebhookConfiguration ValidatingWebhookConfiguration
apiextensions.k8s.io/v1: CustomResourceDefinition
apiextensions.k8s.io/v1beta1: CustomResourceDefinition
apiregistration.k8s.io/v1: APIService
apiregistration.k8s.io/v1beta1: APIService
authentication.k8s.io/v1: TokenRequest TokenReview
authentication.k8s.io/v1beta1: TokenReview
authorization.k8s.io/v1: LocalSubjectAccessReview SelfSubjectAccessReview SelfSubjectRulesReview SubjectAccessReview
authorization.k8s.io/v1beta1: LocalSubjectAccessReview SelfSubjectAccessReview SelfSubjectRulesReview SubjectAccessReview
autoscaling/v1: HorizontalPodAutoscaler Scale
autoscaling/v2beta1: HorizontalPodAutoscaler
autoscaling/v2beta2: HorizontalPodAutoscaler
certificates.k8s.io/v1: CertificateSigningRequest
certificates.k8s.io/v1beta1: CertificateSigningRequest
coordination.k8s.io/v1: Lease
coordination.k8s.io/v1beta1: Lease
discovery.k8s.io/v1: EndpointSlice
discovery.k8s.io/v1beta1: EndpointSlice
events.k8s.io/v1: Event
events.k8s.io/v1beta1: Event
extensions/v1beta1: Ingress
flowcontrol.apiserver.k8s.io/v1beta1: FlowSchema PriorityLevelConfiguration
networking.k8s.io/v1: Ingress IngressClass NetworkPolicy
networking.k8s.io/v1beta1: Ingress IngressClass
node.k8s.io/v1: RuntimeClass
node.k8s.io/v1beta1: RuntimeClass
policy/v1: PodDisruptionBudget
policy/v1beta1: Eviction PodDisruptionBudget PodSecurityPolicy
rbac.authorization.k8s.io/v1: ClusterRole ClusterRoleBinding Role RoleBinding
rbac.authorization.k8s.io/v1beta1: ClusterRole ClusterRoleBinding Role RoleBinding
scheduling.k8s.io/v1: PriorityClass
scheduling.k8s.io/v1beta1: PriorityClass
storage.k8s.io/v1: CSIDriver CSINode StorageClass VolumeAttachment
storage.k8s.io/v1beta1: CSIDriver CSINode CSIStorageCapacity StorageClass VolumeAttachment`
    .replace(/\n {2}/g, ' ')
    .split('\n')
    .flatMap((line) => {
      const [apiVersion, kinds] = line.split(': ') as [string, string];
      return kinds.split(' ').map((kind) => ({ apiVersion, kind }));
    });

const finalizerObjects = [...KUSTOMIZE_KINDS, ...schemaless]
  .map(
    ({ apiVersion, kind }) =>
      `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: finalizer-demo\n  finalizers: [example.com/a]\n`,
  )
  .join('---\n');

const rollout = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: storefront
spec:
  replicas: 3
  strategy:
    canary:
      steps:
      - setWeight: 20
      - pause: {duration: 1h}
  template:
    spec:
      containers:
      - name: storefront
        image: ghcr.io/acme/storefront:4.2.0
        env:
        - name: A
          value: "1"
      - name: envoy
        image: envoyproxy/envoy:v1.30.1
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ingress-nginx
  namespace: ingress
spec:
  interval: 10m
  chart:
    spec:
      chart: ingress-nginx
      version: 4.10.0
      sourceRef:
        kind: HelmRepository
        name: ingress-nginx
  values:
    controller:
      replicaCount: 2
      extraArgs:
        enable-ssl-passthrough: "true"
      tolerations:
      - key: ingress
        operator: Exists
---
apiVersion: example.com/v1
kind: DeploymentWrapper
metadata:
  name: wrapped
spec:
  deployment:
    apiVersion: apps/v1
    kind: Deployment
    spec:
      template:
        spec:
          containers:
          - name: a
            image: a:1
          - name: b
            image: b:1
  other:
    containers:
    - name: a
      image: a:1
    - name: b
      image: b:1
`;

cases.push(
  {
    name: 'merged-lists-of-every-kind',
    resources: workloads,
    patches: workloadPatches.map((patch) => ({ patch })),
  },
  {
    name: 'finalizers-of-every-known-kind',
    resources: finalizerObjects,
    patches: [
      {
        patch: 'apiVersion: v1\nkind: Anything\nmetadata:\n  name: ignored\n  finalizers: [example.com/b]\n',
        target: { name: 'finalizer-demo' },
      },
    ],
  },
  {
    name: 'custom-resources-replace-lists',
    resources: rollout,
    patches: [
      {
        patch: `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: storefront
spec:
  strategy:
    canary:
      steps:
      - setWeight: 50
  template:
    spec:
      containers:
      - name: storefront
        image: ghcr.io/acme/storefront:4.3.0
`,
      },
      {
        patch: `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: ingress-nginx
  namespace: ingress
spec:
  chart:
    spec:
      version: 4.11.0
  values:
    controller:
      replicaCount: 3
      tolerations:
      - key: dedicated
        operator: Exists
`,
      },
      {
        patch: `apiVersion: example.com/v1
kind: DeploymentWrapper
metadata:
  name: wrapped
spec:
  deployment:
    apiVersion: apps/v1
    kind: Deployment
    spec:
      template:
        spec:
          containers:
          - name: b
            image: b:2
  other:
    containers:
    - name: b
      image: b:2
`,
      },
    ],
  },
);

const edgeTarget = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge
spec:
  paused: null
  template:
    metadata:
      finalizers: [example.com/a, example.com/b]
    spec:
      nodeSelector: null
      containers:
      - name: app
        image: app:1
        ports:
        - containerPort: 8080
        - containerPort: 8443
          protocol: TCP
        env:
        - name: A
          value: "1"
      - name: sidecar
        image: sidecar:1
`;
const edgeHeader = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: edge\n';

cases.push(
  {
    name: 'edge-nulls-kept-and-new-subtrees',
    resources: edgeTarget,
    patches: [
      {
        patch: `${edgeHeader}spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
        seccompProfile: null
        sysctls:
        - $patch: replace
        - name: net.core.somaxconn
          value: "1024"
      affinity:
        nodeAffinity:
          $patch: delete
          requiredDuringSchedulingIgnoredDuringExecution: {}
        podAntiAffinity:
          $patch: merge
          preferredDuringSchedulingIgnoredDuringExecution: []
      containers:
      - name: app
        env:
        - name: A
          value: null
        - name: B
          valueFrom:
            fieldRef:
              fieldPath: metadata.name
        ports:
        - containerPort: 8080
          protocol: TCP
          name: http
        - containerPort: 8443
          name: https
        resources: {}
`,
      },
    ],
  },
  {
    name: 'edge-primitive-list-directives',
    resources: edgeTarget,
    patches: [
      {
        patch: `${edgeHeader}spec:
  template:
    metadata:
      finalizers:
      - $patch: replace
      - example.com/c
`,
      },
      {
        patch: `${edgeHeader}  finalizers: [example.com/x, example.com/y]
spec:
  template:
    metadata:
      $patch: merge
      labels:
        added: "true"
`,
      },
    ],
  },
  {
    name: 'edge-empty-and-keyless-elements',
    resources: edgeTarget,
    patches: [
      {
        patch: `${edgeHeader}spec:
  template:
    spec:
      containers:
      - {}
      - name: sidecar
        $patch: delete
      - image: nameless:1
`,
      },
    ],
  },
  {
    // Any strategic merge rebuilds every merged list of the target: duplicates by key collapse to the last one,
    // empty elements go, even where the patch says nothing.
    name: 'edge-untouched-lists-normalised',
    resources: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: app
        image: app:1
        env:
        - name: MODE
          value: first
        - name: OTHER
          value: x
        - name: MODE
          value: second
        ports:
        - containerPort: 80
          protocol: TCP
        - containerPort: 81
        - containerPort: 80
          protocol: TCP
          name: dup
      volumes:
      - {}
      - name: data
        emptyDir: {}
      tolerations:
      - {}
`,
    patches: [{ patch: `${edgeHeader}spec:\n  replicas: 2\n` }],
  },
  {
    // A common overlay: the patch spells out protocol: TCP where the base left it out. Kustomize keeps the base's
    // port and drops the patch's fields; a new protocol/port pair is added in front.
    name: 'edge-explicit-protocol-against-implicit',
    resources: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge
spec:
  template:
    spec:
      containers:
      - name: app
        image: app:1
        ports:
        - containerPort: 8080
        - containerPort: 9090
          name: metrics
---
apiVersion: v1
kind: Service
metadata:
  name: edge
spec:
  ports:
  - port: 80
    targetPort: 8080
`,
    patches: [
      {
        patch: `${edgeHeader}spec:
  template:
    spec:
      containers:
      - name: app
        ports:
        - containerPort: 8080
          protocol: TCP
          name: http
        - containerPort: 9090
          protocol: UDP
`,
      },
      {
        patch: `apiVersion: v1
kind: Service
metadata:
  name: edge
spec:
  ports:
  - port: 80
    protocol: TCP
    name: http
  - port: 443
    targetPort: 8443
`,
      },
    ],
  },
  {
    name: 'edge-all-elements-deleted',
    resources: edgeTarget,
    patches: [
      {
        patch: `${edgeHeader}spec:
  template:
    spec:
      containers:
      - name: sidecar
        $patch: delete
      - name: app
        $patch: delete
`,
      },
    ],
  },
);

/** Kinds whose status lists Kustomize merges, each with two conditions the patch changes one of and adds to. */
const STATUS_KINDS = [
  ['v1', 'Namespace'],
  ['v1', 'PersistentVolumeClaim'],
  ['v1', 'ReplicationController'],
  ['v1', 'Service'],
  ['v1', 'Pod'],
  ['v1', 'Node'],
  ['apps/v1', 'DaemonSet'],
  ['apps/v1', 'Deployment'],
  ['apps/v1', 'ReplicaSet'],
  ['apps/v1', 'StatefulSet'],
  ['batch/v1', 'Job'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['policy/v1beta1', 'PodDisruptionBudget'],
  ['apiregistration.k8s.io/v1', 'APIService'],
  ['apiregistration.k8s.io/v1beta1', 'APIService'],
] as const;
const statusObject = (apiVersion: string, kind: string, patch: boolean) => {
  const status: Record<string, unknown> = {
    conditions: patch
      ? [
          { type: 'Ready', status: 'False', reason: 'Patched' },
          { type: 'Added', status: 'True' },
        ]
      : [
          { type: 'Available', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
  };
  if (kind === 'Pod') status.podIPs = patch ? [{ ip: '10.0.0.9' }] : [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }];
  if (kind === 'Node')
    status.addresses = patch
      ? [{ type: 'InternalIP', address: '10.0.0.9' }]
      : [
          { type: 'InternalIP', address: '10.0.0.1' },
          { type: 'Hostname', address: 'node-1' },
        ];
  return stringify({ apiVersion, kind, metadata: { name: 'exported' }, status });
};

cases.push({
  name: 'status-lists-of-exported-manifests',
  resources: STATUS_KINDS.map(([apiVersion, kind]) => statusObject(apiVersion, kind, false)).join('---\n'),
  patches: STATUS_KINDS.map(([apiVersion, kind]) => ({ patch: statusObject(apiVersion, kind, true) })),
});

let kubectl: Map<string, Outcome>;

beforeAll(async () => {
  if (!hasKubectl) {
    console.warn('kubectl is not on PATH: strategic merge parity cases are skipped');
    return;
  }
  kubectl = await renderWithKubectl(cases);
}, 60_000);

describe.skipIf(!hasKubectl)('strategic merge matches kubectl kustomize', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const expected = kubectl.get(c.name);
    expect(expected && 'objects' in expected, JSON.stringify(expected)).toBe(true);
    expect(renderWithEnvgate(c)).toEqual(expected);
  });
});

describe('strategicMerge', () => {
  it('knows exactly the kinds Kustomize has schema data for', () => {
    const key = (t: { apiVersion: string; kind: string }) => `${t.apiVersion} ${t.kind}`;
    expect(knownTypes().map(key).sort()).toEqual(KUSTOMIZE_KINDS.map(key).sort());
  });

  it('leaves its arguments alone and returns null when the patch deletes the object', () => {
    const target = { kind: 'ConfigMap', metadata: { name: 'a' }, data: { x: '1' } };
    const patch = { kind: 'ConfigMap', metadata: { name: 'a' }, $patch: 'delete' };
    expect(strategicMerge(target, patch)).toBeNull();
    expect(patch.$patch).toBe('delete');
    expect(target.data).toEqual({ x: '1' });
  });

  it('rejects an unknown directive and a list where the target has a map, naming the field path', () => {
    const target = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { x: 's3cr3t' } };
    expect(() => strategicMerge(target, { data: { $patch: 'remove' } })).toThrow(
      /unknown patch strategy "remove" at data/,
    );
    expect(() => strategicMerge(target, { data: ['x'] })).toThrow(/at data$/);
    expect(() => strategicMerge(target, { data: ['x'] })).not.toThrow(/s3cr3t/);
  });
});
