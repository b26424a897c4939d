import { describe, expect, it } from 'vitest';
import { compareResource } from '../../src/drift/compare.js';
import { CONTROLLER_MANAGERS } from '../../src/drift/environment.js';
import { idOf } from '../../src/drift/identity.js';
import type { IgnoreRule } from '../../src/drift/ignore.js';
import { parseJqPath, parseJsonPointer } from '../../src/drift/ignore.js';
import type { KubeObject } from '../../src/render/types.js';
import { find, LIVE, rendered, yamlObjects } from './helpers.js';

const [prodBase, prodHead] = rendered('prod');
const prodLive = () => yamlObjects(`${LIVE}prod/shop-prod/deployment-checkout-api.yaml`)[0]!;

function compare(
  base: KubeObject | undefined,
  head: KubeObject | undefined,
  live: KubeObject,
  rules: IgnoreRule[] = [],
  extra = {},
) {
  return compareResource({
    id: idOf(head ?? base ?? live)!,
    base,
    head,
    live: { state: 'found', object: live, ...extra },
    rules,
    controllerManagers: CONTROLLER_MANAGERS,
  });
}

describe('three states per resource', () => {
  it('says the PR reverts the hand changes on prod: replicas overridden with a third value, memory restored to main', () => {
    const item = compare(find(prodBase!, 'Deployment'), find(prodHead!, 'Deployment'), prodLive());
    expect(item.state).toBe('reverts-out-of-band');
    expect(item.reverts).toEqual([
      {
        path: 'spec.replicas',
        live: 5,
        main: 3,
        head: 4,
        restoresMain: false,
        changedBy: 'kubectl (scale subresource, 2026-11-19T22:14:03Z)',
      },
      {
        path: 'spec.template.spec.containers[name=api].resources.limits.memory',
        live: '1536Mi',
        main: '1Gi',
        head: '1Gi',
        restoresMain: true,
        changedBy: 'kubectl-set (Update, 2026-11-19T22:31:40Z)',
      },
    ]);
    expect(item.drifted?.map((f) => [f.path, f.before, f.after])).toEqual([
      ['spec.replicas', 3, 5],
      ['spec.template.spec.containers[name=api].resources.limits.memory', '1Gi', '1536Mi'],
    ]);
    expect(item.fields?.map((f) => f.path)).toEqual([
      'spec.replicas',
      'spec.template.spec.containers[name=api].image',
      'spec.template.spec.containers[name=api].resources.limits.memory',
    ]);
  });

  it('is in sync when live matches main and the PR changes nothing', () => {
    const live = prodLive();
    (live.spec as { replicas: number }).replicas = 3;
    const memory = live.spec as { template: { spec: { containers: { resources: { limits: { memory: string } } }[] } } };
    memory.template.spec.containers[0]!.resources.limits.memory = '1Gi';
    const deployment = find(prodBase!, 'Deployment');
    expect(compare(deployment, deployment, live)).toEqual({
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop-prod', name: 'checkout-api' },
      state: 'in-sync',
    });
  });

  it('says will-change when live matches main and the PR changes a field', () => {
    const live = prodLive();
    (live.spec as { replicas: number }).replicas = 3;
    const head = find(prodBase!, 'Deployment');
    (head.spec as { replicas: number }).replicas = 6;
    const base = find(prodBase!, 'Deployment');
    const memory = (o: KubeObject) =>
      ((
        o.spec as never as { template: { spec: { containers: { resources: { limits: { memory: string } } }[] } } }
      ).template.spec.containers[0]!.resources.limits.memory = '1536Mi');
    memory(base);
    memory(head);
    const item = compare(base, head, live);
    expect(item.state).toBe('will-change');
    expect(item.fields).toEqual([{ path: 'spec.replicas', before: 3, after: 6 }]);
    expect(item.reverts).toBeUndefined();
  });

  it('says drifted, not reverted, when the PR writes the live value into Git', () => {
    const head = find(prodBase!, 'Deployment');
    (head.spec as { replicas: number }).replicas = 5;
    const memory = head.spec as never as {
      template: { spec: { containers: { resources: { limits: { memory: string } } }[] } };
    };
    memory.template.spec.containers[0]!.resources.limits.memory = '1.5Gi';
    const item = compare(find(prodBase!, 'Deployment'), head, prodLive());
    expect(item.state).toBe('drifted');
    expect(item.fields).toBeUndefined();
    expect(item.note).toMatch(/this PR writes the live values into Git \(spec\.replicas, .*memory\)/);
  });
});

describe('Secrets', () => {
  const secret = (data: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'db', namespace: 'shop' },
    type: 'Opaque',
    data,
  });
  const b64 = (s: string) => Buffer.from(s).toString('base64');

  it('reports which keys changed, never a value', () => {
    const base = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop' },
      stringData: { password: 'hunter2-main', user: 'app' },
    };
    const live = secret({ password: b64('hunter2-by-hand'), user: b64('app') });
    const item = compare(base, base, live);
    expect(item.state).toBe('reverts-out-of-band');
    expect(item.reverts).toEqual([{ path: 'data.password', restoresMain: true, masked: true }]);
    expect(item.fields).toEqual([{ path: 'data.password', masked: true }]);
    const text = JSON.stringify(item);
    for (const value of ['hunter2', b64('hunter2-by-hand'), b64('hunter2-main')]) expect(text).not.toContain(value);
  });

  it('compares only keys of a SOPS-encrypted Secret (ciphertext in Git)', () => {
    const desired = {
      ...secret({ password: 'ENC[AES256_GCM,data:abc,iv:x,tag:y,type:str]' }),
      sops: { version: '3.9.0' },
    };
    expect(compare(desired, desired, secret({ password: b64('real') })).state).toBe('in-sync');
    const withKey = { ...desired, data: { ...desired.data, token: 'ENC[AES256_GCM,data:def]' } };
    const item = compare(desired, withKey, secret({ password: b64('real') }));
    expect(item.fields).toEqual([{ path: 'data.token', masked: true }]);
    expect(item.note).toContain('Secret values not compared (keys only)');
  });

  it("uses Argo CD's masked states to tell a value differs from main", () => {
    const desired = secret({ password: b64('x') });
    const item = compare(desired, desired, secret({ password: '++++++++' }), [], {
      secretValuesMasked: true,
      secretKeysDifferingFromMain: ['password'],
    });
    expect(item.state).toBe('drifted');
    expect(item.drifted).toEqual([{ path: 'data.password', masked: true }]);
  });
});

describe('ignore rules', () => {
  const hpaRule: IgnoreRule = {
    source: 'test',
    match: 'argocd',
    target: { group: 'apps', kind: 'Deployment' },
    paths: [parseJsonPointer('/spec/replicas')],
  };

  it('leaves ignored fields out on every side (Argo CD jsonPointers)', () => {
    const item = compare(find(prodBase!, 'Deployment'), find(prodHead!, 'Deployment'), prodLive(), [hpaRule]);
    expect(item.reverts?.map((r) => r.path)).toEqual([
      'spec.template.spec.containers[name=api].resources.limits.memory',
    ]);
    expect(item.fields?.map((f) => f.path)).not.toContain('spec.replicas');
  });

  it('applies jq path expressions with select', () => {
    const rule: IgnoreRule = {
      source: 'test',
      match: 'argocd',
      target: { group: 'apps', kind: 'Deployment' },
      paths: [parseJqPath('.spec.template.spec.containers[] | select(.name == "api") | .resources.limits')],
    };
    const item = compare(find(prodBase!, 'Deployment'), find(prodBase!, 'Deployment'), prodLive(), [rule]);
    expect(item.reverts?.map((r) => r.path)).toEqual(['spec.replicas']);
  });

  it('ignores what a trusted manager owns (managedFieldsManagers)', () => {
    const rule: IgnoreRule = {
      source: 'test',
      match: 'argocd',
      target: { group: 'apps', kind: 'Deployment' },
      paths: [],
      managers: ['kubectl'],
    };
    const item = compare(find(prodBase!, 'Deployment'), find(prodBase!, 'Deployment'), prodLive(), [rule]);
    expect(item.reverts?.map((r) => r.path)).toEqual([
      'spec.template.spec.containers[name=api].resources.limits.memory',
    ]);
  });

  it('leaves an object out whole for the JSON Pointer ""', () => {
    const rule: IgnoreRule = {
      source: 'test',
      match: 'flux',
      target: { kind: 'Deploy.*' },
      paths: [parseJsonPointer('')],
    };
    expect(compare(find(prodBase!, 'Deployment'), find(prodHead!, 'Deployment'), prodLive(), [rule])).toMatchObject({
      state: 'in-sync',
      note: 'left out of the comparison by an ignore rule',
    });
  });

  it("treats fields Argo CD's normaliser removed from the live state as ignored", () => {
    const raw = prodLive();
    const normalized = prodLive();
    delete (normalized.spec as { replicas?: number }).replicas;
    const item = compare(find(prodBase!, 'Deployment'), find(prodHead!, 'Deployment'), normalized, [], {
      unnormalized: raw,
    });
    expect(item.fields?.map((f) => f.path)).not.toContain('spec.replicas');
  });
});
