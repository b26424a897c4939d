// Three states per resource — desired at main (base), desired at the PR (head), live — and what they mean:
//
//   drifted            live ≠ main for some field main specifies: the cluster was changed outside Git
//   will change        live ≠ PR for some field the PR specifies (or a field main had and the PR drops)
//   reverts            a field both drifted and changed by sync: live ≠ main AND live ≠ PR at the same path.
//                      If PR == main there, the sync restores main's value over the hand change; otherwise
//                      the PR writes a third value over it (live 5 → main 3 → PR 4). Either way the merge
//                      undoes something someone did to the cluster by hand, which the reviewer must know.
//   adopted            live ≠ main but live == PR: the PR writes the out-of-band value into Git (no change).
//
// An item's state is the most important of these: reverts-out-of-band > will-change > drifted > in-sync.
import type { DriftItem, FieldChange, OutOfBandChange } from '../core/types.js';
import type { KubeObject } from '../render/types.js';
import { diffDesired, diffRemoved, valueAt, type FieldDifference } from './fields.js';
import { refOf } from './identity.js';
import type { IgnoreRule } from './ignore.js';
import { describeEntry, managedFieldsOf, owns } from './managed-fields.js';
import { isSecret, normalize } from './normalize.js';
import { formatPath, type Segment } from './paths.js';
import type { LiveLookup, ObjectId } from './types.js';

export interface ResourceStates {
  id: ObjectId;
  base?: KubeObject;
  head?: KubeObject;
  live: Extract<LiveLookup, { state: 'found' }>;
  rules: readonly IgnoreRule[];
  /** Managers that are the GitOps controller itself: never named as who changed a field by hand. */
  controllerManagers: readonly string[];
}

/** Longest value kept in the report; ConfigMap blobs are cut, the JSON notes the original length. */
const MAX_VALUE_CHARS = 400;

export function compareResource(states: ResourceStates): DriftItem {
  const { id, live, rules } = states;
  const liveNorm = normalize(live.object, rules, live.object);
  const baseNorm = states.base ? normalize(states.base, rules, live.object) : undefined;
  const headNorm = states.head ? normalize(states.head, rules, live.object) : undefined;
  const resource = refOf(id);
  if (liveNorm.ignored || headNorm?.ignored) {
    return { resource, state: 'in-sync', note: 'left out of the comparison by an ignore rule' };
  }
  const secret = isSecret(live.object);
  const secretKeysOnly = secret && (live.secretValuesMasked || baseNorm?.sopsEncrypted || headNorm?.sopsEncrypted);
  const options = { secret, secretKeysOnly: Boolean(secretKeysOnly) };
  const unnormalized = live.unnormalized ? normalize(live.unnormalized, [], live.object).object : undefined;
  const keep = (d: FieldDifference) => !removedByController(d, unnormalized);

  const drifted = baseNorm ? diffDesired(baseNorm.object, liveNorm.object, options).filter(keep) : [];
  if (secret && live.secretKeysDifferingFromMain && baseNorm) {
    for (const key of live.secretKeysDifferingFromMain) {
      if (!drifted.some((d) => sameSegments(d.path, ['data', key]))) {
        drifted.push({ path: ['data', key], desired: '', live: '' });
      }
    }
  }
  const sync = headNorm
    ? [
        ...diffDesired(headNorm.object, liveNorm.object, options).filter(keep),
        ...(baseNorm ? diffRemoved(baseNorm.object, headNorm.object, liveNorm.object) : []),
      ]
    : [];
  const masked = (path: readonly Segment[]) => secret && (path[0] === 'data' || path[0] === 'stringData');

  const reverts: OutOfBandChange[] = [];
  const adopted: FieldDifference[] = [];
  for (const d of drifted) {
    const s = sync.find((x) => sameSegments(x.path, d.path) || isPrefix(x.path, d.path) || isPrefix(d.path, x.path));
    if (!s) {
      adopted.push(d);
      continue;
    }
    const path = d.path.length >= s.path.length ? d.path : s.path;
    const mainValue = valueAt(baseNorm?.object, path);
    const headValue = valueAt(headNorm?.object, path);
    const change: OutOfBandChange = {
      path: formatPath(path),
      restoresMain: JSON.stringify(mainValue) === JSON.stringify(headValue),
    };
    if (masked(path)) change.masked = true;
    else
      Object.assign(
        change,
        shown('live', valueAt(liveNorm.object, path)),
        shown('main', mainValue),
        shown('head', headValue),
      );
    const by = changedBy(live.object, path, states.controllerManagers);
    if (by) change.changedBy = by;
    reverts.push(change);
  }

  const item: DriftItem = {
    resource,
    state: reverts.length
      ? 'reverts-out-of-band'
      : sync.length
        ? 'will-change'
        : drifted.length
          ? 'drifted'
          : 'in-sync',
  };
  if (sync.length) item.fields = sync.map((d) => fieldChange(d, masked(d.path), 'live-to-desired'));
  if (drifted.length) item.drifted = drifted.map((d) => fieldChange(d, masked(d.path), 'desired-to-live'));
  if (reverts.length) item.reverts = reverts;
  if (adopted.length && !reverts.length && !sync.length) {
    item.note = `this PR writes the live value${adopted.length === 1 ? '' : 's'} into Git (${adopted.map((d) => formatPath(d.path)).join(', ')})`;
  }
  if (secretKeysOnly) {
    item.note = [item.note, 'Secret values not compared (keys only)'].filter(Boolean).join('; ');
  }
  return item;
}

/** Argo CD's normaliser deletes ignored fields from the live state: absent there but present raw = ignored. */
function removedByController(d: FieldDifference, unnormalized: unknown): boolean {
  return unnormalized !== undefined && d.live === undefined && valueAt(unnormalized, d.path) !== undefined;
}

function fieldChange(
  d: FieldDifference,
  masked: boolean,
  direction: 'live-to-desired' | 'desired-to-live',
): FieldChange {
  const change: FieldChange = { path: formatPath(d.path) };
  if (masked) {
    change.masked = true;
    return change;
  }
  const [before, after] = direction === 'live-to-desired' ? [d.live, d.desired] : [d.desired, d.live];
  Object.assign(change, shown('before', before), shown('after', after));
  return change;
}

/** `{ [name]: value }` for a value worth showing; absent values stay absent (the key is left out). */
function shown(name: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value === 'string' && value.length > MAX_VALUE_CHARS) {
    return { [name]: `${value.slice(0, MAX_VALUE_CHARS)}… (${value.length} chars)` };
  }
  const json = JSON.stringify(value);
  if (typeof value === 'object' && json.length > MAX_VALUE_CHARS) {
    return { [name]: `${json.slice(0, MAX_VALUE_CHARS)}… (${json.length} chars)` };
  }
  return { [name]: value };
}

/** The latest manager other than the controller that owns the field: who changed it by hand. */
function changedBy(live: KubeObject, path: readonly Segment[], controllers: readonly string[]): string | undefined {
  const owners = managedFieldsOf(live)
    .filter((e) => !controllers.includes(e.manager) && owns(e, path))
    .sort((a, b) => (b.time ?? '').localeCompare(a.time ?? ''));
  return owners[0] ? describeEntry(owners[0]) : undefined;
}

function sameSegments(a: readonly Segment[], b: readonly Segment[]): boolean {
  return a.length === b.length && isPrefix(a, b);
}

function isPrefix(prefix: readonly Segment[], path: readonly Segment[]): boolean {
  if (prefix.length > path.length) return false;
  return prefix.every((s, i) => JSON.stringify(s) === JSON.stringify(path[i]));
}
