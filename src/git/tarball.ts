// A RepoSnapshot from a gzipped tarball as `git archive` writes it (GitHub's `/tarball/{sha}` is one): streamed
// through gunzip and a tar parser, never written to disk. Limits are checked from each entry's header before its
// content is read, so an archive bomb stops early instead of filling memory.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { DEFAULT_ARCHIVE_LIMITS, repositoryPath, type ArchiveLimits } from './archive-path.js';
import { MemorySnapshot } from './memory.js';

export type TarballLimits = ArchiveLimits;
export const DEFAULT_TARBALL_LIMITS: TarballLimits = DEFAULT_ARCHIVE_LIMITS;

/** The archive is unusable or over a limit; the message says which archive and why, without file contents. */
export class ArchiveError extends Error {
  override name = 'ArchiveError';
}

export interface TarballSnapshot {
  snapshot: MemorySnapshot;
  /** Bytes held in memory (contents and paths), for cache accounting. */
  bytes: number;
}

function mebibytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${bytes} bytes`;
  return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
}

/**
 * Reads a `.tar.gz` whose entries sit under one top folder (`owner-repo-sha/`, stripped). `label` names the
 * archive in errors (`acme/deploy@1a2b3c4`).
 */
export async function readTarball(
  source: AsyncIterable<Uint8Array> | Uint8Array,
  sha: string,
  label: string,
  limits: TarballLimits = DEFAULT_TARBALL_LIMITS,
): Promise<TarballSnapshot> {
  const files = new Map<string, Uint8Array>();
  const symlinks = new Map<string, string>();
  const unreadable = new Map<string, string>();
  let total = 0;
  let bytes = 0;
  const parser = extract();
  const input = source instanceof Uint8Array ? Readable.from([source]) : Readable.from(source);
  const piping = pipeline(input, createGunzip(), parser).catch((error: unknown) => {
    parser.destroy(error as Error);
    throw error;
  });

  const read = async () => {
    for await (const entry of parser) {
      const header: Header = entry.header;
      total += header.size ?? 0;
      if (total > limits.maxTotalBytes) {
        throw new ArchiveError(
          `the archive of ${label} is larger than ${mebibytes(limits.maxTotalBytes)} unpacked; envgate reviews repositories up to that size`,
        );
      }
      const kind = header.type;
      if (kind !== 'file' && kind !== 'contiguous-file' && kind !== 'symlink') {
        entry.resume();
        continue;
      }
      const path = repositoryPath(header.name, 1);
      if (path === undefined) {
        // `git archive` never writes such names: the archive is broken or hostile, so none of it is trusted.
        throw new ArchiveError(
          `the archive of ${label} has an entry outside the repository (${JSON.stringify(header.name.slice(0, 200))}); refusing it`,
        );
      }
      if (files.size + symlinks.size + unreadable.size >= limits.maxFiles) {
        throw new ArchiveError(
          `the archive of ${label} has more than ${limits.maxFiles} files; envgate reviews repositories up to that many`,
        );
      }
      if (kind === 'symlink') {
        symlinks.set(path, header.linkname ?? '');
        bytes += path.length + (header.linkname?.length ?? 0);
        entry.resume();
        continue;
      }
      if ((header.size ?? 0) > limits.maxFileBytes) {
        unreadable.set(path, `larger than ${mebibytes(limits.maxFileBytes)} (${mebibytes(header.size ?? 0)})`);
        entry.resume();
        continue;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      const content = new Uint8Array(Buffer.concat(chunks));
      files.set(path, content);
      bytes += path.length + content.byteLength;
    }
  };

  try {
    await Promise.all([piping, read()]);
  } catch (error) {
    parser.destroy();
    input.destroy();
    if (error instanceof ArchiveError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ArchiveError(`the archive of ${label} could not be read: ${reason}`);
  }
  return { snapshot: new MemorySnapshot(sha, { files, symlinks, unreadable }), bytes };
}
