// Container image references as Kubernetes and registries read them: `[registry[:port]/]path[:tag][@algo:hex]`,
// following the grammar of github.com/distribution/reference (the one Renovate's Kubernetes manager uses too).
// Anything else (templates, `${IMAGE}`, typos) is not an image reference and is reported as such, not guessed at.

export interface ImageRef {
  /** As written. */
  raw: string;
  /** Everything before the tag and digest, registry included: `registry.local:5000/team/app`. */
  name: string;
  /** The registry host (with port) when the reference names one; absent for Docker Hub short names. */
  registry?: string;
  tag?: string;
  /** `sha256:…` (any algorithm the grammar allows). */
  digest?: string;
}

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const PORT = /^[0-9]+$/;
const IPV6 = /^\[[a-fA-F0-9:]+\]$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;
const MAX_NAME = 255;

function isDomain(candidate: string): boolean {
  const colon = candidate.lastIndexOf(':');
  let host = candidate;
  if (colon > 0 && !candidate.endsWith(']')) {
    if (!PORT.test(candidate.slice(colon + 1))) return false;
    host = candidate.slice(0, colon);
  }
  if (IPV6.test(host)) return true;
  return host.split('.').every((part) => DOMAIN_COMPONENT.test(part));
}

/** The first path component is a registry when it looks like a host: a dot, a port, `localhost`, or upper case. */
function looksLikeRegistry(first: string): boolean {
  return first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
}

/** A PR repeats the same few references in every environment and container: parse each once. */
const parsed = new Map<string, ImageRef | undefined>();
const MAX_CACHED = 10_000;

/** Parses an image reference; undefined when it is not one. The result is shared: do not modify it. */
export function parseImageRef(input: string): ImageRef | undefined {
  if (parsed.has(input)) return parsed.get(input);
  if (parsed.size >= MAX_CACHED) parsed.clear();
  const result = parseUncached(input);
  parsed.set(input, result);
  return result;
}

function parseUncached(input: string): ImageRef | undefined {
  const raw = input.trim();
  if (raw === '' || raw.length > 1024 || /\s/.test(raw)) return undefined;
  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const name = rest;
  if (name === '' || name.length > MAX_NAME) return undefined;
  const components = name.split('/');
  let registry: string | undefined;
  if (components.length > 1 && looksLikeRegistry(components[0]!)) {
    registry = components.shift()!;
    if (!isDomain(registry)) return undefined;
  }
  if (!components.every((c) => PATH_COMPONENT.test(c))) return undefined;
  return { raw, name, registry, tag, digest };
}

/**
 * The name two references must share to be the same image: Docker Hub's implicit `docker.io/library/` is dropped,
 * so `nginx`, `library/nginx` and `docker.io/library/nginx` compare equal.
 */
export function canonicalImageName(name: string): string {
  let n = name.toLowerCase().replace(/^(?:index\.)?docker\.io\//, '');
  if (n.startsWith('library/') && n.split('/').length === 2) n = n.slice('library/'.length);
  return n;
}

/** `sha256:3ab8e5a…` → `3ab8e5a`: the short form Renovate prints in its PR bodies. */
export function shortDigest(digest: string): string {
  const hex = digest.slice(digest.indexOf(':') + 1);
  return hex.slice(0, 7);
}
