// Reading `metadata.managedFields` (FieldsV1): which manager owns a field. Used twice: to say who changed a
// drifted field (`kubectl` via the scale subresource, `kubectl-edit`, an HPA's `kube-controller-manager`), and
// for Argo CD's `managedFieldsManagers` ignore rule (fields those managers own are left out of the comparison).
import type { PathPattern } from './ignore.js';
import type { Segment } from './paths.js';

export interface ManagedFieldsEntry {
  manager: string;
  operation?: string;
  subresource?: string;
  time?: string;
  fields: Record<string, unknown>;
}

export function managedFieldsOf(object: unknown): ManagedFieldsEntry[] {
  const entries = (object as { metadata?: { managedFields?: unknown } } | undefined)?.metadata?.managedFields;
  if (!Array.isArray(entries)) return [];
  const out: ManagedFieldsEntry[] = [];
  for (const entry of entries) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    if (typeof e.manager !== 'string' || !isMap(e.fieldsV1)) continue;
    out.push({
      manager: e.manager,
      operation: typeof e.operation === 'string' ? e.operation : undefined,
      subresource: typeof e.subresource === 'string' ? e.subresource : undefined,
      time: typeof e.time === 'string' ? e.time : undefined,
      fields: e.fieldsV1,
    });
  }
  return out;
}

/** Whether the entry owns the field at `path` (or an atomic ancestor of it). */
export function owns(entry: ManagedFieldsEntry, path: readonly Segment[]): boolean {
  let node: Record<string, unknown> = entry.fields;
  for (const segment of path) {
    // A leaf before the end: the manager owns the whole value there (an atomic list or map, or a scalar).
    // (`{".": {}}` alone owns only the element's presence, not its fields.)
    if (Object.keys(node).length === 0 && node !== entry.fields) return true;
    let child: unknown;
    if (typeof segment === 'string') {
      child = node[`f:${segment}`];
    } else if (typeof segment === 'object') {
      child = Object.entries(node).find(([k]) => {
        if (!k.startsWith('k:')) return false;
        try {
          const fields = JSON.parse(k.slice(2)) as Record<string, unknown>;
          return String(fields[segment.key]) === segment.value;
        } catch {
          return false;
        }
      })?.[1];
    } else {
      child = node[`i:${segment}`];
    }
    if (!isMap(child)) return false;
    node = child;
  }
  return true;
}

/** Leaf fields an entry owns, as patterns for deletion (`k:` list elements matched by their key fields). */
export function ownedPatterns(entry: ManagedFieldsEntry): PathPattern[] {
  const out: PathPattern[] = [];
  const walk = (node: Record<string, unknown>, prefix: PathPattern) => {
    const children = Object.entries(node).filter(([k]) => k !== '.');
    if (children.length === 0 && prefix.length > 0) {
      out.push(prefix);
      return;
    }
    for (const [k, v] of children) {
      if (!isMap(v)) continue;
      if (k.startsWith('f:')) walk(v, [...prefix, { key: k.slice(2) }]);
      else if (k.startsWith('k:')) {
        try {
          walk(v, [...prefix, { fields: JSON.parse(k.slice(2)) as Record<string, unknown> }]);
        } catch {
          // a malformed key names nothing we can find
        }
      } else if (k.startsWith('i:')) walk(v, [...prefix, { token: k.slice(2) }]);
      // `v:` set members: atomic scalars in a set; ignoring them would need value matching, left compared.
    }
  };
  walk(entry.fields, []);
  return out;
}

/** `kubectl (scale, 2026-03-12T09:41:07Z)` for the report. */
export function describeEntry(entry: ManagedFieldsEntry): string {
  const details = [entry.subresource ? `${entry.subresource} subresource` : entry.operation, entry.time].filter(
    Boolean,
  );
  return `${entry.manager}${details.length ? ` (${details.join(', ')})` : ''}`;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
