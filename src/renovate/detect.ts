// Is this a Renovate PR? Both the author identity and the branch must say so. The branch alone proves nothing
// (anyone can push `renovate/foo`); the author alone is not enough for auto-approval either, because the branch
// prefix is part of how Renovate is set up for this repository and a mismatch means the config is out of date.
import type { Identity, PullRequestSnapshot } from '../core/types.js';

export interface RenovateDetection {
  authorMatches: boolean;
  branchMatches: boolean;
  /** The source branch without `refs/heads/`. */
  branch: string;
}

const BOT_SUFFIX = '[bot]';
const GUID = /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i;

/** Azure DevOps writes identity GUIDs with and without dashes (and braces): compare the hex digits. */
function sameId(id: string, entry: string): boolean {
  const a = id.trim().toLowerCase();
  if (a === entry) return true;
  return GUID.test(a) && GUID.test(entry) && a.replace(/[-{}]/g, '') === entry.replace(/[-{}]/g, '');
}

/**
 * Does `entry` (from `renovate.authors`) name this identity? Entries match the login (GitHub login, Azure DevOps
 * unique name) or the platform id (Azure DevOps identity GUID), case-insensitively. A GitHub App entry
 * `renovate[bot]` also matches the login `renovate` some APIs report for it, but only for a bot account, so a
 * person who registered the user name `renovate` never matches.
 */
export function authorMatches(author: Identity, entry: string): boolean {
  const wanted = entry.trim().toLowerCase();
  if (wanted === '') return false;
  const login = author.login.trim().toLowerCase();
  if (login === wanted) return true;
  if (author.id !== '' && sameId(author.id, wanted)) return true;
  if (author.isBot && wanted.endsWith(BOT_SUFFIX) && login === wanted.slice(0, -BOT_SUFFIX.length)) return true;
  return false;
}

export function stripRefsHeads(branch: string): string {
  return branch.replace(/^refs\/heads\//, '');
}

export function detectRenovate(
  pr: Pick<PullRequestSnapshot, 'author' | 'sourceBranch'>,
  config: { authors: readonly string[]; branchPrefix: string },
): RenovateDetection {
  const branch = stripRefsHeads(pr.sourceBranch);
  return {
    authorMatches: config.authors.some((entry) => authorMatches(pr.author, entry)),
    branchMatches: config.branchPrefix !== '' && branch.startsWith(config.branchPrefix),
    branch,
  };
}
