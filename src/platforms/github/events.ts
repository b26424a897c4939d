// Which webhook deliveries lead to a review, of which PR. Pure: no I/O, so every rule is tested on its own.
import { GATE_NAMES, type PrRef } from '../types.js';
import { hasCommand } from '../commands.js';

export interface ReviewTrigger {
  ref: PrRef;
  /** The head the event names: if the review cannot even start, the gates are failed on it. */
  headSha?: string;
  /** Set by events that move the head (opened, reopened, synchronize): a new head arrived with this event. */
  headMoved?: { at?: string };
  why: string;
}

export type EventDecision =
  | { kind: 'review'; triggers: ReviewTrigger[] }
  /** A re-requested check without PRs in the payload (e.g. from a fork): find the open PRs with this head. */
  | { kind: 'find-pulls'; repo: string; headSha: string; why: string }
  | { kind: 'ignore'; why: string };

interface Repository {
  full_name: string;
  id?: number;
}
interface Sender {
  login: string;
  type?: string;
}
interface PullRequestPart {
  number: number;
  state?: string;
  updated_at?: string;
  head: { sha: string };
  base?: { repo?: { id?: number } };
}

const isBot = (user?: Sender | null) => !!user && (user.type === 'Bot' || user.login.endsWith('[bot]'));
const review = (triggers: ReviewTrigger[]): EventDecision => ({ kind: 'review', triggers });
const ignore = (why: string): EventDecision => ({ kind: 'ignore', why });

export interface PullRequestPayload {
  action: string;
  repository: Repository;
  pull_request: PullRequestPart;
  changes?: { base?: unknown };
}

const HEAD_MOVES = new Set(['opened', 'reopened', 'synchronize']);

export function onPullRequest(payload: PullRequestPayload): EventDecision {
  const { action, pull_request: pr } = payload;
  const ref = { repo: payload.repository.full_name, number: pr.number };
  if (HEAD_MOVES.has(action)) {
    return review([{ ref, headSha: pr.head.sha, headMoved: { at: pr.updated_at }, why: `pull_request.${action}` }]);
  }
  if (action === 'ready_for_review')
    return review([{ ref, headSha: pr.head.sha, why: 'pull_request.ready_for_review' }]);
  // A new target branch changes the merge-base, the config and the approvers; a new title or body changes nothing.
  if (action === 'edited' && payload.changes?.base) {
    return review([{ ref, headSha: pr.head.sha, why: 'pull_request.edited (base changed)' }]);
  }
  return ignore(`pull_request.${action}`);
}

export interface PullRequestReviewPayload {
  action: string;
  repository: Repository;
  pull_request: PullRequestPart;
  review: { user: Sender | null };
}

export function onPullRequestReview(payload: PullRequestReviewPayload): EventDecision {
  if (!['submitted', 'edited', 'dismissed'].includes(payload.action)) {
    return ignore(`pull_request_review.${payload.action}`);
  }
  if (payload.pull_request.state === 'closed') return ignore('review on a closed pull request');
  if (isBot(payload.review.user)) return ignore('review by a bot');
  const ref = { repo: payload.repository.full_name, number: payload.pull_request.number };
  return review([{ ref, headSha: payload.pull_request.head.sha, why: `pull_request_review.${payload.action}` }]);
}

export interface IssueCommentPayload {
  action: string;
  repository: Repository;
  issue: { number: number; state?: string; pull_request?: unknown };
  comment: { body?: string | null; user: Sender | null };
  changes?: { body?: { from?: string } };
}

/**
 * Comments matter only on PRs and only when they hold a command (or held one before an edit or deletion).
 * Comments by bots, envgate's own included, never trigger a review: editing its comment would loop otherwise.
 */
export function onIssueComment(payload: IssueCommentPayload): EventDecision {
  if (!payload.issue.pull_request) return ignore('comment on an issue');
  if (payload.issue.state === 'closed') return ignore('comment on a closed pull request');
  if (isBot(payload.comment.user)) return ignore('comment by a bot');
  const before = payload.action === 'edited' ? payload.changes?.body?.from : undefined;
  if (!hasCommand(payload.comment.body) && !hasCommand(before)) return ignore('comment without a command');
  const ref = { repo: payload.repository.full_name, number: payload.issue.number };
  return review([{ ref, why: `issue_comment.${payload.action}` }]);
}

export interface CheckPayload {
  action: string;
  repository: Repository;
  app?: { id: number | null } | null;
  name?: string;
  head_sha: string;
  pull_requests: PullRequestPart[];
}

/** "Re-run" on one of envgate's checks (check_run) or on all of them (check_suite) runs the review again. */
export function onCheckRerequested(event: CheckPayload, appId: number): EventDecision {
  if (event.action !== 'rerequested') return ignore(`check ${event.action}`);
  if (event.app?.id !== appId) return ignore('a check of another app');
  if (event.name !== undefined && !Object.values(GATE_NAMES).includes(event.name as never)) {
    return ignore(`check ${event.name} is not envgate's`);
  }
  const own = event.pull_requests.filter(
    (pr) => pr.base?.repo?.id === undefined || pr.base.repo.id === event.repository.id,
  );
  if (own.length === 0) {
    return { kind: 'find-pulls', repo: event.repository.full_name, headSha: event.head_sha, why: 'check rerequested' };
  }
  return review(
    own.map((pr) => ({
      ref: { repo: event.repository.full_name, number: pr.number },
      headSha: event.head_sha,
      why: 'check rerequested',
    })),
  );
}
