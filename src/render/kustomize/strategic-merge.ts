// Kustomize's strategic merge (kyaml merge2 walked with walk.Walker, lists prepended as Kustomize's
// patchstrategicmerge filter asks), ported to plain JSON. It is not apimachinery's strategic merge patch:
// - maps merge field by field; a null in the patch deletes the field; `$patch: delete|replace|merge` on a map;
// - lists merge by key only where the kind's v1.21 schema says so (merge-keys.ts); elsewhere, CRDs included, the
//   patch's list replaces the target's;
// - merged lists put the patch's elements first, then the target's others (multi-key lists such as ports: the
//   target's elements after all of the patch's new ones); `$patch: delete` on an element removes it, a list element
//   `{$patch: replace|delete}` applies to the whole list; `$patch: replace` on a single element has no effect
//   (kyaml puts the target's element back);
// - `$patch: replace` at the top of the patch changes nothing (Kustomize discards the replacement);
// - `$setElementOrder/…`, `$retainKeys`, `$deleteFromPrimitiveList/…` are not directives for kyaml: they stay in the
//   output as ordinary fields, as `kubectl kustomize` prints them.
import { fieldSchema, itemSchema, schemaForType, type MergeSchema } from './merge-keys.js';

type Json = null | boolean | number | string | Json[] | JsonMap;
interface JsonMap {
  [key: string]: Json;
}

/** A null kept in the output: the target had it and the patch said nothing about it. */
const KEEP_NULL = Symbol('keep null');
type Walked = Json | undefined | typeof KEEP_NULL;

/** A patch that cannot be merged; `path` is the field path, never a value. */
export class StrategicMergeError extends Error {
  override name = 'StrategicMergeError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(path ? `${message} at ${path}` : message);
  }
}

/**
 * Merges `patch` into a copy of `target`; null when the patch deletes the whole object (`$patch: delete`).
 * Neither argument is changed. Throws StrategicMergeError for conflicting shapes and unknown directives.
 */
export function strategicMerge<T extends Record<string, unknown>>(target: T, patch: Record<string, unknown>): T | null {
  const dest = structuredClone(target) as unknown as JsonMap;
  const origin = structuredClone(patch) as unknown as JsonMap;
  const merged = walk(dest, origin, undefined, []);
  if (merged === undefined || merged === null || merged === KEEP_NULL || !isMap(merged)) return null;
  // Kustomize keeps the node it merged into and only looks at the result to see whether it was deleted: a
  // top-level `$patch: replace`, whose result is the patch, leaves the target as it was.
  if (merged !== dest) return structuredClone(target);
  if (Object.keys(merged).length === 0) return null;
  return merged as unknown as T;
}

function isMap(value: unknown): value is JsonMap {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function missingOrNull(value: Walked): value is undefined | null {
  return value === undefined || value === null;
}

function isEmptyMap(value: Walked): boolean {
  return missingOrNull(value) || (isMap(value) && Object.keys(value).length === 0);
}

/** The text yaml.v3 keeps for a scalar node, which kyaml compares merge keys by. */
function scalarText(value: Json | undefined): string {
  if (value === undefined) return '';
  if (value === null) return 'null';
  if (typeof value === 'object') return '';
  return String(value);
}

/** Nil or empty the way kyaml's IsNilOrEmpty sees a field value. */
function nilOrEmpty(value: Json | undefined): boolean {
  return (
    value === undefined ||
    value === null ||
    (Array.isArray(value) && value.length === 0) ||
    (isMap(value) && Object.keys(value).length === 0)
  );
}

function kindOf(value: Json): 'map' | 'list' | 'scalar' {
  if (Array.isArray(value)) return 'list';
  return isMap(value) ? 'map' : 'scalar';
}

/** A plain scalar written back from merge-key text: untagged, so YAML's core schema resolves it. */
function resolvePlain(text: string): Json {
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(text)) {
    const n = Number(text);
    if (Number.isSafeInteger(n)) return n;
  }
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  return text;
}

function own(map: JsonMap, key: string): Json | undefined {
  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;
}

/** kyaml's Walker.GetSchema: without a schema from above, a map with apiVersion and kind brings its own. */
function schemaFromMeta(value: Walked): MergeSchema | undefined {
  if (!isMap(value)) return undefined;
  const apiVersion = own(value, 'apiVersion');
  const kind = own(value, 'kind');
  if (nilOrEmpty(apiVersion) || nilOrEmpty(kind)) return undefined;
  return schemaForType(scalarText(apiVersion), scalarText(kind));
}

function walk(dest: Walked, origin: Walked, schema: MergeSchema | undefined, path: string[]): Walked {
  if (dest === KEEP_NULL) dest = null;
  if (origin === KEEP_NULL) origin = null;
  schema ??= schemaFromMeta(dest) ?? schemaFromMeta(origin);
  const first = !missingOrNull(dest) ? dest : !missingOrNull(origin) ? origin : undefined;
  if (first === undefined) return walkMap(dest, origin, schema, path);
  const kind = kindOf(first);
  for (const source of [dest, origin]) {
    if (!missingOrNull(source) && kindOf(source) !== kind)
      throw new StrategicMergeError(
        `the patch has a ${kindOf(origin as Json)} where the target has a ${kindOf(dest as Json)}`,
        path.join('.'),
      );
  }
  if (kind === 'map') return walkMap(dest, origin, schema, path);
  if (kind === 'scalar') return origin !== undefined ? origin : dest;
  if (schema?.mergeKeys === undefined) return origin !== undefined ? origin : dest;
  return walkMergedList(dest as Json[] | null | undefined, origin as Json[] | null | undefined, schema, path);
}

type Directive = 'merge' | 'replace' | 'delete';

/** Reads and removes a map's `$patch`. */
function mapDirective(origin: JsonMap, path: string[]): Directive {
  const value = own(origin, '$patch');
  if (value === undefined) return 'merge';
  const text = scalarText(value);
  if (text === 'delete' || text === 'replace' || text === 'merge') {
    delete origin.$patch;
    return text;
  }
  throw new StrategicMergeError(`unknown patch strategy "${text}"`, path.join('.'));
}

function walkMap(dest: Walked, origin: Walked, schema: MergeSchema | undefined, path: string[]): Walked {
  let result: Walked;
  if (missingOrNull(dest)) {
    // A new map from the patch: kyaml reads its directive but ignores an unknown one, leaving it in place.
    if (isMap(origin)) {
      const text = scalarText(own(origin, '$patch'));
      if (text === 'delete' || text === 'replace' || text === 'merge') {
        delete origin.$patch;
        if (text === 'delete') return undefined;
      }
    }
    if (origin === undefined && dest === null) return KEEP_NULL;
    result = origin;
  } else if (origin === null) {
    return undefined;
  } else {
    const directive = isMap(origin) ? mapDirective(origin, path) : 'merge';
    if (directive === 'delete') return undefined;
    result = directive === 'replace' ? origin : dest;
  }
  if (!isMap(result)) return result;
  const target = result;
  const patch = isMap(origin) ? origin : undefined;
  const fields = new Set(Object.keys(target));
  if (patch) for (const key of Object.keys(patch)) fields.add(key);
  for (const key of [...fields].sort()) {
    const value = walk(own(target, key), patch ? own(patch, key) : undefined, schema && fieldSchema(schema, key), [
      ...path,
      key,
    ]);
    if (value === undefined || value === null) delete target[key];
    else target[key] = value === KEEP_NULL ? null : value;
  }
  return target;
}

/** The `$patch` of a list: its first map element holding `$patch` and nothing else. Removes it. */
function listDirective(origin: Json[], path: string[]): Directive {
  const element = origin.find((e) => isMap(e) && own(e, '$patch') !== undefined) as JsonMap | undefined;
  if (!element || Object.keys(element).length > 1) return 'merge';
  const text = scalarText(own(element, '$patch'));
  if (text !== 'delete' && text !== 'replace' && text !== 'merge')
    throw new StrategicMergeError(`unknown patch strategy "${text}"`, path.join('.'));
  setElement(origin, undefined, ['$patch'], [text]);
  return text;
}

function walkMergedList(
  dest: Json[] | null | undefined,
  origin: Json[] | null | undefined,
  schema: MergeSchema,
  path: string[],
): Walked {
  let result: Json[] | null | undefined;
  if (missingOrNull(dest)) result = origin;
  else if (origin === null) return undefined;
  else {
    const directive = origin === undefined ? 'merge' : listDirective(origin, path);
    if (directive === 'delete') return undefined;
    result = directive === 'replace' ? origin : dest;
  }
  if (missingOrNull(result)) return undefined;
  const keys = schema.mergeKeys ?? [];
  const values = elementValues(keys, result, origin);
  if (values.length > 0 || keys.length > 0)
    return setMergedElements(values, [...keys], result, origin, itemSchema(schema), path);
  return setMergedElements(primitiveValues(result, origin), [''], result, origin, itemSchema(schema), path);
}

/** Key values of every element, the patch's first, each combination once (kyaml's elementValues, prepending). */
function elementValues(keys: readonly string[], dest: Json[], origin: Json[] | null | undefined): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const source of [origin, dest]) {
    if (!Array.isArray(source)) continue;
    for (const element of source) {
      const values = keys.map((key) => {
        const value = isMap(element) ? own(element, key) : undefined;
        return nilOrEmpty(value) ? '' : scalarText(value);
      });
      const id = JSON.stringify(values);
      if (values.length === 0 || seen.has(id)) continue;
      out.push(values);
      seen.add(id);
    }
  }
  return out;
}

function primitiveValues(dest: Json[], origin: Json[] | null | undefined): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const source of [origin, dest]) {
    if (!Array.isArray(source)) continue;
    for (const item of source) {
      const text = scalarText(item);
      if (seen.has(text)) continue;
      out.push([text]);
      seen.add(text);
    }
  }
  return out;
}

/** Keys some element has a value for (kyaml's validateKeys): secondary keys nobody sets are not compared. */
function validateKeys(valuesList: string[][], values: string[], keys: string[]): [string[], string[]] {
  const valid = new Set<string>();
  for (const entry of valuesList) entry.forEach((v, i) => v !== '' && valid.add(keys[i]!));
  if (valid.size === 0) return [keys, values];
  const validKeys = keys.filter((k) => valid.has(k));
  const validValues = values.filter((v, i) => v !== '' || valid.has(keys[i]!));
  return [validKeys, validValues];
}

/** Entries equal but for empty secondary keys count as one (a port with and without `protocol: TCP`). */
function mergeValues(valuesList: string[][]): void {
  for (let i = 0; i < valuesList.length; i++) {
    const values = valuesList[i]!;
    for (let j = 0; j < valuesList.length; j++) {
      const merged = matchValues(values, valuesList[j]!);
      if (merged) {
        valuesList[i] = merged;
        valuesList[j] = merged;
      }
    }
  }
}

function matchValues(a: string[], b: string[]): string[] | undefined {
  if (a.length !== b.length) return undefined;
  let common = false;
  const out: string[] = [];
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) {
      common = true;
      out.push(a[i]!);
    } else if (a[i] !== '' && b[i] !== '') return undefined;
    else out.push(a[i] !== '' ? a[i]! : b[i]!);
  }
  return common ? out : undefined;
}

/** kyaml's ElementMatcher: the first element whose keys have exactly these texts. */
function findElement(source: Json[] | null | undefined, keys: string[], values: string[]): Json | undefined {
  if (!Array.isArray(source)) return undefined;
  if (keys.length === 0 || keys[0] === '') {
    const wanted = values[0] ?? '';
    return source.find((e) => scalarText(e) === wanted);
  }
  if (keys.length !== values.length) return undefined;
  return source.find(
    (e) => isMap(e) && keys.every((k, i) => own(e, k) !== undefined && scalarText(own(e, k)) === values[i]),
  );
}

/** kyaml's FieldMatcher with a string value: an empty value only asks that the field exists. */
function fieldMatches(element: Json, key: string, value: string): boolean {
  if (element === null) return false;
  if (key === '') {
    if (typeof element === 'object') throw new StrategicMergeError('a list mixes scalars and maps', '');
    return scalarText(element) === value;
  }
  if (!isMap(element)) throw new StrategicMergeError('a list mixes scalars and maps', '');
  const field = own(element, key);
  if (field === undefined) return false;
  return value === '' || scalarText(field) === value;
}

/**
 * kyaml's ElementSetter, in place: drops null and empty elements, replaces every element matching the keys with
 * `element` (removes them when `element` is undefined), appends `element` when none matched.
 */
function setElement(list: Json[], element: Json | undefined, keys: string[], values: string[]): void {
  const matchKeys = keys.length === 0 ? [''] : keys;
  const mappingSetter = matchKeys[0] !== '' && values.length > 0 && values[0] !== '';
  const kept: Json[] = [];
  let found = false;
  for (const current of list) {
    if (isEmptyMap(current)) continue;
    if (!isMap(current) && mappingSetter) {
      kept.push(current);
      continue;
    }
    let matched = false;
    for (let j = 0; j < matchKeys.length; j++) {
      if (j < values.length) matched = fieldMatches(current, matchKeys[j]!, values[j]!);
      if (!matched) break;
    }
    if (!matched) {
      if (values.length > 0) kept.push(current);
      continue;
    }
    found = true;
    if (element !== undefined) kept.push(element);
  }
  list.length = 0;
  list.push(...kept);
  if (element === undefined || element === null) return;
  if (!found) list.push(element);
}

function setMergedElements(
  valuesList: string[][],
  keys: string[],
  dest: Json[],
  origin: Json[] | null | undefined,
  schema: MergeSchema,
  path: string[],
): Walked {
  const items: Json[] = [];
  if (keys.length > 1) mergeValues(valuesList);
  let validKeys: string[] = keys;
  for (const values of valuesList) {
    if (values.length === 0) continue;
    let validValues: string[];
    [validKeys, validValues] = validateKeys(valuesList, values, keys);
    const [lookupKeys, lookupValues] = validateKeys([validValues], validValues, validKeys);
    const value = walk(
      findElement(dest, lookupKeys, lookupValues),
      findElement(origin, lookupKeys, lookupValues),
      schema,
      [...path, `[${validKeys.map((k, i) => (k ? `${k}=${validValues[i]}` : validValues[i])).join(',')}]`],
    );
    const val = value === KEEP_NULL ? null : value;
    if (missingOrNull(val) || isEmptyMap(val)) {
      setElement(dest, undefined, validKeys, validValues);
      continue;
    }
    if (isMap(val)) {
      validKeys.forEach((key, i) => {
        if (key !== '' && own(val, key) === undefined && validValues[i] !== '')
          val[key] = resolvePlain(validValues[i]!);
      });
    }
    setElement(items, val, validKeys, validValues);
  }
  if (valuesList.length === 0) return dest;
  appendElements(items, dest, validKeys);
  return items;
}

/** kyaml's appendListNode: the target's elements go after (or over) the merged ones. */
function appendElements(into: Json[], from: Json[], keys: string[]): void {
  for (const element of [...from]) {
    if (keys[0] === '') {
      setElement(into, element, [''], [scalarText(element)]);
      continue;
    }
    if (element !== null && !isMap(element)) throw new StrategicMergeError('a merged list holds a scalar', '');
    const values: string[] = [];
    for (const key of keys) {
      const value = isMap(element) ? own(element, key) : undefined;
      if (value === undefined) {
        into.push(element);
        continue;
      }
      values.push(scalarText(value));
    }
    if (keys.length > 1) setElement(into, undefined, keys, values);
    setElement(into, element, keys, values);
  }
}
