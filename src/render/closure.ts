// The dependency closure of a render root: every path whose change could change what the root renders, found by
// reading kustomization files only. It decides which roots a PR affects before anything is rendered, so it errs
// on the side of "affected": directories it cannot see into count whole, and an unreadable kustomization makes
// its root affected by anything.
import { posix } from 'node:path';
import type { RenderRoot } from './discovery.js';
import { KUSTOMIZATION_FILES } from './kustomization.js';
import { isWithin, type RepoIndex } from './repo-index.js';

export class Closure {
  /** Single files. */
  readonly files = new Set<string>();
  /** Whole directory trees. */
  readonly trees = new Set<string>();
  /** Directories whose direct files count, not their sub-directories (plain-dir roots). */
  readonly shallow = new Set<string>();
  /** Why the closure could not be known (unparseable kustomization): then every path counts. */
  unknown?: string;

  contains(path: string): boolean {
    if (this.unknown !== undefined || this.files.has(path)) return true;
    for (const tree of this.trees) if (isWithin(path, tree)) return true;
    const dir = posix.dirname(path);
    return this.shallow.has(dir === '.' ? '' : dir);
  }

  /** The first of `paths` the closure holds. */
  firstOf(paths: Iterable<string>): string | undefined {
    for (const path of paths) if (this.contains(path)) return path;
    return undefined;
  }
}

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);

export function dependencyClosure(index: RepoIndex, root: RenderRoot): Closure {
  const closure = new Closure();
  const visited = new Set<string>();

  const kustomizeDir = (dir: string) => {
    if (visited.has(dir)) return; // a cycle: the engine reports it, the closure is complete without a second pass
    visited.add(dir);
    // All three names: adding a second kustomization file beside the first breaks the build.
    for (const name of KUSTOMIZATION_FILES) closure.files.add(join(dir, name));
    const info = index.kustomization(dir);
    if (!info) {
      // Referenced as a kustomization but holds none: whatever appears there decides what happens.
      closure.trees.add(dir);
      return;
    }
    if (info.invalid !== undefined) {
      closure.unknown ??= `${info.file} ${info.invalid}`;
      return;
    }
    for (const ref of info.refs) {
      if (ref.role === 'file') {
        if (index.isDir(ref.path)) closure.trees.add(ref.path);
        else closure.files.add(ref.path);
      } else if (index.isFile(ref.path)) {
        closure.files.add(ref.path);
      } else if (index.isDir(ref.path)) {
        kustomizeDir(ref.path);
      } else {
        // Missing today: it counts whether it appears as a file or as a directory.
        closure.files.add(ref.path);
        closure.trees.add(ref.path);
      }
    }
  };

  switch (root.type) {
    case 'kustomize':
      kustomizeDir(root.path);
      break;
    case 'flux-dir':
      closure.trees.add(root.path);
      // Kustomizations inside the tree may reach outside it (`../../base`).
      for (const dir of index.kustomizationDirs) if (isWithin(dir, root.path)) kustomizeDir(dir);
      break;
    case 'plain-dir':
      closure.shallow.add(root.path);
      break;
  }
  return closure;
}
