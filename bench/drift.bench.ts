// Drift preview cost. The comparison: one environment of 200 rendered objects (the prod example repeated with
// distinct names) against real-shaped live objects with every server-added field, judged against parsing the
// same live YAML in the same run (a review has to read the snapshot anyway). The Kubernetes source: reading the
// same 200 objects from a local API server that takes 5 ms per answer, with the default concurrency of 8
// against one request at a time.
import { stringify } from 'yaml';
import { compareEnvironment } from '../src/drift/environment.js';
import { idKey, idOf } from '../src/drift/identity.js';
import { KubernetesSource } from '../src/drift/sources/kubernetes.js';
import type { LiveLookup } from '../src/drift/types.js';
import type { KubeObject } from '../src/render/types.js';
import { parseYaml } from '../src/validate/yaml.js';
import { startFakeKube } from '../test/drift/fake-kube.js';
import { LIVE, rendered, yamlObjects } from '../test/drift/helpers.js';
import { timeMs, type Benchmark } from './harness.js';

const COPIES = 25;

function renamed(object: KubeObject, i: number): KubeObject {
  const copy = structuredClone(object);
  copy.metadata = { ...copy.metadata, name: `${copy.metadata?.name}-${i}` };
  return copy;
}

function fixtures() {
  const [base, head] = rendered('prod');
  const live = [
    ...(yamlObjects(`${LIVE}prod/shop-prod/objects.yaml`)[0]!.items as KubeObject[]),
    ...yamlObjects(`${LIVE}prod/shop-prod/deployment-checkout-api.yaml`),
  ];
  const many = (objects: KubeObject[]) =>
    Array.from({ length: COPIES }, (_, i) =>
      objects.filter((o) => o.kind !== 'Namespace').map((o) => renamed(o, i)),
    ).flat();
  return { base: many(base!), head: many(head!), live: many(live) };
}

const benchmark: Benchmark = {
  title: 'drift: three-way comparison and the Kubernetes source',
  async run() {
    const { base, head, live } = fixtures();
    const lookups = new Map<string, LiveLookup>(live.map((o) => [idKey(idOf(o)!), { state: 'found', object: o }]));
    const roots = [{ path: 'environments/prod', base, head }];
    const compare = () =>
      compareEnvironment({ env: 'prod', source: 'bench', roots, controllers: [], live: lookups, rules: [] });
    const result = compare();
    const reverts = result.items.filter((i) => i.state === 'reverts-out-of-band').length;
    if (reverts !== COPIES) throw new Error(`expected ${COPIES} reverted Deployments, got ${reverts}`);
    const liveYaml = live.map((o) => stringify(o)).join('---\n');
    const comparison = await timeMs(compare, 9, 2);
    const parse = await timeMs(() => parseYaml('live.yaml', liveYaml), 9, 2);

    const fake = await startFakeKube(live);
    fake.delayMs = 5;
    const ids = head.map((o) => idOf(o)!);
    const read = (concurrency: number) => async () => {
      const source = new KubernetesSource({
        context: 'prod-ro',
        kubeconfig: fake.kubeconfig,
        timeoutMs: 5000,
        concurrency,
      });
      await source.get(ids);
      source.close();
    };
    try {
      const parallel = await timeMs(read(8), 3, 1);
      const sequential = await timeMs(read(1), 3, 1);
      const speedup = sequential.median / parallel.median;
      const ratio = comparison.median / parse.median;
      return [
        {
          name: `compare one environment: ${head.length} objects (main, PR, live with server fields)`,
          median: comparison.median,
          unit: 'ms',
          target: '≤ 1× parsing the same live YAML',
          met: ratio <= 1,
          note: `${ratio.toFixed(2)}× the parse time; ${(head.length / comparison.median).toFixed(0)} objects/ms`,
        },
        {
          name: `reference: parsing the ${live.length} live objects' YAML (YAML 1.1, positions)`,
          median: parse.median,
          unit: 'ms',
        },
        {
          name: `Kubernetes source: GET ${ids.length} objects over HTTPS, 5 ms per answer, concurrency 8`,
          median: parallel.median,
          unit: 'ms',
          target: '≥ 4× faster than one request at a time',
          met: speedup >= 4,
          note: `${speedup.toFixed(1)}× faster than concurrency 1`,
        },
        { name: 'reference: the same reads with concurrency 1', median: sequential.median, unit: 'ms' },
      ];
    } finally {
      await fake.close();
    }
  },
};

export default benchmark;
