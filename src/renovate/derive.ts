// The updates a PR makes, read from the diff: rendered objects at base and head where the render stage produced
// them, the changed files themselves where it did not, and kustomization files always (their own `images:` entry
// may be the change). Every changed object is also checked for changes beyond its version fields: those are the
// "unexplained" changes that rule out auto-approval.
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { ChangedPath, RepoSnapshot, ResourceRef } from '../core/types.js';
import type { KubeObject, RenderedRoot } from '../render/types.js';
import { MAX_YAML_BYTES } from '../validate/yaml.js';
import { canonicalImageName } from './image.js';
import { equalOutsideSlots, kustomizationSlots, objectSlots, type VersionSlot } from './slots.js';
import type { DependencyUpdate, UpdateLocation, VersionRef } from './types.js';
import { classifyRefs } from './version.js';

export interface DeriveInput {
  rendered: readonly RenderedRoot[];
  changedPaths: readonly ChangedPath[];
  base: RepoSnapshot;
  head: RepoSnapshot;
  /** The environment a repository path belongs to. */
  environmentOf(path: string): string | undefined;
}

export interface DerivedUpdates {
  /** One entry per environment, package and version change; locations merged. */
  updates: DependencyUpdate[];
  /** Environment → changes no update accounts for, one line each. */
  unexplained: Map<string, string[]>;
}

const YAML_FILE = /\.ya?ml$/i;
const KUSTOMIZATION_FILE = /(?:^|\/)(?:kustomization\.ya?ml|Kustomization)$/;

type Doc = Record<string, unknown>;

function isDoc(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function refOf(obj: KubeObject | Doc): ResourceRef {
  const metadata = isDoc(obj.metadata) ? obj.metadata : {};
  const ns = typeof metadata.namespace === 'string' && metadata.namespace ? metadata.namespace : undefined;
  return {
    apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
    kind: typeof obj.kind === 'string' ? obj.kind : '',
    ...(ns ? { namespace: ns } : {}),
    name: typeof metadata.name === 'string' ? metadata.name : '',
  };
}

/** Identity for pairing base and head objects: API group (not version), kind, namespace, name. */
function identity(ref: ResourceRef): string {
  const group = ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.indexOf('/')) : '';
  return `${group}|${ref.kind}|${ref.namespace ?? ''}|${ref.name}`;
}

export function describeResource(ref: ResourceRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** The version a ref stands for when pairing duplicates: the digest when pinned (it is what runs), else the tag. */
function refIdentity(ref: VersionRef): string {
  return ref.digest ?? ref.value ?? '';
}

function samePackage(a: VersionSlot, b: VersionSlot): boolean {
  return a.datasource === 'docker'
    ? canonicalImageName(a.package) === canonicalImageName(b.package)
    : a.package.toLowerCase() === b.package.toLowerCase();
}

class Collector {
  readonly updates: DependencyUpdate[] = [];
  readonly unexplained = new Map<string, string[]>();

  explain(env: string, line: string): void {
    const list = this.unexplained.get(env) ?? [];
    if (!list.includes(line)) list.push(line);
    this.unexplained.set(env, list);
  }

  /** Pairs the slots of one object (or file) at base and head and records the version changes between them. */
  compareSlots(env: string, before: VersionSlot[], after: VersionSlot[], where: Omit<UpdateLocation, 'field'>): void {
    const baseByKey = new Map(before.map((slot) => [slot.key, slot]));
    for (const slot of after) {
      const old = baseByKey.get(slot.key);
      if (!old) continue;
      const location: UpdateLocation = { ...where, field: slot.field };
      if (!samePackage(old, slot)) {
        this.updates.push({
          env,
          datasource: slot.datasource,
          package: slot.package,
          previousPackage: old.package,
          from: old.ref,
          to: slot.ref,
          type: 'replacement',
          flags: [],
          locations: [location],
        });
        continue;
      }
      if (old.ref.value === slot.ref.value && old.ref.digest === slot.ref.digest) continue;
      const unparsed = old.unparsed ?? slot.unparsed;
      const classified = unparsed
        ? { type: 'other' as const, note: `not an image reference: ${unparsed}` }
        : classifyRefs(old.ref, slot.ref);
      this.updates.push({
        env,
        datasource: slot.datasource,
        package: slot.package,
        from: old.ref,
        to: slot.ref,
        type: classified.type,
        ...(classified.note ? { note: classified.note } : {}),
        flags: [],
        locations: [location],
      });
    }
  }

  /** Base and head objects of one source, paired by identity. */
  compareObjects(env: string, before: readonly Doc[], after: readonly Doc[], file?: string): void {
    const baseById = new Map<string, Doc>();
    for (const obj of before) baseById.set(identity(refOf(obj)), obj);
    const seen = new Set<string>();
    const label = (ref: ResourceRef) => (ref.kind || !file ? describeResource(ref) : file);
    for (const obj of after) {
      const ref = refOf(obj);
      const id = identity(ref);
      seen.add(id);
      const old = baseById.get(id);
      if (!old) {
        this.explain(env, `${label(ref)} added${file ? ` in ${file}` : ''}`);
        continue;
      }
      // No upfront deep comparison: the slots and the comparison outside them tell unchanged objects apart as well.
      const oldSlots = objectSlots(old);
      const newSlots = objectSlots(obj);
      this.compareSlots(env, oldSlots, newSlots, { resource: ref, ...(file ? { file } : {}) });
      const paths = [...oldSlots, ...newSlots].flatMap((slot) => slot.paths);
      if (!equalOutsideSlots(old, obj, paths)) {
        this.explain(env, `${label(ref)} changed beyond its versions${file && ref.kind ? ` (${file})` : ''}`);
      }
    }
    for (const [id, obj] of baseById) {
      if (!seen.has(id)) this.explain(env, `${label(refOf(obj))} removed${file ? ` from ${file}` : ''}`);
    }
  }
}

export interface RawDocuments {
  /** The mapping documents, every scalar a string (`newTag: 1.10` stays `1.10`). */
  maps: Doc[];
  /** Documents that are not mappings (a JSON 6902 patch list, a scalar), as parsed. */
  others: unknown[];
}

/** The documents of a raw file; undefined when it does not parse (the parse stage reports why). */
export function rawDocuments(text: string | undefined): RawDocuments | undefined {
  const result: RawDocuments = { maps: [], others: [] };
  if (text === undefined) return result;
  if (text.length > MAX_YAML_BYTES) return undefined;
  try {
    for (const doc of parseAllDocuments(text, { schema: 'failsafe', uniqueKeys: false })) {
      if (doc.errors.length > 0) return undefined;
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      if (isDoc(value)) result.maps.push(value);
      else if (value !== null && value !== undefined) result.others.push(value);
    }
    return result;
  } catch {
    return undefined;
  }
}

function isKustomization(path: string, doc: Doc): boolean {
  if (!KUSTOMIZATION_FILE.test(path)) return false;
  const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : '';
  return apiVersion === '' || apiVersion.startsWith('kustomize.config.k8s.io/');
}

function sidesOf(change: ChangedPath, input: DeriveInput): { before?: string; after?: string } {
  return {
    before: change.status === 'added' ? undefined : input.base.read(change.previousPath ?? change.path),
    after: change.status === 'deleted' ? undefined : input.head.read(change.path),
  };
}

/** Derives the updates, per environment, and what else changed. */
export function deriveUpdates(input: DeriveInput): DerivedUpdates {
  const collector = new Collector();
  const covered = new Set<string>();

  for (const root of input.rendered) {
    if (root.base.status === 'error' || root.head.status === 'error') continue;
    const env = root.env ?? input.environmentOf(`${root.path}/`);
    for (const side of [root.base, root.head]) if (side.status === 'ok') side.files.forEach((f) => covered.add(f));
    if (!env) continue;
    const before = root.base.status === 'ok' ? root.base.objects : [];
    const after = root.head.status === 'ok' ? root.head.objects : [];
    collector.compareObjects(env, before, after);
  }

  for (const change of input.changedPaths) {
    const env = input.environmentOf(change.path) ?? (change.previousPath && input.environmentOf(change.previousPath));
    if (!env) continue;
    const isCovered = covered.has(change.path) && (!change.previousPath || covered.has(change.previousPath));
    const { before, after } = sidesOf(change, input);
    if (!YAML_FILE.test(change.path) && !KUSTOMIZATION_FILE.test(change.path)) {
      if (!isCovered) collector.explain(env, `${change.path} ${change.status}`);
      continue;
    }
    const beforeRaw = rawDocuments(before);
    const afterRaw = rawDocuments(after);
    if (!beforeRaw || !afterRaw) {
      collector.explain(env, `${change.path} could not be read as YAML`);
      continue;
    }
    const kustomization = [...beforeRaw.maps, ...afterRaw.maps].some((doc) => isKustomization(change.path, doc));
    if (kustomization) {
      // A kustomization's own pins count even when rendering covers the file: they name the tag a digest stands for.
      const oldDoc = beforeRaw.maps[0] ?? {};
      const newDoc = afterRaw.maps[0] ?? {};
      const oldSlots = kustomizationSlots(oldDoc);
      const newSlots = kustomizationSlots(newDoc);
      collector.compareSlots(env, oldSlots, newSlots, { file: change.path });
      if (isCovered) continue;
      const paths = [...oldSlots, ...newSlots].flatMap((slot) => slot.paths);
      if (!equalOutsideSlots(oldDoc, newDoc, paths)) {
        collector.explain(env, `${change.path} changed beyond its versions`);
      }
      continue;
    }
    if (isCovered) continue;
    if (!isDeepStrictEqual(beforeRaw.others, afterRaw.others)) {
      // A JSON 6902 patch list or another non-object document: nothing here is a version envgate can read.
      collector.explain(env, `${change.path} changed beyond its versions`);
    }
    collector.compareObjects(env, beforeRaw.maps, afterRaw.maps, change.path);
  }

  return { updates: mergeUpdates(collector.updates), unexplained: collector.unexplained };
}

function hasTags(update: DependencyUpdate): boolean {
  return update.from.value !== undefined && update.to.value !== undefined;
}

/**
 * One entry per environment, package and version change. The same change seen twice (a kustomization `images:`
 * entry and the Deployment it renders into, or two containers running one image) becomes one entry with both
 * locations; where one copy knows the tags and the other only digests, the one with tags is kept.
 */
export function mergeUpdates(updates: readonly DependencyUpdate[]): DependencyUpdate[] {
  const merged = new Map<string, DependencyUpdate>();
  for (const update of updates) {
    const name = update.datasource === 'docker' ? canonicalImageName(update.package) : update.package.toLowerCase();
    const key = [update.env, update.datasource, name, refIdentity(update.from), refIdentity(update.to)].join('\u0000');
    const existing = merged.get(key);
    if (!existing) {
      merged.set(key, { ...update, locations: [...update.locations] });
      continue;
    }
    const keep = !hasTags(existing) && hasTags(update) ? { ...update, locations: [...update.locations] } : existing;
    const other = keep === existing ? update : existing;
    const known = new Set(keep.locations.map((l) => JSON.stringify(l)));
    for (const location of other.locations) {
      if (!known.has(JSON.stringify(location))) keep.locations.push(location);
    }
    merged.set(key, keep);
  }
  return [...merged.values()];
}
