// Kustomize's three patch fields: `patches` (PatchTransformer: strategic merge or JSON 6902, told apart as Kustomize
// does, optional target selector), `patchesStrategicMerge` and `patchesJson6902`. The integrator reads `path:` files
// and passes their text; every error is a RenderError naming the patch's source and, where there is one, its target,
// never the patch's content (it may hold Secret values).
import type { KubeObject } from '../types.js';
import { RenderError } from '../types.js';
import { applyJsonPatch, decodeJsonPatch, JsonPatchError, type JsonPatchOperation } from './json6902.js';
import { effectiveNamespace, groupOf, rememberId, resIdOf, versionOf, type ResId, type Resource } from './resource.js';
import { compileSelector, type Selector } from './select.js';
import { strategicMerge, StrategicMergeError } from './strategic-merge.js';
import { parseResourceYaml } from './yaml-io.js';

export interface PatchOptions {
  allowNameChange?: boolean;
  allowKindChange?: boolean;
}

export interface PatchEntry {
  /** The patch itself: inline `patch:` text, or the content of the `path:` file. */
  text: string;
  /** Where the patch is written: the patch file, or the kustomization file for inline patches. */
  source: string;
  target?: Selector;
  options?: PatchOptions;
}

type Parsed = { kind: 'strategic'; patches: KubeObject[] } | { kind: 'json'; operations: JsonPatchOperation[] };

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** YAML scalar text of a metadata field, "" when unset or empty (kyaml's GetMeta). */
function metaText(value: unknown): string {
  if (value === undefined || value === null || typeof value === 'object') return '';
  return String(value);
}

/**
 * The documents of a strategic merge patch as Kustomize's resource factory reads them: empty documents skipped,
 * each needing a kind and (unless a list) a name, `…List` documents with `items` replaced by their items (queued
 * after the other documents). Undefined when the text is not a strategic merge patch.
 */
function parseStrategic(text: string, source: string): KubeObject[] | undefined {
  let documents: KubeObject[];
  try {
    // Kustomize reads patches as it reads resources (yaml.v3 scalars, annotation values as written); a list or
    // scalar document is no SM patch; a repeated key keeps its first value, as Kustomize's node merge does.
    documents = parseResourceYaml(text, source, { duplicateKeys: 'first-wins' });
  } catch (error) {
    if (error instanceof RenderError) return undefined;
    throw error;
  }
  const queue: unknown[] = [];
  for (const value of documents) {
    if (Object.keys(value).length === 0) continue;
    const kind = metaText(value.kind);
    if (kind === '') return undefined;
    if (!kind.endsWith('List') && metaText(isRecord(value.metadata) ? value.metadata.name : undefined) === '')
      return undefined;
    queue.push(value);
  }
  const patches: KubeObject[] = [];
  while (queue.length > 0) {
    const value = queue.shift() as Record<string, unknown>;
    if (!metaText(value.kind).endsWith('List') || !('items' in value)) {
      patches.push(value as KubeObject);
      continue;
    }
    if (value.items === null) continue;
    if (!Array.isArray(value.items) || !value.items.every(isRecord)) return undefined;
    queue.push(...value.items);
  }
  return patches;
}

/**
 * PatchTransformer's rule: a patch is strategic merge or JSON 6902, never both, never neither. Text that holds no
 * document at all parses as both (Kustomize's "illegally qualifies as both"), except the empty string, which
 * Kustomize ends up treating as an empty JSON patch.
 */
function parsePatch(text: string, where: string, source: string): Parsed {
  if (text === '') return { kind: 'json', operations: [] };
  const strategic = parseStrategic(text, source);
  let operations: JsonPatchOperation[] | undefined;
  try {
    operations = decodeJsonPatch(text);
  } catch {
    operations = undefined;
  }
  const empty = strategic !== undefined && strategic.length === 0;
  if (empty || (strategic && operations))
    throw new RenderError(`${where}: the patch is both a strategic merge and a JSON patch`, 'invalid', source);
  if (operations) return { kind: 'json', operations };
  if (strategic) return { kind: 'strategic', patches: strategic };
  throw new RenderError(
    `${where}: the patch is neither a strategic merge patch nor a JSON 6902 patch`,
    'invalid',
    source,
  );
}

function describeTarget(target: Selector): string {
  const parts = Object.entries(target)
    .filter(([, v]) => typeof v === 'string' && v !== '')
    .map(([k, v]) => `${k}=${String(v)}`);
  return `target {${parts.join(', ')}}`;
}

/** Kustomize's ResId text (`Deployment.v1.apps/web.prod`), which its own error messages use. */
export function formatResId(id: ResId): string {
  const gvk = [id.kind || '[noKind]', versionOf(id.apiVersion) || '[noVer]', groupOf(id.apiVersion) || '[noGrp]'].join(
    '.',
  );
  return `${gvk}/${id.name || '[noName]'}.${id.namespace || '[noNs]'}`;
}

function sameId(a: ResId, b: ResId): boolean {
  return (
    a.apiVersion === b.apiVersion &&
    a.kind === b.kind &&
    a.name === b.name &&
    effectiveNamespace(a) === effectiveNamespace(b)
  );
}

/** The one resource a targetless strategic merge patch names, by any id it has had (resWrangler.GetById). */
function resourceNamedBy(resources: Resource[], patch: KubeObject, where: string): Resource {
  const id = resIdOf(patch);
  const matches = resources.filter((r) => [...r.previousIds, resIdOf(r.object)].some((known) => sameId(known, id)));
  if (matches.length === 1) return matches[0]!;
  throw new RenderError(
    matches.length === 0
      ? `${where}: no resource matches strategic merge patch ${formatResId(id)}`
      : `${where}: strategic merge patch ${formatResId(id)} matches ${matches.length} resources`,
    'invalid',
    where,
  );
}

function setMetadataField(object: KubeObject, field: 'name' | 'namespace', value: string): void {
  const metadata = (object.metadata ??= {});
  if (field === 'namespace' && value === '') delete metadata.namespace;
  else metadata[field] = value;
}

/**
 * Resource.ApplySmPatch: merges, then puts back the kind (unless allowKindChange), the name (unless
 * allowNameChange) and always the namespace. Returns false when the patch deleted the resource.
 */
function applyStrategic(resource: Resource, patch: KubeObject, options: PatchOptions, where: string): boolean {
  const { kind, name, namespace } = resIdOf(resource.object);
  if (options.allowNameChange || options.allowKindChange) rememberId(resource);
  let merged: KubeObject | null;
  try {
    merged = strategicMerge(resource.object, patch);
  } catch (error) {
    if (error instanceof StrategicMergeError)
      throw new RenderError(
        `${where}: cannot patch ${formatResId(resIdOf(resource.object))}: ${error.message}`,
        'invalid',
        where,
      );
    throw error;
  }
  if (merged === null) return false;
  if (!options.allowKindChange) merged.kind = kind;
  if (!options.allowNameChange) setMetadataField(merged, 'name', name);
  setMetadataField(merged, 'namespace', namespace);
  resource.object = merged;
  return true;
}

function removeDeleted(resources: Resource[], deleted: Set<Resource>): void {
  if (deleted.size === 0) return;
  const kept = resources.filter((r) => !deleted.has(r));
  resources.length = 0;
  resources.push(...kept);
}

function applyJsonOperations(resource: Resource, operations: JsonPatchOperation[], where: string): void {
  const object = structuredClone(resource.object) as Record<string, never>;
  try {
    applyJsonPatch(object, operations);
  } catch (error) {
    if (error instanceof JsonPatchError)
      throw new RenderError(
        `${where}: cannot patch ${formatResId(resIdOf(resource.object))}: ${error.message}`,
        'invalid',
        where,
      );
    throw error;
  }
  resource.object = object as KubeObject;
  stringifyAnnotations(resource.object);
}

/**
 * After a JSON patch Kustomize reads the annotations as a string map and writes them back (to keep its internal
 * ones): values become their YAML text (`true`, `8`, `null`), maps and lists "", an empty map disappears.
 */
function stringifyAnnotations(object: KubeObject): void {
  const metadata = object.metadata as Record<string, unknown> | undefined;
  const annotations = metadata?.annotations;
  if (!metadata || annotations === null || typeof annotations !== 'object' || Array.isArray(annotations)) return;
  const entries = Object.entries(annotations as Record<string, unknown>);
  if (entries.length === 0) {
    delete metadata.annotations;
    return;
  }
  metadata.annotations = Object.fromEntries(
    entries.map(([k, v]) => [k, v === null ? 'null' : typeof v === 'object' ? '' : String(v)]),
  );
}

/** The `patches` field, in order. Mutates `resources` (objects patched, deleted ones removed). */
export function applyPatches(resources: Resource[], entries: PatchEntry[]): void {
  for (const entry of entries) {
    const where = entry.target ? `${entry.source} (${describeTarget(entry.target)})` : entry.source;
    const parsed = parsePatch(entry.text, where, entry.source);
    const options = entry.options ?? {};
    if (parsed.kind === 'json') {
      if (!entry.target) throw new RenderError(`${where}: a JSON patch needs a target`, 'invalid', entry.source);
      const selected = resources.filter(compileSelector(entry.target, where));
      for (const resource of selected) {
        rememberId(resource);
        applyJsonOperations(resource, parsed.operations, where);
      }
      continue;
    }
    const deleted = new Set<Resource>();
    if (entry.target) {
      if (parsed.patches.length > 1)
        throw new RenderError(
          `${where}: a patch with a target must hold exactly one strategic merge patch, not ${parsed.patches.length}`,
          'invalid',
          entry.source,
        );
      const patch = parsed.patches[0];
      if (!patch) continue;
      for (const resource of resources.filter(compileSelector(entry.target, where))) {
        // Kustomize gives the patch the target's apiVersion, keeping the patch's own kind.
        const copy: KubeObject = { ...patch, apiVersion: resource.object.apiVersion ?? '' };
        if (patch.kind === undefined) copy.kind = '';
        if (!applyStrategic(resource, copy, options, where)) deleted.add(resource);
      }
    } else {
      for (const patch of parsed.patches) {
        const resource = resourceNamedBy(
          resources.filter((r) => !deleted.has(r)),
          patch,
          where,
        );
        if (!applyStrategic(resource, patch, options, where)) deleted.add(resource);
      }
    }
    removeDeleted(resources, deleted);
  }
}

/**
 * The `patchesStrategicMerge` field: each document patches the resource it names; `$patch: delete` removes it.
 * Kustomize loads every patch before applying any, and refuses only when none holds a document.
 */
export function applyStrategicMergePatches(resources: Resource[], patches: { text: string; source: string }[]): void {
  const loaded: { patch: KubeObject; source: string }[] = [];
  for (const { text, source } of patches) {
    const documents = parseStrategic(text, source);
    if (!documents) {
      parseResourceYaml(text, source); // a YAML error names its line
      throw new RenderError(
        `${source}: not a strategic merge patch (each document needs a kind and a name)`,
        'invalid',
        source,
      );
    }
    for (const patch of documents) loaded.push({ patch, source });
  }
  if (loaded.length === 0 && patches.length > 0) {
    const source = patches[0]!.source;
    throw new RenderError(`${source}: the strategic merge patches are empty`, 'invalid', source);
  }
  for (const { patch, source } of loaded) {
    const resource = resourceNamedBy(resources, patch, source);
    if (!applyStrategic(resource, patch, {}, source)) removeDeleted(resources, new Set([resource]));
  }
}

/** The `patchesJson6902` field: JSON (or YAML) operation lists applied to every resource the target selects. */
export function applyJson6902Patches(
  resources: Resource[],
  entries: { target: Selector; text: string; source: string }[],
): void {
  for (const entry of entries) {
    const where = `${entry.source} (${describeTarget(entry.target ?? {})})`;
    if (!entry.target?.name)
      throw new RenderError(`${where}: patchesJson6902 needs a target name`, 'invalid', entry.source);
    let operations: JsonPatchOperation[];
    try {
      operations = decodeJsonPatch(entry.text);
    } catch (error) {
      const reason = error instanceof JsonPatchError ? error.message : 'not a JSON patch';
      throw new RenderError(`${where}: ${reason}`, 'invalid', entry.source);
    }
    if (operations.length === 0) throw new RenderError(`${where}: the JSON patch is empty`, 'invalid', entry.source);
    for (const resource of resources.filter(compileSelector(entry.target, where)))
      applyJsonOperations(resource, operations, where);
  }
}
