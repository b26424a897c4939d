// A snapshot with a few extra files laid over it, for the kustomization Flux generates into a directory that has
// none. The generated file is not in the repository, so it is never reported as a file the render read.
import type { RepoSnapshot } from '../core/types.js';

export class OverlaySnapshot implements RepoSnapshot {
  constructor(
    private readonly under: RepoSnapshot,
    private readonly extra: ReadonlyMap<string, string>,
  ) {}

  get sha(): string {
    return this.under.sha;
  }

  get unreadable(): ReadonlyMap<string, string> | undefined {
    return this.under.unreadable;
  }

  *files(): Iterable<string> {
    for (const path of this.under.files()) if (!this.extra.has(path)) yield path;
    yield* this.extra.keys();
  }

  read(path: string): string | undefined {
    return this.extra.get(path) ?? this.under.read(path);
  }

  readBytes(path: string): Uint8Array | undefined {
    const text = this.extra.get(path);
    if (text !== undefined) return new TextEncoder().encode(text);
    return this.under.readBytes?.(path) ?? encodeText(this.under.read(path));
  }

  symlinkTarget(path: string): string | undefined {
    return this.extra.has(path) ? undefined : this.under.symlinkTarget?.(path);
  }

  isOverlaid(path: string): boolean {
    return this.extra.has(path);
  }
}

function encodeText(text: string | undefined): Uint8Array | undefined {
  return text === undefined ? undefined : new TextEncoder().encode(text);
}
