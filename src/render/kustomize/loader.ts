// File access for the built-in engine, over a RepoSnapshot only: nothing outside the repository is ever read.
// Mirrors Kustomize's FileLoader: files (resources, patches, generator inputs, configurations) go through the load
// restrictor (RootOnly: in or below the kustomization's directory, after symlinks are resolved), while
// kustomization directories (resources, components) may live anywhere in the repository but may not contain a
// kustomization already being built (Kustomize's "cycle detected"). Every path read is recorded, because a change
// to any of them may change the output.
import { posix } from 'node:path';
import type { RepoSnapshot } from '../../core/types.js';
import { KUSTOMIZATION_FILES } from '../kustomization.js';
import type { RenderOptions } from '../types.js';
import { RenderError } from '../types.js';

/** Symlinks followed per path before giving up, as the OS's ELOOP would. */
const MAX_SYMLINKS = 40;

interface SnapshotIndex {
  directories: Set<string>;
  symlinks: Set<string>;
}

const indexes = new WeakMap<RepoSnapshot, SnapshotIndex>();

function indexOf(snapshot: RepoSnapshot): SnapshotIndex {
  let index = indexes.get(snapshot);
  if (!index) {
    index = { directories: new Set(['']), symlinks: new Set() };
    for (const path of snapshot.files()) {
      if (snapshot.symlinkTarget?.(path) !== undefined) index.symlinks.add(path);
      for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) index.directories.add(path.slice(0, i));
    }
    indexes.set(snapshot, index);
  }
  return index;
}

const within = (path: string, dir: string): boolean => dir === '' || path === dir || path.startsWith(`${dir}/`);

export class RepoLoader {
  private readonly index: SnapshotIndex;
  private readonly readPaths = new Set<string>();

  constructor(
    readonly snapshot: RepoSnapshot,
    readonly options: RenderOptions,
  ) {
    this.index = indexOf(snapshot);
  }

  /** Every repository path read so far, in first-read order. */
  get files(): string[] {
    return [...this.readPaths];
  }

  /**
   * `ref` as written in the kustomization `from` (a repository path), relative to directory `dir`, normalised and
   * with symlinks resolved. Absolute paths, escapes above the repository and symlinks leaving it are `escape`.
   */
  resolve(dir: string, ref: string, from: string): string {
    if (ref.startsWith('/') || /^[A-Za-z]:[\\/]/.test(ref)) {
      throw new RenderError(
        `${from}: '${ref}' is an absolute path; envgate reads only inside the repository`,
        'escape',
        from,
      );
    }
    const joined = posix.normalize(posix.join(dir === '' ? '.' : dir, ref));
    if (joined === '..' || joined.startsWith('../')) {
      throw new RenderError(`${from}: '${ref}' leaves the repository`, 'escape', from);
    }
    const normal = joined === '.' ? '' : joined.replace(/\/+$/, '');
    return this.index.symlinks.size === 0 ? normal : this.followSymlinks(normal, ref, from);
  }

  private followSymlinks(path: string, ref: string, from: string): string {
    let current = path;
    for (let hops = 0; hops <= MAX_SYMLINKS; hops++) {
      const parts = current === '' ? [] : current.split('/');
      let link: number | undefined;
      for (let i = 1; i <= parts.length; i++) {
        if (this.index.symlinks.has(parts.slice(0, i).join('/'))) {
          link = i;
          break;
        }
      }
      if (link === undefined) return current;
      const linkPath = parts.slice(0, link).join('/');
      const target = this.snapshot.symlinkTarget?.(linkPath) ?? '';
      if (target.startsWith('/')) {
        throw new RenderError(
          `${from}: '${ref}' goes through symlink ${linkPath}, which leaves the repository`,
          'escape',
          from,
        );
      }
      const resolved = posix.normalize(posix.join(posix.dirname(linkPath), target, ...parts.slice(link)));
      if (resolved === '..' || resolved.startsWith('../')) {
        throw new RenderError(
          `${from}: '${ref}' goes through symlink ${linkPath}, which leaves the repository`,
          'escape',
          from,
        );
      }
      current = resolved === '.' ? '' : resolved;
    }
    throw new RenderError(`${from}: '${ref}': too many levels of symbolic links`, 'invalid', from);
  }

  isDirectory(path: string): boolean {
    return this.index.directories.has(path);
  }

  /** Text of a repository file, recorded as read; undefined when there is no such regular file. */
  private readRecorded(path: string, from: string): string | undefined {
    const text = this.snapshot.read(path);
    if (text !== undefined) {
      this.readPaths.add(path);
      return text;
    }
    const why = this.snapshot.unreadable?.get(path);
    if (why !== undefined) {
      this.readPaths.add(path);
      throw new RenderError(`${from}: cannot read ${path}: ${why}`, 'invalid', path);
    }
    return undefined;
  }

  /**
   * A file referenced by the kustomization `from` whose directory is `root`, under the load restrictor. Undefined
   * when no such file exists (the caller decides whether a directory is acceptable instead); throws `escape` for
   * a file outside the root under LoadRestrictionsRootOnly.
   */
  tryLoadFile(root: string, ref: string, from: string): { path: string; text: string } | undefined {
    const path = this.resolve(root, ref, from);
    if (this.isDirectory(path)) return undefined;
    const text = this.readRecorded(path, from);
    if (text === undefined) return undefined;
    if (this.options.loadRestrictor === 'LoadRestrictionsRootOnly' && !within(path, root)) {
      throw new RenderError(
        `${from}: security; file '${path}' is not in or below '${root || '.'}' (load restrictor LoadRestrictionsRootOnly)`,
        'escape',
        from,
      );
    }
    return { path, text };
  }

  /** As tryLoadFile, but a missing file is an error naming `field`. */
  loadFile(root: string, ref: string, from: string, field: string): { path: string; text: string } {
    const loaded = this.tryLoadFile(root, ref, from);
    if (loaded) return loaded;
    const path = this.resolve(root, ref, from);
    if (this.isDirectory(path)) {
      throw new RenderError(`${from}: ${field} '${ref}' is a directory, not a file`, 'invalid', from);
    }
    throw new RenderError(`${from}: ${field} '${ref}': no such file (${path || '.'})`, 'missing', from);
  }

  /** As loadFile, for generator inputs: the raw bytes, so binary files stay binary. */
  loadBytes(root: string, ref: string, from: string, field: string): Uint8Array {
    const { path, text } = this.loadFile(root, ref, from, field);
    return this.snapshot.readBytes?.(path) ?? new TextEncoder().encode(text);
  }

  /** The kustomization file in `dir`, exactly one of Kustomize's recognised names. */
  kustomizationIn(dir: string, from: string): { path: string; text: string } {
    const found: { path: string; text: string }[] = [];
    for (const name of KUSTOMIZATION_FILES) {
      const path = dir ? `${dir}/${name}` : name;
      const text = this.readRecorded(path, from);
      if (text !== undefined) found.push({ path, text });
    }
    if (found.length > 1) {
      throw new RenderError(`${dir || '.'}: found multiple kustomization files`, 'invalid', found[0]!.path);
    }
    if (found.length === 0) {
      throw new RenderError(
        `${dir || '.'}: unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory` +
          (from !== dir ? ` (referenced from ${from})` : ''),
        'missing',
        from,
      );
    }
    return found[0]!;
  }
}

/**
 * Kustomize's errIfArgEqualOrHigher: a kustomization directory may not be, or contain, any directory on the chain
 * of kustomizations being built (it would include itself).
 */
export function assertNoCycle(candidate: string, chain: readonly string[], from: string): void {
  for (const visited of chain) {
    if (within(visited, candidate)) {
      throw new RenderError(
        `${from}: cycle detected: '${candidate || '.'}' contains '${visited || '.'}', which is already being built`,
        'cycle',
        from,
      );
    }
  }
}
