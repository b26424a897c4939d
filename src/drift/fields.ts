// The field comparison, desired-driven: only what the desired object specifies is compared, because the server
// fills in everything else (defaults, clusterIP, imagePullPolicy, annotations of other controllers). Lists with a
// merge key (containers, env, ports, volumes by name, volumeMounts by mountPath) are matched element by element,
// whatever their order; other lists are compared position by position. Quantities compare by value, scalars as
// Kubernetes reads them (`8080` = `"8080"` for int-or-string), and zero values equal absent (`omitempty`).
import { isQuantityPath, quantitiesEqual } from './quantity.js';
import type { Segment } from './paths.js';

export interface FieldDifference {
  path: Segment[];
  /** The desired value; undefined = the desired side does not have the field (it is removed on sync). */
  desired: unknown;
  /** The live value; undefined = the live object does not have the field. */
  live: unknown;
}

export interface CompareOptions {
  /** Secret `data` values: compare keys only (SOPS ciphertext in Git, or values masked by the source). */
  secretKeysOnly?: boolean;
  /** The object is a Secret: `data`/`stringData` values never leave this module (callers mask them). */
  secret?: boolean;
}

/** Map-valued fields the API server drops when empty (`omitempty` maps): `{}` there equals absent. */
const MAP_FIELDS = new Set([
  'labels',
  'annotations',
  'matchLabels',
  'nodeSelector',
  'data',
  'binaryData',
  'stringData',
  'selector',
  'limits',
  'requests',
  'hard',
]);

/** Where live differs from what `desired` specifies. */
export function diffDesired(desired: unknown, live: unknown, options: CompareOptions = {}): FieldDifference[] {
  const out: FieldDifference[] = [];
  walk(desired, live, [], out, options);
  return out;
}

function walk(d: unknown, l: unknown, path: Segment[], out: FieldDifference[], options: CompareOptions): void {
  if (d === undefined || d === null) return;
  if (options.secret && options.secretKeysOnly && path.length === 2 && path[0] === 'data') {
    if (l === undefined) out.push({ path, desired: d, live: undefined });
    return;
  }
  if (isMap(d)) {
    if (!isMap(l)) {
      const last = path[path.length - 1];
      const emptyMap = Object.keys(d).length === 0;
      if (l === undefined && emptyMap && typeof last === 'string' && MAP_FIELDS.has(last)) return;
      out.push({ path, desired: d, live: l });
      return;
    }
    for (const [key, value] of Object.entries(d)) walk(value, l[key], [...path, key], out, options);
    return;
  }
  if (Array.isArray(d)) {
    if (!Array.isArray(l)) {
      if (l === undefined && d.length === 0) return;
      out.push({ path, desired: d, live: l });
      return;
    }
    const mergeKey = mergeKeyFor(path, d, l);
    if (mergeKey) {
      for (const element of d) {
        const value = String((element as Record<string, unknown>)[mergeKey]);
        const match = l.find((e) => isMap(e) && String(e[mergeKey]) === value);
        const at: Segment[] = [...path, { key: mergeKey, value }];
        if (match === undefined) out.push({ path: at, desired: element, live: undefined });
        else walk(element, match, at, out, options);
      }
      return;
    }
    if (d.length !== l.length) {
      out.push({ path, desired: d, live: l });
      return;
    }
    d.forEach((element, i) => walk(element, l[i], [...path, i], out, options));
    return;
  }
  if (!scalarsEqual(d, l, path)) out.push({ path, desired: d, live: l });
}

/**
 * Fields that leave the desired state between main and the PR, where live still has them: the controller
 * removes them on sync (Flux's server-side apply drops fields it no longer applies; `kubectl apply` uses the
 * last-applied copy). Maps by key, merge-keyed lists by element.
 */
export function diffRemoved(base: unknown, head: unknown, live: unknown): FieldDifference[] {
  const out: FieldDifference[] = [];
  removed(base, head, live, [], out);
  return out;
}

function removed(b: unknown, h: unknown, l: unknown, path: Segment[], out: FieldDifference[]): void {
  if (isMap(b) && isMap(l)) {
    const hm = isMap(h) ? h : {};
    for (const [key, value] of Object.entries(b)) {
      if (value === undefined || value === null) continue;
      if (hm[key] === undefined || hm[key] === null) {
        if (l[key] !== undefined && !isZero(l[key]))
          out.push({ path: [...path, key], desired: undefined, live: l[key] });
      } else {
        removed(value, hm[key], l[key], [...path, key], out);
      }
    }
    return;
  }
  if (Array.isArray(b) && Array.isArray(h) && Array.isArray(l)) {
    const mergeKey = mergeKeyFor(path, b, l);
    if (!mergeKey) return; // atomic lists are replaced whole, which diffDesired already reports
    for (const element of b) {
      const value = String((element as Record<string, unknown>)[mergeKey]);
      const inHead = h.find((e) => isMap(e) && String(e[mergeKey]) === value);
      const inLive = l.find((e) => isMap(e) && String(e[mergeKey]) === value);
      const at: Segment[] = [...path, { key: mergeKey, value }];
      if (inLive === undefined) continue;
      if (inHead === undefined) out.push({ path: at, desired: undefined, live: inLive });
      else removed(element, inHead, inLive, at, out);
    }
  }
}

/** Strategic-merge keys of the lists people write, then `name` for any list whose elements all have one. */
export function mergeKeyFor(path: readonly Segment[], desired: unknown[], live: unknown[]): string | undefined {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  let key: string | undefined;
  switch (last) {
    case 'containers':
    case 'initContainers':
    case 'ephemeralContainers':
    case 'volumes':
    case 'env':
    case 'imagePullSecrets':
      key = 'name';
      break;
    case 'volumeMounts':
      key = 'mountPath';
      break;
    case 'volumeDevices':
      key = 'devicePath';
      break;
    case 'hostAliases':
      key = 'ip';
      break;
    case 'topologySpreadConstraints':
      key = 'topologyKey';
      break;
    case 'ports':
      // Container ports merge on containerPort, Service ports on port.
      key = typeof parent === 'object' ? 'containerPort' : 'port';
      break;
  }
  const all = [...desired, ...live];
  if (key && all.every((e) => isMap(e) && e[key!] !== undefined)) return key;
  if (all.length > 0 && all.every((e) => isMap(e) && typeof e.name === 'string')) {
    const names = desired.map((e) => (e as { name: string }).name);
    if (new Set(names).size === names.length) return 'name';
  }
  return undefined;
}

export function scalarsEqual(d: unknown, l: unknown, path: readonly Segment[] = []): boolean {
  if (d === l) return true;
  if (l === undefined || l === null) return isZero(d);
  if (typeof d === 'object' || typeof l === 'object') return false;
  const keys = path.filter((s): s is string | number => typeof s !== 'object');
  if (isQuantityPath(keys) && quantitiesEqual(d, l)) return true;
  // int-or-string and YAML scalars as Kubernetes reads them: 8080 = "8080", true = "true".
  if (String(d) === String(l)) return true;
  const x = typeof d === 'string' ? Number(d) : d;
  const y = typeof l === 'string' ? Number(l) : l;
  return typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && x === y && d !== '' && l !== '';
}

/** Values `omitempty` drops: the server returns them as absent. */
function isZero(value: unknown): boolean {
  return value === '' || value === false || value === 0;
}

export function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value at a path with keyed segments (for reading main's and the PR's value at a drifted path). */
export function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (typeof segment === 'object') {
      if (!Array.isArray(current)) return undefined;
      current = current.find((e) => isMap(e) && String(e[segment.key]) === segment.value);
    } else if (typeof segment === 'number') {
      current = Array.isArray(current) ? current[segment] : undefined;
    } else {
      current = isMap(current) ? current[segment] : undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}
