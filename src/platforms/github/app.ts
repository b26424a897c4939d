// The GitHub App: webhook events in, one review per PR at a time, the comment and the two check runs out.
// Deliveries are decided on in events.ts; this file only wires them to the queue and the shared review flow.
import { LRUCache } from 'lru-cache';
import type { Context, Probot } from 'probot';
import type { Stage } from '../../core/review.js';
import { SnapshotCache } from '../../git/snapshot-cache.js';
import type { TarballLimits } from '../../git/tarball.js';
import { PullRequestQueue } from '../pr-queue.js';
import { reviewPullRequest } from '../review-pull-request.js';
import {
  onCheckRerequested,
  onIssueComment,
  onPullRequest,
  onPullRequestReview,
  type EventDecision,
  type ReviewTrigger,
} from './events.js';
import { HeadArrivals } from './head-arrivals.js';
import { GitHubPlatform, prKey, type Octokit } from './platform.js';

export const BREAK_GLASS_LABEL = 'break-glass';

export interface GitHubAppOptions {
  /** The GitHub App's id (`APP_ID`): its own check runs and comments are recognised by it. */
  appId: number;
  /** Memory for archives kept between events, in bytes (default 512 MiB). */
  snapshotCacheBytes?: number;
  tarballLimits?: TarballLimits;
  /** Review stages; defaults to the full pipeline. */
  stages?: readonly Stage[];
  now?: () => Date;
}

export interface GitHubReviewer {
  /** Resolves when no review is running or waiting. */
  idle(): Promise<void>;
  readonly snapshots: SnapshotCache;
}

type AnyContext = Context<'pull_request' | 'pull_request_review' | 'issue_comment' | 'check_run' | 'check_suite'>;

export function registerGitHub(app: Probot, options: GitHubAppOptions): GitHubReviewer {
  const snapshots = new SnapshotCache(options.snapshotCacheBytes);
  const arrivals = new HeadArrivals();
  const queue = new PullRequestQueue();
  // GitHub may deliver an event twice; a delivery that was handled (or is being handled) is not reviewed again.
  // A delivery that failed is forgotten, so a manual redelivery from the app settings runs it again.
  const deliveries = new LRUCache<string, 'running' | 'done'>({ max: 10_000 });
  const now = options.now ?? (() => new Date());

  async function reviewOne(context: AnyContext, trigger: ReviewTrigger): Promise<void> {
    const log = context.log.child({ pr: prKey(trigger.ref), why: trigger.why });
    const platform = new GitHubPlatform(context.octokit as Octokit, {
      appId: options.appId,
      snapshots,
      arrivals,
      tarballLimits: options.tarballLimits,
      now,
    });
    const started = performance.now();
    const result = await reviewPullRequest(platform, trigger.ref, {
      headSha: trigger.headSha,
      stages: options.stages,
      now: () => performance.now(),
      isSuperseded: (pr) => platform.isSuperseded(pr),
      beforePublish: async (pr, review) => {
        if (review.breakGlass) await platform.ensureLabel(pr, BREAK_GLASS_LABEL);
      },
    });
    const fields = {
      head: result.pr.head.sha.slice(0, 7),
      validate: result.review.gate.validate.state,
      approval: result.review.gate.approval.state,
      ms: Math.round(performance.now() - started),
    };
    if (result.platformApproval?.approved === false) {
      log.warn({ ...fields, error: result.platformApproval.error }, 'envgate: could not approve the Renovate PR');
    }
    if (result.published) log.info(fields, 'envgate: review published');
    else log.info(fields, 'envgate: review dropped, the pull request changed meanwhile');
  }

  async function triggersFor(context: AnyContext, decision: EventDecision): Promise<ReviewTrigger[]> {
    if (decision.kind === 'review') return decision.triggers;
    if (decision.kind === 'ignore') return [];
    const [owner, repo] = decision.repo.split('/') as [string, string];
    const { data } = await (context.octokit as Octokit).rest.repos.listPullRequestsAssociatedWithCommit({
      owner,
      repo,
      commit_sha: decision.headSha,
    });
    return data
      .filter((pr) => pr.state === 'open' && pr.head.sha === decision.headSha)
      .map((pr) => ({ ref: { repo: decision.repo, number: pr.number }, headSha: decision.headSha, why: decision.why }));
  }

  async function handle(context: AnyContext, decision: EventDecision): Promise<void> {
    if (decision.kind === 'ignore') {
      context.log.debug({ why: decision.why }, 'envgate: nothing to review');
      return;
    }
    if (deliveries.has(context.id)) {
      context.log.info({ delivery: context.id }, 'envgate: duplicate delivery ignored');
      return;
    }
    deliveries.set(context.id, 'running');
    const receivedAt = now().toISOString();
    try {
      const triggers = await triggersFor(context, decision);
      for (const trigger of triggers) {
        if (trigger.headMoved && trigger.headSha) {
          arrivals.record(prKey(trigger.ref), trigger.headSha, trigger.headMoved.at, receivedAt);
        }
      }
      // Per PR one review at a time; while one runs only the latest waiting request is kept (it recomputes all).
      await Promise.all(
        triggers.map((trigger) => queue.enqueue(prKey(trigger.ref), () => reviewOne(context, trigger))),
      );
      deliveries.set(context.id, 'done');
    } catch (error) {
      deliveries.delete(context.id);
      throw error;
    }
  }

  app.on(['pull_request'], (context) => handle(context, onPullRequest(context.payload)));
  app.on(['pull_request_review'], (context) => handle(context, onPullRequestReview(context.payload)));
  app.on(['issue_comment'], (context) => handle(context, onIssueComment(context.payload)));
  app.on(['check_run.rerequested'], (context) =>
    handle(
      context,
      onCheckRerequested(
        { ...context.payload.check_run, action: context.payload.action, repository: context.payload.repository },
        options.appId,
      ),
    ),
  );
  app.on(['check_suite.rerequested'], (context) =>
    handle(
      context,
      onCheckRerequested(
        {
          ...context.payload.check_suite,
          name: undefined,
          action: context.payload.action,
          repository: context.payload.repository,
        },
        options.appId,
      ),
    ),
  );

  return { idle: () => queue.idle(), snapshots };
}
