// Manifest validation throughput: strict schemas (compiled once) and the secret rules over a set of typical
// manifests — the valid fixtures, every covered kind — and parsing the same YAML as the reference measured in
// the same run (every review parses before it validates).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkSchema } from '../src/validate/schema/check.js';
import { SchemaRegistry } from '../src/validate/schema/registry.js';
import { scanSecrets } from '../src/validate/secrets/scan.js';
import { parseYaml } from '../src/validate/yaml.js';
import { opsPerSecond, timeMs, type Benchmark } from './harness.js';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/validate/valid/', import.meta.url));

function manifests(): { texts: string[]; objects: unknown[] } {
  const texts: string[] = [];
  const objects: unknown[] = [];
  for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')) {
    const text = readFileSync(`${FIXTURES}${file}`, 'utf8');
    for (const doc of parseYaml(file, text).documents) {
      objects.push(doc.value);
      texts.push(doc.node.toString());
    }
  }
  return { texts, objects };
}

const benchmark: Benchmark = {
  title: 'validate: strict schemas and secret rules',
  async run() {
    const { texts, objects } = manifests();
    const registry = new SchemaRegistry();
    const check = (value: unknown) =>
      checkSchema(value, { registry, role: 'object', file: 'm.yaml', unknownKindSeverity: 'warning' });
    const cold = await timeMs(
      () => {
        const fresh = new SchemaRegistry();
        for (const value of objects)
          checkSchema(value, { registry: fresh, role: 'object', file: 'm.yaml', unknownKindSeverity: 'warning' });
      },
      1,
      0,
    );
    for (const value of objects) {
      if (check(value).length > 0) throw new Error('a valid fixture has findings; the benchmark would measure errors');
    }
    let i = 0;
    const schemaRate = opsPerSecond(() => check(objects[i++ % objects.length]));
    let j = 0;
    const secretRate = opsPerSecond(() => scanSecrets(objects[j++ % objects.length]));
    let k = 0;
    const parseRate = opsPerSecond(() => parseYaml('m.yaml', texts[k++ % texts.length]!));
    const kinds = new Set(
      objects.map((o) => `${(o as { apiVersion: string }).apiVersion}/${(o as { kind: string }).kind}`),
    );
    return [
      {
        name: `schema validation, ${objects.length} typical manifests of ${kinds.size} kinds, compiled once`,
        median: schemaRate,
        unit: 'manifests/s',
        target: '≥ 10,000 manifests/s on one core',
        met: schemaRate >= 10_000,
        note: `${(schemaRate / parseRate).toFixed(1)}× the YAML parse rate`,
      },
      {
        name: 'secret rules, same manifests',
        median: secretRate,
        unit: 'manifests/s',
        target: '≥ 10,000 manifests/s (same order as schemas)',
        met: secretRate >= 10_000,
        note: `${(secretRate / schemaRate).toFixed(2)}× the schema rate`,
      },
      { name: 'reference: parsing the same manifests (YAML 1.1, positions)', median: parseRate, unit: 'manifests/s' },
      {
        name: `first use: load and compile the ${kinds.size} kinds' schemas, validate once`,
        median: cold.median,
        unit: 'ms',
        note: 'once per process; later reviews reuse the compiled validators',
      },
    ];
  },
};

export default benchmark;
