// What a pull request changes, from its iteration changes. Pure: the platform pages through the API (`$top`/`$skip`
// until `nextSkip` is 0) and passes the entries here.
import type { GitPullRequestChange } from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import type { ChangedPath } from '../../core/types.js';

// VersionControlChangeType flags (node-api turns the REST strings "edit, rename" into these numbers).
const ADD = 1;
const EDIT = 2;
const RENAME = 8;
const DELETE = 16;
const GIT_OBJECT_TREE = 2;

/** `/environments/prod/app.yaml` → `environments/prod/app.yaml`. */
export function repoPath(adoPath: string): string {
  return adoPath.replace(/^\/+/, '');
}

export interface PullRequestChanges {
  changedPaths: ChangedPath[];
  /** Path at head → the change tracking id ADO uses to anchor line comments to the file. */
  trackingIds: Map<string, number>;
}

export function toChangedPaths(entries: readonly GitPullRequestChange[]): PullRequestChanges {
  const changedPaths: ChangedPath[] = [];
  const trackingIds = new Map<string, number>();
  const seen = new Set<string>();
  for (const entry of entries) {
    const item = entry.item;
    if (!item?.path || item.isFolder || item.gitObjectType === GIT_OBJECT_TREE) continue;
    const path = repoPath(item.path);
    if (path === '' || seen.has(path)) continue;
    seen.add(path);
    const flags = typeof entry.changeType === 'number' ? entry.changeType : 0;
    const previous = entry.originalPath ?? entry.sourceServerItem;
    let change: ChangedPath;
    if (flags & DELETE) change = { path, status: 'deleted' };
    else if (flags & RENAME && previous) change = { path, previousPath: repoPath(previous), status: 'renamed' };
    else if (flags & ADD) change = { path, status: 'added' };
    else if (flags & EDIT) change = { path, status: 'modified' };
    else change = { path, status: 'modified' };
    changedPaths.push(change);
    if (typeof entry.changeTrackingId === 'number') trackingIds.set(path, entry.changeTrackingId);
  }
  return { changedPaths, trackingIds };
}
