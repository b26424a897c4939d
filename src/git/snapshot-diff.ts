// Changed paths between two snapshots, by content. Used when a platform cannot list a PR's changes in full (GitHub's
// PR files API stops at 3,000 files); renames show as a deletion and an addition.
import type { ChangedPath, RepoSnapshot } from '../core/types.js';

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined || a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameEntry(base: RepoSnapshot, head: RepoSnapshot, path: string): boolean {
  const baseLink = base.symlinkTarget?.(path);
  const headLink = head.symlinkTarget?.(path);
  if (baseLink !== undefined || headLink !== undefined) return baseLink === headLink;
  // Unreadable on either side (too large): it cannot be shown unchanged, so it is listed.
  if (base.unreadable?.has(path) || head.unreadable?.has(path)) return false;
  if (base.readBytes && head.readBytes) return sameBytes(base.readBytes(path), head.readBytes(path));
  return base.read(path) === head.read(path);
}

export function diffSnapshots(base: RepoSnapshot, head: RepoSnapshot): ChangedPath[] {
  const before = new Set(base.files());
  const after = new Set(head.files());
  const changed: ChangedPath[] = [];
  for (const path of after) {
    if (!before.has(path)) changed.push({ path, status: 'added' });
    else if (!sameEntry(base, head, path)) changed.push({ path, status: 'modified' });
  }
  for (const path of before) if (!after.has(path)) changed.push({ path, status: 'deleted' });
  return changed.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
