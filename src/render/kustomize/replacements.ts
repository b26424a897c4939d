// Kustomize v5.5's replacements (api/filters/replacement at api/v0.18.0): copy one field of one source object into
// fields of the selected targets. Sources and targets are selected by any id an object has had; field paths are
// dotted with `[key=value]` list selectors, numeric indexes and `*`; a target keeps its own scalar type (Kustomize
// replaces the node's text, not its tag); `delimiter`/`index` pick or splice one part; `create` makes missing fields.
import { RenderError } from '../types.js';
import { compileSelector, matchesRequirements, parseLabelSelector, type Selector } from './select.js';
import { formatNumber, resolvePlainScalar } from './yaml-io.js';
import { groupOf, effectiveNamespace, resIdOf, type ResId, type Resource } from './resource.js';

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

/** kyaml's SmarterPathSplitter: dots split, except inside `[...]`. */
export function splitDotted(path: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (const c of path) {
    if (c === '[') depth++;
    if (c === ']') depth = Math.max(0, depth - 1);
    if (c === '.' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts;
}

function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}

/** Every id the object has had, current first (utils.MakeResIds). */
function idsOf(resource: Resource): ResId[] {
  return [resIdOf(resource.object), ...resource.previousIds];
}

/** ResId.IsSelectedBy: exact name, namespace, group, version and kind where the selector sets them. */
function selectedBy(id: ResId, s: Selector): boolean {
  if (s.name && s.name !== id.name) return false;
  if (s.namespace && effectiveNamespace({ ...id, namespace: s.namespace }) !== effectiveNamespace(id)) return false;
  if (s.group && s.group !== groupOf(id.apiVersion)) return false;
  if (s.version && s.version !== versionOf(id.apiVersion)) return false;
  if (s.kind && s.kind !== id.kind) return false;
  return true;
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

const LIST_SELECTOR = /^\[([^=\]]*)=(.*)\]$/;

/**
 * The fields `path` reaches (kyaml's PathMatcher), creating missing mappings and lists on the way when asked. A
 * missing last field is a slot only with `create`; its value is then undefined and the caller sets it.
 */
function matchPath(node: unknown, parts: string[], create: boolean, out: Slot[]): void {
  const [head, ...rest] = parts as [string, ...string[]];
  const last = rest.length === 0;
  const container = () => (/^\d+$|^\[[^\]]*=/.test(rest[0]!) || rest[0] === '*' ? [] : {});
  const descend = (parent: Record<string, unknown> | unknown[], key: string | number) => {
    if (last) out.push({ parent, key });
    else matchPath((parent as Record<string | number, unknown>)[key], rest, create, out);
  };
  if (/^\d+$/.test(head)) {
    if (!Array.isArray(node)) return;
    const index = Number(head);
    if (index === node.length && create && !last) node.push(container());
    if (index > node.length || (index === node.length && !(create && last))) {
      throw new RenderError(`index ${index} specified but only ${node.length} elements found`, 'invalid');
    }
    return descend(node, index);
  }
  if (head === '*') {
    if (Array.isArray(node)) node.forEach((_, i) => descend(node, i));
    return;
  }
  const list = LIST_SELECTOR.exec(head);
  if (list) {
    if (!Array.isArray(node)) return;
    const [, field, value] = list as unknown as [string, string, string];
    const pattern = new RegExp(`^(?:${value})$`);
    let found = false;
    node.forEach((item, i) => {
      const candidate = field === '' ? item : isMapping(item) ? item[field] : undefined;
      if (candidate !== undefined && isScalar(candidate) && pattern.test(scalarText(candidate))) {
        found = true;
        descend(node, i);
      }
    });
    if (!found && create && field !== '') {
      node.push({ [field]: value });
      descend(node, node.length - 1);
    }
    return;
  }
  // `[a.b/c]` names a field whose name holds dots.
  const key = /^\[[^=\]]*\]$/.test(head) ? head.slice(1, -1) : head;
  if (!isMapping(node)) return;
  if (node[key] === undefined || node[key] === null) {
    if (!create) return;
    if (!last) node[key] = container();
  }
  descend(node, key);
}

function lookup(object: unknown, path: string): unknown {
  const out: Slot[] = [];
  matchPath(object, splitDotted(path), false, out);
  const slot = out[0];
  return slot ? (slot.parent as Record<string | number, unknown>)[slot.key] : undefined;
}

function sourceValue(resources: Resource[], r: Replacement, where: string): unknown {
  const source = r.source!;
  const matches = resources.filter((res) => idsOf(res).some((id) => selectedBy(id, source)));
  const describe =
    `${source.group ? `${source.group}/` : ''}${source.version ?? ''} ${source.kind ?? ''} ${source.namespace ? `${source.namespace}/` : ''}${source.name ?? ''}`.trim();
  if (matches.length > 1)
    throw new RenderError(`${where}: replacements: multiple matches for source ${describe}`, 'invalid', where);
  if (matches.length === 0)
    throw new RenderError(`${where}: replacements: nothing selected by source ${describe}`, 'invalid', where);
  const fieldPath = source.fieldPath || 'metadata.name';
  const value = lookup(matches[0]!.object, fieldPath);
  const empty =
    value === undefined ||
    value === null ||
    value === '' ||
    (isMapping(value) && Object.keys(value).length === 0) ||
    (Array.isArray(value) && value.length === 0);
  if (empty) {
    throw new RenderError(
      `${where}: replacements: fieldPath \`${fieldPath}\` is missing for replacement source ${describe}`,
      'invalid',
      where,
    );
  }
  const options = source.options;
  if (!options?.delimiter) return structuredClone(value);
  if (!isScalar(value))
    throw new RenderError(
      `${where}: replacements: delimiter option can only be used with scalar nodes`,
      'invalid',
      where,
    );
  const parts = scalarText(value).split(options.delimiter);
  const index = options.index ?? 0;
  if (index >= parts.length || index < 0) {
    throw new RenderError(
      `${where}: replacements: options.index ${index} is out of bounds for the source value`,
      'invalid',
      where,
    );
  }
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

function setTarget(slot: Slot, value: unknown, options: FieldOptions | undefined, where: string): void {
  const holder = slot.parent as Record<string | number, unknown>;
  const current = holder[slot.key];
  let next = value;
  if (options?.delimiter) {
    if (current !== undefined && !isScalar(current))
      throw new RenderError(
        `${where}: replacements: delimiter option can only be used with scalar nodes`,
        'invalid',
        where,
      );
    const parts = (current === undefined ? '' : scalarText(current)).split(options.delimiter);
    const text = scalarText(value);
    const index = options.index ?? 0;
    if (index < 0) parts.unshift(text);
    else if (index >= parts.length) parts.push(text);
    else parts[index] = text;
    next = parts.join(options.delimiter);
  }
  if (current !== undefined && current !== null && isScalar(current) && isScalar(next)) {
    holder[slot.key] = asTargetType(scalarText(next), current);
  } else if (current === undefined && isScalar(next)) {
    // A created field gets only the source's text, untagged: it resolves afresh (a "false" string becomes false).
    holder[slot.key] = resolvePlainScalar(scalarText(next));
  } else holder[slot.key] = structuredClone(next);
}

/** Applies the kustomization's replacements in order; `where` is the kustomization file, for errors. */
export function applyReplacements(resources: Resource[], replacements: unknown[], where = 'kustomization'): void {
  for (const raw of replacements) {
    const r = raw as Replacement;
    if (!r.source || !r.targets) {
      throw new RenderError(`${where}: replacements must specify a source and at least one target`, 'invalid', where);
    }
    const value = sourceValue(resources, r, where);
    for (const target of r.targets) {
      if (!target.select)
        throw new RenderError(`${where}: replacements: target must specify resources to select`, 'invalid', where);
      const fieldPaths = target.fieldPaths?.length ? target.fieldPaths : ['metadata.name'];
      const select = compileSelector(target.select, `${where}: replacements select`);
      const rejects = (target.reject ?? []).map((s) => ({
        s,
        match: compileSelector(s, `${where}: replacements reject`),
      }));
      for (const resource of resources) {
        if (!labelsMatch(resource, target.select, where)) continue;
        if (rejects.some(({ s }) => (s.labelSelector || s.annotationSelector) && labelsMatch(resource, s, where)))
          continue;
        if (rejects.some(({ s, match }) => !s.labelSelector && !s.annotationSelector && match(resource))) continue;
        if (!select(resource)) continue;
        const create = target.options?.create === true;
        for (const path of fieldPaths) {
          const slots: Slot[] = [];
          matchPath(resource.object, splitDotted(path), create, slots);
          if (slots.length === 0) {
            throw new RenderError(
              `${where}: replacements: unable to find ${create ? 'or create ' : ''}field "${path}" in replacement target ${resIdOf(resource.object).kind} ${resIdOf(resource.object).name}`,
              'invalid',
              where,
            );
          }
          for (const slot of slots) setTarget(slot, value, target.options, where);
        }
      }
    }
  }
}
