// The GitHub side of `Platform`, over one installation's Octokit: the PR snapshot from three archive downloads (no
// clone), reviews and comments as approval signals, team membership, the comment and the check runs. One instance
// serves one event; what outlives an event (snapshots, head arrivals) is passed in.
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import type { ProbotOctokit } from 'probot';
import type { ApprovalSignal, ChangedPath, ChangeStatus, Identity } from '../../core/types.js';
import type { SnapshotCache } from '../../git/snapshot-cache.js';
import { diffSnapshots } from '../../git/snapshot-diff.js';
import { DEFAULT_TARBALL_LIMITS, readTarball, type TarballLimits } from '../../git/tarball.js';
import { GATE_NAMES, type GateReport, type Platform, type PlatformPullRequest, type PrRef } from '../types.js';
import { call, describeApiError } from './api-error.js';
import { planCheckRun } from './checks.js';
import { latest, type HeadArrivals } from './head-arrivals.js';
import { commentSignals, identity, reviewSignals, type GitHubIssueComment, type GitHubReview } from './signals.js';
import { withoutTimings } from '../../report/markdown.js';

export type Octokit = ProbotOctokit;

/** GitHub's PR files API lists at most this many files; past it the two trees are compared instead. */
export const PR_FILES_CAP = 3_000;

export interface GitHubPlatformOptions {
  /** This app's id: its own check runs and comments are recognised by it. */
  appId: number;
  snapshots: SnapshotCache;
  arrivals: HeadArrivals;
  tarballLimits?: TarballLimits;
  now?: () => Date;
}

export function prKey(ref: PrRef): string {
  return `${ref.repo.toLowerCase()}#${ref.number}`;
}

/** The tag on envgate's check runs that ties them to one PR (a commit can be the head of several). */
export function checkRunExternalId(ref: PrRef): string {
  return `envgate:${prKey(ref)}`;
}

/** GitHub keeps check run times to the second; rounding up keeps the recorded arrival at or after the real one. */
function toSecondsCeil(iso: string): string {
  const ms = Math.ceil(Date.parse(iso) / 1000) * 1000;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

const FILE_STATUS: Record<string, ChangeStatus | undefined> = {
  added: 'added',
  removed: 'deleted',
  modified: 'modified',
  renamed: 'renamed',
  copied: 'added',
  changed: 'modified',
};

/** Marks envgate's own approving reviews (Renovate auto-approval), so a repeated review does not approve twice. */
export const APPROVAL_MARKER = '<!-- envgate:auto-approval -->';

/** Parts of a comment that differ on every run without meaning anything (timings), ignored when comparing. */
function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

export class GitHubPlatform implements Platform {
  readonly name = 'github' as const;
  readonly limits = { commentChars: 65_536, checkSummaryChars: 65_535 };
  /** The PR's comments, listed once per event: for the signals and to find envgate's own comment. */
  private comments?: GitHubIssueComment[];
  /** The PR's reviews, listed once per event: for the signals and to find envgate's own approval. */
  private reviews?: (GitHubReview & { body?: string | null })[];
  private headAt?: string;
  private readonly now: () => Date;

  constructor(
    private readonly octokit: Octokit,
    private readonly options: GitHubPlatformOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  private repo(ref: PrRef): { owner: string; repo: string } {
    const [owner, repo] = ref.repo.split('/');
    if (!owner || !repo) throw new Error(`not a GitHub repository: ${ref.repo}`);
    return { owner, repo };
  }

  async getPullRequest(ref: PrRef): Promise<PlatformPullRequest> {
    const repo = this.repo(ref);
    const { data: pr } = await call(`reading pull request #${ref.number}`, () =>
      this.octokit.rest.pulls.get({ ...repo, pull_number: ref.number }),
    );
    // The merge-base is what the PR is compared against; the base branch tip is where config and policies live.
    const { data: compare } = await call(`comparing ${pr.base.ref} with the head`, () =>
      this.octokit.rest.repos.compareCommitsWithBasehead({
        ...repo,
        basehead: `${pr.base.ref}...${pr.head.sha}`,
        per_page: 1,
      }),
    );
    const targetSha = compare.base_commit.sha;
    const baseSha = compare.merge_base_commit.sha;
    const [target, base, head] = await Promise.all(
      [targetSha, baseSha, pr.head.sha].map((sha) => this.snapshot(ref, sha)),
    );
    const changedPaths =
      pr.changed_files > PR_FILES_CAP ? undefined : await this.listChangedFiles(ref, pr.changed_files);
    this.headAt = await this.headArrival(ref, pr.head.sha);
    return {
      ref,
      platform: 'github',
      id: prKey(ref),
      title: pr.title,
      body: pr.body ?? undefined,
      author: identity(pr.user),
      sourceBranch: pr.head.ref,
      targetBranch: pr.base.ref,
      labels: pr.labels.map((label) => label.name),
      isDraft: pr.draft ?? false,
      state: pr.merged_at ? 'merged' : pr.state === 'open' ? 'open' : 'closed',
      base: base!,
      head: head!,
      target: target!,
      changedPaths: changedPaths ?? diffSnapshots(base!, head!),
      headAt: this.headAt,
    };
  }

  /** One archive download per commit, cached by repository and SHA. */
  private async snapshot(ref: PrRef, sha: string) {
    const repo = this.repo(ref);
    const label = `${ref.repo}@${sha.slice(0, 7)}`;
    const entry = await this.options.snapshots.get(`${ref.repo.toLowerCase()}@${sha}`, async () => {
      // GitHub answers with a redirect to a short-lived codeload URL; fetch follows it and drops the Authorization
      // header on the way (another origin), so the token never leaves api.github.com.
      const response = await call(`downloading the archive of ${label}`, () =>
        this.octokit.request('GET /repos/{owner}/{repo}/tarball/{ref}', {
          ...repo,
          ref: sha,
          request: { parseSuccessResponseBody: false },
        }),
      );
      const body = response.data as unknown as ReadableStream<Uint8Array>;
      return readTarball(Readable.fromWeb(body), sha, label, this.options.tarballLimits ?? DEFAULT_TARBALL_LIMITS);
    });
    return entry.snapshot;
  }

  /** The PR files API with renames; undefined when it is truncated, so the caller compares the trees instead. */
  private async listChangedFiles(ref: PrRef, expected: number): Promise<ChangedPath[] | undefined> {
    const files = await call('listing the changed files', () =>
      this.octokit.paginate(this.octokit.rest.pulls.listFiles, {
        ...this.repo(ref),
        pull_number: ref.number,
        per_page: 100,
      }),
    );
    if (files.length >= PR_FILES_CAP || files.length < expected) return undefined;
    const changed: ChangedPath[] = [];
    for (const file of files) {
      const status = FILE_STATUS[file.status];
      if (!status) continue;
      changed.push(
        file.previous_filename
          ? { path: file.filename, previousPath: file.previous_filename, status }
          : { path: file.filename, status },
      );
    }
    return changed;
  }

  /** See head-arrivals.ts: the latest of this process's record and envgate's own check runs for this head. */
  private async headArrival(ref: PrRef, headSha: string): Promise<string> {
    const runs = await call("listing envgate's check runs on the head", () =>
      this.octokit.paginate(this.octokit.rest.checks.listForRef, {
        ...this.repo(ref),
        ref: headSha,
        check_name: GATE_NAMES.approval,
        app_id: this.options.appId,
        filter: 'all',
        per_page: 100,
      }),
    );
    const externalId = checkRunExternalId(ref);
    const mine = runs.filter((run) => run.external_id === externalId && run.app?.id === this.options.appId);
    const newest = mine.sort((a, b) => b.id - a.id)[0];
    const seen = this.options.arrivals.get(prKey(ref), headSha);
    const known = latest([newest?.started_at, seen]);
    return toSecondsCeil(known ?? this.now().toISOString());
  }

  async listApprovalSignals(ref: PrRef): Promise<ApprovalSignal[]> {
    const [reviews, comments] = await Promise.all([this.listReviews(ref), this.listComments(ref)]);
    return [...reviewSignals(reviews), ...commentSignals(comments.filter((comment) => !this.isOwnComment(comment)))];
  }

  private async listReviews(ref: PrRef): Promise<(GitHubReview & { body?: string | null })[]> {
    this.reviews ??= await call('listing the reviews', () =>
      this.octokit.paginate(this.octokit.rest.pulls.listReviews, {
        ...this.repo(ref),
        pull_number: ref.number,
        per_page: 100,
      }),
    );
    return this.reviews;
  }

  /**
   * An APPROVE review by the app on exactly `headSha` (a push makes it stale wherever branch protection dismisses
   * stale approvals), unless the app already approved that commit.
   */
  async approve(ref: PrRef, request: { headSha: string; message: string }): Promise<void> {
    const reviews = await this.listReviews(ref);
    const already = reviews.some(
      (review) =>
        review.state === 'APPROVED' &&
        review.commit_id === request.headSha &&
        review.user?.type === 'Bot' &&
        review.body?.includes(APPROVAL_MARKER),
    );
    if (already) return;
    await call('approving the pull request', () =>
      this.octokit.rest.pulls.createReview({
        ...this.repo(ref),
        pull_number: ref.number,
        commit_id: request.headSha,
        event: 'APPROVE',
        body: `${request.message}\n\n${APPROVAL_MARKER}`,
      }),
    );
  }

  private async listComments(ref: PrRef): Promise<GitHubIssueComment[]> {
    this.comments ??= await call('listing the comments', () =>
      this.octokit.paginate(this.octokit.rest.issues.listComments, {
        ...this.repo(ref),
        issue_number: ref.number,
        per_page: 100,
      }),
    );
    return this.comments;
  }

  /** Comments by this app (a bot user; when GitHub says which app posted it, ours). */
  private isOwnComment(comment: GitHubIssueComment): boolean {
    if (comment.user?.type !== 'Bot') return false;
    const app = comment.performed_via_github_app;
    return !app || app.id === this.options.appId;
  }

  async isMember(who: Identity, group: string): Promise<boolean> {
    const match = /^@([^/\s]+)\/([^/\s]+)$/.exec(group);
    if (!match) throw new Error(`${group} is not a GitHub team (@org/team-slug)`);
    const [, org, slug] = match;
    try {
      const { data } = await this.octokit.rest.teams.getMembershipForUserInOrg({
        org: org!,
        team_slug: slug!,
        username: who.login,
      });
      return data.state === 'active'; // an invitation not yet accepted (`pending`) is not membership
    } catch (error) {
      if (statusOf(error) === 404) return false; // GitHub's answer for "not a member"
      throw describeApiError(`checking @${who.login} in ${group}`, error);
    }
  }

  async upsertComment(ref: PrRef, marker: string, body: string, options: { create: boolean }): Promise<void> {
    const repo = this.repo(ref);
    const comments = await this.listComments(ref);
    const existing = comments.find((comment) => comment.body?.includes(marker) && this.isOwnComment(comment));
    if (existing) {
      if (withoutTimings(existing.body ?? '') === withoutTimings(body)) return;
      await call('editing the envgate comment', () =>
        this.octokit.rest.issues.updateComment({ ...repo, comment_id: existing.id, body }),
      );
      existing.body = body;
      return;
    }
    if (!options.create) return;
    const { data } = await call('posting the envgate comment', () =>
      this.octokit.rest.issues.createComment({ ...repo, issue_number: ref.number, body }),
    );
    comments.push(data as GitHubIssueComment);
  }

  /** A new check run per review (annotations on an update would append to the old ones), tied to this PR. */
  async setGate(ref: PrRef, report: GateReport): Promise<void> {
    const repo = this.repo(ref);
    const startedAt = this.headAt ?? this.options.arrivals.get(prKey(ref), report.headSha);
    const plan = planCheckRun(report, {
      externalId: checkRunExternalId(ref),
      startedAt: startedAt ? toSecondsCeil(startedAt) : undefined,
      completedAt: toSecondsCeil(this.now().toISOString()),
    });
    const { data: run } = await call(`creating the ${report.name} check run`, () =>
      this.octokit.rest.checks.create({ ...repo, ...plan.create }),
    );
    for (const output of plan.updates) {
      await call(`annotating the ${report.name} check run`, () =>
        this.octokit.rest.checks.update({ ...repo, check_run_id: run.id, output }),
      );
    }
  }

  /** Asked before publishing: a newer head, another base, or a closed PR makes this result stale. */
  async isSuperseded(pr: PlatformPullRequest): Promise<boolean> {
    const { data } = await call(`reading pull request #${pr.ref.number} again`, () =>
      this.octokit.rest.pulls.get({ ...this.repo(pr.ref), pull_number: pr.ref.number }),
    );
    return data.head.sha !== pr.head.sha || data.base.ref !== pr.targetBranch || data.state !== 'open';
  }

  /** Adds a label unless the PR has it already (GitHub creates a missing label on first use). */
  async ensureLabel(pr: PlatformPullRequest, label: string): Promise<void> {
    if (pr.labels.some((name) => name.toLowerCase() === label.toLowerCase())) return;
    await call(`adding the ${label} label`, () =>
      this.octokit.rest.issues.addLabels({ ...this.repo(pr.ref), issue_number: pr.ref.number, labels: [label] }),
    );
  }
}
