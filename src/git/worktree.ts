// A snapshot of a directory on disk, for `envgate render PATH` without `--rev`: what `kustomize build` would see
// in the working tree. Read lazily (a render touches few files) and read-only; `.git` is not part of it. Symlinks
// are listed as symlinks and never followed, exactly as in a snapshot read from git.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { RepoSnapshot } from '../core/types.js';
import { MAX_BLOB_BYTES } from './local.js';

const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

export class WorktreeSnapshot implements RepoSnapshot {
  readonly sha = 'working tree';
  readonly unreadable = new Map<string, string>();
  private readonly regular = new Set<string>();
  private readonly links = new Map<string, string>();
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly root: string) {
    this.scan('');
  }

  private scan(rel: string): void {
    for (const entry of readdirSync(join(this.root, rel), { withFileTypes: true })) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) this.links.set(path, readlinkSync(join(this.root, path)));
      else if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) this.scan(path);
      } else if (entry.isFile()) {
        const size = lstatSync(join(this.root, path)).size;
        if (size > MAX_BLOB_BYTES) this.unreadable.set(path, `larger than ${MAX_BLOB_BYTES / 1024 / 1024} MiB`);
        else this.regular.add(path);
      }
    }
  }

  *files(): Iterable<string> {
    yield* this.regular;
    yield* this.links.keys();
    yield* this.unreadable.keys();
  }

  readBytes(path: string): Buffer | undefined {
    if (!this.regular.has(path)) return undefined;
    let bytes = this.cache.get(path);
    if (!bytes) {
      bytes = readFileSync(join(this.root, path));
      this.cache.set(path, bytes);
    }
    return bytes;
  }

  read(path: string): string | undefined {
    const bytes = this.readBytes(path);
    return bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8');
  }

  symlinkTarget(path: string): string | undefined {
    return this.links.get(path);
  }
}
