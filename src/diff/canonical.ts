// One canonical form per object, so that only meaning shows up in a diff: mapping keys sorted, and the lists
// Kubernetes merges by key (containers, env, ports, volumes …) ordered by that key. Every other list keeps its order,
// because there order is meaning (args, tolerations, rules).

/**
 * Lists Kubernetes treats as maps (strategic-merge `patchMergeKey` / `listType: map` in the API), by field name.
 * `initContainers` is deliberately absent: it merges by name, but its order is the order the containers run in.
 * `ports` is matched by name when every port has one, else by number and protocol (container or service ports).
 */
const LIST_KEYS: Record<string, readonly (readonly string[])[]> = {
  containers: [['name']],
  ephemeralContainers: [['name']],
  volumes: [['name']],
  env: [['name']],
  imagePullSecrets: [['name']],
  resourceClaims: [['name']],
  schedulingGates: [['name']],
  volumeMounts: [['mountPath']],
  volumeDevices: [['devicePath']],
  ports: [['name'], ['containerPort', 'protocol'], ['port', 'protocol']],
  hostAliases: [['ip']],
  topologySpreadConstraints: [['topologyKey', 'whenUnsatisfiable']],
  ownerReferences: [['uid']],
  conditions: [['type']],
};

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The key fields a list under `field` is matched by, when every item is a mapping and the key is present and
 * unique; undefined for ordered lists. `protocol` may be absent (it defaults to TCP).
 */
export function listKeyFields(field: string | undefined, items: readonly unknown[]): readonly string[] | undefined {
  if (field === undefined || items.length === 0) return undefined;
  const candidates = LIST_KEYS[field];
  if (!candidates || !items.every(isMapping)) return undefined;
  for (const fields of candidates) {
    const primary = fields[0]!;
    if (!items.every((item) => isScalar((item as Record<string, unknown>)[primary]))) continue;
    const keys = new Set(items.map((item) => itemKey(item as Record<string, unknown>, fields)));
    if (keys.size === items.length) return fields;
  }
  return undefined;
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** `name=api`, `containerPort=8080` (protocol shown only when not the TCP default). */
export function itemKey(item: Record<string, unknown>, fields: readonly string[]): string {
  return fields
    .map((field) => [field, item[field] ?? (field === 'protocol' ? 'TCP' : '')] as const)
    .filter(([field, value], i) => i === 0 || !(field === 'protocol' && value === 'TCP'))
    .map(([field, value]) => `${field}=${String(value)}`)
    .join(',');
}

/** Top-level fields people read first; `name` leads every other mapping, like Kubernetes' own docs. */
const TOP_ORDER = ['apiVersion', 'kind', 'metadata'];

function compareKeys(depth: number) {
  return (a: string, b: string): number => {
    if (depth === 0) {
      const ia = TOP_ORDER.indexOf(a);
      const ib = TOP_ORDER.indexOf(b);
      if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
    }
    if (a === 'name' || b === 'name') return a === 'name' ? (b === 'name' ? 0 : -1) : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  };
}

/** Mapping keys in canonical order for a mapping at `depth` (0 = the object itself). */
export function sortKeys(keys: Iterable<string>, depth: number): string[] {
  return [...new Set(keys)].sort(compareKeys(depth));
}

/** A deep copy with mapping keys in canonical order and keyed lists sorted by key. */
export function canonicalize(value: unknown, field?: string, depth = 0): unknown {
  if (Array.isArray(value)) {
    const items = value.map((item) => canonicalize(item, undefined, depth + 1));
    const keyFields = listKeyFields(field, value);
    if (!keyFields) return items;
    const keyed = items.map((item) => [itemKey(item as Record<string, unknown>, keyFields), item] as const);
    keyed.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return keyed.map(([, item]) => item);
  }
  if (isMapping(value)) {
    const out: Record<string, unknown> = {};
    for (const key of sortKeys(Object.keys(value), depth)) {
      out[key] = canonicalize(value[key], key, depth + 1);
    }
    return out;
  }
  return value;
}

/** Equal in meaning: same canonical form. */
export function canonicalEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonicalize(a)) === JSON.stringify(canonicalize(b));
}
