// The three patch fields against real Kustomize: targets and selectors, patches naming their resource, multi-document
// patches, deletions, allowNameChange/allowKindChange, JSON 6902 in JSON and YAML (evanphx semantics), and the errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { applyPatches, applyStrategicMergePatches } from '../../../src/render/kustomize/patch.js';
import { newResource, type Resource } from '../../../src/render/kustomize/resource.js';
import { RenderError } from '../../../src/render/types.js';
import { hasKubectl } from '../../helpers/kubectl-renderer.js';
import { renderWithEnvgate, renderWithKubectl, type Outcome, type ParityCase } from './patch-parity.js';

const app = (name: string, tier: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: shop
  labels:
    app.kubernetes.io/name: ${name}
    tier: ${tier}
  annotations:
    team: payments${extra}
spec:
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      containers:
      - name: app
        image: ghcr.io/acme/${name}:1.0.0
        args: [--port=8080]
        env:
        - name: A
          value: "1"
`;

const shop = [
  app('checkout-api', 'backend'),
  app('cart-api', 'backend'),
  app('storefront', 'frontend'),
  `apiVersion: v1
kind: Service
metadata:
  name: checkout-api
  namespace: shop
spec:
  selector:
    app.kubernetes.io/name: checkout-api
  ports:
  - port: 80
    targetPort: 8080
`,
  `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  namespace: shop
  annotations:
    nginx.ingress.kubernetes.io/proxy-body-size: 1m
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: storefront
            port:
              number: 80
      - path: /api/checkout
        pathType: Prefix
        backend:
          service:
            name: checkout-api
            port:
              number: 80
`,
  `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: checkout-api
  namespace: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: checkout-api
  minReplicas: 2
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 70
  - type: Resource
    resource:
      name: memory
      target:
        type: Utilization
        averageUtilization: 80
`,
].join('---\n');

const replicasPatch = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: any
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: app
        resources:
          requests:
            cpu: 250m
`;

const cases: ParityCase[] = [
  {
    name: 'targets-by-label-kind-name-annotation',
    resources: shop,
    patches: [
      { patch: replicasPatch, target: { kind: 'Deployment', labelSelector: 'tier=backend' } },
      {
        patch: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  annotations:\n    tier-checked: "yes"\n',
        target: { group: 'apps', version: 'v1', name: '.*-api', annotationSelector: 'team in (payments)' },
      },
      {
        patch:
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n  namespace: elsewhere\nspec:\n  paused: true\n',
        target: { name: 'storefront', namespace: 'shop' },
      },
      {
        patch: '[{"op": "replace", "path": "/spec/minReplicas", "value": 3}]',
        target: { kind: 'HorizontalPodAutoscaler' },
      },
      {
        // The HPA's metrics list is replaced: autoscaling/v2 is newer than Kustomize's schema data.
        patch: `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: checkout-api
  namespace: shop
spec:
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 60
`,
      },
      { patch: replicasPatch, target: { labelSelector: 'tier notin (backend),!missing', kind: 'Dep.*' } },
    ],
  },
  {
    name: 'patch-files-multi-document-and-json',
    resources: shop,
    patches: [
      { path: 'scale.yaml' },
      { path: 'ingress-ops.yaml', target: { kind: 'Ingress', name: 'shop' } },
      { path: 'ingress-ops.json', target: { kind: 'Ingress' } },
    ],
    files: {
      'scale.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout-api
  namespace: shop
spec:
  replicas: 4
---
apiVersion: v1
kind: Service
metadata:
  name: checkout-api
  namespace: shop
spec:
  ports:
  - port: 443
    targetPort: 8443
    name: https
`,
      'ingress-ops.yaml': `- op: add
  path: /spec/tls
  value:
  - hosts: [shop.example.com]
    secretName: shop-tls
- op: add
  path: /spec/rules/0/http/paths/-
  value:
    path: /api/cart
    pathType: Prefix
    backend:
      service:
        name: cart-api
        port:
          number: 80
- op: replace
  path: /metadata/annotations/nginx.ingress.kubernetes.io~1proxy-body-size
  value: 8m
- op: add
  path: /metadata/annotations/enabled
  value: on
`,
      'ingress-ops.json': `[
  {"op": "test", "path": "/spec/ingressClassName", "value": "nginx"},
  {"op": "copy", "from": "/spec/rules/0", "path": "/spec/rules/-"},
  {"op": "replace", "path": "/spec/rules/1/host", "value": "www.shop.example.com"},
  {"op": "move", "from": "/spec/rules/0/http/paths/0", "path": "/spec/rules/0/http/paths/-1"},
  {"op": "remove", "path": "/spec/rules/1/http/paths/-1"},
  {"op": "replace", "path": "/spec/defaultBackendMissing", "value": {"service": {"name": "storefront"}}},
  {"op": "add", "path": "/spec/rules/0/http/paths/0/backend/service/port/name"}
]`,
    },
  },
  {
    // Without the HPA: its scaleTargetRef would follow the rename (name references are not this module's work).
    name: 'deletions-and-renames',
    resources: shop.split('---\n').slice(0, 4).join('---\n'),
    patches: [
      {
        patch: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n$patch: delete\n',
        target: { labelSelector: 'tier=frontend' },
      },
      {
        patch: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: checkout-api\n  namespace: shop\n$patch: delete\n',
      },
      {
        patch: 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: checkout-api-v2\n',
        target: { name: 'checkout-api', kind: 'Deployment' },
        options: { allowNameChange: true, allowKindChange: true },
      },
      {
        patch: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cart-api-renamed\n',
        target: { name: 'cart-api', kind: 'Deployment' },
      },
    ],
  },
  {
    name: 'patches-strategic-merge-and-json6902-fields',
    resources: shop,
    patchesStrategicMerge: ['delete-hpa.yaml', 'empty.yaml', 'env.yaml'],
    patchesJson6902: [
      { target: { group: 'apps', version: 'v1', kind: 'Deployment', name: 'storefront' }, path: 'args.yaml' },
      { target: { version: 'v1', kind: 'Service', name: 'checkout-api' }, path: 'port.json' },
    ],
    files: {
      'empty.yaml': '# patches for this environment go here\n',
      'delete-hpa.yaml': `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: checkout-api
  namespace: shop
$patch: delete
`,
      'env.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: app
        env:
        - name: B
          value: "2"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart-api
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: app
        env: null
`,
      'args.yaml': `- op: add
  path: /spec/template/spec/containers/0/args/0
  value: --verbose
- op: add
  path: /spec/template/spec/containers/0/args/-2
  value: --second
`,
      'port.json': '[{"op": "replace", "path": "/spec/ports/0/port", "value": 8080}]',
    },
  },
];

cases.push({
  name: 'json6902-evanphx-semantics',
  resources: shop,
  patchesJson6902: [{ target: { kind: 'Deployment', name: 'cart-api' }, path: 'ops.yaml' }],
  patches: [{ path: 'ops.json', target: { kind: 'Service' } }],
  files: {
    // YAML operations are read as YAML 1.1 (sigs.k8s.io/yaml): yes is a boolean, 0755 an octal number.
    'ops.yaml': `- op: add
  path: /spec/paused
  value: yes
- op: add
  path: /spec/revisionHistoryLimit
  value: 010
- op: test
  path: /spec/strategy
  value: null
- op: copy
  from: /spec/missing
  path: /spec/minReadySeconds
- op: add
  path: /metadata/labels/example.com~1owner
  value: team~0payments
- op: add
  path: /spec/template/spec/containers/0/args/-1
  value: --inserted-before-last
`,
    'ops.json': `[
  {"op": "add", "path": "/spec/ports/0/appProtocol", "value": "http"},
  {"op": "test", "path": "/spec/ports", "value": [{"targetPort": 8080, "appProtocol": "http", "port": 80}]},
  {"op": "add", "path": "/metadata/annotations", "value": {"count": 3, "enabled": true, "nothing": null}}
]`,
  },
});

cases.push({
  name: 'list-documents-and-minimal-patches',
  resources: shop,
  patches: [
    { path: 'list.yaml' },
    // With a target, kind and name are all a patch needs; the name is only a placeholder.
    {
      patch: 'kind: Deployment\nmetadata:\n  name: placeholder\nspec:\n  revisionHistoryLimit: 3\n',
      target: { kind: 'Deployment' },
    },
  ],
  patchesStrategicMerge: ['service-list.yaml'],
  files: {
    'list.yaml': `apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: cart-api
    namespace: shop
  spec:
    replicas: 6
- apiVersion: networking.k8s.io/v1
  kind: Ingress
  metadata:
    name: shop
    namespace: shop
  spec:
    ingressClassName: traefik
`,
    'service-list.yaml': `apiVersion: v1
kind: ServiceList
items:
- apiVersion: v1
  kind: Service
  metadata:
    name: checkout-api
    namespace: shop
  spec:
    type: NodePort
`,
  },
});

cases.push({
  name: 'whole-object-replace-and-spec-delete',
  resources: shop,
  patches: [
    {
      patch:
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: replaced\n  labels:\n    fresh: "true"\n$patch: replace\nspec:\n  type: ExternalName\n  externalName: checkout.example.com\n',
      target: { kind: 'Service' },
    },
    {
      patch: 'kind: HorizontalPodAutoscaler\nmetadata:\n  name: x\nspec:\n  $patch: delete\n',
      target: { kind: 'HorizontalPodAutoscaler' },
    },
  ],
});

cases.push({
  // Patches are read as Kustomize reads resources (yaml.v3): 0644 is octal, yes stays a string, dates are times.
  name: 'patch-scalars-as-kustomize-reads-them',
  resources: shop,
  patches: [
    {
      patch: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: cart-api
  namespace: shop
  annotations:
    reviewed: yes
spec:
  template:
    metadata:
      annotations:
        rollout: 2024-05-01
    spec:
      volumes:
      - name: config
        configMap:
          name: cart-config
          defaultMode: 0644
      containers:
      - name: app
        env:
        - name: RATIO
          value: "1.50"
        - name: HEX
          value: "0x1F"
        volumeMounts:
        - name: config
          mountPath: /etc/cart
`,
    },
  ],
});

/** Inputs both Kustomize and envgate must refuse. */
const failing: ParityCase[] = [
  {
    name: 'error-no-such-resource',
    resources: shop,
    patches: [{ path: 'missing.yaml' }],
    files: {
      'missing.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: payments-api\n  namespace: shop\n',
    },
  },
  {
    name: 'error-wrong-namespace',
    resources: shop,
    patchesStrategicMerge: ['ns.yaml'],
    files: { 'ns.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: cart-api\n' },
  },
  {
    name: 'error-patch-without-api-version',
    resources: shop,
    patches: [{ patch: 'kind: Deployment\nmetadata:\n  name: cart-api\n  namespace: shop\nspec:\n  replicas: 2\n' }],
  },
  {
    name: 'error-patch-with-other-api-version',
    resources: shop,
    patches: [
      {
        patch:
          'apiVersion: apps/v1beta1\nkind: Deployment\nmetadata:\n  name: cart-api\n  namespace: shop\nspec:\n  replicas: 2\n',
      },
    ],
  },
  {
    name: 'error-patch-without-name',
    resources: shop,
    patches: [
      { patch: 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n', target: { kind: 'Deployment' } },
    ],
  },
  {
    name: 'error-only-empty-strategic-merge-patches',
    resources: shop,
    patchesStrategicMerge: ['empty.yaml'],
    files: { 'empty.yaml': '---\n# nothing yet\n' },
  },
  {
    name: 'error-json-test-fails',
    resources: shop,
    patches: [{ patch: '[{"op": "test", "path": "/spec/replicas", "value": 5}]', target: { kind: 'Deployment' } }],
  },
  {
    name: 'error-json-test-compares-whole-values',
    resources: shop,
    patches: [
      {
        patch: '[{"op": "test", "path": "/spec/ports/0", "value": {"port": 80, "targetPort": 8080, "name": "http"}}]',
        target: { kind: 'Service' },
      },
    ],
  },
  {
    name: 'error-json-missing-path',
    resources: shop,
    patches: [{ patch: '- op: remove\n  path: /spec/strategy\n', target: { name: 'storefront' } }],
  },
  {
    name: 'error-json-without-target',
    resources: shop,
    patches: [{ patch: '[{"op": "add", "path": "/spec/paused", "value": true}]' }],
  },
  {
    name: 'error-two-documents-with-target',
    resources: shop,
    patches: [{ path: 'two.yaml', target: { kind: 'Deployment' } }],
    files: {
      'two.yaml':
        'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: b\n',
    },
  },
  {
    name: 'error-unknown-directive',
    resources: shop,
    patches: [
      {
        patch: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  template:\n    $patch: remove\n',
        target: { name: 'cart-api' },
      },
    ],
  },
  {
    name: 'error-not-a-patch',
    resources: shop,
    patches: [{ patch: 'spec:\n  replicas: 2\n', target: { name: 'cart-api' } }],
  },
  {
    name: 'error-comment-only-patch',
    resources: shop,
    patches: [{ path: 'empty.yaml', target: { name: 'cart-api' } }],
    files: { 'empty.yaml': '# intentionally left empty\n' },
  },
];

let kubectl: Map<string, Outcome>;

beforeAll(async () => {
  if (!hasKubectl) {
    console.warn('kubectl is not on PATH: patch parity cases are skipped');
    return;
  }
  kubectl = await renderWithKubectl([...cases, ...failing]);
}, 60_000);

describe.skipIf(!hasKubectl)('patches match kubectl kustomize', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const expected = kubectl.get(c.name);
    expect(expected && 'objects' in expected, JSON.stringify(expected)).toBe(true);
    expect(renderWithEnvgate(c)).toEqual(expected);
  });

  it.each(failing.map((c) => [c.name, c] as const))('%s fails as in Kustomize, naming the patch', (_name, c) => {
    expect(kubectl.get(c.name)).toHaveProperty('error');
    const outcome = renderWithEnvgate(c);
    expect(outcome).toMatchObject({ reason: 'invalid' });
    const message = (outcome as { error: string }).error;
    const file = c.patches?.[0]?.path ?? c.patchesStrategicMerge?.[0] ?? 'kustomization.yaml';
    expect(message).toContain(`${c.name}/${file}`);
  });
});

describe('applyPatches', () => {
  const deployment = (name: string): Resource =>
    newResource(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'shop' },
        spec: { replicas: 1 },
      },
      'base/deployment.yaml',
    );

  it('finds a resource by a name it had before a prefix renamed it', () => {
    const renamed = deployment('prod-checkout-api');
    renamed.previousIds.push({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout-api', namespace: 'shop' });
    const resources = [renamed];
    applyStrategicMergePatches(resources, [
      {
        text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: checkout-api\n  namespace: shop\nspec:\n  replicas: 5\n',
        source: 'overlays/prod/replicas.yaml',
      },
    ]);
    expect(resources[0]!.object).toMatchObject({ metadata: { name: 'prod-checkout-api' }, spec: { replicas: 5 } });
  });

  it('remembers the old id when a patch may rename, so name references still resolve', () => {
    const resources = [deployment('checkout-api')];
    applyPatches(resources, [
      {
        text: 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: checkout-api-v2\n',
        source: 'overlays/prod/kustomization.yaml',
        target: { name: 'checkout-api' },
        options: { allowNameChange: true },
      },
    ]);
    expect(resources[0]!.object.metadata?.name).toBe('checkout-api-v2');
    expect(resources[0]!.previousIds).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout-api', namespace: 'shop' },
    ]);
  });

  it('never puts a Secret value from the patch or the target into an error', () => {
    const secret = newResource(
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, stringData: { password: 'hunter2-target' } },
      'base/secret.yaml',
    );
    const attempt = () =>
      applyPatches(
        [secret],
        [
          {
            text: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  - hunter2-patch\n',
            source: 'overlays/prod/secret-patch.yaml',
          },
        ],
      );
    expect(attempt).toThrow(RenderError);
    expect(attempt).toThrow(/overlays\/prod\/secret-patch\.yaml.*Secret\.v1\.\[noGrp\]\/db.*stringData/);
    expect(attempt).not.toThrow(/hunter2/);
  });
});
