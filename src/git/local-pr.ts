// A pull request made of two revisions of a local repository: what `envgate check` and the demo review.
import type { PullRequestSnapshot } from '../core/types.js';
import { changedPaths, commitInfo, mergeBase, readSnapshot, resolveCommit } from './local.js';

export interface LocalPullRequestOptions {
  repo: string;
  /** The target branch (or any revision standing for it). */
  base: string;
  head: string;
}

export async function localPullRequest({ repo, base, head }: LocalPullRequestOptions): Promise<PullRequestSnapshot> {
  const [targetSha, headSha] = await Promise.all([resolveCommit(repo, base), resolveCommit(repo, head)]);
  const baseSha = await mergeBase(repo, targetSha, headSha);
  const [target, headSnapshot, changed, info] = await Promise.all([
    readSnapshot(repo, targetSha),
    readSnapshot(repo, headSha),
    changedPaths(repo, baseSha, headSha),
    commitInfo(repo, headSha),
  ]);
  const baseSnapshot = baseSha === targetSha ? target : await readSnapshot(repo, baseSha);
  return {
    platform: 'local',
    id: `${targetSha.slice(0, 12)}...${headSha.slice(0, 12)}`,
    title: info.subject,
    author: { id: info.authorEmail, login: info.authorName, displayName: info.authorName, isBot: false },
    sourceBranch: head,
    targetBranch: base,
    labels: [],
    base: baseSnapshot,
    head: headSnapshot,
    target,
    changedPaths: changed,
  };
}
