import { describe, expect, it } from 'vitest';
import { compareEnvironment, type EnvironmentStates } from '../../src/drift/environment.js';
import { idKey, idOf } from '../../src/drift/identity.js';
import type { ControllerRecord, LiveLookup } from '../../src/drift/types.js';
import type { KubeObject } from '../../src/render/types.js';
import { find, rendered } from './helpers.js';

const [base, head] = rendered('staging');

function liveOf(objects: KubeObject[], overrides: Record<string, LiveLookup> = {}): Map<string, LiveLookup> {
  const map = new Map<string, LiveLookup>();
  for (const object of objects) map.set(idKey(idOf(object)!), { state: 'found', object: structuredClone(object) });
  for (const [key, value] of Object.entries(overrides)) map.set(key, value);
  return map;
}

const configMap = (name: string, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: 'shop-staging', ...(annotations ? { annotations } : {}) },
  data: { a: '1' },
});

function flux(objects: KubeObject[], prune = true): ControllerRecord {
  return {
    controller: 'flux',
    owner: 'Kustomization flux-system/checkout-staging',
    path: 'environments/staging',
    prune,
    objects: objects.map((o) => idOf(o)!),
  };
}

function states(over: Partial<EnvironmentStates>): EnvironmentStates {
  return {
    env: 'staging',
    source: 'test',
    roots: [{ path: 'environments/staging', base, head }],
    controllers: [],
    live: liveOf(base!),
    rules: [],
    ...over,
  };
}

describe('an environment', () => {
  it('is in sync except for what the PR changes when live is main', () => {
    const drift = compareEnvironment(states({ controllers: [flux(base!)] }));
    expect(drift.status).toBe('checked');
    expect(drift.items.map((i) => [i.resource.kind, i.state])).toEqual([
      ['Deployment', 'will-change'],
      ['ConfigMap', 'in-sync'],
      ['ExternalSecret', 'in-sync'],
      ['Namespace', 'in-sync'],
      ['PodDisruptionBudget', 'in-sync'],
      ['SealedSecret', 'in-sync'],
      ['Service', 'in-sync'],
      ['ServiceAccount', 'in-sync'],
    ]);
    expect(drift.items.every((i) => i.owner === 'Kustomization flux-system/checkout-staging')).toBe(true);
  });

  it('creates what the PR adds and the cluster lacks', () => {
    const added = configMap('feature-flags');
    const drift = compareEnvironment(
      states({
        roots: [{ path: 'environments/staging', base, head: [...head!, added] }],
        live: liveOf(base!, { [idKey(idOf(added)!)]: { state: 'absent' } }),
      }),
    );
    expect(drift.items.find((i) => i.resource.name === 'feature-flags')?.state).toBe('will-create');
  });

  it('prunes what leaves Git when the Kustomization prunes, keeps it when it does not or the object opts out', () => {
    const old = configMap('legacy');
    const keep = configMap('keep-me', { 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' });
    const argoKeep = configMap('argo-keep', { 'argocd.argoproj.io/sync-options': 'ServerSideApply=true,Prune=false' });
    const withOld = [...base!, old, keep, argoKeep];
    const run = (prune: boolean) =>
      compareEnvironment(
        states({
          roots: [{ path: 'environments/staging', base: withOld, head }],
          controllers: [flux(withOld, prune)],
          live: liveOf(withOld),
        }),
      );
    const pruning = run(true).items.filter(
      (i) => i.resource.kind === 'ConfigMap' && i.resource.name !== 'checkout-config-td94dh78mg',
    );
    expect(pruning.map((i) => [i.resource.name, i.state, i.note])).toEqual([
      ['legacy', 'will-prune', 'removed by this PR; Kustomization flux-system/checkout-staging deletes it'],
      ['argo-keep', 'orphaned', 'removed by this PR; kept: argocd.argoproj.io/sync-options: Prune=false'],
      ['keep-me', 'orphaned', 'removed by this PR; kept: kustomize.toolkit.fluxcd.io/prune: disabled'],
    ]);
    expect(run(false).items.find((i) => i.resource.name === 'legacy')).toMatchObject({
      state: 'orphaned',
      note: 'removed by this PR; kept: prune is off for Kustomization flux-system/checkout-staging',
    });
  });

  it('shows inventory entries that are in neither main nor the PR, and warns about deleting a namespace', () => {
    const stray: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop-staging-old' } };
    const drift = compareEnvironment(
      states({ controllers: [flux([...base!, stray])], live: liveOf([...base!, stray]) }),
    );
    expect(drift.items[0]).toMatchObject({
      resource: { kind: 'Namespace', name: 'shop-staging-old' },
      state: 'will-prune',
      note: 'not in main either (left from an earlier revision); Kustomization flux-system/checkout-staging deletes it; ⚠️ deleting a Namespace deletes everything in it',
    });
  });

  it('keeps what is not in the controller record: no controller deletes it', () => {
    const old = configMap('hand-made');
    const drift = compareEnvironment(
      states({
        roots: [{ path: 'environments/staging', base: [...base!, old], head }],
        controllers: [flux(base!)],
        live: liveOf([...base!, old]),
      }),
    );
    expect(drift.items.find((i) => i.resource.name === 'hand-made')?.state).toBe('orphaned');
  });

  it('does not apply what Flux is told to leave alone (reconcile disabled on the live object)', () => {
    const live = liveOf(base!);
    const deployment = find(base!, 'Deployment');
    deployment.metadata!.annotations = { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' };
    live.set(idKey(idOf(deployment)!), { state: 'found', object: deployment });
    const item = compareEnvironment(states({ live })).items.find((i) => i.resource.kind === 'Deployment')!;
    expect(item.state).toBe('in-sync');
    expect(item.fields).toBeUndefined();
    expect(item.note).toBe(
      'kustomize.toolkit.fluxcd.io/reconcile: disabled on the live object: Flux leaves it as it is (3 fields of the PR not applied)',
    );
  });

  it('reports objects it could not read as unknown, with the reason', () => {
    const secretRef = idKey(idOf(find(base!, 'SealedSecret'))!);
    const drift = compareEnvironment(
      states({ live: liveOf(base!, { [secretRef]: { state: 'unknown', reason: 'forbidden: no access' } }) }),
    );
    expect(drift.items.find((i) => i.resource.kind === 'SealedSecret')).toMatchObject({
      state: 'unknown',
      note: 'forbidden: no access',
    });
  });

  it('never reads a failed render as a mass deletion', () => {
    const drift = compareEnvironment(
      states({
        roots: [{ path: 'environments/staging', base, head: undefined, error: 'accumulating resources: missing' }],
        controllers: [flux(base!)],
      }),
    );
    expect(drift).toMatchObject({ status: 'unknown', items: [] });
    expect(drift.notes).toEqual([
      'environments/staging: not rendered at the PR head (accumulating resources: missing); its objects were not compared',
    ]);
  });

  it('says when the controller is suspended or has not applied main', () => {
    const record = {
      ...flux(base!),
      notApplying: 'suspended: nothing is applied until it is resumed',
      appliedRevision: 'main@sha1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    };
    const drift = compareEnvironment(states({ controllers: [record], mainShas: ['b'.repeat(40)] }));
    expect(drift.notes).toEqual([
      'Kustomization flux-system/checkout-staging: suspended: nothing is applied until it is resumed',
      'Kustomization flux-system/checkout-staging last applied main@sha1:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, not main (bbbbbbb): part of the drift may be main not yet applied',
    ]);
  });
});
