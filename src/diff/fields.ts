// The field-level view of a modification: each changed leaf with its path and old → new value, e.g.
// `spec.template.spec.containers[name=api].image: ghcr.io/a:1.8.1 → ghcr.io/a:1.8.2`. Keyed lists are matched by
// key, so a reordered env list changes nothing and a changed container is named, not numbered.
import type { FieldChange } from '../core/types.js';
import { itemKey, listKeyFields, sortKeys } from './canonical.js';

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function childPath(path: string, key: string): string {
  const segment = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
  if (path === '') return segment.startsWith('"') ? `[${segment}]` : segment;
  return segment.startsWith('"') ? `${path}[${segment}]` : `${path}.${segment}`;
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function nameOf(item: unknown): string | undefined {
  return isMapping(item) && typeof item.name === 'string' ? item.name : undefined;
}

/** `depth` follows canonicalize's, so fields come out in the order the YAML diff shows them. */
function walk(
  path: string,
  field: string | undefined,
  a: unknown,
  b: unknown,
  out: FieldChange[],
  depth: number,
): void {
  if (same(a, b)) return;
  if (isMapping(a) && isMapping(b)) {
    for (const key of sortKeys([...Object.keys(a), ...Object.keys(b)], depth)) {
      const p = childPath(path, key);
      if (!(key in b)) out.push({ path: p, before: a[key] });
      else if (!(key in a)) out.push({ path: p, after: b[key] });
      else walk(p, key, a[key], b[key], out, depth + 1);
    }
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const keyA = listKeyFields(field, a);
    const keyB = listKeyFields(field, b);
    if (keyA && keyB && keyA.join() === keyB.join()) {
      const byKey = (items: unknown[]) =>
        new Map(items.map((item) => [itemKey(item as Record<string, unknown>, keyA), item] as const));
      const [ma, mb] = [byKey(a), byKey(b)];
      for (const [key, item] of ma) {
        const p = `${path}[${key}]`;
        if (!mb.has(key)) out.push({ path: p, before: item });
        else walk(p, undefined, item, mb.get(key), out, depth + 1);
      }
      for (const [key, item] of mb) if (!ma.has(key)) out.push({ path: `${path}[${key}]`, after: item });
      return;
    }
    if (a.length === b.length) {
      // Same length, in order: name the items where they carry the same name, number them otherwise.
      a.forEach((item, i) => {
        const name = nameOf(item);
        const label = name !== undefined && name === nameOf(b[i]) ? `name=${name}` : String(i);
        walk(`${path}[${label}]`, undefined, item, b[i], out, depth + 1);
      });
      return;
    }
  }
  out.push({ path: path || '(object)', before: a, after: b });
}

/** Changed leaves between two objects, in document order. Absent `before`/`after` = the field was added/removed. */
export function fieldChanges(base: unknown, head: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  walk('', undefined, base, head, out, 0);
  return out;
}

/** A value as one short line: scalars as written, structures as compact JSON, long text cut. */
export function formatValue(value: unknown, max = 80): string {
  if (value === undefined) return '(none)';
  let text: string;
  if (typeof value === 'string') {
    const lines = value.split('\n');
    if (lines.length > 1) {
      const suffix = `… (${lines.length} lines)`;
      return `${lines[0]!.slice(0, Math.max(0, max - suffix.length))}${suffix}`;
    }
    text = value;
  } else {
    text = JSON.stringify(value) ?? String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** `spec.replicas: 3 → 4`. */
export function formatFieldChange(change: FieldChange, max = 80): string {
  return `${change.path}: ${formatValue(change.before, max)} → ${formatValue(change.after, max)}`;
}
