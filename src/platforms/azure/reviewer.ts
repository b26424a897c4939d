// One review of one Azure Repos pull request, from the identifiers a delivery named: read the pull request from the
// API (a delivery's own copy may be stale or out of order), skip it when it is no longer active, review, and publish
// unless a newer push arrived meanwhile. Failures close both gates with the reason (review-pull-request.ts).
import { PullRequestStatus, type GitPullRequest } from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import type { Stage } from '../../core/review.js';
import { reviewPullRequest } from '../review-pull-request.js';
import type { PrRef } from '../types.js';
import { splitRepo } from './events.js';
import { AzureDevOpsPlatform, type Logger } from './platform.js';
import type { Organization } from './settings.js';
import type { AzureSnapshotStore } from './snapshot.js';
import type { AuthenticatedUser, AzureDevOpsApi } from './transport.js';

/** The label a break-glass pull request carries, the same as on GitHub. */
export const BREAK_GLASS_LABEL = 'break-glass';

export type ReviewOutcome =
  | { outcome: 'published'; headSha: string; validate: string; approval: string }
  | { outcome: 'superseded'; headSha: string }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'failed'; reason: string };

export interface ReviewerOptions {
  api: AzureDevOpsApi;
  org: Organization;
  snapshots: AzureSnapshotStore;
  log: Logger;
  stages?: readonly Stage[];
  now?: () => number;
  maxFindingThreads?: number;
}

export class AzureDevOpsReviewer {
  private bot?: Promise<AuthenticatedUser>;

  constructor(private readonly options: ReviewerOptions) {}

  /** envgate's identity, asked once per process (and again after a failure). */
  private botIdentity(): Promise<AuthenticatedUser> {
    if (!this.bot) {
      this.bot = this.options.api.connectionData().catch((error: unknown) => {
        this.bot = undefined;
        throw error;
      });
    }
    return this.bot;
  }

  async review(ref: PrRef, eventHeadSha?: string): Promise<ReviewOutcome> {
    const { api, log } = this.options;
    const { project, repositoryId } = splitRepo(ref);
    let current: GitPullRequest | undefined;
    let readFailed = false;
    try {
      current = await api.getPullRequest(project, repositoryId, ref.number);
    } catch {
      // The review below reads it again and, if the outage persists, fails the gates with the reason.
      readFailed = true;
    }
    if (!readFailed) {
      if (!current) return { outcome: 'skipped', reason: 'pull request not found' };
      if (current.status !== PullRequestStatus.Active) {
        return {
          outcome: 'skipped',
          reason: `pull request is ${PullRequestStatus[current.status ?? 0] ?? 'not active'}`,
        };
      }
    }
    const platform = new AzureDevOpsPlatform({
      api,
      org: this.options.org,
      snapshots: this.options.snapshots,
      bot: () => this.botIdentity(),
      pullRequest: current,
      log,
      maxFindingThreads: this.options.maxFindingThreads,
    });
    try {
      const result = await reviewPullRequest(platform, ref, {
        headSha: current?.lastMergeSourceCommit?.commitId ?? eventHeadSha,
        stages: this.options.stages,
        now: this.options.now,
        // As on GitHub: a break-glass PR carries the label, and the label is in place before the gates open.
        beforePublish: async (pr, review) => {
          if (review.breakGlass) await platform.ensureLabel(pr.ref, BREAK_GLASS_LABEL);
        },
        isSuperseded: async (pr) => {
          const latest = await api.getPullRequest(project, repositoryId, ref.number);
          return (
            !latest ||
            latest.status !== PullRequestStatus.Active ||
            latest.lastMergeSourceCommit?.commitId?.toLowerCase() !== pr.head.sha
          );
        },
      });
      if (!result.published) return { outcome: 'superseded', headSha: result.pr.head.sha };
      if (result.platformApproval?.approved === false) {
        log.warn(
          { pr: ref.number, repo: ref.repo, err: result.platformApproval.error },
          'azure devops: could not vote to approve the Renovate pull request',
        );
      }
      log.info(
        {
          pr: ref.number,
          repo: ref.repo,
          head: result.pr.head.sha.slice(0, 12),
          iteration: platform.iterationId,
          validate: result.review.gate.validate.state,
          approval: result.review.gate.approval.state,
        },
        'azure devops: review published',
      );
      return {
        outcome: 'published',
        headSha: result.pr.head.sha,
        validate: result.review.gate.validate.state,
        approval: result.review.gate.approval.state,
      };
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
      log.error({ pr: ref.number, repo: ref.repo, err: reason }, 'azure devops: review failed; gates failed closed');
      return { outcome: 'failed', reason };
    }
  }
}
