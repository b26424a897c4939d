// A RepoSnapshot over files already in memory: what every reader (local git, archives, test fixtures) produces.
import type { RepoSnapshot } from '../core/types.js';

export interface SnapshotEntries {
  files: Map<string, Uint8Array | string>;
  symlinks?: Map<string, string>;
  /** Listed in the tree but not readable (missing blob, too large), with the reason. */
  unreadable?: Map<string, string>;
}

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

export class MemorySnapshot implements RepoSnapshot {
  readonly unreadable: ReadonlyMap<string, string>;
  private readonly contents: Map<string, Uint8Array | string>;
  private readonly symlinks: Map<string, string>;
  private readonly decoded = new Map<string, string>();

  constructor(
    readonly sha: string,
    entries: SnapshotEntries,
  ) {
    this.contents = entries.files;
    this.symlinks = entries.symlinks ?? new Map();
    this.unreadable = entries.unreadable ?? new Map();
  }

  /** A snapshot from `{ path: text }`, for fixtures and tests. */
  static fromRecord(sha: string, files: Record<string, string>, symlinks: Record<string, string> = {}): MemorySnapshot {
    return new MemorySnapshot(sha, {
      files: new Map(Object.entries(files)),
      symlinks: new Map(Object.entries(symlinks)),
    });
  }

  *files(): Iterable<string> {
    yield* this.contents.keys();
    yield* this.symlinks.keys();
    yield* this.unreadable.keys();
  }

  read(path: string): string | undefined {
    const cached = this.decoded.get(path);
    if (cached !== undefined) return cached;
    const content = this.contents.get(path);
    if (content === undefined) return undefined;
    const text = typeof content === 'string' ? content : decoder.decode(content);
    this.decoded.set(path, text);
    return text;
  }

  readBytes(path: string): Uint8Array | undefined {
    const content = this.contents.get(path);
    return typeof content === 'string' ? encoder.encode(content) : content;
  }

  symlinkTarget(path: string): string | undefined {
    return this.symlinks.get(path);
  }
}
