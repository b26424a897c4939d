// Archive entries (GitHub tarballs, Azure DevOps zips) name files however the archive says; a hostile or broken
// archive can say `../../etc/passwd` or `/abs`. Every reader turns entry names into repository paths here.

/**
 * The repository path for an archive entry, after removing the archive's top folder (`owner-repo-sha/` in a
 * GitHub tarball); undefined for the top folder itself and for anything that would leave the repository.
 */
export function repositoryPath(entryName: string, stripComponents = 0): string | undefined {
  const normalized = entryName.replace(/\\/g, '/');
  if (normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized)) return undefined;
  const parts = normalized.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.some((part) => part === '..' || part.includes('\0'))) return undefined;
  const kept = parts.slice(stripComponents);
  return kept.length > 0 ? kept.join('/') : undefined;
}

/**
 * Whether a symlink at `linkPath` pointing to `target` stays inside the repository. Links that leave it are kept
 * as symlinks in the snapshot (so the render stage can refuse them with a finding) but never followed.
 */
export function symlinkStaysInside(linkPath: string, target: string): boolean {
  if (target.startsWith('/') || /^[A-Za-z]:/.test(target)) return false;
  const stack = linkPath.split('/').slice(0, -1);
  for (const part of target.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (stack.length === 0) return false;
      stack.pop();
    } else stack.push(part);
  }
  return true;
}

/** What a platform archive or tree may hold before envgate refuses it: memory stays bounded whatever the PR. */
export interface ArchiveLimits {
  /** Sum of all file sizes, read or not. */
  maxTotalBytes: number;
  /** Regular files and symlinks. */
  maxFiles: number;
  /** Larger files are listed as unreadable instead of held in memory. */
  maxFileBytes: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxTotalBytes: 512 * 1024 * 1024,
  maxFiles: 100_000,
  maxFileBytes: 8 * 1024 * 1024,
};
