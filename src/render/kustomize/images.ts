// Kustomize's images transformer (plugin/builtin/imagetagtransformer at v5.5.0): for each `images:` entry, first
// the legacy walk (every `containers`/`initContainers` list anywhere in any object but a CRD), then the field
// specs (builtinpluginconsts/images.go plus custom `configurations`). Matching and the resulting strings follow
// api/internal/image exactly, including its quirks: the entry's `name` is used as a regular expression, a tag is
// `[a-zA-Z0-9_.{}-]*` and only `sha256` digests count.
import type { KubeObject } from '../types.js';
import { RenderError } from '../types.js';
import { visitFieldSpec, type FieldSpec } from './fieldspec.js';
import { mergeFieldSpecs } from './transformers.js';
import type { Resource } from './resource.js';

/** An `images:` entry of a kustomization. */
export interface ImageSpec {
  name?: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  tagSuffix?: string;
}

/**
 * builtinpluginconsts/images.go at v5.5.0. Kustomize lists them with `create: true`, but its images filter sets no
 * node kind to create, so nothing is ever created: a container without `image` stays without one.
 */
export const IMAGE_SPECS: readonly FieldSpec[] = [
  { path: 'spec/containers[]/image' },
  { path: 'spec/initContainers[]/image' },
  { path: 'spec/template/spec/containers[]/image' },
  { path: 'spec/template/spec/initContainers[]/image' },
];

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** image.IsImageMatched: `name` is spliced into a regular expression unescaped, as Kustomize does. */
export function imageMatcher(name: string): (image: string) => boolean {
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`);
  } catch {
    throw new RenderError(`images: name '${name}' is not a valid image name pattern`, 'invalid');
  }
  return (image) => pattern.test(image);
}

/** image.Split: name, tag and digest; a `:` before the first `/` is a registry port, not a tag. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let slash = image.indexOf('/');
  let search = image;
  if (slash > 0) search = image.slice(slash);
  else slash = 0;
  let at = search.indexOf('@');
  let colon = search.indexOf(':');
  if (colon < 0 && at < 0) return { name: image, tag: '', digest: '' };
  if (at >= 0 && (at < colon || colon < 0)) {
    at += slash;
    return { name: image.slice(0, at), tag: '', digest: image.slice(at + 1) };
  }
  if (at >= 0 && colon >= 0) {
    at += slash;
    colon += slash;
    return { name: image.slice(0, colon), tag: image.slice(colon + 1, at), digest: image.slice(at + 1) };
  }
  colon += slash;
  return { name: image.slice(0, colon), tag: image.slice(colon + 1), digest: '' };
}

/** The new image string for `image` under `entry`, or undefined when the entry does not match it. */
export function updatedImage(
  image: string,
  entry: ImageSpec,
  matches = imageMatcher(entry.name ?? ''),
): string | undefined {
  if (!matches(image)) return undefined;
  let { name, tag, digest } = splitImage(image);
  if (entry.newName) name = entry.newName;
  if (entry.newTag && entry.digest) {
    tag = entry.newTag;
    digest = entry.digest;
  } else if (entry.newTag) {
    tag = entry.newTag;
    digest = '';
  } else if (entry.digest) {
    tag = '';
    digest = entry.digest;
  } else if (entry.tagSuffix) {
    tag += entry.tagSuffix;
    digest = '';
  }
  return name + (tag ? `:${tag}` : '') + (digest ? `@${digest}` : '');
}

function describe(object: KubeObject): string {
  return `${String(object.kind ?? '(no kind)')} ${object.metadata?.name ?? '(no name)'}`;
}

function updateField(
  parent: Record<string, unknown>,
  key: string,
  entry: ImageSpec,
  matches: (s: string) => boolean,
  object: KubeObject,
): void {
  const value = parent[key];
  if (value === null || value === undefined) return;
  if (typeof value === 'object') {
    throw new RenderError(`images: field '${key}' of ${describe(object)} is not a string`, 'invalid');
  }
  const next = updatedImage(String(value), entry, matches);
  if (next !== undefined) parent[key] = next;
}

/** The legacy filter: every `containers`/`initContainers` sequence at any depth, innermost first. */
function walkContainers(node: unknown, visit: (container: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) {
    for (const element of node) walkContainers(element, visit);
    return;
  }
  if (!isMapping(node)) return;
  for (const [key, value] of Object.entries(node)) {
    walkContainers(value, visit);
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      for (const container of value) if (isMapping(container)) visit(container);
    }
  }
}

export function applyImages(resources: Resource[], images: ImageSpec[], extraSpecs?: FieldSpec[]): void {
  // The images filter never creates fields (see IMAGE_SPECS), custom specs included.
  const specs = mergeFieldSpecs(
    IMAGE_SPECS,
    extraSpecs?.map((s) => ({ ...s, create: false })),
  );
  for (const entry of images) {
    const matches = imageMatcher(entry.name ?? '');
    const targets = resources.map((r) => r.object).filter((o) => o.kind !== 'CustomResourceDefinition');
    for (const object of targets) {
      walkContainers(object, (container) => updateField(container, 'image', entry, matches, object));
    }
    for (const object of targets) {
      for (const spec of specs)
        visitFieldSpec(object, spec, (parent, key) => updateField(parent, key, entry, matches, object));
    }
  }
}
