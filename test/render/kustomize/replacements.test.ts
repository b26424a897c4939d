// Kustomize replacements at v5.5 parity: each case is a kustomization (resources + replacements) built by both
// `kubectl kustomize` and applyReplacements; the objects must be deep-equal (matched by kind and name, since
// output order is the engine's business), and a kustomization Kustomize refuses must be refused here too.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyReplacements } from '../../../src/render/kustomize/replacements.js';
import { applyNamePrefixSuffix, applyNamespace } from '../../../src/render/kustomize/transformers.js';
import { newResource } from '../../../src/render/kustomize/resource.js';
import { parseResourceYaml } from '../../../src/render/kustomize/yaml-io.js';
import { RenderError, type KubeObject } from '../../../src/render/types.js';
import { hasKubectl } from '../../helpers/kubectl-renderer.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Real Kustomize on `resources.yaml` plus `replacements` (YAML text of the list). */
interface Extra {
  namespace?: string;
  namePrefix?: string;
}

async function kubectl(resources: string, replacements: string, extra: Extra = {}): Promise<KubeObject[] | Error> {
  const dir = mkdtempSync(join(tmpdir(), 'envgate-repl-'));
  dirs.push(dir);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'resources.yaml'), resources);
  const head = Object.entries(extra)
    .map(([k, v]) => `${k}: ${v}\n`)
    .join('');
  writeFileSync(join(dir, 'kustomization.yaml'), `${head}resources:\n- resources.yaml\nreplacements:\n${replacements}`);
  try {
    const { stdout } = await run('kubectl', ['kustomize', dir], { timeout: 30_000 });
    return parseResourceYaml(stdout, 'kubectl');
  } catch (error) {
    return new Error(String((error as { stderr?: string }).stderr));
  }
}

function ours(resources: string, replacements: string, extra: Extra = {}): KubeObject[] | RenderError {
  const list = parseResourceYaml(resources, 'resources.yaml').map((o) => newResource(o, 'resources.yaml'));
  // Kustomize runs namespace and prefix before replacements; selection then goes through previous ids too.
  if (extra.namespace) applyNamespace(list, extra.namespace);
  if (extra.namePrefix) applyNamePrefixSuffix(list, extra.namePrefix, '');
  try {
    applyReplacements(list, parse(`r:\n${replacements}`).r as unknown[], 'apps/shop/kustomization.yaml');
    return list.map((r) => r.object);
  } catch (error) {
    if (error instanceof RenderError) return error;
    throw error;
  }
}

const byId = (objects: KubeObject[]) =>
  Object.fromEntries(objects.map((o) => [`${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, o]));

async function expectParity(resources: string, replacements: string, extra: Extra = {}): Promise<KubeObject[]> {
  const [expected, actual] = [await kubectl(resources, replacements, extra), ours(resources, replacements, extra)];
  if (expected instanceof Error) throw new Error(`kubectl refused a parity case: ${expected.message}`);
  if (actual instanceof RenderError) throw new Error(`applyReplacements refused a parity case: ${actual.message}`);
  expect(byId(actual)).toEqual(byId(expected));
  return actual;
}

async function expectBothRefuse(resources: string, replacements: string): Promise<RenderError> {
  const [expected, actual] = [await kubectl(resources, replacements), ours(resources, replacements)];
  expect(expected).toBeInstanceOf(Error);
  expect(actual).toBeInstanceOf(RenderError);
  const error = actual as RenderError;
  expect(error.reason).toBe('invalid');
  expect(error.message).toContain('apps/shop/kustomization.yaml');
  return error;
}

const SHOP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: release
  namespace: shop
data:
  tag: "1.4.2"
  replicas: "3"
  debug: "true"
  domain: shop.example.com
  upstream: checkout-v2.shop.svc.cluster.local
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop-prod
---
apiVersion: v1
kind: Service
metadata:
  name: storefront-v2
  namespace: shop
  labels: {app: storefront, tier: web}
spec:
  selector: {app: storefront}
  ports:
  - name: http
    port: 8080
    targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
  namespace: shop
  labels: {app: storefront, tier: web}
spec:
  replicas: 1
  selector:
    matchLabels: {app: storefront}
  template:
    metadata:
      labels: {app: storefront}
    spec:
      containers:
      - name: app
        image: registry.example.com/shop/storefront:0.0.0
        env:
        - name: DEBUG
          value: "false"
        - name: PORT
          value: "80"
        ports:
        - containerPort: 80
      - name: proxy
        image: envoyproxy/envoy:v1.30.1
      - name: app-metrics
        image: registry.example.com/shop/metrics:0.0.0
        args: ["--port", "9090", "--format=prom"]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
  labels: {app: checkout, tier: web}
spec:
  replicas: 2
  selector:
    matchLabels: {app: checkout}
  template:
    metadata:
      labels: {app: checkout}
    spec:
      containers:
      - name: app
        image: registry.example.com/shop/checkout:0.0.0
      - name: migrate
        image: registry.example.com/shop/checkout:0.0.0
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: legacy-admin
  namespace: shop
  labels: {app: legacy-admin, frozen: "yes"}
spec:
  selector:
    matchLabels: {app: legacy-admin}
  template:
    metadata:
      labels: {app: legacy-admin}
    spec:
      containers:
      - name: app
        image: registry.example.com/shop/admin:0.9.0
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: storefront
  namespace: shop
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  rules:
  - host: www.example.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: placeholder, port: {number: 80}}
      - path: /api
        pathType: Prefix
        backend:
          service: {name: placeholder, port: {number: 80}}
  tls:
  - hosts: [www.example.com]
    secretName: storefront-tls
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: storefront
  namespace: shop
spec:
  secretName: storefront-tls
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
  dnsNames:
  - storefront.NAMESPACE.svc
  - storefront.NAMESPACE.svc.cluster.local
`;

describe.skipIf(!hasKubectl)('replacements: parity with kubectl kustomize', { concurrent: true }, () => {
  if (!hasKubectl) console.warn('kubectl is not on PATH: replacements parity tests skipped');

  it('copies names, image tags and namespaces the way real overlays do', async () => {
    const out = await expectParity(
      SHOP,
      `
- source: {kind: Service, name: storefront-v2}
  targets:
  - select: {kind: Ingress, name: storefront}
    fieldPaths:
    - spec.rules.[host=www.example.com].http.paths.[path=/api].backend.service.name
    - spec.rules.0.http.paths.0.backend.service.name
- source: {kind: ConfigMap, name: release, fieldPath: data.tag}
  targets:
  - select: {kind: Deployment}
    reject:
    - labelSelector: frozen=yes
    fieldPaths: ['spec.template.spec.containers.[name=app].image']
    options: {delimiter: ':', index: 1}
- source: {kind: Namespace, name: shop-prod}
  targets:
  - select: {group: cert-manager.io, kind: Certificate}
    fieldPaths: ['spec.dnsNames.*']
    options: {delimiter: '.', index: 1}
- source: {kind: Ingress, fieldPath: 'metadata.annotations.cert-manager\\.io/cluster-issuer'}
  targets:
  - select: {kind: Certificate}
    fieldPaths: [spec.issuerRef.name]
- source: {kind: ConfigMap, name: release, fieldPath: data.domain}
  targets:
  - select: {kind: Ingress}
    fieldPaths: [spec.rules.0.host, spec.tls.0.hosts.0]
`,
    );
    // The parity assertion is the point; this guards against both sides silently doing nothing.
    expect(JSON.stringify(out)).toContain('registry.example.com/shop/checkout:1.4.2');
  });

  it('keeps the target field type, copies whole maps and lists, creates missing fields', async () => {
    await expectParity(
      SHOP,
      `
- source: {kind: ConfigMap, name: release, fieldPath: data.replicas}
  targets:
  - select: {kind: Deployment, name: storefront}
    fieldPaths: [spec.replicas]
- source: {kind: Deployment, name: checkout, fieldPath: spec.replicas}
  targets:
  - select: {kind: Deployment, name: storefront}
    fieldPaths: ['spec.template.spec.containers.[name=app].env.[name=PORT].value']
- source: {kind: ConfigMap, name: release, fieldPath: data.debug}
  targets:
  - select: {kind: Deployment, name: storefront}
    fieldPaths: ['spec.template.spec.containers.[name=app].env.[name=DEBUG].value']
- source: {kind: Service, fieldPath: metadata.labels}
  targets:
  - select: {kind: Deployment, name: checkout}
    fieldPaths: [spec.template.metadata.labels]
- source: {kind: Deployment, name: storefront, fieldPath: spec.template.spec.containers.1}
  targets:
  - select: {kind: Deployment, name: legacy-admin}
    fieldPaths: [spec.template.spec.containers.1]
    options: {create: true}
- source: {kind: ConfigMap, name: release, fieldPath: data.replicas}
  targets:
  - select: {kind: Deployment, name: legacy-admin}
    fieldPaths: [spec.replicas, spec.template.metadata.annotations.replicas-hint]
    options: {create: true}
- source: {kind: ConfigMap, name: release, fieldPath: data.upstream, options: {delimiter: '.', index: 0}}
  targets:
  - select: {kind: Deployment, name: checkout}
    fieldPaths: ['spec.template.spec.containers.[name=app].env.[name=UPSTREAM].value']
    options: {create: true}
- source: {kind: ConfigMap, name: release, fieldPath: data.tag}
  targets:
  - select: {kind: Service}
    fieldPaths: [metadata.labels.tier]
    options: {delimiter: '-', index: -1}
  - select: {kind: Service}
    fieldPaths: [spec.selector.app]
    options: {delimiter: '-', index: 5}
`,
    );
  });

  it('selects by exact ids and by previous names, with rejects by id', async () => {
    await expectParity(
      SHOP,
      `
- source: {version: v1, kind: ConfigMap, namespace: shop, name: release, fieldPath: data.tag}
  targets:
  - select: {group: apps, version: v1, kind: Deployment, namespace: shop}
    reject:
    - name: storefront
    - kind: Deployment
      name: legacy-admin
    fieldPaths: [metadata.annotations.release]
    options: {create: true}
  - select: {kind: Deploy.*}
    fieldPaths: [metadata.annotations.regex]
    options: {create: true}
  - select: {annotationSelector: cert-manager.io/cluster-issuer}
    fieldPaths: [metadata.annotations.from-selector]
    options: {create: true}
`,
    );
  });

  it('matches target list selectors as unanchored regexes but the source exactly, and follows previous names', async () => {
    const out = await expectParity(
      SHOP,
      `
- source: {kind: ConfigMap, name: release, fieldPath: data.tag}
  targets:
  - select: {kind: Deployment, name: storefront}
    fieldPaths: ['spec.template.spec.containers.[name=app].image']
    options: {delimiter: ':', index: 1}
  - select: {kind: Deployment, name: storefront}
    fieldPaths: ['spec.template.spec.containers.[name=^app-.*$].args.[=9090]']
- source: {kind: Deployment, name: storefront, fieldPath: 'spec.template.spec.containers.[name=app].image'}
  targets:
  - select: {kind: Deployment, name: checkout}
    fieldPaths: ['spec.template.spec.containers.[name=migrate].image']
- source: {kind: Deployment, name: storefront, fieldPath: 'spec.template.spec.containers.-.name'}
  targets:
  - select: {kind: Service}
    fieldPaths: [metadata.annotations.last-container]
    options: {create: true}
- source: {kind: Service, name: storefront-v2}
  targets:
  - select: {kind: Ingress, name: storefront}
    fieldPaths: ['spec.rules.0.http.paths.[path=/].backend.service.name']
- source: {kind: Ingress, fieldPath: 'metadata.annotations.[cert-manager.io/cluster-issuer]'}
  targets:
  - select: {kind: Deployment, name: checkout}
    fieldPaths: ['spec.template.spec.containers.[name=migrate].args.[=--issuer]', 'metadata.annotations.[example.com/issuer]']
    options: {create: true}
`,
      { namespace: 'shop-prod', namePrefix: 'eu-' },
    );
    // "[name=app]" also reaches "app-metrics" (kyaml's regexp.MatchString is not anchored).
    expect(JSON.stringify(out)).toContain('registry.example.com/shop/metrics:1.4.2');
    expect(JSON.stringify(out)).toContain('eu-storefront-v2');
  });

  const errorCases: [string, string][] = [
    ['source not found', `- source: {kind: ConfigMap, name: missing}\n  targets:\n  - select: {kind: Service}\n`],
    ['several sources match', `- source: {kind: Deployment}\n  targets:\n  - select: {kind: Service}\n`],
    [
      'source field missing',
      `- source: {kind: ConfigMap, name: release, fieldPath: data.nope}\n  targets:\n  - select: {kind: Service}\n`,
    ],
    [
      'target field missing without create',
      `- source: {kind: ConfigMap, name: release, fieldPath: data.tag}\n  targets:\n  - select: {kind: Service}\n    fieldPaths: [metadata.annotations.version]\n`,
    ],
    [
      'source delimiter on a map',
      `- source: {kind: Service, fieldPath: metadata.labels, options: {delimiter: '-'}}\n  targets:\n  - select: {kind: Service}\n`,
    ],
    [
      'source index out of bounds',
      `- source: {kind: ConfigMap, name: release, fieldPath: data.tag, options: {delimiter: '.', index: 3}}\n  targets:\n  - select: {kind: Service}\n`,
    ],
    [
      'target delimiter on a map',
      `- source: {kind: ConfigMap, name: release, fieldPath: data.tag}\n  targets:\n  - select: {kind: Service}\n    fieldPaths: [spec.selector]\n    options: {delimiter: '-'}\n`,
    ],
    ['no targets', `- source: {kind: ConfigMap, name: release}\n`],
    [
      'target without select',
      `- source: {kind: ConfigMap, name: release}\n  targets:\n  - fieldPaths: [metadata.name]\n`,
    ],
    [
      'index past the end of a list',
      `- source: {kind: ConfigMap, name: release, fieldPath: data.tag}\n  targets:\n  - select: {kind: Ingress}\n    fieldPaths: [spec.tls.3.secretName]\n    options: {create: true}\n`,
    ],
  ];
  it.each(errorCases)('refuses like Kustomize: %s', async (_name, replacements) => {
    await expectBothRefuse(SHOP, replacements);
  });
});
