// Cases ported from public suites (Kubernetes documentation, gatekeeper-library, Kyverno policies): see
// test/fixtures/policy/conformance/README.md.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runPolicyTest } from '../src/commands/policy-test.js';
import { loadPolicyText } from '../src/policy/load.js';
import type { Operation } from '../src/policy/model.js';
import type { KubeObject } from '../src/render/types.js';

const ROOT = fileURLToPath(new URL('./fixtures/policy/conformance/', import.meta.url));

interface Expected {
  operation?: Operation;
  results: { policy: string; resource: string; verdict: string; messages?: string[] }[];
}

const objects = (file: string): KubeObject[] =>
  existsSync(file)
    ? (readFileSync(file, 'utf8')
        .split(/^---$/m)
        .map((d) => parse(d))
        .filter(Boolean) as KubeObject[])
    : [];

const cases = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((suite) => readdirSync(join(ROOT, suite.name)).map((name) => `${suite.name}/${name}`));

describe('conformance with the public suites', () => {
  it('has cases from all three sources', () => {
    expect(new Set(cases.map((c) => c.split('/')[0]))).toEqual(new Set(['gatekeeper', 'kubernetes', 'kyverno']));
  });

  it.each(cases)('%s', (name) => {
    const dir = join(ROOT, name);
    const expected = parse(readFileSync(join(dir, 'expect.yaml'), 'utf8')) as Expected;
    const policies = loadPolicyText(`${name}/policy.yaml`, readFileSync(join(dir, 'policy.yaml'), 'utf8'));
    expect(policies.problems).toEqual([]);
    const results = runPolicyTest({
      policies,
      resources: objects(join(dir, 'resources.yaml')),
      old: objects(join(dir, 'old.yaml')),
      params: [],
      namespaceObject: objects(join(dir, 'namespace.yaml'))[0],
      operation: expected.operation,
    });
    const actual = results.map((r) => ({
      policy: r.policy,
      resource: `${r.resource.kind}/${r.resource.name}`,
      verdict: r.verdict,
      messages: r.messages,
    }));
    const wanted = expected.results.map((e) => ({ ...e, messages: e.messages ?? [] }));
    const key = (r: { policy: string; resource: string }) => `${r.resource} ${r.policy}`;
    expect([...actual].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
      [...wanted].sort((a, b) => key(a).localeCompare(key(b))),
    );
  });
});
