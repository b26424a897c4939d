// Patch throughput of the built-in Kustomize engine: a typical overlay patch (image, env, resources, a volume and a
// sidecar) merged into a typical Deployment, and a JSON 6902 patch on the same object. The reference, measured in
// the same run, is a plain deep copy of the Deployment (every patch starts with one), so the ratio says what the
// merge itself costs.
import { applyJsonPatch, decodeJsonPatch } from '../src/render/kustomize/json6902.js';
import { strategicMerge } from '../src/render/kustomize/strategic-merge.js';
import { opsPerSecond, type Benchmark } from './harness.js';

const container = (name: string, image: string) => ({
  name,
  image,
  ports: [{ containerPort: 8080, name: 'http' }],
  env: Array.from({ length: 8 }, (_, i) => ({ name: `VAR_${i}`, value: String(i) })),
  resources: { limits: { cpu: '500m', memory: '256Mi' }, requests: { cpu: '100m', memory: '128Mi' } },
  volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
});

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'checkout-api', namespace: 'shop', labels: { app: 'checkout-api' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'checkout-api' } },
    template: {
      metadata: { labels: { app: 'checkout-api' } },
      spec: {
        containers: [
          container('app', 'ghcr.io/acme/checkout-api:1.4.0'),
          container('envoy', 'envoyproxy/envoy:v1.30.1'),
        ],
        volumes: [{ name: 'config', configMap: { name: 'checkout-config' } }],
      },
    },
  },
};

const patch = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'checkout-api' },
  spec: {
    replicas: 4,
    template: {
      spec: {
        containers: [
          {
            name: 'app',
            image: 'ghcr.io/acme/checkout-api:1.5.0',
            env: [
              { name: 'VAR_3', value: 'changed' },
              { name: 'FEATURE', value: 'on' },
            ],
            resources: { limits: { memory: '512Mi' } },
          },
          { name: 'otel', image: 'otel/opentelemetry-collector:0.98.0' },
        ],
        volumes: [{ name: 'tls', secret: { secretName: 'checkout-tls' } }],
      },
    },
  },
};

const operations = decodeJsonPatch(
  JSON.stringify([
    { op: 'replace', path: '/spec/replicas', value: 4 },
    { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'FEATURE', value: 'on' } },
    { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'ghcr.io/acme/checkout-api:1.5.0' },
  ]),
);

const benchmark: Benchmark = {
  title: 'render: patches (strategic merge, JSON 6902)',
  async run() {
    const copyRate = opsPerSecond(() => structuredClone(deployment));
    const mergeRate = opsPerSecond(() => strategicMerge(deployment, patch));
    const jsonRate = opsPerSecond(() => applyJsonPatch(structuredClone(deployment), operations));
    return [
      {
        name: 'reference: deep copy of a 2-container Deployment',
        median: copyRate,
        unit: 'copies/s',
      },
      {
        name: 'strategic merge of an overlay patch into that Deployment',
        median: mergeRate,
        unit: 'patches/s',
        note: `${(copyRate / mergeRate).toFixed(1)}× the time of the copy`,
      },
      {
        name: 'JSON 6902 patch (3 operations) on a copy of that Deployment',
        median: jsonRate,
        unit: 'patches/s',
        note: `${(copyRate / jsonRate).toFixed(1)}× the time of the copy`,
      },
    ];
  },
};

export default benchmark;
