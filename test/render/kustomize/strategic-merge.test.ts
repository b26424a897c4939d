// Strategic merge against real Kustomize: every merged list of merge-keys.ts, the directives, nulls, kinds without a
// schema (CRDs, API versions newer than Kustomize's v1.21 OpenAPI data), all checked with kubectl kustomize.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { strategicMerge } from '../../../src/render/kustomize/strategic-merge.js';
import { cleanupKubectlTrees, hasKubectl } from '../../helpers/kubectl-renderer.js';
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

let kubectl: Map<string, Outcome>;

beforeAll(async () => {
  if (!hasKubectl) {
    console.warn('kubectl is not on PATH: strategic merge parity cases are skipped');
    return;
  }
  kubectl = await renderWithKubectl(cases);
}, 60_000);
afterAll(() => cleanupKubectlTrees());

describe.skipIf(!hasKubectl)('strategic merge matches kubectl kustomize', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const expected = kubectl.get(c.name);
    expect(expected && 'objects' in expected, JSON.stringify(expected)).toBe(true);
    expect(renderWithEnvgate(c)).toEqual(expected);
  });
});

describe('strategicMerge', () => {
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
