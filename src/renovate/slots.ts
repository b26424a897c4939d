// Where versions live in GitOps objects: the fields Renovate's kubernetes, flux, argocd, kustomize and helm-values
// managers update. Each one is a "slot": a stable key within its object (so base and head can be paired), what it
// pins, and the paths to blank out when checking that nothing else in the object changed.
import { isDeepStrictEqual } from 'node:util';
import { parseImageRef } from './image.js';
import type { Datasource, VersionRef } from './types.js';

export type Path = (string | number)[];

export interface VersionSlot {
  /** Identifies the slot within its object, stable across base and head: `containers[api]`, `chart`. */
  key: string;
  datasource: Datasource;
  package: string;
  ref: VersionRef;
  /** Where it is, for people: `initContainers[migrate].image`, `spec.chart.spec.version`. */
  field: string;
  /** Object paths that hold this slot's name and version. */
  paths: Path[];
  /** The value is not a valid reference (a template, a typo): any change to it is `other`. */
  unparsed?: string;
}

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Versions are strings; YAML may have made `1.10` a number on the way (Renovate rewrites these as strings). */
function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

function at(obj: unknown, path: Path): unknown {
  let node: unknown = obj;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isObj(node) && typeof key === 'string') node = node[key];
    else return undefined;
  }
  return node;
}

function group(apiVersion: unknown): string {
  const value = typeof apiVersion === 'string' ? apiVersion : '';
  const slash = value.indexOf('/');
  return slash < 0 ? '' : value.slice(0, slash);
}

function dotted(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function imageSlot(key: string, raw: string, field: string, path: Path): VersionSlot {
  const image = parseImageRef(raw);
  if (!image)
    return { key, datasource: 'docker', package: raw, ref: { value: raw }, field, paths: [path], unparsed: raw };
  return {
    key,
    datasource: 'docker',
    package: image.name,
    ref: { value: image.tag, digest: image.digest },
    field,
    paths: [path],
  };
}

const POD_SPEC_PATHS: Path[] = [
  ['spec'],
  ['spec', 'template', 'spec'],
  ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
];
const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Containers (and image volumes) of any pod template: Pod, Deployment, StatefulSet, Job, CronJob, Rollout, … */
function podSpecSlots(obj: Obj, out: VersionSlot[]): void {
  for (const podPath of POD_SPEC_PATHS) {
    const spec = at(obj, podPath);
    if (!isObj(spec) || !Array.isArray(spec.containers)) continue;
    for (const list of CONTAINER_LISTS) {
      const containers = spec[list];
      if (!Array.isArray(containers)) continue;
      containers.forEach((container, index) => {
        if (!isObj(container)) return;
        const raw = text(container.image);
        if (raw === undefined) return;
        const name = text(container.name) ?? String(index);
        out.push(imageSlot(`${list}[${name}]`, raw, `${list}[${name}].image`, [...podPath, list, index, 'image']));
      });
    }
    if (Array.isArray(spec.volumes)) {
      spec.volumes.forEach((volume, index) => {
        if (!isObj(volume) || !isObj(volume.image)) return;
        const raw = text(volume.image.reference);
        if (raw === undefined) return;
        const name = text(volume.name) ?? String(index);
        const path = [...podPath, 'volumes', index, 'image', 'reference'];
        out.push(imageSlot(`volumes[${name}]`, raw, `volumes[${name}].image.reference`, path));
      });
    }
    return; // one pod spec per object
  }
}

/** Image settings in Helm values, as charts usually spell them: `{registry?, repository, tag?, digest?}` or `image: "repo:tag"`. */
function valuesSlots(node: unknown, path: Path, out: VersionSlot[], depth = 0): void {
  if (depth > 24) return;
  if (Array.isArray(node)) {
    node.forEach((item, index) => valuesSlots(item, [...path, index], out, depth + 1));
    return;
  }
  if (!isObj(node)) return;
  const repository = text(node.repository);
  const tag = text(node.tag);
  const digest = text(node.digest);
  if (repository !== undefined && (tag !== undefined || digest !== undefined) && typeof node.repository === 'string') {
    const registry = text(node.registry);
    const fields = ['registry', 'repository', 'tag', 'digest'].filter((k) => k in node);
    out.push({
      key: `values:${dotted(path)}`,
      datasource: 'docker',
      package: registry ? `${registry}/${repository}` : repository,
      ref: { value: tag, digest },
      field: `${dotted(path)}.{${fields.filter((f) => f !== 'registry').join(',')}}`,
      paths: fields.map((f) => [...path, f]),
    });
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'image' && typeof value === 'string') {
      const image = parseImageRef(value);
      if (image && (image.tag || image.digest)) {
        out.push(imageSlot(`values:${dotted([...path, key])}`, value, dotted([...path, key]), [...path, key]));
      }
      continue;
    }
    if (key === 'repository' || key === 'tag' || key === 'digest' || key === 'registry') continue;
    valuesSlots(value, [...path, key], out, depth + 1);
  }
}

/** A Kustomize `images:` entry (kustomization files, Flux Kustomization `spec.images`). */
function kustomizeImageSlot(entry: unknown, path: Path, label: string): VersionSlot | undefined {
  if (!isObj(entry)) return undefined;
  const name = text(entry.name);
  if (name === undefined) return undefined;
  const newName = text(entry.newName);
  let value = text(entry.newTag);
  let digest = text(entry.digest);
  if (value?.includes('@')) {
    // Renovate writes pinned images as `newTag: 1.2.3@sha256:…`.
    [value, digest] = [value.slice(0, value.indexOf('@')) || undefined, value.slice(value.indexOf('@') + 1)];
  }
  const fields = ['newName', 'newTag', 'digest'].filter((k) => k in entry);
  return {
    key: `images[${name}]`,
    datasource: 'docker',
    package: newName ?? name,
    ref: { value, digest },
    field: `${label}[${name}]`,
    paths: fields.map((f) => [...path, f]),
  };
}

function kustomizeImages(list: unknown, path: Path, label: string, out: VersionSlot[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((entry, index) => {
    const slot = kustomizeImageSlot(entry, [...path, index], label);
    if (slot) out.push(slot);
  });
}

/** `oci://ghcr.io/org/charts` → `ghcr.io/org/charts`. */
function withoutScheme(url: string): string {
  return url.replace(/^oci:\/\//, '').replace(/\/+$/, '');
}

/** An Argo CD Application source: a Helm chart (`chart` + `targetRevision`) or a Git revision. */
function argoSourceSlots(source: unknown, path: Path, key: string, out: VersionSlot[]): void {
  if (!isObj(source)) return;
  const repoURL = text(source.repoURL) ?? '';
  const revision = text(source.targetRevision);
  const chart = text(source.chart);
  if (chart !== undefined) {
    const oci = repoURL.startsWith('oci://') || !repoURL.includes('://');
    out.push({
      key,
      datasource: 'helm',
      package: oci && repoURL ? `${withoutScheme(repoURL)}/${chart}` : chart,
      ref: { value: revision },
      field: `${dotted(path)}.targetRevision`,
      paths: [
        [...path, 'targetRevision'],
        [...path, 'chart'],
      ],
    });
  } else if (revision !== undefined && repoURL) {
    out.push({
      key,
      datasource: 'git',
      package: repoURL,
      ref: { value: revision },
      field: `${dotted(path)}.targetRevision`,
      paths: [[...path, 'targetRevision']],
    });
  }
  const helm = source.helm;
  if (isObj(helm) && isObj(helm.valuesObject)) valuesSlots(helm.valuesObject, [...path, 'helm', 'valuesObject'], out);
  const kustomize = source.kustomize;
  if (isObj(kustomize) && Array.isArray(kustomize.images)) {
    kustomize.images.forEach((entry, index) => {
      const raw = text(entry);
      if (raw === undefined) return;
      // `name=newName:tag` overrides an image; `name:tag` sets its tag.
      const eq = raw.indexOf('=');
      const name = eq >= 0 ? raw.slice(0, eq) : (parseImageRef(raw)?.name ?? raw);
      const image = eq >= 0 ? raw.slice(eq + 1) : raw;
      const slotPath = [...path, 'kustomize', 'images', index];
      out.push(
        imageSlot(`${key}.kustomize.images[${name}]`, image, `${dotted(path)}.kustomize.images[${name}]`, slotPath),
      );
    });
  }
}

/** Every version slot of one Kubernetes object (as rendered, or as written in a file). */
export function objectSlots(obj: unknown): VersionSlot[] {
  const out: VersionSlot[] = [];
  if (!isObj(obj)) return out;
  const kind = typeof obj.kind === 'string' ? obj.kind : '';
  const apiGroup = group(obj.apiVersion);
  const spec = isObj(obj.spec) ? obj.spec : undefined;
  if (kind === '') {
    // Not a Kubernetes object: a Helm values file (Renovate's helm-values manager).
    valuesSlots(obj, [], out);
    return out;
  }
  podSpecSlots(obj, out);
  if (!spec) return out;
  if (apiGroup === 'helm.toolkit.fluxcd.io' && kind === 'HelmRelease') {
    const chartSpec = at(spec, ['chart', 'spec']);
    if (isObj(chartSpec) && text(chartSpec.chart) !== undefined) {
      out.push({
        key: 'chart',
        datasource: 'helm',
        package: text(chartSpec.chart)!,
        ref: { value: text(chartSpec.version) },
        field: 'spec.chart.spec.version',
        paths: [
          ['spec', 'chart', 'spec', 'version'],
          ['spec', 'chart', 'spec', 'chart'],
        ],
      });
    }
    valuesSlots(spec.values, ['spec', 'values'], out);
  } else if (apiGroup === 'source.toolkit.fluxcd.io' && kind === 'HelmChart') {
    if (text(spec.chart) !== undefined) {
      out.push({
        key: 'chart',
        datasource: 'helm',
        package: text(spec.chart)!,
        ref: { value: text(spec.version) },
        field: 'spec.version',
        paths: [
          ['spec', 'version'],
          ['spec', 'chart'],
        ],
      });
    }
  } else if (apiGroup === 'source.toolkit.fluxcd.io' && (kind === 'OCIRepository' || kind === 'GitRepository')) {
    const url = text(spec.url);
    const ref = isObj(spec.ref) ? spec.ref : undefined;
    if (url !== undefined && ref) {
      const oci = kind === 'OCIRepository';
      const keys = oci ? ['tag', 'semver', 'digest'] : ['tag', 'semver', 'name', 'branch', 'commit'];
      const value = oci
        ? (text(ref.tag) ?? text(ref.semver))
        : (text(ref.tag) ?? text(ref.semver) ?? text(ref.name) ?? text(ref.branch));
      out.push({
        key: 'ref',
        datasource: oci ? 'docker' : 'git',
        package: oci ? withoutScheme(url) : url,
        ref: { value, digest: oci ? text(ref.digest) : text(ref.commit) },
        field: `spec.ref.${keys.filter((k) => k in ref).join('|') || 'tag'}`,
        paths: keys.map((k) => ['spec', 'ref', k]),
      });
    }
  } else if (apiGroup === 'argoproj.io' && (kind === 'Application' || kind === 'ApplicationSet')) {
    const appPath: Path = kind === 'Application' ? ['spec'] : ['spec', 'template', 'spec'];
    const app = at(obj, appPath);
    if (isObj(app)) {
      argoSourceSlots(app.source, [...appPath, 'source'], 'source', out);
      if (Array.isArray(app.sources)) {
        app.sources.forEach((source, index) =>
          argoSourceSlots(source, [...appPath, 'sources', index], `sources[${index}]`, out),
        );
      }
    }
  } else if (apiGroup === 'kustomize.toolkit.fluxcd.io' && kind === 'Kustomization') {
    kustomizeImages(spec.images, ['spec', 'images'], 'spec.images', out);
  }
  return out;
}

const REMOTE_REF = /^(?<url>(?:git::)?(?:https?:\/\/|ssh:\/\/|git@)?[^?\s]+)\?(?:.*&)?ref=(?<ref>[^&\s]+)/;

/** A kustomization file's own pins: `images:`, `helmCharts:` and remote `resources:` / `components:` at `?ref=`. */
export function kustomizationSlots(doc: unknown): VersionSlot[] {
  const out: VersionSlot[] = [];
  if (!isObj(doc)) return out;
  kustomizeImages(doc.images, ['images'], 'images', out);
  if (Array.isArray(doc.helmCharts)) {
    doc.helmCharts.forEach((chart, index) => {
      if (!isObj(chart) || text(chart.name) === undefined) return;
      const name = text(chart.name)!;
      out.push({
        key: `helmCharts[${name}]`,
        datasource: 'helm',
        package: name,
        ref: { value: text(chart.version) },
        field: `helmCharts[${name}].version`,
        paths: [['helmCharts', index, 'version']],
      });
    });
  }
  for (const list of ['resources', 'components', 'bases'] as const) {
    const entries = doc[list];
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry, index) => {
      const raw = text(entry);
      const match = raw === undefined ? null : REMOTE_REF.exec(raw);
      if (!match?.groups) return;
      const url = match.groups.url!;
      out.push({
        key: `${list}[${url}]`,
        datasource: 'git',
        package: url.replace(/^git::/, ''),
        ref: { value: match.groups.ref },
        field: `${list}[${index}]`,
        paths: [[list, index]],
      });
    });
  }
  return out;
}

type PathTrie = Map<string | number, PathTrie | true>;

function trieOf(paths: readonly Path[]): PathTrie {
  const root: PathTrie = new Map();
  for (const path of paths) {
    let node = root;
    path.forEach((key, i) => {
      if (i === path.length - 1) {
        node.set(key, true);
        return;
      }
      const next = node.get(key);
      if (next === true) return;
      const child: PathTrie = next ?? new Map();
      node.set(key, child);
      node = child;
    });
  }
  return root;
}

function equalExcept(a: unknown, b: unknown, trie: PathTrie | undefined): boolean {
  if (!trie) return isDeepStrictEqual(a, b);
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const sub = trie.get(i);
      if (sub !== true && !equalExcept(a[i], b[i], sub)) return false;
    }
    return true;
  }
  if (isObj(a) && isObj(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const sub = trie.get(key);
      if (sub === true) continue;
      if (!(key in a) || !(key in b) || !equalExcept(a[key], b[key], sub)) return false;
    }
    return true;
  }
  return isDeepStrictEqual(a, b);
}

/**
 * Are `a` and `b` equal once the slots' paths are left out (a key at such a path may differ or be missing on one
 * side)? What must hold at base and head for a change to be only versions.
 */
export function equalOutsideSlots(a: unknown, b: unknown, paths: readonly Path[]): boolean {
  return equalExcept(a, b, trieOf(paths));
}
