// Kustomize's field specs: "this field of these kinds" (`spec/template/metadata/labels` of apps/Deployment), the
// addressing every built-in transformer and the name-reference fixer use. Walks plain JSON data the way
// Kustomize's fieldspec filter walks YAML nodes: lists are entered element by element, `create` makes missing
// fields on the way, and a scalar where a mapping was expected is an error naming the field.
import type { KubeObject } from '../types.js';
import { RenderError } from '../types.js';
import { groupOf, versionOf } from './resource.js';

export interface FieldSpec {
  group?: string;
  version?: string;
  kind?: string;
  path: string;
  create?: boolean;
}

/** What the visitor receives: the mapping holding the field and the field's name, so it can read or set it. */
export type FieldVisitor = (parent: Record<string, unknown>, key: string) => void;

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Splits `a/b\/c/d[]` into `a`, `b/c`, `d[]`: a backslash escapes a slash inside a key (annotation names). */
export function splitFieldPath(path: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && path[i + 1] === '/') {
      current += '/';
      i++;
    } else if (c === '/') {
      segments.push(current);
      current = '';
    } else current += c;
  }
  segments.push(current);
  return segments;
}

/** resid.Gvk.IsSelected: every one of group, version and kind the selector sets must match the object's. */
export function specMatches(
  spec: { group?: string; version?: string; kind?: string },
  object: { apiVersion?: unknown; kind?: unknown },
): boolean {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  if (spec.kind && spec.kind !== object.kind) return false;
  if (spec.group && spec.group !== groupOf(apiVersion)) return false;
  if (spec.version && spec.version !== versionOf(apiVersion)) return false;
  return true;
}

/**
 * Calls `visit` for every place `spec.path` reaches in `object` (several when the path crosses lists). With
 * `spec.create`, missing mappings on the way are created and the last field is visited even when absent, so the
 * visitor can create it; without it, absent or null fields are skipped.
 */
export function visitFieldSpec(object: KubeObject, spec: FieldSpec, visit: FieldVisitor): void {
  if (!specMatches(spec, object)) return;
  const segments = splitFieldPath(spec.path);
  walk(object, segments, spec, visit);
}

function walk(node: unknown, segments: string[], spec: FieldSpec, visit: FieldVisitor): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const element of node) walk(element, segments, spec, visit);
    return;
  }
  if (!isMapping(node)) {
    throw new RenderError(`considering field '${spec.path}': expected sequence or mapping node`, 'invalid');
  }
  const [head, ...rest] = segments as [string, ...string[]];
  const isList = head.endsWith('[]');
  const key = isList ? head.slice(0, -2) : head;
  if (key === '') throw new RenderError(`considering field '${spec.path}': empty field name`, 'invalid');
  if (rest.length === 0) {
    if (node[key] === undefined && !(spec.create && !isList)) return;
    visit(node, key);
    return;
  }
  if ((node[key] === undefined || node[key] === null) && spec.create && !isList) node[key] = {};
  walk(node[key], rest, spec, visit);
}
