// GitHub reviews and PR comments as approval signals. Pure: the adapter lists them (REST) and passes them in.
import type { ApprovalSignal, Identity } from '../../core/types.js';
import { parseCommands } from '../commands.js';

/** The fields of a REST user object envgate reads. */
export interface GitHubUser {
  login: string;
  id: number;
  type?: string;
}

/** `GET /repos/{o}/{r}/pulls/{n}/reviews`: state is UPPERCASE here (the webhook's is lowercase). */
export interface GitHubReview {
  id: number;
  user: GitHubUser | null;
  state: string;
  commit_id: string | null;
  submitted_at?: string | null;
  html_url?: string;
}

/** `GET /repos/{o}/{r}/issues/{n}/comments`. */
export interface GitHubIssueComment {
  id: number;
  user: GitHubUser | null;
  body?: string | null;
  created_at: string;
  updated_at: string;
  html_url?: string;
  performed_via_github_app?: { id: number } | null;
}

export function identity(user: GitHubUser): Identity {
  return {
    id: String(user.id),
    login: user.login,
    isBot: user.type === 'Bot' || user.login.endsWith('[bot]'),
  };
}

/**
 * Per reviewer, the latest review that is not a plain comment decides: APPROVED approves (for the commit it was
 * given on), CHANGES_REQUESTED rejects, DISMISSED withdraws whatever that person's review said.
 */
export function reviewSignals(reviews: readonly GitHubReview[]): ApprovalSignal[] {
  const latest = new Map<number, GitHubReview>();
  for (const review of reviews) {
    if (!review.user || review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    latest.set(review.user.id, review); // the API lists reviews oldest first
  }
  const signals: ApprovalSignal[] = [];
  for (const review of latest.values()) {
    if (review.state !== 'APPROVED' && review.state !== 'CHANGES_REQUESTED') continue;
    signals.push({
      who: identity(review.user!),
      kind: 'review',
      verdict: review.state === 'APPROVED' ? 'approve' : 'reject',
      commitSha: review.commit_id ?? undefined,
      // A review without a commit cannot be tied to the head: treat it as stale rather than current.
      stale: review.commit_id ? undefined : true,
      at: review.submitted_at ?? undefined,
      ref: review.html_url,
    });
  }
  return signals;
}

/**
 * `/approve`, `/reject` and `/break-glass` comments. The REST API does not say who edited a comment, so a comment
 * edited after posting (`updated_at` ≠ `created_at`) never counts: an admin could otherwise put words in a senior's
 * mouth. The edit is listed in the review so its author can post a new comment.
 */
export function commentSignals(comments: readonly GitHubIssueComment[]): ApprovalSignal[] {
  const signals: ApprovalSignal[] = [];
  for (const comment of comments) {
    if (!comment.user || !comment.body) continue;
    const edited = comment.updated_at !== comment.created_at;
    for (const command of parseCommands(comment.body)) {
      if (command.kind === 'rerun') continue;
      const signal: ApprovalSignal = {
        who: identity(comment.user),
        kind: 'command',
        verdict: command.kind,
        at: comment.created_at,
        ref: comment.html_url,
      };
      if (command.kind === 'break-glass') signal.reason = command.reason;
      else if (command.scope) signal.scope = command.scope;
      if (edited) signal.notCounted = `comment edited after posting does not count; post a new \`/${command.kind}\``;
      signals.push(signal);
    }
  }
  return signals;
}
