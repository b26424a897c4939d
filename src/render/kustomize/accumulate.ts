// Kustomize's KustTarget, ported: a kustomization directory is accumulated as resources (files, nested
// kustomizations), then its `configurations`, then its generators, then its components (which act on what has been
// accumulated so far), then its transformers in the fixed order of kusttarget_configplugin.go. Only the top build
// then adds hash suffixes, fixes name references, drops local-config objects and orders the output
// (makeCustomizedResMap and Kustomizer.Run).
import { parse as parseYaml } from 'yaml';
import { RenderError, type KubeObject } from '../types.js';
import {
  emptyTransformerConfig,
  mergeTransformerConfig,
  parseKustomization,
  parseTransformerConfig,
  type Kustomization,
  type TransformerConfig,
} from './kustomization.js';
import { assertNoCycle, type RepoLoader } from './loader.js';
import { generateConfigMaps, generateSecrets, mergeGenerated } from './generators.js';
import { addHashSuffixes } from './hash.js';
import { applyImages } from './images.js';
import { fixNameReferences } from './nameref.js';
import { orderResources } from './order.js';
import { applyJson6902Patches, applyPatches, applyStrategicMergePatches, formatResId } from './patch.js';
import { applyReplacements } from './replacements.js';
import { applyReplicas } from './replicas.js';
import { effectiveNamespace, newResource, resIdOf, type ResId, type Resource } from './resource.js';
import {
  applyCommonAnnotations,
  applyCommonLabels,
  applyLabels,
  applyNamePrefixSuffix,
  applyNamespace,
} from './transformers.js';
import { parseResourceYaml } from './yaml-io.js';

/** Resources plus the transformer configuration gathered so far (Kustomize's ResAccumulator). */
interface Accumulator {
  resources: Resource[];
  /** Default field specs are each transformer's own; this holds what `configurations:` files added. */
  config: TransformerConfig;
}

const LOCAL_CONFIG = 'config.kubernetes.io/local-config';

/** Annotations Kustomize uses while building and removes before printing (resource.BuildAnnotations). */
const BUILD_ANNOTATIONS = [
  'internal.config.kubernetes.io/previousKinds',
  'internal.config.kubernetes.io/previousNames',
  'internal.config.kubernetes.io/prefixes',
  'internal.config.kubernetes.io/suffixes',
  'internal.config.kubernetes.io/previousNamespaces',
  'internal.config.kubernetes.io/allowNameChange',
  'internal.config.kubernetes.io/allowKindChange',
  'internal.config.kubernetes.io/refBy',
  'internal.config.kubernetes.io/generatorBehavior',
  'internal.config.kubernetes.io/needsHashSuffix',
  'internal.config.kubernetes.io/path',
  'internal.config.kubernetes.io/index',
  'internal.config.kubernetes.io/seqindent',
  'internal.config.kubernetes.io/id',
  'internal.config.kubernetes.io/annotations-migration-resource-id',
  'config.kubernetes.io/path',
  'config.kubernetes.io/index',
  'config.k8s.io/id',
  'config.kubernetes.io/origin',
  'alpha.config.kubernetes.io/transformations',
];

const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
// What `kubectl kustomize` (Kustomize built into kubectl, no release provenance) writes.
const MANAGED_BY_VALUE = 'kustomize-(devel)';

const idKey = (id: ResId) => `${id.apiVersion}\u0000${id.kind}\u0000${id.name}\u0000${effectiveNamespace(id)}`;

/** Appends `incoming` to `into`, refusing an id that is already there (resWrangler.AppendAll). */
function appendAll(into: Resource[], incoming: readonly Resource[], where: string, file: string): void {
  const seen = new Set(into.map((r) => idKey(resIdOf(r.object))));
  for (const resource of incoming) {
    const id = resIdOf(resource.object);
    const key = idKey(id);
    if (seen.has(key)) {
      throw new RenderError(
        `${where}: may not add resource with an already registered id: ${formatResId(id)}`,
        'invalid',
        file,
      );
    }
    seen.add(key);
    into.push(resource);
  }
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The objects of one resource file: documents in order, `*List` kinds with `items` expanded (their items queued
 * after the file's remaining documents, as Kustomize's inlineAnyEmbeddedLists does), and each object checked for
 * a kind and a name.
 */
export function objectsOfFile(text: string, path: string): KubeObject[] {
  const queue: unknown[] = parseResourceYaml(text, path);
  const out: KubeObject[] = [];
  while (queue.length > 0) {
    const object = queue.shift();
    if (object === null || object === undefined) continue;
    if (!isMapping(object)) throw new RenderError(`${path}: a document is not a mapping`, 'invalid', path);
    const kind = typeof object.kind === 'string' ? object.kind : '';
    if (kind === '') throw new RenderError(`${path}: missing kind in object`, 'invalid', path);
    if (kind.endsWith('List') && 'items' in object) {
      const items = object.items;
      if (items === null || items === undefined) continue;
      if (!Array.isArray(items)) {
        throw new RenderError(`${path}: expected array in ${kind}/items`, 'invalid', path);
      }
      queue.push(...items);
      continue;
    }
    const nullAt = nullListEntry(object, '');
    if (nullAt !== undefined) {
      throw new RenderError(`${path}: empty item at ${nullAt} in ${kind} object`, 'invalid', path);
    }
    const metadata = isMapping(object.metadata) ? object.metadata : undefined;
    if (!kind.endsWith('List') && (typeof metadata?.name !== 'string' || metadata.name === '')) {
      throw new RenderError(`${path}: missing metadata.name in ${kind} object`, 'invalid', path);
    }
    out.push(object as KubeObject);
  }
  return out;
}

/** Kustomize refuses objects with a null list entry (`containers: [ ~ ]`, a stray `-`): the path of the first. */
function nullListEntry(value: unknown, path: string): string | undefined {
  if (Array.isArray(value)) {
    for (const [i, element] of value.entries()) {
      if (element === null) return `${path}[${i}]`;
      const inner = nullListEntry(element, `${path}[${i}]`);
      if (inner !== undefined) return inner;
    }
  } else if (isMapping(value)) {
    for (const [key, element] of Object.entries(value)) {
      if (element !== null && typeof element === 'object') {
        const inner = nullListEntry(element, path ? `${path}.${key}` : key);
        if (inner !== undefined) return inner;
      }
    }
  }
  return undefined;
}

/**
 * Parsed files per snapshot: the roots of one revision share bases and components, and parsing dominates a
 * render. Entries are keyed by path and text; objects are handed out as copies because transformers mutate them.
 */
interface ParseCache {
  kustomizations: Map<string, { text: string; value: Kustomization }>;
  objects: Map<string, { text: string; value: KubeObject[] }>;
}
const parseCaches = new WeakMap<object, ParseCache>();

function cacheFor(snapshot: object): ParseCache {
  let cache = parseCaches.get(snapshot);
  if (!cache) {
    cache = { kustomizations: new Map(), objects: new Map() };
    parseCaches.set(snapshot, cache);
  }
  return cache;
}

/** Copies arrays and plain objects; anything else (scalars, value wrappers from the YAML reader) is immutable. */
function cloneData<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneData) as T;
  if (value !== null && typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null) return value;
    const out: Record<string, unknown> = {};
    for (const [key, element] of Object.entries(value)) out[key] = cloneData(element);
    return out as T;
  }
  return value;
}

class Builder {
  private readonly cache: ParseCache;

  constructor(readonly loader: RepoLoader) {
    this.cache = cacheFor(loader.snapshot);
  }

  load(dir: string, from: string): Kustomization {
    const { path, text } = this.loader.kustomizationIn(dir, from);
    const cached = this.cache.kustomizations.get(path);
    if (cached?.text === text) return cached.value;
    const value = parseKustomization(path, text);
    this.cache.kustomizations.set(path, { text, value });
    return value;
  }

  objectsOf(path: string, text: string): KubeObject[] {
    let cached = this.cache.objects.get(path);
    if (cached?.text !== text) {
      cached = { text, value: objectsOfFile(text, path) };
      this.cache.objects.set(path, cached);
    }
    return cached.value.map(cloneData);
  }

  /** accumulateTarget: `ra` is empty for a kustomization, the parent's accumulator for a component. */
  accumulateTarget(k: Kustomization, ra: Accumulator, chain: readonly string[]): Accumulator {
    this.accumulateResources(k, ra, chain);
    for (const ref of k.configurations) {
      const { path, text } = this.loader.loadFile(k.dir, ref, k.file, 'configurations');
      ra.config = mergeTransformerConfig(ra.config, parseTransformerConfig(path, text), k.file);
    }
    this.runGenerators(k, ra);
    for (const ref of k.components) {
      const dir = this.loader.resolve(k.dir, ref, k.file);
      if (!this.loader.isDirectory(dir)) {
        const exists = this.loader.snapshot.read(dir) !== undefined;
        throw new RenderError(
          `${k.file}: component '${ref}' ${exists ? 'is a file; components are directories' : 'does not exist'}`,
          exists ? 'invalid' : 'missing',
          k.file,
        );
      }
      assertNoCycle(dir, chain, k.file);
      const component = this.load(dir, k.file);
      if (component.kind !== 'Component') {
        throw new RenderError(
          `${k.file}: expected kind 'Component' for path '${dir}' but got '${component.kind}'`,
          'invalid',
          component.file,
        );
      }
      this.accumulateTarget(component, ra, [...chain, dir]);
    }
    this.runTransformers(k, ra);
    return ra;
  }

  accumulateResources(k: Kustomization, ra: Accumulator, chain: readonly string[]): void {
    for (const ref of k.resources) {
      const file = this.loader.tryLoadFile(k.dir, ref, k.file);
      if (file) {
        const resources = this.objectsOf(file.path, file.text).map((object) => newResource(object, file.path));
        appendAll(ra.resources, resources, `${k.file}: merging resources from '${ref}'`, k.file);
        continue;
      }
      const dir = this.loader.resolve(k.dir, ref, k.file);
      if (!this.loader.isDirectory(dir)) {
        throw new RenderError(`${k.file}: resource '${ref}' not found (${dir || '.'})`, 'missing', k.file);
      }
      assertNoCycle(dir, chain, k.file);
      const sub = this.load(dir, k.file);
      if (sub.kind === 'Component') {
        throw new RenderError(
          `${k.file}: '${ref}' is a Component; list it under components, not resources`,
          'invalid',
          sub.file,
        );
      }
      const subRa = this.accumulateTarget(sub, { resources: [], config: emptyTransformerConfig() }, [...chain, dir]);
      appendAll(ra.resources, subRa.resources, `${k.file}: merging resources from '${ref}'`, k.file);
      ra.config = mergeTransformerConfig(ra.config, subRa.config, k.file);
    }
  }

  /** Generator inputs (`files`, `envs`) as bytes, relative to the kustomization, under the load restrictor. */
  private readerFor(k: Kustomization): (path: string) => Uint8Array {
    return (path) => this.loader.loadBytes(k.dir, path, k.file, 'generator source');
  }

  runGenerators(k: Kustomization, ra: Accumulator): void {
    // Kustomize absorbs each generator's output in turn: ConfigMaps first, then Secrets.
    if (k.configMapGenerator.length > 0) {
      mergeGenerated(
        ra.resources,
        generateConfigMaps(k.configMapGenerator, k.generatorOptions, k.file, this.readerFor(k)),
      );
    }
    if (k.secretGenerator.length > 0) {
      mergeGenerated(ra.resources, generateSecrets(k.secretGenerator, k.generatorOptions, k.file, this.readerFor(k)));
    }
  }

  runTransformers(k: Kustomization, ra: Accumulator): void {
    const resources = ra.resources;
    if (k.patchesStrategicMerge.length > 0) {
      applyStrategicMergePatches(
        resources,
        k.patchesStrategicMerge.map((entry) => {
          // Kustomize first reads the entry as patch content, then as a path.
          if (entry.includes('\n') || entry.trim().startsWith('{')) return { text: entry, source: k.file };
          const { path, text } = this.loader.loadFile(k.dir, entry, k.file, 'patchesStrategicMerge');
          return { text, source: path };
        }),
      );
    }
    if (k.patches.length > 0) {
      applyPatches(
        resources,
        k.patches.map((entry) => {
          const inline = (entry.patch ?? '').trim();
          if (inline === '' && !entry.path) {
            throw new RenderError(`${k.file}: patches: must specify one of patch and path`, 'invalid', k.file);
          }
          if (inline !== '' && entry.path) {
            throw new RenderError(
              `${k.file}: patches: patch and path can't be set at the same time`,
              'invalid',
              k.file,
            );
          }
          const loaded = entry.path ? this.loader.loadFile(k.dir, entry.path, k.file, 'patches') : undefined;
          return {
            text: loaded ? loaded.text : inline,
            source: loaded ? loaded.path : k.file,
            ...(entry.target ? { target: entry.target } : {}),
            ...(entry.options ? { options: entry.options } : {}),
          };
        }),
      );
    }
    const config = ra.config;
    if (k.namespace !== '') applyNamespace(resources, k.namespace, config.namespace);
    if (k.namePrefix !== '' || k.nameSuffix !== '') {
      applyNamePrefixSuffix(resources, k.namePrefix, k.nameSuffix, {
        namePrefix: config.namePrefix,
        nameSuffix: config.nameSuffix,
      });
    }
    if (k.labels.length > 0) {
      applyLabels(resources, k.labels, {
        labels: config.labels,
        templateLabels: config.templateLabels,
        commonLabels: config.commonLabels,
      });
    }
    if (Object.keys(k.commonLabels).length > 0) applyCommonLabels(resources, k.commonLabels, config.commonLabels);
    if (Object.keys(k.commonAnnotations).length > 0) {
      applyCommonAnnotations(resources, k.commonAnnotations, config.commonAnnotations);
    }
    if (k.patchesJson6902.length > 0) {
      applyJson6902Patches(
        resources,
        k.patchesJson6902.map((entry) => {
          if (!entry.target?.name) {
            throw new RenderError(`${k.file}: patchesJson6902: must specify the target name`, 'invalid', k.file);
          }
          if (!entry.path && !entry.patch) {
            throw new RenderError(`${k.file}: patchesJson6902: empty file path and empty jsonOp`, 'invalid', k.file);
          }
          if (entry.path && entry.patch) {
            throw new RenderError(
              `${k.file}: patchesJson6902: must specify a file path or jsonOp, not both`,
              'invalid',
              k.file,
            );
          }
          const loaded = entry.path ? this.loader.loadFile(k.dir, entry.path, k.file, 'patchesJson6902') : undefined;
          return {
            target: entry.target,
            text: loaded ? loaded.text : entry.patch!,
            source: loaded ? loaded.path : k.file,
          };
        }),
      );
    }
    if (k.replicas.length > 0) applyReplicas(resources, k.replicas, config.replicas);
    if (k.images.length > 0) applyImages(resources, k.images, config.images);
    if (k.replacements.length > 0) applyReplacements(resources, this.loadReplacements(k), k.file);
  }

  private loadReplacements(k: Kustomization): unknown[] {
    const out: unknown[] = [];
    for (const entry of k.replacements) {
      const { path, ...inline } = entry as { path?: string } & Record<string, unknown>;
      if (!path) {
        out.push(inline);
        continue;
      }
      if (inline.source !== undefined || (Array.isArray(inline.targets) && inline.targets.length > 0)) {
        throw new RenderError(
          `${k.file}: replacements: cannot specify both path and inline replacement`,
          'invalid',
          k.file,
        );
      }
      const loaded = this.loader.loadFile(k.dir, path, k.file, 'replacements');
      let value: unknown;
      try {
        value = parseYaml(loaded.text, { version: '1.1' }) as unknown;
      } catch (error) {
        throw new RenderError(`${loaded.path}: ${(error as Error).message.split('\n')[0]}`, 'invalid', loaded.path);
      }
      if (Array.isArray(value)) out.push(...(value as unknown[]));
      else if (isMapping(value)) out.push(value);
      else {
        throw new RenderError(
          `${loaded.path}: unsupported replacement type encountered within replacement path`,
          'invalid',
          loaded.path,
        );
      }
    }
    return out;
  }
}

function stripBuildAnnotations(object: KubeObject): void {
  const annotations = object.metadata?.annotations;
  if (!annotations) return;
  for (const key of BUILD_ANNOTATIONS) delete annotations[key];
  if (Object.keys(annotations).length === 0) delete object.metadata!.annotations;
}

/**
 * Builds the kustomization in `dir` of the loader's snapshot (Kustomizer.Run): resources in printed order. The
 * loader records every path read.
 */
export function buildKustomization(loader: RepoLoader, dir: string): Resource[] {
  const builder = new Builder(loader);
  const top = builder.load(dir, dir);
  const ra = builder.accumulateTarget(top, { resources: [], config: emptyTransformerConfig() }, [dir]);
  addHashSuffixes(ra.resources);
  fixNameReferences(ra.resources, ra.config.nameReference);
  const kept = ra.resources.filter((r) => {
    const local = r.object.metadata?.annotations?.[LOCAL_CONFIG];
    return local === undefined || local === 'false';
  });
  const ordered = orderResources(kept, top.sortOptions, top.file);
  for (const resource of ordered) {
    if (top.buildMetadata.includes('managedByLabel')) {
      const metadata = (resource.object.metadata ??= {});
      metadata.labels = { ...(metadata.labels ?? {}), [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
    }
    stripBuildAnnotations(resource.object);
  }
  return ordered;
}
