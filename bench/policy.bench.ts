// Policy evaluation speed: typical compiled CEL expressions (evaluations per second on one core, against the same
// checks written by hand in JavaScript as the reference), and the whole baseline pack over 1,000 changed
// resources of a prod environment (against parsing the same resources' YAML, which every review does first).
import { stringify } from 'yaml';
import { compileExpression } from '../src/policy/cel/expression.js';
import { toCel } from '../src/policy/cel/values.js';
import { baselinePack, PolicyEngine } from '../src/policy/engine.js';
import { paramSource } from '../src/policy/evaluate.js';
import type { AdmissionRequest } from '../src/policy/match.js';
import { ResourceCatalog } from '../src/policy/resources.js';
import { environmentParams } from '../src/policy/stage.js';
import type { KubeObject } from '../src/render/types.js';
import { parseYaml } from '../src/validate/yaml.js';
import { opsPerSecond, timeMs, type Benchmark } from './harness.js';

const DIGEST = `sha256:${'3ab8e5ad'.repeat(8)}`;

function deployment(i: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `svc-${i}`, namespace: 'shop-prod', labels: { app: `svc-${i}`, owner: 'team-a' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: `svc-${i}` } },
      template: {
        metadata: { labels: { app: `svc-${i}` } },
        spec: {
          serviceAccountName: `svc-${i}`,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'app',
              image: `ghcr.io/acme/svc-${i}:1.${i % 20}.0@${DIGEST}`,
              ports: [{ name: 'http', containerPort: 8080 }],
              env: [
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: `svc-${i}-db`, key: 'password' } } },
              ],
              resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
              readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
}

/** A prod environment's worth of changed objects: mostly workloads, with their Services and ConfigMaps. */
function resources(count: number): KubeObject[] {
  const out: KubeObject[] = [];
  for (let i = 0; out.length < count; i++) {
    out.push(deployment(i));
    out.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `svc-${i}`, namespace: 'shop-prod' },
      spec: { selector: { app: `svc-${i}` }, ports: [{ port: 80, targetPort: 'http' }] },
    });
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `svc-${i}-config`, namespace: 'shop-prod' },
      data: { 'application.yaml': 'server:\n  port: 8080\n' },
    });
    if (i % 10 === 0) {
      const cron = structuredClone(deployment(i));
      out.push({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: `job-${i}`, namespace: 'shop-prod' },
        spec: {
          schedule: '@hourly',
          jobTemplate: { spec: { template: (cron.spec as { template: object }).template } },
        },
      });
    }
  }
  return out.slice(0, count);
}

/** Typical validation expressions, each with the hand-written JavaScript that checks the same thing. */
const EXPRESSIONS: [string, (o: KubeObject) => boolean][] = [
  ['object.spec.replicas <= 5', (o) => ((o.spec as { replicas: number }).replicas ?? 0) <= 5],
  [
    "has(object.metadata.labels) && 'owner' in object.metadata.labels",
    (o) => o.metadata?.labels !== undefined && 'owner' in o.metadata.labels,
  ],
  [
    "object.spec.template.spec.containers.all(c, c.image.contains('@sha256:'))",
    (o) => podSpec(o).containers.every((c) => c.image.includes('@sha256:')),
  ],
  [
    'object.spec.template.spec.?hostNetwork.orValue(false) == false',
    (o) => (podSpec(o) as { hostNetwork?: boolean }).hostNetwork !== true,
  ],
  [
    "object.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",
    (o) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(o.metadata?.name ?? ''),
  ],
  [
    'object.spec.template.spec.containers.all(c, c.?resources.?limits.?memory.hasValue())',
    (o) => podSpec(o).containers.every((c) => c.resources?.limits?.memory !== undefined),
  ],
];

interface Container {
  image: string;
  resources?: { limits?: { memory?: unknown } };
}
const podSpec = (o: KubeObject) => (o.spec as { template: { spec: { containers: Container[] } } }).template.spec;

const benchmark: Benchmark = {
  title: 'policy: CEL evaluation and the baseline pack',
  async run() {
    // 1. Compiled expressions on one Deployment.
    const object = deployment(1);
    const activation = { object: toCel(object) };
    const compiled = EXPRESSIONS.map(([text]) => compileExpression(text, { field: 'bench', expected: 'bool' }));
    for (const c of compiled) if (c.run(activation) !== true) throw new Error(`${c.text} is not true on the fixture`);
    let i = 0;
    const celRate = opsPerSecond(() => compiled[i++ % compiled.length]!.run(activation));
    let j = 0;
    const jsRate = opsPerSecond(() => EXPRESSIONS[j++ % EXPRESSIONS.length]![1](object));

    // 2. The baseline pack over 1,000 changed resources in prod.
    const engine = PolicyEngine.fromSets([baselinePack()]);
    const env = { name: 'prod', class: 'critical' as const };
    const params = paramSource([environmentParams(env, undefined)]);
    const catalog = new ResourceCatalog();
    const template = resources(1000);
    // Fresh copies per run: objects are converted to CEL values once per review, and that is part of the cost.
    const runs = Array.from({ length: 10 }, () => structuredClone(template));
    let run = 0;
    let failures = 0;
    const pack = await timeMs(
      () => {
        failures = 0;
        for (const o of runs[run++ % runs.length]!) {
          const req: AdmissionRequest = {
            operation: 'CREATE',
            object: o,
            oldObject: null,
            resource: catalog.info(o),
            name: o.metadata!.name!,
            namespace: o.metadata!.namespace!,
            namespaceObject: null,
          };
          for (const e of engine.evaluate(req, env, params)) failures += e.decisions.length;
        }
      },
      7,
      2,
    );
    if (failures !== 0)
      throw new Error(`the benchmark resources should pass the baseline pack (${failures} decisions)`);
    const yaml = template.map((o) => stringify(o));
    const parse = await timeMs(() => yaml.forEach((text, k) => parseYaml(`r${k}.yaml`, text)), 7, 2);
    return [
      {
        name: `${EXPRESSIONS.length} typical compiled expressions on a Deployment, one core`,
        median: celRate,
        unit: 'evaluations/s',
        target: '≥ 500,000 evaluations/s',
        met: celRate >= 500_000,
        note: `hand-written JavaScript for the same checks: ${Math.round(jsRate).toLocaleString('en-US')}/s (CEL is ${(jsRate / celRate).toFixed(1)}× slower)`,
      },
      {
        name: `baseline pack (${engine.policies.length} policies) over 1,000 changed prod resources`,
        median: pack.median,
        unit: 'ms',
        target: '< 100 ms',
        met: pack.median < 100,
        note: `parsing the same resources' YAML: ${parse.median.toFixed(1)} ms (${(pack.median / parse.median).toFixed(2)}× that)`,
      },
    ];
  },
};

export default benchmark;
