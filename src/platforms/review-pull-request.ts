// One review of one pull request on any platform: snapshot, config from the target branch, approval signals,
// the pure review, then publish the comment and the two gates. Everything is recomputed from scratch each time.
import { loadRepoConfig } from '../config/config.js';
import { isGroupEntry, type ApprovalContext } from '../core/approvals.js';
import { resolveEnvironments } from '../core/environments.js';
import { review as runReview, type Stage, STAGES } from '../core/review.js';
import type { ApprovalSignal, GateState, Review } from '../core/types.js';
import { approvalSummary, validateSummary } from '../report/gates.js';
import { COMMENT_MARKER, renderComment } from '../report/markdown.js';
import { platformApprovalMessage } from '../renovate/platform-approval.js';
import { GATE_NAMES, type Platform, type PlatformPullRequest, type PrRef } from './types.js';
import { serverLiveSources } from '../drift/server.js';
import type { LiveSources } from '../drift/types.js';

export interface ReviewPullRequestOptions {
  now?: () => number;
  stages?: readonly Stage[];
  /** Asked before publishing: true when a newer head arrived meanwhile, so this result is dropped. */
  isSuperseded?: (pr: PlatformPullRequest) => Promise<boolean> | boolean;
  /** The head the event named, so a failure before the snapshot is read can still close the gates on it. */
  headSha?: string;
  /**
   * Runs after the review and before anything is published (e.g. labelling a break-glass PR). If it fails, both
   * gates fail with its reason: what the gates say must never get ahead of what was recorded.
   */
  beforePublish?: (pr: PlatformPullRequest, review: Review) => Promise<void>;
  /** Live state for the drift preview; default: the operator settings named by ENVGATE_SETTINGS, if set. */
  live?: LiveSources;
}

export interface ReviewPullRequestResult {
  pr: PlatformPullRequest;
  review: Review;
  published: boolean;
  /** Renovate auto-approval on the platform: given, or why it could not be (the gates are published either way). */
  platformApproval?: { approved: true } | { approved: false; error: string };
}

/** Membership of every signer in every group the config names, looked up once per event. */
async function resolveMembership(
  platform: Platform,
  groups: readonly string[],
  signals: readonly ApprovalSignal[],
  pr: PlatformPullRequest,
): Promise<ApprovalContext['isMember']> {
  const answers = new Map<string, boolean | 'unknown'>();
  const key = (login: string, group: string) => `${login.toLowerCase()}\u0000${group}`;
  const signers = new Map(signals.filter((s) => !s.who.isBot).map((s) => [s.who.login.toLowerCase(), s.who]));
  signers.delete(pr.author.login.toLowerCase()); // the author never counts: no need to ask
  await Promise.all(
    [...signers.values()].flatMap((who) =>
      groups.map(async (group) => {
        const answer = await platform.isMember(who, group).catch(() => 'unknown' as const);
        answers.set(key(who.login, group), answer);
      }),
    ),
  );
  return (login, group) => answers.get(key(login, group)) ?? 'unknown';
}

export async function reviewPullRequest(
  platform: Platform,
  ref: PrRef,
  options: ReviewPullRequestOptions = {},
): Promise<ReviewPullRequestResult> {
  let headSha = options.headSha;
  try {
    const pr = await platform.getPullRequest(ref);
    headSha = pr.head.sha;
    const config = loadRepoConfig(pr.target);
    const environments = resolveEnvironments(config.config, [pr.target, pr.base, pr.head]);
    const groups = [...new Set(environments.flatMap((env) => env.approvals.from.filter(isGroupEntry)))];
    const signals = await platform.listApprovalSignals(ref, pr);
    const isMember = await resolveMembership(platform, groups, signals, pr);
    const review = await runReview(
      {
        pr,
        config,
        approvals: { signals, context: { author: pr.author, headSha: pr.head.sha, headAt: pr.headAt, isMember } },
        now: options.now,
        live: options.live ?? serverLiveSources(),
      },
      options.stages ?? STAGES,
    );
    if (await options.isSuperseded?.(pr)) return { pr, review, published: false };
    await options.beforePublish?.(pr, review);
    const body = renderComment(review, {
      limit: platform.limits.commentChars,
      reproduce: `envgate check --repo . --base ${review.target.slice(0, 12)} --head ${review.head.slice(0, 12)}`,
    });
    await platform.upsertComment(ref, COMMENT_MARKER, body, { create: review.environments.length > 0 });
    await platform.setGate(ref, {
      name: GATE_NAMES.validate,
      gate: review.gate.validate,
      summary: validateSummary(review),
      annotations: review.findings.filter((f) => f.file && f.line),
      headSha: pr.head.sha,
    });
    await platform.setGate(ref, {
      name: GATE_NAMES.approval,
      gate: review.gate.approval,
      summary: approvalSummary(review),
      annotations: [],
      headSha: pr.head.sha,
    });
    const message = platformApprovalMessage(review);
    if (message === undefined || !platform.approve) return { pr, review, published: true };
    // The approval gate already says auto-approved; a failed platform approval only leaves branch protection waiting.
    const platformApproval = await platform.approve(ref, { headSha: pr.head.sha, message }).then(
      () => ({ approved: true as const }),
      (error: unknown) => ({
        approved: false as const,
        error: error instanceof Error ? error.message.split('\n')[0]! : String(error),
      }),
    );
    return { pr, review, published: true, platformApproval };
  } catch (error) {
    // Fail closed and say why: a review that did not complete must never leave a gate green.
    if (headSha) await failGates(platform, ref, headSha, error);
    throw error;
  }
}

async function failGates(platform: Platform, ref: PrRef, headSha: string, error: unknown): Promise<void> {
  const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
  const gate: GateState = { state: 'fail', title: 'review did not complete', details: [reason] };
  for (const name of Object.values(GATE_NAMES)) {
    await platform
      .setGate(ref, {
        name,
        gate,
        summary: `**envgate could not complete the review**\n\n${reason}`,
        annotations: [],
        headSha,
      })
      .catch(() => undefined); // the platform is failing already; the original error is what gets reported
  }
}
