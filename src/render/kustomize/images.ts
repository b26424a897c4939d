// Kustomize's images transformer: every container and init container image (found anywhere in the object, as
// Kustomize's legacy filter does, and at the default field specs) whose name matches gets its new name, tag or
// digest. CustomResourceDefinitions are never touched.
import { RenderError } from '../types.js';
import { visitFieldSpec, type FieldSpec } from './fieldspec.js';
import type { Resource } from './resource.js';

export interface ImageSpec {
  name?: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  tagSuffix?: string;
}

const IMAGE_SPECS: FieldSpec[] = [
  'spec/containers[]/image',
  'spec/initContainers[]/image',
  'spec/volumes[]/image/reference',
  'spec/template/spec/containers[]/image',
  'spec/template/spec/initContainers[]/image',
  'spec/template/spec/volumes[]/image/reference',
  // Kustomize's table says `create: true`, but its images filter never creates: only existing images change.
].map((path) => ({ path }));

/** Kustomize's image.IsImageMatched: the configured name is a regular expression, anchored, tag and digest optional. */
function matcher(name: string): (image: string) => boolean {
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{}-]*)?$`);
  } catch {
    return () => false;
  }
  return (image) => pattern.test(image);
}

/** Kustomize's image.Split: name, tag and digest, with a registry port not mistaken for a tag. */
export function splitImage(image: string): { name: string; tag: string; digest: string } {
  let searchName = image;
  let slash = image.indexOf('/');
  if (slash > 0) searchName = image.slice(slash);
  else slash = 0;
  let at = searchName.indexOf('@');
  let colon = searchName.indexOf(':');
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

function updated(image: string, spec: ImageSpec): string {
  let { name, tag, digest } = splitImage(image);
  if (spec.newName) name = spec.newName;
  if (spec.newTag && spec.digest) {
    tag = spec.newTag;
    digest = spec.digest;
  } else if (spec.newTag) {
    tag = spec.newTag;
    digest = '';
  } else if (spec.digest) {
    tag = '';
    digest = spec.digest;
  } else if (spec.tagSuffix) {
    tag += spec.tagSuffix;
    digest = '';
  }
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Every `containers`/`initContainers` list anywhere in the object, depth first, children before their parent. */
function visitContainerLists(node: unknown, visit: (list: unknown) => void): void {
  if (Array.isArray(node)) {
    for (const item of node) visitContainerLists(item, visit);
  } else if (isMapping(node)) {
    for (const [key, value] of Object.entries(node)) {
      visitContainerLists(value, visit);
      if (key === 'containers' || key === 'initContainers') visit(value);
    }
  }
}

export function applyImages(resources: Resource[], images: ImageSpec[], extraSpecs: FieldSpec[] = []): void {
  const specs = [...IMAGE_SPECS, ...extraSpecs.map(({ create: _, ...s }) => s)];
  for (const image of images) {
    const matches = matcher(image.name ?? '');
    const set = (parent: Record<string, unknown>, key: string, source: string) => {
      const value = parent[key];
      if (value === undefined || value === null) return;
      if (typeof value !== 'string') {
        throw new RenderError(`images: ${key} must be a string`, 'invalid', source);
      }
      if (matches(value)) parent[key] = updated(value, image);
    };
    for (const resource of resources) {
      if (resource.object.kind === 'CustomResourceDefinition') continue;
      visitContainerLists(resource.object, (list) => {
        if (!Array.isArray(list)) return;
        for (const container of list) if (isMapping(container)) set(container, 'image', resource.source);
      });
      for (const s of specs) visitFieldSpec(resource.object, s, (parent, key) => set(parent, key, resource.source));
    }
  }
}
