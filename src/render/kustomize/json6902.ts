// JSON Patch (RFC 6902) as Kustomize applies it: gopkg.in/evanphx/json-patch.v4 (v4.12). Written here rather than
// taken from npm because the npm libraries differ where Kustomize users notice (checked against kubectl kustomize):
// fast-json-patch 3.1.1 refuses negative array indices (evanphx counts them from the end in every operation: `-1`
// is the last element, and for `add` the end of the list), refuses `replace` of a
// missing object key (evanphx adds it) and an `add` without `value` (evanphx adds null), and `copy` from a missing
// key (evanphx copies null). Error messages carry paths, never values.
import { parseAllDocuments } from 'yaml';
import { KUBERNETES_YAML_OPTIONS } from '../../validate/yaml.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonMap = { [key: string]: Json };

export interface JsonPatchOperation {
  op: string;
  path?: string;
  from?: string;
  /** Absent and null are the same to evanphx: both add null. */
  value?: Json;
  hasValue: boolean;
}

export class JsonPatchError extends Error {
  override name = 'JsonPatchError';
}

/** Parses operations the way Kustomize does: JSON when the text starts with `[`, else YAML (first document). */
export function decodeJsonPatch(text: string): JsonPatchOperation[] {
  let data: unknown;
  if (text.startsWith('[')) {
    try {
      data = JSON.parse(text);
    } catch {
      throw new JsonPatchError('the JSON patch is not valid JSON');
    }
  } else {
    // sigs.k8s.io/yaml's YAMLToJSON reads go-yaml v2's YAML 1.1: `on`, `yes` are booleans, `0644` is octal.
    const first = parseAllDocuments(text, { ...KUBERNETES_YAML_OPTIONS, uniqueKeys: false })[0];
    if (!first || 'empty' in first) throw new JsonPatchError('the JSON patch is empty');
    if (first.errors.length > 0) throw new JsonPatchError('the JSON patch is not valid YAML');
    data = first.toJS();
  }
  if (!Array.isArray(data)) throw new JsonPatchError('a JSON patch must be a list of operations');
  return data.map((raw, i) => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new JsonPatchError(`JSON patch operation ${i + 1} is not an object`);
    const op = raw as Record<string, unknown>;
    const text = (field: string): string | undefined => {
      const value = op[field];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'string')
        throw new JsonPatchError(`JSON patch operation ${i + 1}: ${field} is not a string`);
      return value;
    };
    const hasValue = Object.prototype.hasOwnProperty.call(op, 'value');
    const path = text('path');
    const from = text('from');
    return {
      op: typeof op.op === 'string' ? op.op : 'unknown',
      ...(path !== undefined ? { path } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(hasValue ? { value: (op.value ?? null) as Json } : {}),
      hasValue,
    };
  });
}

function isMap(value: unknown): value is JsonMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** RFC 6901 unescaping. */
function decodeKey(key: string): string {
  return key.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Go's strconv.Atoi. */
function atoi(key: string): number | undefined {
  return /^[-+]?[0-9]+$/.test(key) ? Number(key) : undefined;
}

type Container = JsonMap | Json[];

/** evanphx's findObject: the parent of the last path segment, or undefined when any step is missing. */
function findParent(doc: JsonMap, path: string): [Container, string] | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let current: Container = doc;
  for (const part of split.slice(1, -1)) {
    const next = get(current, decodeKey(part));
    if (next === undefined || next === null || typeof next !== 'object') return undefined;
    current = next;
  }
  return [current, decodeKey(split[split.length - 1]!)];
}

/** An existing element's index; negative ones count from the end (evanphx v4.12). */
function existingIndex(container: Json[], key: string): number {
  const index = atoi(key);
  if (index === undefined || index >= container.length || index < -container.length)
    throw new JsonPatchError(`invalid array index "${key}"`);
  return index < 0 ? index + container.length : index;
}

/** undefined for a missing key; throws for an array index that is not one. */
function get(container: Container, key: string): Json | undefined {
  if (!Array.isArray(container))
    return Object.prototype.hasOwnProperty.call(container, key) ? container[key] : undefined;
  return container[existingIndex(container, key)];
}

function add(container: Container, key: string, value: Json): void {
  if (!Array.isArray(container)) {
    container[key] = value;
    return;
  }
  if (key === '-') {
    container.push(value);
    return;
  }
  let index = atoi(key);
  const size = container.length + 1;
  if (index === undefined || index >= size || index < -size) throw new JsonPatchError(`invalid array index "${key}"`);
  if (index < 0) index += size;
  container.splice(index, 0, value);
}

function remove(container: Container, key: string): void {
  if (!Array.isArray(container)) {
    if (!Object.prototype.hasOwnProperty.call(container, key))
      throw new JsonPatchError(`cannot remove missing key "${key}"`);
    delete container[key];
    return;
  }
  container.splice(existingIndex(container, key), 1);
}

/** Structural equality, as evanphx's test operation compares (key order aside). */
function equal(actual: Json, expected: Json): boolean {
  if (isMap(actual)) {
    if (!isMap(expected)) return false;
    const keys = Object.keys(actual);
    if (keys.length !== Object.keys(expected).length) return false;
    return keys.every((k) => Object.prototype.hasOwnProperty.call(expected, k) && equal(actual[k]!, expected[k]!));
  }
  if (Array.isArray(actual)) {
    return (
      Array.isArray(expected) && actual.length === expected.length && actual.every((v, i) => equal(v, expected[i]!))
    );
  }
  if (typeof actual === 'bigint' || typeof expected === 'bigint') return String(actual) === String(expected);
  return JSON.stringify(actual) === JSON.stringify(expected);
}

function parentOf(doc: JsonMap, path: string | undefined, op: string, what: 'path' | 'from'): [Container, string] {
  if (path === undefined) throw new JsonPatchError(`${op} operation has no ${what}`);
  const found = findParent(doc, path);
  if (!found) throw new JsonPatchError(`${op} operation does not apply: the document is missing ${what} "${path}"`);
  return found;
}

/** Applies `operations` to `doc` in place, stopping at the first failure (JsonPatchError). */
export function applyJsonPatch(doc: JsonMap, operations: JsonPatchOperation[]): void {
  for (const operation of operations) {
    const value = operation.value ?? null;
    switch (operation.op) {
      case 'add': {
        const [container, key] = parentOf(doc, operation.path, 'add', 'path');
        add(container, key, structuredClone(value));
        break;
      }
      case 'remove': {
        const [container, key] = parentOf(doc, operation.path, 'remove', 'path');
        remove(container, key);
        break;
      }
      case 'replace': {
        const [container, key] = parentOf(doc, operation.path, 'replace', 'path');
        if (Array.isArray(container)) container[existingIndex(container, key)] = structuredClone(value);
        else container[key] = structuredClone(value);
        break;
      }
      case 'move': {
        const [from, fromKey] = parentOf(doc, operation.from, 'move', 'from');
        const moved = get(from, fromKey) ?? null;
        remove(from, fromKey);
        const [container, key] = parentOf(doc, operation.path, 'move', 'path');
        add(container, key, moved);
        break;
      }
      case 'copy': {
        const [from, fromKey] = parentOf(doc, operation.from, 'copy', 'from');
        const copied = structuredClone(get(from, fromKey) ?? null);
        const [container, key] = parentOf(doc, operation.path, 'copy', 'path');
        add(container, key, copied);
        break;
      }
      case 'test': {
        const [container, key] = parentOf(doc, operation.path, 'test', 'path');
        const actual = get(container, key) ?? null;
        const passed =
          actual === null
            ? operation.value === undefined || operation.value === null
            : operation.hasValue && equal(actual, value);
        if (!passed) throw new JsonPatchError(`test operation failed at "${operation.path}"`);
        break;
      }
      default:
        throw new JsonPatchError(`unknown JSON patch operation "${operation.op}"`);
    }
  }
}
