// One snapshot's file tree as discovery and the closure need it: which paths are files, which are directories,
// and each directory's kustomization read once.
import type { RepoSnapshot } from '../core/types.js';
import { KUSTOMIZATION_FILES, readKustomization, type KustomizationInfo } from './kustomization.js';

const KUSTOMIZATION_NAMES = new Set<string>(KUSTOMIZATION_FILES);

export class RepoIndex {
  readonly files = new Set<string>();
  /** Every directory that holds a file, at any depth; `''` is the repository root. */
  readonly dirs = new Set<string>(['']);
  /** Directories holding a kustomization file. */
  readonly kustomizationDirs = new Set<string>();
  private readonly infos = new Map<string, KustomizationInfo>();

  constructor(readonly snapshot: RepoSnapshot) {
    for (const path of snapshot.files()) {
      this.files.add(path);
      const slash = path.lastIndexOf('/');
      const name = path.slice(slash + 1);
      if (KUSTOMIZATION_NAMES.has(name)) this.kustomizationDirs.add(slash < 0 ? '' : path.slice(0, slash));
      for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) this.dirs.add(path.slice(0, i));
    }
  }

  isFile(path: string): boolean {
    return this.files.has(path);
  }

  isDir(path: string): boolean {
    return this.dirs.has(path);
  }

  /** The kustomization in `dir`, read and parsed once; undefined when the directory has none. */
  kustomization(dir: string): KustomizationInfo | undefined {
    if (!this.kustomizationDirs.has(dir)) return undefined;
    let info = this.infos.get(dir);
    if (!info) {
      const file = KUSTOMIZATION_FILES.map((name) => (dir ? `${dir}/${name}` : name)).find((p) => this.files.has(p))!;
      info = readKustomization(file, this.snapshot.read(file));
      this.infos.set(dir, info);
    }
    return info;
  }

  /** How many kustomization files `dir` holds: Kustomize refuses a directory with more than one. */
  kustomizationFileCount(dir: string): number {
    return KUSTOMIZATION_FILES.filter((name) => this.files.has(dir ? `${dir}/${name}` : name)).length;
  }
}

/** `dir` is `ancestor` or below it; `''` is the repository root and holds everything. */
export function isWithin(path: string, ancestor: string): boolean {
  return ancestor === '' || path === ancestor || path.startsWith(`${ancestor}/`);
}
