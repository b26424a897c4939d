// File trees of Azure Repos commits, in memory. Per commit: the commit (for its tree id), the recursive tree (paths,
// modes, sizes and blob ids), then one zip of the blobs not already held (`getBlobsZip`, entries named by blob id).
// Chosen over `getItemZip` of `/` because the tree says, before anything is downloaded, which entries are symlinks
// and how large each file is, so limits hold without inflating anything; and because a PR's target, merge-base and
// head share almost every blob, which is then downloaded once and not three times. Every blob is checked against its
// id (git's SHA-1), so a zip entry cannot be swapped for other content.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { fromBufferPromise, type Entry } from 'yauzl';
import { DEFAULT_ARCHIVE_LIMITS, repositoryPath, type ArchiveLimits } from '../../git/archive-path.js';
import { MemorySnapshot } from '../../git/memory.js';
import type { AzureDevOpsApi } from './transport.js';

export interface SnapshotLimits extends ArchiveLimits {
  /** Blob ids per `getBlobsZip` request. */
  blobsPerRequest: number;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = { ...DEFAULT_ARCHIVE_LIMITS, blobsPerRequest: 2_000 };

/** The tree or its download is unusable or over a limit; says which commit and why, never file contents. */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

const GIT_OBJECT_TREE = 2;
const GIT_OBJECT_COMMIT = 1;
const SYMLINK_MODE = '120000';
const OBJECT_ID = /^[0-9a-f]{40}$/;

function mebibytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${bytes} bytes`;
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

export function gitBlobId(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex');
}

interface TreeBlob {
  path: string;
  objectId: string;
  size: number;
  symlink: boolean;
}

interface Loaded {
  snapshot: MemorySnapshot;
  bytes: number;
}

export interface SnapshotStats {
  /** Commits whose tree was listed. */
  commits: number;
  /** Zip downloads and the blobs they carried. */
  archives: number;
  blobs: number;
}

/**
 * Snapshots by repository and commit, shared by every event the server handles, and blobs by repository and id.
 * Both bounded by bytes; concurrent requests for one commit share one load.
 */
export class AzureSnapshotStore {
  readonly stats: SnapshotStats = { commits: 0, archives: 0, blobs: 0 };
  private readonly snapshots: LRUCache<string, Loaded, () => Promise<Loaded>>;
  private readonly blobs: LRUCache<string, Uint8Array>;

  constructor(
    readonly limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS,
    maxCacheBytes = 512 * 1024 * 1024,
  ) {
    this.snapshots = new LRUCache<string, Loaded, () => Promise<Loaded>>({
      maxSize: maxCacheBytes,
      maxEntrySize: maxCacheBytes,
      sizeCalculation: (entry) => Math.max(1, entry.bytes),
      fetchMethod: async (_key, _stale, { context }) => context(),
    });
    this.blobs = new LRUCache<string, Uint8Array>({
      maxSize: maxCacheBytes,
      maxEntrySize: maxCacheBytes,
      sizeCalculation: (blob) => Math.max(1, blob.byteLength),
    });
  }

  async snapshot(api: AzureDevOpsApi, project: string, repositoryId: string, sha: string): Promise<MemorySnapshot> {
    const key = `${repositoryId}@${sha}`;
    const loaded = await this.snapshots.fetch(key, { context: () => this.load(api, project, repositoryId, sha) });
    if (!loaded) throw new SnapshotError(`the files of commit ${sha.slice(0, 12)} could not be loaded`);
    return loaded.snapshot;
  }

  private async load(api: AzureDevOpsApi, project: string, repositoryId: string, sha: string): Promise<Loaded> {
    const label = `commit ${sha.slice(0, 12)}`;
    const commit = await api.getCommit(project, repositoryId, sha);
    if (!commit.treeId) throw new SnapshotError(`${label} has no tree id`);
    const tree = await api.getTree(project, repositoryId, commit.treeId);
    this.stats.commits += 1;
    const listed = this.listBlobs(tree.treeEntries ?? [], label);

    const files = new Map<string, Uint8Array>();
    const symlinks = new Map<string, string>();
    const unreadable = new Map<string, string>();
    const wanted = new Map<string, number>();
    for (const blob of listed) {
      if (!blob.symlink && blob.size > this.limits.maxFileBytes) {
        unreadable.set(blob.path, `larger than ${mebibytes(this.limits.maxFileBytes)} (${mebibytes(blob.size)})`);
      } else if (!this.blobs.has(`${repositoryId}:${blob.objectId}`)) {
        wanted.set(blob.objectId, blob.size);
      }
    }
    await this.download(api, project, repositoryId, wanted, label);

    let bytes = 0;
    const decoder = new TextDecoder('utf-8');
    for (const blob of listed) {
      if (unreadable.has(blob.path)) continue;
      const content = this.blobs.get(`${repositoryId}:${blob.objectId}`);
      if (!content) {
        unreadable.set(blob.path, 'missing from the blob download');
        continue;
      }
      if (blob.symlink) symlinks.set(blob.path, decoder.decode(content));
      else files.set(blob.path, content);
      bytes += blob.path.length + content.byteLength;
    }
    return { snapshot: new MemorySnapshot(sha, { files, symlinks, unreadable }), bytes };
  }

  private listBlobs(
    entries: NonNullable<Awaited<ReturnType<AzureDevOpsApi['getTree']>>['treeEntries']>,
    label: string,
  ) {
    const listed: TreeBlob[] = [];
    let total = 0;
    for (const entry of entries) {
      // Folders are implied by paths; submodules (commits) have no content in this repository. node-api turns the
      // REST strings into numbers; both are accepted so a raw response reads the same.
      const type = entry.gitObjectType as unknown;
      if (type === GIT_OBJECT_TREE || type === GIT_OBJECT_COMMIT || type === 'tree' || type === 'commit') continue;
      const raw = entry.relativePath ?? '';
      const path = repositoryPath(raw);
      const objectId = (entry.objectId ?? '').toLowerCase();
      if (path === undefined || path !== raw || !OBJECT_ID.test(objectId)) {
        throw new SnapshotError(
          `the tree of ${label} has an entry envgate refuses (${JSON.stringify(raw.slice(0, 200))}); nothing of it is used`,
        );
      }
      const size = entry.size ?? 0;
      total += size;
      if (total > this.limits.maxTotalBytes) {
        throw new SnapshotError(
          `${label} holds more than ${mebibytes(this.limits.maxTotalBytes)} of files; envgate reviews repositories up to that size`,
        );
      }
      if (listed.length >= this.limits.maxFiles) {
        throw new SnapshotError(
          `${label} has more than ${this.limits.maxFiles} files; envgate reviews repositories up to that many`,
        );
      }
      listed.push({ path, objectId, size, symlink: entry.mode === SYMLINK_MODE });
    }
    return listed;
  }

  private async download(
    api: AzureDevOpsApi,
    project: string,
    repositoryId: string,
    wanted: Map<string, number>,
    label: string,
  ): Promise<void> {
    const ids = [...wanted.keys()];
    for (let start = 0; start < ids.length; start += this.limits.blobsPerRequest) {
      const chunk = ids.slice(start, start + this.limits.blobsPerRequest);
      const expected = new Map(chunk.map((id) => [id, wanted.get(id)!]));
      const declared = chunk.reduce((sum, id) => sum + expected.get(id)!, 0);
      // Stored entries add headers; deflate can grow incompressible data slightly.
      const cap = Math.ceil(declared * 1.01) + chunk.length * 512 + 64 * 1024;
      const zip = await api.getBlobsZip(project, repositoryId, chunk, cap);
      this.stats.archives += 1;
      const blobs = await readBlobsZip(zip, expected, label);
      for (const [id, content] of blobs) {
        this.blobs.set(`${repositoryId}:${id}`, content);
        this.stats.blobs += 1;
      }
    }
  }
}

/**
 * The blobs of a `getBlobsZip` download. Every entry must be one of the requested ids, have the size the tree
 * declared (yauzl also checks the inflated size against the header) and hash to its id; anything else means the
 * download is broken or hostile and none of it is used.
 */
export async function readBlobsZip(
  zip: Buffer,
  expected: ReadonlyMap<string, number>,
  label: string,
): Promise<Map<string, Uint8Array>> {
  const blobs = new Map<string, Uint8Array>();
  const refuse = (why: string) => new SnapshotError(`the blob download for ${label} ${why}; nothing of it is used`);
  try {
    const zipfile = await fromBufferPromise(zip, {
      lazyEntries: true,
      strictFileNames: true,
      validateEntrySizes: true,
    });
    for await (const entry of zipfile.eachEntry() as AsyncIterable<Entry>) {
      const id = entry.fileName.toLowerCase();
      const size = expected.get(id);
      if (size === undefined)
        throw refuse(`has an entry that was not requested (${JSON.stringify(entry.fileName.slice(0, 80))})`);
      if (blobs.has(id)) throw refuse(`has blob ${id.slice(0, 12)} twice`);
      if (entry.uncompressedSize !== size) {
        throw refuse(`declares ${entry.uncompressedSize} bytes for blob ${id.slice(0, 12)}, the tree says ${size}`);
      }
      const stream = await zipfile.openReadStreamPromise(entry);
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      const content = new Uint8Array(Buffer.concat(chunks));
      if (gitBlobId(content) !== id) throw refuse(`has content for blob ${id.slice(0, 12)} that does not match its id`);
      blobs.set(id, content);
    }
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
    throw refuse(`is not a readable zip (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
  }
  return blobs;
}
