// The Renovate stage on a large grouped PR: 60 apps in 4 environments, every app's image bumped, rendered objects
// at base and head as the render stage hands them over. Compared, in the same run, with work any review of the same
// change does anyway: reading the rendered YAML of both sides once (the target), and a bare deep comparison of
// every base object with its head counterpart (for scale).
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import { parseRepoConfig } from '../src/config/config.js';
import { review } from '../src/core/review.js';
import type { Stage } from '../src/core/review.js';
import type { PullRequestSnapshot } from '../src/core/types.js';
import { MemorySnapshot } from '../src/git/memory.js';
import type { KubeObject, RenderedRoot } from '../src/render/types.js';
import { renovateStage } from '../src/renovate/stage.js';
import { timeMs, type Benchmark } from './harness.js';

const APPS = 60;
const ENVS = ['dev', 'test', 'staging', 'prod'] as const;

function objects(env: string, version: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (let a = 0; a < APPS; a++) {
    const name = `app-${a}`;
    const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'shop' };
    out.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: env, labels },
      spec: {
        replicas: 3,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            initContainers: [{ name: 'migrate', image: `ghcr.io/acme/${name}-migrate:${version}`, args: ['up'] }],
            containers: [
              {
                name,
                image: `ghcr.io/acme/${name}:${version}`,
                ports: [{ name: 'http', containerPort: 8080 }],
                env: Array.from({ length: 12 }, (_, i) => ({ name: `SETTING_${i}`, value: `value-${i}` })),
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              },
              { name: 'envoy', image: 'envoyproxy/envoy:v1.31.2' },
            ],
          },
        },
      },
    });
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: env, labels },
      spec: { ports: [{ port: 80 }] },
    });
    out.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: env }, data: { LOG_LEVEL: 'info' } });
  }
  return out;
}

function rendered(): RenderedRoot[] {
  return ENVS.map((env) => ({
    path: `environments/${env}`,
    type: 'kustomize',
    env,
    base: { status: 'ok', objects: objects(env, '1.8.1'), files: [`environments/${env}/kustomization.yaml`] },
    head: { status: 'ok', objects: objects(env, '1.8.2'), files: [`environments/${env}/kustomization.yaml`] },
  }));
}

const body = [
  'This PR contains the following updates:',
  '',
  '| Package | Update | Change |',
  '|---|---|---|',
  ...Array.from({ length: APPS }, (_, a) => `| ghcr.io/acme/app-${a} | patch | \`1.8.1\` → \`1.8.2\` |`),
  ...Array.from({ length: APPS }, (_, a) => `| ghcr.io/acme/app-${a}-migrate | patch | \`1.8.1\` → \`1.8.2\` |`),
].join('\n');

const benchmark: Benchmark = {
  title: 'Renovate: updates of a grouped PR from rendered objects',
  async run() {
    const roots = rendered();
    const kustomizations = Object.fromEntries(
      ENVS.map((env) => [`environments/${env}/kustomization.yaml`, `resources: [../../apps]\nnamespace: ${env}\n`]),
    );
    const snapshot = MemorySnapshot.fromRecord('a'.repeat(40), kustomizations);
    const pr: PullRequestSnapshot = {
      platform: 'github',
      id: '1',
      title: 'chore(deps): update all non-major dependencies',
      body,
      author: { id: '29139614', login: 'renovate[bot]', isBot: true },
      sourceBranch: 'renovate/all-minor-patch',
      targetBranch: 'main',
      labels: [],
      base: snapshot,
      head: snapshot,
      target: snapshot,
      changedPaths: ENVS.map((env) => ({
        path: `environments/${env}/kustomization.yaml`,
        status: 'modified' as const,
      })),
    };
    const config = parseRepoConfig(
      '.envgate.yml',
      'renovate: { autoApprove: { environments: [dev, test], updateTypes: [patch] } }\n',
    );
    const withRendered: Stage = { name: 'render', run: (ctx) => void (ctx.rendered = roots) };
    let updates = 0;
    const stage = await timeMs(
      async () => {
        const result = await review({ pr, config }, [withRendered, renovateStage]);
        updates = result.renovate!.updates.length;
      },
      21,
      3,
    );
    const deepCompare = await timeMs(
      () => {
        for (const root of roots) {
          if (root.base.status !== 'ok' || root.head.status !== 'ok') continue;
          root.base.objects.forEach((obj, i) =>
            isDeepStrictEqual(obj, (root.head as { objects: KubeObject[] }).objects[i]),
          );
        }
      },
      21,
      3,
    );
    const yamlText = roots
      .flatMap((root) => [root.base, root.head])
      .flatMap((side) => (side.status === 'ok' ? side.objects : []))
      .map((obj) => stringify(obj))
      .join('---\n');
    const readYaml = await timeMs(() => parseAllDocuments(yamlText).map((doc) => doc.toJS()), 7, 1);
    const ratio = stage.median / readYaml.median;
    const objectCount = roots.reduce((n, r) => n + (r.head.status === 'ok' ? r.head.objects.length : 0), 0);
    return [
      {
        name: `renovate stage: ${objectCount} objects at base and head, ${updates} updates, body cross-checked`,
        median: Math.round(stage.median * 10) / 10,
        unit: 'ms',
      },
      {
        name: `reference: read the rendered YAML of both sides once (${Math.round(yamlText.length / 1024)} KiB)`,
        median: Math.round(readYaml.median * 10) / 10,
        unit: 'ms',
      },
      {
        name: 'for scale: deep-compare every base object with its head counterpart',
        median: Math.round(deepCompare.median * 10) / 10,
        unit: 'ms',
      },
      {
        name: 'renovate stage ÷ reading the YAML',
        median: Math.round(ratio * 100) / 100,
        unit: '×',
        target: '≤ 0.1× (the stage adds under a tenth of what reading the render output once costs)',
        met: ratio <= 0.1,
      },
    ];
  },
};

export default benchmark;
