// The per-resource diff of one render root: pair base and head objects by identity, decide added / removed /
// modified by canonical comparison, and describe each modification twice (changed fields, unified YAML). Generator
// outputs renamed by their content hash (`app-config-7m2dk9hb4c` → `app-config-t8b5mfh2k7`) pair up as one change.
import { stringify } from 'yaml';
import type { ResourceChange } from '../core/types.js';
import type { KubeObject } from '../render/types.js';
import { canonicalize, canonicalEqual } from './canonical.js';
import { fieldChanges } from './fields.js';
import { identityKey, identityOf } from './identity.js';
import { maskPair } from './mask.js';
import { unifiedDiff } from './unified.js';

/** Kustomize's name suffix: 10 characters of a sha256 hex with 0, 1, 3, a, e swapped for g, h, k, m, t. */
const HASH_SUFFIX = /^(.+)-[2456789bcdfghkmt]{10}$/;
const GENERATED_KINDS = new Set(['ConfigMap', 'Secret']);

export interface DiffWhere {
  root: string;
  env?: string;
}

/** Objects keyed by identity; a second object with the same identity (plain dirs allow it) gets `#2`. */
function byIdentity(objects: readonly KubeObject[]): Map<string, KubeObject> {
  const map = new Map<string, KubeObject>();
  for (const object of objects) {
    const key = identityKey(identityOf(object));
    let unique = key;
    for (let n = 2; map.has(unique); n++) unique = `${key}#${n}`;
    map.set(unique, object);
  }
  return map;
}

/** The YAML a reviewer reads: canonical key order, no line folding, no anchors. */
export function toYaml(object: unknown): string {
  return stringify(canonicalize(object), { lineWidth: 0, aliasDuplicateObjects: false });
}

function describe(
  where: DiffWhere,
  change: ResourceChange['change'],
  base: KubeObject | undefined,
  head: KubeObject | undefined,
): ResourceChange {
  const object = (head ?? base)!;
  const id = identityOf(object);
  const [maskedBase, maskedHead] = maskPair(base, head);
  const result: ResourceChange = {
    root: where.root,
    ...(where.env ? { env: where.env } : {}),
    apiVersion: typeof object.apiVersion === 'string' ? object.apiVersion : '',
    kind: id.kind,
    namespace: id.namespace,
    name: id.name,
    change,
  };
  if (change === 'modified') {
    const previousName = identityOf(base!).name;
    if (previousName !== id.name) result.previousName = previousName;
    result.fields = fieldChanges(canonicalize(maskedBase), canonicalize(maskedHead));
  }
  result.diff = unifiedDiff(maskedBase && toYaml(maskedBase), maskedHead && toYaml(maskedHead));
  return result;
}

function stemOf(object: KubeObject): string | undefined {
  const id = identityOf(object);
  if (id.group !== '' || !GENERATED_KINDS.has(id.kind)) return undefined;
  const match = HASH_SUFFIX.exec(id.name);
  return match ? `${id.kind}|${id.namespace}|${match[1]}` : undefined;
}

/**
 * Pairs removed and added generator outputs that differ only in their hash suffix. Only one-to-one matches pair:
 * two candidates on either side could be two generators, and a wrong pairing would hide a real removal.
 */
function pairRenames(removed: Map<string, KubeObject>, added: Map<string, KubeObject>): [string, string][] {
  const group = (objects: Map<string, KubeObject>) => {
    const stems = new Map<string, string[]>();
    for (const [key, object] of objects) {
      const stem = stemOf(object);
      if (stem) stems.set(stem, [...(stems.get(stem) ?? []), key]);
    }
    return stems;
  };
  const [gone, come] = [group(removed), group(added)];
  const pairs: [string, string][] = [];
  for (const [stem, keys] of gone) {
    const match = come.get(stem);
    if (keys.length === 1 && match?.length === 1) pairs.push([keys[0]!, match[0]!]);
  }
  return pairs;
}

/** Base and head objects of one root → its changes, in head order, then what was removed in base order. */
export function diffObjects(
  base: readonly KubeObject[],
  head: readonly KubeObject[],
  where: DiffWhere,
): ResourceChange[] {
  const baseMap = byIdentity(base);
  const headMap = byIdentity(head);
  const removed = new Map([...baseMap].filter(([key]) => !headMap.has(key)));
  const added = new Map([...headMap].filter(([key]) => !baseMap.has(key)));
  const renamedFrom = new Map<string, string>(); // head key → base key
  for (const [baseKey, headKey] of pairRenames(removed, added)) {
    renamedFrom.set(headKey, baseKey);
    removed.delete(baseKey);
  }
  const changes: ResourceChange[] = [];
  for (const [key, object] of headMap) {
    const previous = baseMap.get(key) ?? (renamedFrom.has(key) ? baseMap.get(renamedFrom.get(key)!) : undefined);
    if (!previous) changes.push(describe(where, 'added', undefined, object));
    else if (!canonicalEqual(previous, object)) changes.push(describe(where, 'modified', previous, object));
  }
  for (const object of removed.values()) changes.push(describe(where, 'removed', object, undefined));
  return changes;
}
