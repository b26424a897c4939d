// Which directories are render roots, from the `render` config: what Flux or Argo CD would point at. A
// kustomization directory under `search` is a root unless it is a Component or another root pulls it in (then it is
// rendered as part of that root, not twice); `roots` overrides that, `fluxDirs` and `plainDirs` add directories
// without a kustomization of their own, and `exclude` has the last word.
import type { RenderConfig } from '../config/config.js';
import { matchesAny, matchesGlob } from '../core/glob.js';
import type { RootType } from '../core/types.js';
import { isWithin, type RepoIndex } from './repo-index.js';

export interface RenderRoot {
  /** Repository-relative directory; `''` is the repository root. */
  path: string;
  type: RootType;
}

export interface DiscoveryOptions {
  /**
   * The other side's index: where a kustomization cannot be parsed here, its references there are used, so a PR
   * that breaks a parent does not turn the children it pulled in into roots of their own.
   */
  fallback?: RepoIndex;
}

const GLOB_CHARS = /[*?[\]{}!]/;

function normalizeDir(dir: string): string {
  const trimmed = dir.replace(/^\.\//, '').replace(/^\/+/, '').replace(/\/+$/, '');
  return trimmed === '.' ? '' : trimmed;
}

function underSearch(dir: string, search: readonly string[]): boolean {
  return search.some((entry) => {
    const s = normalizeDir(entry);
    return GLOB_CHARS.test(s) ? matchesGlob(dir, s) || matchesGlob(dir, `${s}/**`) : isWithin(dir, s);
  });
}

/** Directories matching any glob (a glob names directories: `clusters/*`, `apps/**`). */
function dirsMatching(index: RepoIndex, globs: readonly string[]): string[] {
  if (globs.length === 0) return [];
  return [...index.dirs].filter((dir) => dir !== '' && matchesAny(dir, globs));
}

/** The kustomization directories a root pulls in directly: its resources, bases and components. */
function directChildren(index: RepoIndex, dir: string, type: RootType, fallback?: RepoIndex): string[] {
  if (type === 'plain-dir') return [];
  let info = index.kustomization(dir);
  if (info?.invalid && fallback) {
    const previous = fallback.kustomization(dir);
    if (previous && !previous.invalid) info = previous;
  }
  if (info) {
    return info.refs.filter((r) => r.role !== 'file' && index.kustomizationDirs.has(r.path)).map((r) => r.path);
  }
  if (type !== 'flux-dir') return [];
  // Flux generates a kustomization for a directory without one: its YAML files, and each sub-directory holding a
  // kustomization as a whole (not descended into).
  return [...index.kustomizationDirs].filter(
    (k) => k !== dir && isWithin(k, dir) && !hasKustomizationBetween(index, dir, k),
  );
}

function hasKustomizationBetween(index: RepoIndex, top: string, dir: string): boolean {
  for (let d = parentOf(dir); d !== undefined && d !== top && isWithin(d, top); d = parentOf(d)) {
    if (index.kustomizationDirs.has(d)) return true;
  }
  return false;
}

function parentOf(dir: string): string | undefined {
  if (dir === '') return undefined;
  const slash = dir.lastIndexOf('/');
  return slash < 0 ? '' : dir.slice(0, slash);
}

export function discoverRoots(index: RepoIndex, config: RenderConfig, options: DiscoveryOptions = {}): RenderRoot[] {
  const types = new Map<string, RootType>();
  for (const dir of index.kustomizationDirs) {
    if (!underSearch(dir, config.search)) continue;
    if (index.kustomization(dir)?.kind === 'Component') continue;
    types.set(dir, 'kustomize');
  }
  // Explicit configuration wins over what the tree suggests.
  for (const dir of dirsMatching(index, config.fluxDirs)) types.set(dir, 'flux-dir');
  for (const dir of dirsMatching(index, config.plainDirs)) types.set(dir, 'plain-dir');

  const forced = new Set<string>();
  for (const dir of index.kustomizationDirs) {
    if (config.roots.length > 0 && matchesAny(dir, config.roots) && index.kustomization(dir)?.kind !== 'Component') {
      forced.add(dir);
      if (!types.has(dir)) types.set(dir, 'kustomize');
    }
  }

  const reach = (from: string): Set<string> => {
    const seen = new Set<string>();
    const stack = directChildren(index, from, types.get(from) ?? 'kustomize', options.fallback);
    while (stack.length > 0) {
      const dir = stack.pop()!;
      if (seen.has(dir)) continue;
      seen.add(dir);
      stack.push(...directChildren(index, dir, 'kustomize', options.fallback));
    }
    return seen;
  };

  const candidates = [...types.keys()].sort();
  const reached = new Map(candidates.map((dir) => [dir, reach(dir)]));
  const referenced = new Set<string>();
  for (const [from, dirs] of reached) {
    for (const dir of dirs) if (dir !== from) referenced.add(dir);
  }
  const roots = candidates.filter((dir) => forced.has(dir) || !referenced.has(dir));
  // Directories that only reference each other (a cycle) would vanish, and a root caught in one would read as
  // deleted: keep every one of them a root, so each is rendered and the cycle reported where it is.
  const covered = new Set<string>();
  for (const root of roots) {
    covered.add(root);
    for (const dir of reached.get(root)!) covered.add(dir);
  }
  roots.push(...candidates.filter((dir) => !covered.has(dir)));
  return roots
    .filter((dir) => !(config.exclude.length > 0 && matchesAny(dir, config.exclude)))
    .sort()
    .map((path) => ({ path, type: types.get(path)! }));
}
