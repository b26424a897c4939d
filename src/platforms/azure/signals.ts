// Azure DevOps votes and `/approve` comments as approval signals. Pure: the platform reads reviewers and threads from
// the API (never from a payload, which can predate a reset) and passes them in.
//
// Votes carry no timestamp and no commit. What dates them is the pull request's own timeline: every vote change
// writes a system thread (`CodeReviewThreadType: VoteUpdate`) naming the voter and the vote. A current vote counts
// from the latest such thread of that voter with that vote; if it is older than the latest iteration (push), the
// core treats it as stale, and a vote with no thread to date it is stale outright. Repositories whose branch policy
// resets votes on push lose those votes anyway; elsewhere this keeps "approved before the push" from counting, which
// is the same rule as GitHub reviews on an older commit.
import type {
  Comment,
  GitPullRequestCommentThread,
  IdentityRefWithVote,
} from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import type { IdentityRef } from 'azure-devops-node-api/interfaces/common/VSSInterfaces.js';
import type { ApprovalSignal, Identity } from '../../core/types.js';
import { parseCommands } from '../commands.js';

export const VOTE = { approved: 10, approvedWithSuggestions: 5, none: 0, waitingForAuthor: -5, rejected: -10 } as const;
const COMMENT_TYPE_TEXT = 1;

/** GUIDs appear with and without dashes in thread properties. */
export function sameId(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  const norm = (id: string) => id.replace(/-/g, '').toLowerCase();
  return norm(a) === norm(b);
}

export function identityOf(ref: IdentityRef | undefined, botId: string | undefined): Identity | undefined {
  if (!ref?.id) return undefined;
  const login = ref.uniqueName || ref.displayName || ref.id;
  return {
    id: ref.id,
    login,
    displayName: ref.displayName,
    // envgate's own identity, and build/service identities (`Build\<guid>`, `svc.` descriptors), are not people.
    isBot:
      sameId(ref.id, botId) || /^build\\/i.test(login) || (ref.descriptor?.toLowerCase().startsWith('svc.') ?? false),
  };
}

function property(thread: GitPullRequestCommentThread, name: string): string | undefined {
  const value = (thread.properties as Record<string, { $value?: unknown } | undefined> | undefined)?.[name]?.$value;
  return value === undefined || value === null ? undefined : String(value);
}

function iso(date: Date | string | undefined): string | undefined {
  if (date === undefined) return undefined;
  const d = date instanceof Date ? date : new Date(date);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Who cast a VoteUpdate thread's vote: older threads name the GUID, newer ones point into `identities`. */
function voterOf(thread: GitPullRequestCommentThread): string | undefined {
  const byTfId = property(thread, 'CodeReviewVotedByTfId');
  if (byTfId) return byTfId;
  const key = property(thread, 'CodeReviewVotedByIdentity');
  return key ? thread.identities?.[key]?.id : undefined;
}

/** When each voter last cast each vote, from the VoteUpdate system threads. Key: `normalised id|vote`. */
export function voteTimes(threads: readonly GitPullRequestCommentThread[]): Map<string, string> {
  const times = new Map<string, string>();
  for (const thread of threads) {
    if (property(thread, 'CodeReviewThreadType') !== 'VoteUpdate') continue;
    const voter = voterOf(thread);
    const vote = Number(property(thread, 'CodeReviewVoteResult'));
    const at = iso(thread.publishedDate ?? thread.comments?.[0]?.publishedDate);
    if (!voter || !Number.isFinite(vote) || !at) continue;
    const key = `${voter.replace(/-/g, '').toLowerCase()}|${vote}`;
    const previous = times.get(key);
    if (!previous || Date.parse(at) > Date.parse(previous)) times.set(key, at);
  }
  return times;
}

/**
 * Current votes of individual reviewers: 10 and 5 approve; -5 (waiting for author) and -10 (rejected) block as
 * "changes requested" does on GitHub, which is also what Azure DevOps' own reviewer policy does by default; 0 is
 * no signal. Group reviewers (`isContainer`) are skipped: their vote is derived from a member's, who is counted.
 */
export function voteSignals(
  reviewers: readonly IdentityRefWithVote[],
  threads: readonly GitPullRequestCommentThread[],
  botId: string | undefined,
): ApprovalSignal[] {
  const times = voteTimes(threads);
  const signals: ApprovalSignal[] = [];
  for (const reviewer of reviewers) {
    const vote = reviewer.vote ?? 0;
    if (reviewer.isContainer || vote === VOTE.none) continue;
    const who = identityOf(reviewer, botId);
    if (!who) continue;
    const at = times.get(`${who.id.replace(/-/g, '').toLowerCase()}|${vote}`);
    signals.push({
      who,
      kind: 'vote',
      verdict: vote > 0 ? 'approve' : 'reject',
      at,
      // Without a VoteUpdate thread the vote cannot be placed before or after the latest push: not counted.
      stale: vote > 0 && !at ? true : undefined,
      ref: `vote ${vote}`,
    });
  }
  return signals;
}

function isTextComment(comment: Comment): boolean {
  return comment.commentType === COMMENT_TYPE_TEXT || (comment.commentType as unknown) === 'text';
}

/**
 * `/approve`, `/reject` and `/break-glass` in any thread, by anyone but envgate itself (the author is excluded by
 * the core). A comment counts from its last edit: only its author can edit it, and an approval edited in after the
 * latest push is given after that push.
 */
export function commandSignals(
  threads: readonly GitPullRequestCommentThread[],
  botId: string | undefined,
): ApprovalSignal[] {
  const signals: ApprovalSignal[] = [];
  for (const thread of threads) {
    if (thread.isDeleted) continue;
    for (const comment of thread.comments ?? []) {
      if (comment.isDeleted || !isTextComment(comment) || !comment.content) continue;
      const who = identityOf(comment.author, botId);
      if (!who || sameId(who.id, botId)) continue;
      const published = iso(comment.publishedDate);
      const edited = iso(comment.lastContentUpdatedDate);
      const at = edited && published && Date.parse(edited) > Date.parse(published) ? edited : published;
      for (const command of parseCommands(comment.content)) {
        if (command.kind === 'rerun') continue;
        const signal: ApprovalSignal = {
          who,
          kind: 'command',
          verdict: command.kind,
          at,
          // An undated command cannot be shown to follow the latest push.
          stale: at ? undefined : true,
          ref: `thread ${thread.id} comment ${comment.id}`,
        };
        if (command.kind === 'break-glass') signal.reason = command.reason;
        else if (command.scope) signal.scope = command.scope;
        signals.push(signal);
      }
    }
  }
  return signals;
}
