import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseRepoConfig, type LoadedConfig } from '../src/config/config.js';
import { validateFiles } from '../src/commands/validate.js';
import { checkDocument } from '../src/validate/document.js';
import { checkSchema, type DocumentRole } from '../src/validate/schema/check.js';
import { closest } from '../src/validate/schema/errors.js';
import { SchemaRegistry } from '../src/validate/schema/registry.js';
import { parseYaml } from '../src/validate/yaml.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/validate/', import.meta.url));
const DEFAULTS: LoadedConfig = { config: defaultConfig(), valid: true, findings: [] };

function problemsOf(yaml: string, role: DocumentRole = 'object', registry = new SchemaRegistry(), file = 'm.yaml') {
  const parsed = parseYaml(file, yaml);
  expect(parsed.findings).toEqual([]);
  return parsed.documents.flatMap((doc) =>
    checkSchema(doc.value, { registry, role, file, unknownKindSeverity: 'warning' }).map((p) => p.message),
  );
}

describe('valid manifests of every covered kind', () => {
  it('pass without a single finding', () => {
    const findings = validateFiles(
      readdirSync(`${FIXTURES}valid`, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => `valid/${f}`),
      FIXTURES,
      DEFAULTS,
    );
    expect(findings).toEqual([]);
  });

  it('cover the kinds GitOps repositories are full of', () => {
    const kinds = new Set<string>();
    for (const file of readdirSync(`${FIXTURES}valid`).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseYaml(file, readFileSync(`${FIXTURES}valid/${file}`, 'utf8')).documents) {
        const { apiVersion, kind } = doc.value as { apiVersion: string; kind: string };
        kinds.add(`${apiVersion}/${kind}`);
      }
    }
    for (const kind of [
      'apps/v1/Deployment',
      'apps/v1/StatefulSet',
      'apps/v1/DaemonSet',
      'batch/v1/CronJob',
      'v1/Service',
      'v1/ConfigMap',
      'networking.k8s.io/v1/Ingress',
      'autoscaling/v2/HorizontalPodAutoscaler',
      'source.toolkit.fluxcd.io/v1/GitRepository',
      'source.toolkit.fluxcd.io/v1/OCIRepository',
      'source.toolkit.fluxcd.io/v1/HelmRepository',
      'kustomize.toolkit.fluxcd.io/v1/Kustomization',
      'helm.toolkit.fluxcd.io/v2/HelmRelease',
      'image.toolkit.fluxcd.io/v1/ImageRepository',
      'image.toolkit.fluxcd.io/v1/ImagePolicy',
      'image.toolkit.fluxcd.io/v1/ImageUpdateAutomation',
      'argoproj.io/v1alpha1/Application',
      'argoproj.io/v1alpha1/ApplicationSet',
      'argoproj.io/v1alpha1/AppProject',
      'bitnami.com/v1alpha1/SealedSecret',
      'external-secrets.io/v1/ExternalSecret',
      'external-secrets.io/v1/SecretStore',
      'external-secrets.io/v1/ClusterSecretStore',
      'cert-manager.io/v1/Certificate',
      'cert-manager.io/v1/ClusterIssuer',
      'gateway.networking.k8s.io/v1/Gateway',
      'gateway.networking.k8s.io/v1/HTTPRoute',
      'monitoring.coreos.com/v1/ServiceMonitor',
      'monitoring.coreos.com/v1/PodMonitor',
      'monitoring.coreos.com/v1/PrometheusRule',
      'kustomize.config.k8s.io/v1beta1/Kustomization',
    ]) {
      expect(kinds, kind).toContain(kind);
    }
  });
});

const meta = 'metadata: { name: x }\n';

describe('invalid manifests', () => {
  it.each([
    [
      'apps/v1 Deployment: a quoted number',
      `apiVersion: apps/v1\nkind: Deployment\n${meta}spec:\n  replicas: "3"\n  selector: { matchLabels: { a: b } }\n  template: { spec: { containers: [{ name: a, image: b }] } }\n`,
      ['spec.replicas: must be integer, got "3"'],
    ],
    [
      'apps/v1 Deployment: a typo and a bad enum',
      `apiVersion: apps/v1\nkind: Deployment\n${meta}spec:\n  selector: { matchLabels: { a: b } }\n  template:\n    spec:\n      containres: []\n      containers: [{ name: a, image: b, imagePullPolicy: Allways }]\n`,
      [
        'spec.template.spec.containres: unknown field (did you mean containers?)',
        'spec.template.spec.containers[0].imagePullPolicy: must be one of Always, IfNotPresent, Never, got "Allways"',
      ],
    ],
    [
      'int-or-string and quantity',
      `apiVersion: apps/v1\nkind: Deployment\n${meta}spec:\n  selector: { matchLabels: { a: b } }\n  strategy: { rollingUpdate: { maxSurge: 1.5 } }\n  template: { spec: { containers: [{ name: a, image: b, resources: { limits: { cpu: two } } }] } }\n`,
      [
        'spec.strategy.rollingUpdate.maxSurge: must be integer or string, got 1.5',
        'spec.template.spec.containers[0].resources.limits.cpu: must be a quantity such as 500m, 2, 128Mi or 1Gi, got "two"',
      ],
    ],
    [
      'int32 range',
      `apiVersion: v1\nkind: Service\n${meta}spec:\n  ports: [{ port: 3000000000 }]\n`,
      ['spec.ports[0].port: must be a 32-bit integer, got 3000000000'],
    ],
    [
      'labels are strings',
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: { version: 1.0 }\n`,
      ['metadata.labels.version: must be string, got 1'],
    ],
    [
      'networking.k8s.io/v1 Ingress: pathType',
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\n${meta}spec:\n  rules: [{ http: { paths: [{ path: /, pathType: prefix, backend: { service: { name: a, port: { number: 80 } } } }] } }]\n`,
      ['spec.rules[0].http.paths[0].pathType: must be one of Exact, ImplementationSpecific, Prefix, got "prefix"'],
    ],
    [
      'Flux Kustomization: prune as a string',
      `apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n${meta}spec:\n  interval: 10m\n  prune: "true"\n  sourceRef: { kind: GitRepository, name: x }\n`,
      ['spec.prune: must be boolean, got "true"'],
    ],
    [
      'Flux HelmRelease: a misspelt field',
      `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n${meta}spec:\n  interval: 5m\n  valuez: { a: 1 }\n`,
      ['spec.valuez: unknown field (did you mean values?)'],
    ],
    [
      'Flux GitRepository: missing interval',
      `apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\n${meta}spec:\n  url: https://github.com/acme/x\n`,
      ['spec.interval: required field is missing'],
    ],
    [
      'Flux HelmRepository: type enum',
      `apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\n${meta}spec:\n  interval: 1h\n  url: oci://x\n  type: OCI\n`,
      ['spec.type: must be one of default, oci, got "OCI"'],
    ],
    [
      'Flux ImageUpdateAutomation: unknown strategy field',
      `apiVersion: image.toolkit.fluxcd.io/v1\nkind: ImageUpdateAutomation\n${meta}spec:\n  interval: 30m\n  sourceRef: { kind: GitRepository, name: x }\n  update: { path: ./, stratgy: Setters }\n`,
      ['spec.update.stratgy: unknown field (did you mean strategy?)'],
    ],
    [
      'Argo CD Application: automated prune as a string',
      `apiVersion: argoproj.io/v1alpha1\nkind: Application\n${meta}spec:\n  project: x\n  destination: { server: x }\n  syncPolicy: { automated: { prune: "yes please" } }\n`,
      ['spec.syncPolicy.automated.prune: must be boolean, got "yes please"'],
    ],
    [
      'Argo CD AppProject: sourceRepos as a string',
      `apiVersion: argoproj.io/v1alpha1\nkind: AppProject\n${meta}spec:\n  sourceRepos: "*"\n`,
      ['spec.sourceRepos: must be a list, got "*"'],
    ],
    [
      'SealedSecret: encryptedData as a list',
      `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\n${meta}spec:\n  encryptedData: [a]\n`,
      ['spec.encryptedData: must be a mapping, got a list'],
    ],
    [
      'ExternalSecret: remoteRef typo',
      `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\n${meta}spec:\n  data: [{ secretKey: a, remoteRef: { key: b, propery: c } }]\n`,
      ['spec.data[0].remoteRef.propery: unknown field (did you mean property?)'],
    ],
    [
      'cert-manager Certificate: key algorithm',
      `apiVersion: cert-manager.io/v1\nkind: Certificate\n${meta}spec:\n  secretName: x\n  issuerRef: { name: x }\n  privateKey: { algorithm: rsa }\n`,
      // Under a key that sounds like a secret, values are never echoed.
      ['spec.privateKey.algorithm: must be one of RSA, ECDSA, Ed25519, got a string'],
    ],
    [
      'Gateway API HTTPRoute: weight as a string',
      `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\n${meta}spec:\n  rules: [{ backendRefs: [{ name: a, port: 80, weight: "90" }] }]\n`,
      ['spec.rules[0].backendRefs[0].weight: must be integer, got "90"'],
    ],
    [
      'Prometheus ServiceMonitor: endpoint typo',
      `apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\n${meta}spec:\n  selector: {}\n  endpoints: [{ port: metrics, intervall: 30s }]\n`,
      ['spec.endpoints[0].intervall: unknown field (did you mean interval?)'],
    ],
    [
      'kustomization: unknown field and a quoted count',
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresourcs: [a.yaml]\nreplicas: [{ name: a, count: "2" }]\n`,
      ['resourcs: unknown field (did you mean resources?)', 'replicas[0].count: must be integer, got "2"'],
    ],
    [
      'kustomize Component with the Kustomization apiVersion',
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Component\nresources: []\n`,
      ['apiVersion: must be "kustomize.config.k8s.io/v1alpha1", got "kustomize.config.k8s.io/v1beta1"'],
    ],
    [
      'a kubectl List, item by item',
      `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata: { name: a }\n    data: { a: 1 }\n  - apiVersion: example.com/v1\n    kind: Widget\n    metadata: { name: w }\n`,
      [
        'items[0].data.a: must be string, got 1',
        'items[1]: no schema for example.com/v1 Widget, so it was not checked; add its CustomResourceDefinition to the repository so envgate can check it',
      ],
    ],
    [
      'a removed API version',
      `apiVersion: extensions/v1beta1\nkind: Ingress\n${meta}`,
      ['extensions/v1beta1 Ingress is not served by Kubernetes 1.36; use networking.k8s.io/v1'],
    ],
    [
      'JSON 6902 patch: replace without a value',
      `- op: replace\n  path: /spec/replicas\n- op: rmove\n  path: /spec/x\n`,
      [
        '[0].value: required field is missing',
        '[1].op: must be one of add, remove, replace, move, copy, test, got "rmove"',
      ],
    ],
  ])('%s', (_name, yaml, expected) => {
    expect(problemsOf(yaml)).toEqual(expected);
  });

  it('reports a kind without a schema, never passing it silently', () => {
    const registry = new SchemaRegistry();
    const doc = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } };
    for (const severity of ['warning', 'error'] as const) {
      const [problem] = checkSchema(doc, { registry, role: 'object', file: 'w.yaml', unknownKindSeverity: severity });
      expect(problem).toMatchObject({ rule: 'schema/unknown-kind', severity });
      expect(problem!.message).toBe(
        'no schema for example.com/v1 Widget, so it was not checked; add its CustomResourceDefinition to the repository so envgate can check it',
      );
    }
    expect(problemsOf('apiVersion: apps/v2\nkind: Deployment\nmetadata: { name: x }\n')).toEqual([
      'no schema for apps/v2 Deployment, so it was not checked; schemas exist for apps/v1 — is the apiVersion right?',
    ]);
  });

  it('suggests the field a typo meant', () => {
    expect(closest('containres', ['containers', 'initContainers'])).toBe('containers');
    expect(closest('ImagePullPolicy', ['imagePullPolicy'])).toBe('imagePullPolicy');
    expect(closest('zzz', ['containers'])).toBeUndefined();
  });
});

describe('patches, nulls, SOPS and YAML 1.1', () => {
  const patch = `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api }\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          resources: { limits: { cpu: "2" } }\n`;

  it('checks a patch for types and fields only: it is partial by nature', () => {
    expect(problemsOf(patch, 'patch')).toEqual([]);
    expect(problemsOf(patch.replace('cpu: "2"', 'cpu: lots'), 'patch')).toEqual([
      'spec.template.spec.containers[0].resources.limits.cpu: must be a quantity such as 500m, 2, 128Mi or 1Gi, got "lots"',
    ]);
    expect(problemsOf(patch, 'object')).toEqual(['spec.selector: required field is missing']);
  });

  it('reads explicit nulls as "not set", as the API server does', () => {
    expect(
      problemsOf(
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  creationTimestamp: null\n  labels: ~\ndata:\n  a: "1"\n`,
      ),
    ).toEqual([]);
  });

  it('ignores the sops block and the types SOPS hides behind ENC[…]', () => {
    const enc = 'ENC[AES256_GCM,data:Mw==,iv:MTIzNDU2Nzg5MGFiY2RlZg==,tag:q83vEjRWeJASNFZ4kBI0Vg==,type:int]';
    expect(
      problemsOf(
        `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: x }\nspec:\n  replicas: ${enc}\n  selector: { matchLabels: { a: b } }\n  template: { spec: { containers: [{ name: a, image: b }] } }\nsops:\n  mac: ${enc}\n  version: 3.9.1\n`,
      ),
    ).toEqual([]);
  });

  it('reads YAML 1.1 scalars as Kubernetes does', () => {
    expect(
      problemsOf(
        `apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: x }\nautomountServiceAccountToken: no\n---\napiVersion: v1\nkind: Pod\nmetadata: { name: p }\nspec:\n  containers: [{ name: a, image: b }]\n  volumes: [{ name: c, configMap: { name: c, defaultMode: 0644 } }]\n`,
      ),
    ).toEqual([]);
  });

  it('reports a document with a kind but no apiVersion when it is deployed as a resource', () => {
    expect(problemsOf('kind: Deployment\nmetadata: { name: x }\n', 'object')).toEqual([
      'apiVersion missing: a Kubernetes object needs both',
    ]);
    expect(problemsOf('server: { port: 8080 }\n', 'data')).toEqual([]);
    expect(problemsOf('server: { port: 8080 }\n', 'unknown')).toEqual([]);
  });
});

describe('CustomResourceDefinitions in the repository', () => {
  const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: widgets.acme.io }
spec:
  group: acme.io
  names: { kind: Widget, plural: widgets }
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              required: [size]
              properties:
                size: { type: integer, minimum: 1 }
                port: { x-kubernetes-int-or-string: true }
                color: { type: string, enum: [red, blue], pattern: "(?i)^(red|blue)$" }
                settings: { type: object, x-kubernetes-preserve-unknown-fields: true }
                template: { type: object, x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true }
`;

  function registryWithCrd() {
    const registry = new SchemaRegistry();
    const added = registry.addCrd(parseYaml('crd.yaml', crd).documents[0]!.value, 'crd.yaml');
    expect(added).toEqual({ keys: ['acme.io/v1/Widget'] });
    return registry;
  }

  it('makes the CRD schema strict, keeping its free-form and int-or-string fields', () => {
    const registry = registryWithCrd();
    const widget = (spec: string) =>
      problemsOf(
        `apiVersion: acme.io/v1\nkind: Widget\nmetadata: { name: w, labels: { a: b } }\nspec:\n${spec}`,
        'object',
        registry,
      );
    expect(widget('  size: 2\n  port: http\n  color: red\n  settings: { anything: [1, 2] }\n')).toEqual([]);
    expect(
      widget('  size: 2\n  port: 8080\n  template: { apiVersion: v1, kind: Pod, metadata: { name: p } }\n'),
    ).toEqual([]);
    expect(widget('  size: 0\n  sise: 2\n  color: green\n')).toEqual([
      'spec.sise: unknown field (did you mean size?)',
      'spec.size: must be >= 1, got 0',
      'spec.color: must be one of red, blue, got "green"',
    ]);
    expect(widget('  port: 1.5\n')).toEqual([
      'spec.size: required field is missing',
      'spec.port: must be integer or string, got 1.5',
    ]);
  });

  it('reports a CRD whose schema cannot be compiled instead of failing the review', () => {
    const registry = new SchemaRegistry();
    const broken = crd.replace('size: { type: integer, minimum: 1 }', 'size: { type: integer, minimum: one }');
    registry.addCrd(parseYaml('crd.yaml', broken).documents[0]!.value, 'crds/widget.yaml');
    expect(problemsOf(`apiVersion: acme.io/v1\nkind: Widget\n${meta}spec: { size: 2 }\n`, 'object', registry)).toEqual([
      'the schema for acme.io/v1 Widget (CustomResourceDefinition in crds/widget.yaml) cannot be used, so it was not checked: schema is invalid: data/properties/spec/properties/size/minimum must be number',
    ]);
  });

  it('takes precedence over the bundled schema of the same kind (the cluster runs that version)', () => {
    const registry = new SchemaRegistry();
    const flux = crd
      .replace(/acme\.io/g, 'helm.toolkit.fluxcd.io')
      .replace(/Widget/g, 'HelmRelease')
      .replace('name: v1\n', 'name: v2\n');
    registry.addCrd(parseYaml('crd.yaml', flux).documents[0]!.value);
    expect(
      problemsOf(
        `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\n${meta}spec: { size: 3 }\n`,
        'object',
        registry,
      ),
    ).toEqual([]);
  });

  it('is found by envgate validate among the files it checks', () => {
    const findings = validateFiles(['crd-and-widget.yaml'], FIXTURES, DEFAULTS);
    expect(findings.map((f) => `${f.line} ${f.rule} ${f.message}`)).toEqual([
      '30 schema/unknown-field spec.colour: unknown field (did you mean color?)',
    ]);
  });
});

describe('unknown kinds by environment class', () => {
  it('warns in most environments and blocks in critical ones', () => {
    const config = parseRepoConfig(
      '.envgate.yml',
      'environments:\n  dev: { paths: ["environments/dev/**"], class: low }\n  prod: { paths: ["environments/prod/**"], class: critical }\n',
    );
    const findings = validateFiles(
      ['environments/dev/widget.yaml', 'environments/prod/widget.yaml'],
      `${FIXTURES}unknown-kind`,
      config,
    );
    expect(findings.map((f) => [f.file, f.env, f.severity, f.rule])).toEqual([
      ['environments/dev/widget.yaml', 'dev', 'warning', 'schema/unknown-kind'],
      ['environments/prod/widget.yaml', 'prod', 'error', 'schema/unknown-kind'],
    ]);
  });
});

describe('checkDocument', () => {
  it('runs schema and secret checks together', () => {
    const problems = checkDocument(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's' },
        stringData: { token: 'kj3h4k5j6h7g8f9d0s1a' },
        tpye: 'Opaque',
      },
      { registry: new SchemaRegistry(), role: 'object', file: 's.yaml', unknownKindSeverity: 'warning' },
    );
    expect(problems.map((p) => p.rule)).toEqual(['schema/unknown-field', 'secret/plain-secret']);
  });
});
