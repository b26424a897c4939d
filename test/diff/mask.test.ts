import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { diffObjects } from '../../src/diff/diff.js';
import { formatFieldChange } from '../../src/diff/fields.js';
import { LAST_APPLIED, maskPair } from '../../src/diff/mask.js';
import type { KubeObject } from '../../src/render/types.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Every secret value this file uses, in every spelling it could leak in. */
const VALUES = [
  'Tr0ub4dor-x9!Lq2v',
  'hunter2-but-longer',
  'AKIAIOSFODNN7EXAMPLE',
  'old-api-token-1234',
  'same-size-tokenA',
  'same-size-tokenB',
];
const SPELLINGS = VALUES.flatMap((v) => [v, b64(v), JSON.stringify(v).slice(1, -1)]);

function secret(data: Record<string, string>, stringData?: Record<string, string>, lastApplied = false): KubeObject {
  const object: KubeObject = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'checkout-db', namespace: 'shop-test' },
    type: 'Opaque',
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
    ...(stringData ? { stringData } : {}),
  };
  if (lastApplied) {
    object.metadata!.annotations = { [LAST_APPLIED]: JSON.stringify({ ...object, metadata: { name: 'checkout-db' } }) };
  }
  return object;
}

function expectNoSecretIn(text: string) {
  for (const spelling of SPELLINGS) expect(text, `leaked ${spelling}`).not.toContain(spelling);
}

describe('secret masking', () => {
  it('shows keys added, removed and changed with sizes, never a value', () => {
    const base = secret({
      password: 'Tr0ub4dor-x9!Lq2v',
      'api-token': 'old-api-token-1234',
      user: 'AKIAIOSFODNN7EXAMPLE',
    });
    const head = secret({ password: 'hunter2-but-longer', user: 'AKIAIOSFODNN7EXAMPLE', region: 'same-size-tokenA' });
    const [change] = diffObjects([base], [head], { root: 'environments/test', env: 'test' });
    expect(change!.fields!.map((f) => formatFieldChange(f))).toEqual([
      'data.api-token: *** (18 bytes) → (none)',
      'data.password: *** (17 bytes) → *** (18 bytes, changed)',
      'data.region: (none) → *** (16 bytes)',
    ]);
    expect(change!.diff).toContain('-  password: "*** (17 bytes)"');
    expect(change!.diff).toContain('+  password: "*** (18 bytes, changed)"');
    expect(change!.diff).toContain('   user: "*** (20 bytes)"');
    expectNoSecretIn(JSON.stringify(change));
  });

  it('marks a value that changed at the same size, so the change is not hidden', () => {
    const [change] = diffObjects([secret({ token: 'same-size-tokenA' })], [secret({ token: 'same-size-tokenB' })], {
      root: 'r',
    });
    expect(change!.change).toBe('modified');
    expect(change!.fields).toEqual([
      { path: 'data.token', before: '*** (16 bytes)', after: '*** (16 bytes, changed)' },
    ]);
    expectNoSecretIn(JSON.stringify(change));
  });

  it('masks stringData and the copy in last-applied-configuration, in added and removed Secrets too', () => {
    const withAll = secret({ password: 'Tr0ub4dor-x9!Lq2v' }, { token: 'old-api-token-1234' }, true);
    const changes = [
      ...diffObjects([], [withAll], { root: 'r' }),
      ...diffObjects([withAll], [], { root: 'r' }),
      ...diffObjects([withAll], [secret({ password: 'hunter2-but-longer' }, { token: 'old-api-token-1234' }, true)], {
        root: 'r',
      }),
    ];
    expect(changes.map((c) => c.change)).toEqual(['added', 'removed', 'modified']);
    for (const change of changes) expectNoSecretIn(JSON.stringify(change));
    expect(changes[0]!.diff).toContain('+  token: "*** (18 bytes)"');
    const [, masked] = maskPair(undefined, withAll);
    const annotation = JSON.parse(masked!.metadata!.annotations![LAST_APPLIED]!);
    expect(annotation.data).toEqual({ password: '*** (17 bytes)' });
    expect(annotation.stringData).toEqual({ token: '*** (18 bytes)' });
  });

  it('masks a last-applied annotation it cannot parse whole, and malformed data as one value', () => {
    const odd: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', annotations: { [LAST_APPLIED]: '{"data":{"password":"Tr0ub4dor-x9!Lq2v"' } },
      data: 'Tr0ub4dor-x9!Lq2v' as unknown as Record<string, string>,
    };
    const [change] = diffObjects([], [odd], { root: 'r' });
    expectNoSecretIn(JSON.stringify(change));
    expect(change!.diff).toContain('(value)');
  });

  it('leaves other kinds alone', () => {
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'visible' } };
    expect(maskPair(cm, cm)).toEqual([cm, cm]);
  });
});
