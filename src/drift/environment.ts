// One environment's drift preview from everything gathered: the rendered roots at main and at the PR, what the
// controllers record as theirs, and the live objects. Pure: the stage does the asking, this does the judging.
import type { DriftItem, EnvDrift } from '../core/types.js';
import type { KubeObject } from '../render/types.js';
import { compareResource } from './compare.js';
import { idKey, idOf, refOf } from './identity.js';
import type { IgnoreRule } from './ignore.js';
import type { ControllerRecord, LiveLookup, ObjectId } from './types.js';

export interface RootStates {
  path: string;
  /** Objects at main; undefined when the root was not rendered there (absent is `[]`, an error is undefined). */
  base: KubeObject[] | undefined;
  head: KubeObject[] | undefined;
  /** Why a side could not be rendered. */
  error?: string;
}

export interface EnvironmentStates {
  env: string;
  source: string;
  roots: RootStates[];
  controllers: ControllerRecord[];
  live: ReadonlyMap<string, LiveLookup>;
  rules: readonly IgnoreRule[];
  /** The SHAs main is at (merge-base, target tip): a controller that applied neither is behind. */
  mainShas?: string[];
  notes?: string[];
}

/** Managers that are the GitOps controllers themselves, never "changed by hand". */
export const CONTROLLER_MANAGERS = [
  'kustomize-controller',
  'helm-controller',
  'argocd-controller',
  'argocd-application-controller',
];

interface Planned {
  id: ObjectId;
  base?: KubeObject;
  head?: KubeObject;
  /** Only in a controller's record (not in main nor in the PR): left over from an earlier revision. */
  recordOnly?: boolean;
}

/** Which objects to look up live: everything rendered on either side, plus what the controllers record. */
export function plan(roots: readonly RootStates[], controllers: readonly ControllerRecord[]): Map<string, Planned> {
  const planned = new Map<string, Planned>();
  for (const root of roots) {
    if (root.head === undefined) continue; // the PR's side is unknown: nothing here can be judged
    for (const [side, objects] of [
      ['base', root.base ?? []],
      ['head', root.head],
    ] as const) {
      for (const object of objects) {
        const id = idOf(object);
        if (!id) continue;
        const key = idKey(id);
        const entry = planned.get(key) ?? { id };
        entry[side] = object;
        if (side === 'head') entry.id = id; // ask for the PR's apiVersion
        planned.set(key, entry);
      }
    }
  }
  const unjudged = new Set(roots.filter((r) => r.head === undefined).map((r) => r.path));
  for (const record of controllers) {
    if (record.path && unjudged.has(record.path)) continue;
    for (const id of record.objects) {
      const key = idKey(id);
      if (!planned.has(key)) planned.set(key, { id, recordOnly: true });
    }
  }
  return planned;
}

const STATE_ORDER: Record<DriftItem['state'], number> = {
  'reverts-out-of-band': 0,
  'will-prune': 1,
  drifted: 2,
  'will-change': 3,
  'will-create': 4,
  orphaned: 5,
  unknown: 6,
  'in-sync': 7,
};

export function compareEnvironment(states: EnvironmentStates): EnvDrift {
  const notes = [...(states.notes ?? [])];
  const judged = states.roots.filter((r) => r.head !== undefined);
  for (const root of states.roots) {
    if (root.head === undefined)
      notes.push(
        `${root.path}: not rendered at the PR head${root.error ? ` (${root.error})` : ''}; its objects were not compared`,
      );
    else if (root.base === undefined)
      notes.push(
        `${root.path}: not rendered at main${root.error ? ` (${root.error})` : ''}; live was compared with the PR only`,
      );
  }
  if (judged.length === 0) {
    return {
      env: states.env,
      status: 'unknown',
      reason: 'no render root of this environment could be rendered at the PR head',
      source: states.source,
      items: [],
      notes,
    };
  }
  for (const record of states.controllers) {
    if (record.notApplying) notes.push(`${record.owner}: ${record.notApplying}`);
    if (
      record.appliedRevision &&
      states.mainShas?.length &&
      !states.mainShas.some((sha) => record.appliedRevision!.includes(sha))
    ) {
      notes.push(
        `${record.owner} last applied ${record.appliedRevision}, not main (${states.mainShas[0]!.slice(0, 7)}): part of the drift may be main not yet applied`,
      );
    }
  }
  const items: DriftItem[] = [];
  for (const planned of plan(states.roots, states.controllers).values()) {
    const item = judge(planned, states);
    if (item) items.push(item);
  }
  items.sort(
    (a, b) =>
      STATE_ORDER[a.state] - STATE_ORDER[b.state] ||
      a.resource.kind.localeCompare(b.resource.kind) ||
      (a.resource.namespace ?? '').localeCompare(b.resource.namespace ?? '') ||
      a.resource.name.localeCompare(b.resource.name),
  );
  return { env: states.env, status: 'checked', source: states.source, items, ...(notes.length ? { notes } : {}) };
}

function judge(planned: Planned, states: EnvironmentStates): DriftItem | undefined {
  const key = idKey(planned.id);
  const lookup = states.live.get(key) ?? { state: 'unknown', reason: 'not looked up' };
  const record = states.controllers.find((r) => r.objects.some((o) => idKey(o) === key));
  const owner = record?.owner;
  const withOwner = (item: DriftItem): DriftItem => (owner ? { ...item, owner } : item);
  if (lookup.state === 'unknown') {
    if (!planned.head && !planned.base && planned.recordOnly) return undefined;
    return withOwner({ resource: refOf(planned.id), state: 'unknown', note: lookup.reason });
  }
  if (planned.head) {
    if (lookup.state === 'absent') {
      const skipped = applyPolicy(planned.head);
      if (skipped === 'never')
        return withOwner({
          resource: refOf(planned.id),
          state: 'in-sync',
          note: 'kustomize.toolkit.fluxcd.io/ssa: Ignore — Flux does not apply it',
        });
      return withOwner({
        resource: refOf(planned.id),
        state: 'will-create',
        ...(lookup.note ? { note: lookup.note } : {}),
      });
    }
    const item = compareResource({
      id: planned.id,
      base: planned.base,
      head: planned.head,
      live: lookup,
      rules: states.rules,
      controllerManagers: CONTROLLER_MANAGERS,
    });
    if (!planned.base && item.state !== 'in-sync') {
      item.note = [item.note, 'exists live but not in main: created outside Git, or by another root']
        .filter(Boolean)
        .join('; ');
    }
    return withOwner(notApplied(item, lookup.object, planned.head));
  }
  if (lookup.state === 'absent') return undefined; // gone from Git and from the cluster: nothing happens
  return withOwner(pruneItem(planned, lookup.object, record, states.controllers));
}

/** Flux's per-object opt-outs: `reconcile: disabled` on the live object, `ssa: IfNotPresent|Ignore` in Git. */
function applyPolicy(desired: KubeObject): 'always' | 'if-absent' | 'never' {
  const ssa = fluxSetting(desired, 'kustomize.toolkit.fluxcd.io/ssa');
  if (ssa === 'ignore') return 'never';
  if (ssa === 'ifnotpresent') return 'if-absent';
  return 'always';
}

function notApplied(item: DriftItem, live: KubeObject, desired: KubeObject): DriftItem {
  const reason =
    fluxSetting(live, 'kustomize.toolkit.fluxcd.io/reconcile') === 'disabled'
      ? 'kustomize.toolkit.fluxcd.io/reconcile: disabled on the live object'
      : applyPolicy(desired) !== 'always'
        ? `kustomize.toolkit.fluxcd.io/ssa: ${fluxSetting(desired, 'kustomize.toolkit.fluxcd.io/ssa')}`
        : undefined;
  if (!reason || !item.fields?.length) return item;
  const { fields, reverts: _reverts, ...rest } = item;
  return {
    ...rest,
    state: item.drifted?.length ? 'drifted' : 'in-sync',
    note: [
      item.note,
      `${reason}: Flux leaves it as it is (${fields.length} field${fields.length === 1 ? '' : 's'} of the PR not applied)`,
    ]
      .filter(Boolean)
      .join('; '),
  };
}

function pruneItem(
  planned: Planned,
  live: KubeObject,
  record: ControllerRecord | undefined,
  records: readonly ControllerRecord[],
): DriftItem {
  const resource = refOf(planned.id);
  const origin = planned.recordOnly ? 'not in main either (left from an earlier revision)' : 'removed by this PR';
  const danger = DANGEROUS[planned.id.kind];
  const kept = (why: string): DriftItem => ({ resource, state: 'orphaned', note: `${origin}; kept: ${why}` });
  if (fluxSetting(live, 'kustomize.toolkit.fluxcd.io/prune') === 'disabled')
    return kept('kustomize.toolkit.fluxcd.io/prune: disabled');
  if (fluxSetting(live, 'kustomize.toolkit.fluxcd.io/reconcile') === 'disabled')
    return kept('kustomize.toolkit.fluxcd.io/reconcile: disabled');
  const syncOptions = live.metadata?.annotations?.['argocd.argoproj.io/sync-options'] ?? '';
  if (/(^|,)\s*Prune=false\s*(,|$)/.test(syncOptions)) return kept('argocd.argoproj.io/sync-options: Prune=false');
  if (!record) {
    if (records.length > 0)
      return kept(
        `not in ${records.map((r) => r.owner).join(', ')}'s record of applied objects, so no controller deletes it`,
      );
    return {
      resource,
      state: 'will-prune',
      note: `${origin}; no controller record found: deleted if the controller prunes${danger ? `; ⚠️ ${danger}` : ''}`,
    };
  }
  if (record.prune === false) return kept(`prune is off for ${record.owner}`);
  const confirm = /(^|,)\s*Prune=confirm\s*(,|$)/.test(syncOptions) ? ' after someone confirms (Prune=confirm)' : '';
  return {
    resource,
    state: 'will-prune',
    note: `${origin}; ${record.owner} deletes it${confirm}${record.prune === undefined ? ' if it prunes' : ''}${danger ? `; ⚠️ ${danger}` : ''}`,
  };
}

const DANGEROUS: Record<string, string> = {
  Namespace: 'deleting a Namespace deletes everything in it',
  PersistentVolumeClaim: 'deleting a PersistentVolumeClaim can delete its volume and data',
  PersistentVolume: 'deleting a PersistentVolume can delete its data',
  CustomResourceDefinition: 'deleting a CRD deletes every object of its kind',
  StatefulSet: 'deleting a StatefulSet stops its pods',
};

/** Flux reads these as a label or an annotation, case-insensitively. */
function fluxSetting(object: KubeObject, key: string): string | undefined {
  const value = object.metadata?.annotations?.[key] ?? object.metadata?.labels?.[key];
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}
