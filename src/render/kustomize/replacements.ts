// Kustomize v5.5's replacements (api/filters/replacement at api/v0.18.0): copy one field of one source object into
// fields of the selected targets. Sources and targets are selected by any id an object has had; field paths are
// dotted with `[key=value]` list selectors, numeric indexes and `*`; a target keeps its own scalar type (Kustomize
// replaces the node's text, not its tag); `delimiter`/`index` pick or splice one part; `create` makes missing fields.
import { RenderError } from '../types.js';
import { matchesRequirements, parseLabelSelector, type Selector } from './select.js';
import { formatNumber, resolvePlainScalar } from './yaml-io.js';
import { effectiveNamespace, resIdOf, type ResId, type Resource } from './resource.js';
import { specMatches } from './fieldspec.js';

interface FieldOptions {
  delimiter?: string;
  index?: number;
  create?: boolean;
}

interface Replacement {
  source?: Selector & { fieldPath?: string; options?: FieldOptions };
  targets?: { select?: Selector; reject?: Selector[]; fieldPaths?: string[]; options?: FieldOptions }[];
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

/** kyaml's PathSplitter: dots split, except escaped (`\\.`); a leading dot is dropped. */
function pathSplitter(path: string): string[] {
  let parts = path.split('.');
  if (parts.length > 1 && parts[0] === '') parts = parts.slice(1);
  const out: string[] = [parts[0]!];
  for (const part of parts.slice(1)) {
    const last = out.length - 1;
    if (out[last]!.endsWith('\\')) out[last] = `${out[last]!.slice(0, -1)}.${part}`;
    else out.push(part);
  }
  return out;
}

/** kyaml's SmarterPathSplitter: `[name=a.b]` stays one part; `[a.b]` becomes the map key `a.b`. */
export function splitDotted(path: string): string[] {
  const split = pathSplitter(path);
  const parts: string[] = [];
  for (let i = 0; i < split.length; i++) {
    const part = split[i]!;
    if (part.startsWith('[') && !part.endsWith(']')) {
      const bracketed = [part];
      while (i < split.length - 1) {
        i++;
        bracketed.push(split[i]!);
        if (split[i]!.endsWith(']')) break;
      }
      const joined = bracketed.join('.');
      parts.push(joined.includes('=') ? joined : joined.replace(/^\[+|\]+$/g, ''));
    } else parts.push(part);
  }
  return parts;
}

/** Every id the object has had, current first (utils.MakeResIds). */
function idsOf(resource: Resource): ResId[] {
  return [resIdOf(resource.object), ...resource.previousIds];
}

/** ResId.IsSelectedBy: exact name, namespace, group, version and kind where the selector sets them. */
function selectedBy(id: ResId, s: Selector): boolean {
  if (s.name && s.name !== id.name) return false;
  // resid.IsNsEquals compares effective namespaces, the selector's own computed with the selector's own kind.
  const selectorApiVersion = s.group ? `${s.group}/${s.version ?? ''}` : (s.version ?? '');
  const selectorId = { apiVersion: selectorApiVersion, kind: s.kind ?? '', name: '', namespace: s.namespace ?? '' };
  if (s.namespace && effectiveNamespace(selectorId) !== effectiveNamespace(id)) return false;
  return specMatches(s, id);
}

function scalarText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return String(value);
  return 'null';
}

/** The source's text as the type the target field already has. */
function asTargetType(text: string, target: unknown): unknown {
  if (typeof target === 'number' || typeof target === 'boolean') {
    const resolved = resolvePlainScalar(text);
    return typeof resolved === typeof target ? resolved : text;
  }
  return text;
}

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

/** A scalar field `create` made: it has no YAML tag yet, so the copied text resolves as a plain scalar. */
const UNTYPED = Symbol('untyped scalar');

const isIndex = (part: string) => /^\d+$/.test(part);
const isListSelector = (part: string) => part.startsWith('[') && part.endsWith(']');

/** kyaml's SplitIndexNameValue: `[name=value]` → [name, value]. */
function splitListSelector(part: string): [string, string] {
  const inner = part.replace(/\]$/, '').replace(/^\[/, '');
  const eq = inner.indexOf('=');
  if (eq < 0) throw new Error('list path element must contain fieldName=fieldValue for element to match');
  return [inner.slice(0, eq), inner.slice(eq + 1)];
}

/** What kyaml's getPathPartKind creates for a missing part, given the part after it. */
function containerFor(next: string | undefined, leaf: () => unknown): unknown {
  if (next === undefined) return leaf();
  return isListSelector(next) || isIndex(next) ? [] : {};
}

function elementsOf(node: unknown): unknown[] {
  if (!Array.isArray(node)) throw new Error('wrong node kind: expected SequenceNode');
  return node;
}

/** The text kyaml compares a list selector against: a scalar's value, trimmed. */
function matchText(value: unknown): string | undefined {
  return isScalar(value) ? scalarText(value).trim() : undefined;
}

/**
 * kyaml's PathMatcher, used for replacement targets: `[field=value]` is an UNANCHORED regular expression (as in
 * Go's regexp.MatchString), `*` every element, numbers an index (appending when `create` and index = length);
 * missing parts are created when `create` is set.
 */
function matchTargetPath(node: unknown, parts: string[], create: boolean, leaf: () => unknown, out: Slot[], at?: Slot) {
  if (parts.length === 0) {
    if (at) out.push(at);
    return;
  }
  const [head, ...rest] = parts as [string, ...string[]];
  if (isIndex(head)) {
    const elements = elementsOf(node);
    const index = Number(head);
    if (index === elements.length && create) elements.push(containerFor(rest[0], leaf));
    if (index >= elements.length)
      throw new Error(`index ${index} specified but only ${elements.length} elements found`);
    return matchTargetPath(elements[index], rest, create, leaf, out, { parent: elements, key: index });
  }
  if (isListSelector(head)) {
    const [field, value] = splitListSelector(head);
    const pattern = new RegExp(value, 'u');
    const elements = elementsOf(node);
    const before = out.length;
    let matched = false;
    elements.forEach((item, i) => {
      const candidate = matchText(field === '' ? item : isMapping(item) ? item[field] : undefined);
      if (candidate === undefined || !pattern.test(candidate)) return;
      matched = true;
      if (field === '') out.push({ parent: elements, key: i });
      else matchTargetPath(item, rest, create, leaf, out, { parent: elements, key: i });
    });
    if (matched || !create) return;
    elements.push(field === '' ? plainScalar(value) : { [field]: plainScalar(value) });
    out.length = before;
    return matchTargetPath(node, parts, create, leaf, out, at);
  }
  if (head === '*') {
    elementsOf(node).forEach((item, i) =>
      matchTargetPath(item, rest, create, leaf, out, { parent: node as unknown[], key: i }),
    );
    return;
  }
  if (!isMapping(node)) return;
  if (!(head in node)) {
    if (!create) return;
    node[head] = containerFor(rest[0], leaf);
  }
  matchTargetPath(node[head], rest, create, leaf, out, { parent: node, key: head });
}

/** kyaml's PathGetter (yaml.Lookup), used for the source: list selectors match exactly, `-` is the last element. */
export function lookupSource(object: unknown, path: string): unknown {
  let node: unknown = object;
  for (const part of splitDotted(path)) {
    if (node === undefined || node === null) return undefined;
    if (/^-?\d+$/.test(part)) {
      const index = Number(part);
      if (index < 0) throw new Error(`array index ${index} cannot be negative`);
      node = Array.isArray(node) ? node[index] : undefined;
    } else if (part === '-') {
      node = Array.isArray(node) ? node[node.length - 1] : undefined;
    } else if (part === '*') {
      throw new Error('wildcard is not supported in PathGetter');
    } else if (isListSelector(part)) {
      const [field, value] = splitListSelector(part);
      if (!Array.isArray(node)) return undefined;
      node = node.find((item) => matchText(field === '' ? item : isMapping(item) ? item[field] : undefined) === value);
    } else {
      node = isMapping(node) ? node[part] : undefined;
    }
  }
  return node;
}

/** A plain (untagged) scalar's value, resolved the way Kustomize resolves one on output. */
function plainScalar(text: string): unknown {
  const resolved = text === '' ? '' : resolvePlainScalar(text);
  return isScalar(resolved) ? resolved : text;
}

function describeSelector(s: Selector): string {
  const gvk = [s.group, s.version, s.kind].filter(Boolean).join('/');
  return `${gvk || '(any kind)'} ${s.namespace ? `${s.namespace}/` : ''}${s.name ?? '(any name)'}`;
}

function sourceValue(resources: Resource[], r: Replacement, label: string): unknown {
  const source = r.source!;
  const matches = resources.filter((res) => idsOf(res).some((id) => selectedBy(id, source)));
  if (matches.length > 1) throw new Error(`multiple matches for source selector ${describeSelector(source)}`);
  if (matches.length === 0) throw new Error(`nothing selected by source selector ${describeSelector(source)}`);
  const fieldPath = source.fieldPath || 'metadata.name';
  let value: unknown;
  try {
    value = lookupSource(matches[0]!.object, fieldPath);
  } catch (error) {
    throw new Error(`error looking up replacement source: ${(error as Error).message}`);
  }
  const empty =
    value === undefined ||
    value === null ||
    value === '' ||
    (isMapping(value) && Object.keys(value).length === 0) ||
    (Array.isArray(value) && value.length === 0);
  if (empty)
    throw new Error(`fieldPath \`${fieldPath}\` is missing for replacement source ${describeSelector(source)}`);
  const options = source.options;
  if (!options?.delimiter) return structuredClone(value);
  if (!isScalar(value)) throw new Error('delimiter option can only be used with scalar nodes');
  const parts = scalarText(value).split(options.delimiter);
  const index = options.index ?? 0;
  if (index >= parts.length || index < 0)
    throw new Error(`options.index ${index} is out of bounds for ${label}'s source value`);
  return parts[index];
}

function labelsMatch(resource: Resource, selector: Selector, where: string): boolean {
  const check = (text: string | undefined, map: Record<string, string> | undefined) =>
    !text || matchesRequirements(parseLabelSelector(text, where), map);
  return (
    check(selector.labelSelector, resource.object.metadata?.labels) &&
    check(selector.annotationSelector, resource.object.metadata?.annotations)
  );
}

const hasId = (s: Selector) => Boolean(s.group || s.version || s.kind || s.name || s.namespace);

/** Kustomize's setFieldValue: a scalar target keeps its YAML tag and takes only the text; others are replaced. */
function setTarget(slot: Slot, value: unknown, options: FieldOptions | undefined): void {
  const holder = slot.parent as Record<string | number, unknown>;
  const current = holder[slot.key];
  let next = value;
  if (options?.delimiter) {
    if (!isScalar(current) && current !== UNTYPED)
      throw new Error('delimiter option can only be used with scalar nodes');
    const parts = (current === UNTYPED ? '' : scalarText(current)).split(options.delimiter);
    const text = isScalar(value) ? scalarText(value) : '';
    const index = options.index ?? 0;
    if (index < 0) parts.unshift(text);
    else if (index >= parts.length) parts.push(text);
    else parts[index] = text;
    next = parts.join(options.delimiter);
  }
  const text = isScalar(next) ? scalarText(next) : '';
  if (current === UNTYPED) holder[slot.key] = isScalar(next) ? plainScalar(text) : structuredClone(next);
  else if (isScalar(current) && current !== null) holder[slot.key] = asTargetType(text, current);
  else holder[slot.key] = structuredClone(next);
}

/**
 * Applies a kustomization's replacements in order, mutating `resources`. `where` is the kustomization file; every
 * failure is a RenderError (invalid) naming it and the replacement (1-based) that failed.
 */
export function applyReplacements(resources: Resource[], replacements: unknown[], where = 'kustomization'): void {
  replacements.forEach((raw, i) => {
    const label = `replacements[${i + 1}]`;
    const fail = (message: string): never => {
      throw new RenderError(`${where}: ${label}: ${message}`, 'invalid', where);
    };
    const r = (isMapping(raw) ? raw : {}) as Replacement;
    if (!r.source || !r.targets) fail('replacements must specify a source and at least one target');
    let value: unknown;
    try {
      value = sourceValue(resources, r, label);
    } catch (error) {
      if (error instanceof RenderError) throw error;
      fail((error as Error).message);
    }
    for (const target of r.targets!) {
      if (!target.select) fail('target must specify resources to select');
      const select = target.select!;
      const rejects = target.reject ?? [];
      const fieldPaths = target.fieldPaths?.length ? target.fieldPaths : ['metadata.name'];
      const create = target.options?.create === true;
      for (const resource of resources) {
        if (!labelsMatch(resource, select, where)) continue;
        if (rejects.some((s) => (s.labelSelector || s.annotationSelector) && labelsMatch(resource, s, where))) continue;
        const ids = idsOf(resource);
        if (!ids.some((id) => selectedBy(id, select))) continue;
        if (rejects.some((s) => hasId(s) && ids.some((id) => selectedBy(id, s)))) continue;
        for (const path of fieldPaths) {
          const what = `unable to find ${create ? 'or create ' : ''}field "${path}" in replacement target ${resIdOf(resource.object).kind} ${resIdOf(resource.object).name}`;
          const slots: Slot[] = [];
          try {
            const leaf = () => (isScalar(value) ? UNTYPED : Array.isArray(value) ? [] : {});
            matchTargetPath(resource.object, splitDotted(path), create, leaf, slots);
          } catch (error) {
            fail(`${what}: ${(error as Error).message}`);
          }
          if (slots.length === 0) fail(what);
          try {
            for (const slot of slots) setTarget(slot, value, target.options);
          } catch (error) {
            fail((error as Error).message);
          }
        }
      }
    }
  });
}
