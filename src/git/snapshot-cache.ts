// Snapshots by repository and commit, shared by every event the server handles: a commit never changes, and one PR
// produces many events (pushes, reviews, comments) that all need the same target and base trees. Bounded by bytes;
// concurrent requests for one commit share one download.
import { LRUCache } from 'lru-cache';
import type { TarballSnapshot } from './tarball.js';

type Loader = () => Promise<TarballSnapshot>;

export class SnapshotCache {
  private readonly cache: LRUCache<string, TarballSnapshot, Loader>;
  /** Downloads actually started, for logs and tests. */
  loads = 0;

  constructor(maxBytes = 512 * 1024 * 1024) {
    this.cache = new LRUCache<string, TarballSnapshot, Loader>({
      maxSize: maxBytes,
      // An archive larger than the whole cache is used once and not kept.
      maxEntrySize: maxBytes,
      sizeCalculation: (entry) => Math.max(1, entry.bytes),
      fetchMethod: async (_key, _stale, { context }) => {
        this.loads += 1;
        return context();
      },
    });
  }

  /** `key` must name the repository and the commit: contents are shared only within one repository. */
  async get(key: string, load: Loader): Promise<TarballSnapshot> {
    const entry = await this.cache.fetch(key, { context: load });
    if (!entry) throw new Error(`snapshot ${key} could not be loaded`);
    return entry;
  }
}
