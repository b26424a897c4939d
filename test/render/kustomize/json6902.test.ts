// The JSON patch applier on its own: evanphx/json-patch v4 behaviour that the kubectl parity cases in patch.test.ts
// rely on, and the failures, whose messages name paths and never values.
import { describe, expect, it } from 'vitest';
import { applyJsonPatch, decodeJsonPatch, JsonPatchError } from '../../../src/render/kustomize/json6902.js';

const hpa = () => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'checkout-api' },
  spec: { minReplicas: 2, maxReplicas: 10, metrics: [{ type: 'Resource' }, { type: 'Pods' }] },
});

const apply = (text: string) => {
  const doc = hpa();
  applyJsonPatch(doc, decodeJsonPatch(text));
  return doc;
};

describe('decodeJsonPatch', () => {
  it('reads JSON when the text starts with [ and YAML 1.1 otherwise', () => {
    expect(decodeJsonPatch('[{"op":"remove","path":"/spec/minReplicas"}]')).toEqual([
      { op: 'remove', path: '/spec/minReplicas', hasValue: false },
    ]);
    expect(decodeJsonPatch('- op: add\n  path: /spec/x\n  value: on\n')).toEqual([
      { op: 'add', path: '/spec/x', value: true, hasValue: true },
    ]);
  });

  it('refuses what is not a list of operations', () => {
    expect(() => decodeJsonPatch('{"op": "add"}')).toThrow(JsonPatchError);
    expect(() => decodeJsonPatch('[1]')).toThrow(/operation 1 is not an object/);
    expect(() => decodeJsonPatch('[{"op":"add","path":7}]')).toThrow(/path is not a string/);
  });
});

describe('applyJsonPatch', () => {
  it('appends with -, counts negative indices from the end (-1 appends), inserts at an index', () => {
    const doc = apply(`[
      {"op":"add","path":"/spec/metrics/-","value":{"type":"External"}},
      {"op":"add","path":"/spec/metrics/-1","value":{"type":"Object"}},
      {"op":"add","path":"/spec/metrics/0","value":{"type":"ContainerResource"}}
    ]`);
    expect(doc.spec.metrics.map((m) => m.type)).toEqual([
      'ContainerResource',
      'Resource',
      'Pods',
      'External',
      'Object',
    ]);
    const replaced = apply('[{"op":"replace","path":"/spec/metrics/-1/type","value":"Last"}]');
    expect(replaced.spec.metrics.map((m) => m.type)).toEqual(['Resource', 'Last']);
  });

  it('replace adds a missing key, add without value adds null, copy of a missing key copies null', () => {
    const doc = apply(`[
      {"op":"replace","path":"/spec/behavior","value":{"scaleDown":{"stabilizationWindowSeconds":300}}},
      {"op":"add","path":"/spec/nothing"},
      {"op":"copy","from":"/spec/absent","path":"/spec/copied"}
    ]`) as ReturnType<typeof hpa> & { spec: Record<string, unknown> };
    expect(doc.spec.behavior).toEqual({ scaleDown: { stabilizationWindowSeconds: 300 } });
    expect(doc.spec.nothing).toBeNull();
    expect(doc.spec.copied).toBeNull();
  });

  it('fails on missing parents, missing keys to remove, bad indices, failed tests and unknown operations', () => {
    const failures: [string, RegExp][] = [
      ['[{"op":"add","path":"/status/x","value":1}]', /missing path "\/status\/x"/],
      ['[{"op":"remove","path":"/spec/behavior"}]', /cannot remove missing key "behavior"/],
      ['[{"op":"remove","path":"/spec/metrics/2"}]', /invalid array index "2"/],
      ['[{"op":"add","path":"/spec/metrics/x","value":1}]', /invalid array index "x"/],
      ['[{"op":"test","path":"/spec/minReplicas","value":3}]', /test operation failed at "\/spec\/minReplicas"/],
      ['[{"op":"merge","path":"/spec"}]', /unknown JSON patch operation "merge"/],
      ['[{"op":"move","path":"/spec/x"}]', /move operation has no from/],
    ];
    for (const [text, message] of failures) expect(() => apply(text), text).toThrow(message);
  });

  it('keeps values out of its errors', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' }, data: { password: 'aHVudGVyMg==' } };
    expect(() =>
      applyJsonPatch(secret, decodeJsonPatch('[{"op":"test","path":"/data/password","value":"c2VjcmV0"}]')),
    ).toThrow(/^test operation failed at "\/data\/password"$/);
  });
});
