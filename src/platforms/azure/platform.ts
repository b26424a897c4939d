// Platform over Azure DevOps for one review of one pull request: one instance per event, so what it reads (threads,
// statuses, group membership) is read once and never outlives the event. Snapshots come from the shared store.
import {
  CommentThreadStatus,
  CommentType,
  GitStatusState,
  PullRequestStatus,
  type GitPullRequest,
  type GitPullRequestChange,
  type GitPullRequestCommentThread,
  type GitPullRequestIteration,
  type GitPullRequestStatus,
  type IdentityRefWithVote,
} from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import type { ApprovalSignal, ChangedPath, Finding, GateState, Identity } from '../../core/types.js';
import { GATE_NAMES, type GateReport, type Platform, type PlatformPullRequest, type PrRef } from '../types.js';
import { toChangedPaths } from './changes.js';
import { splitRepo } from './events.js';
import { MembershipResolver } from './membership.js';
import type { Organization } from './settings.js';
import { commandSignals, identityOf, sameId, voteSignals } from './signals.js';
import type { AzureSnapshotStore } from './snapshot.js';
import { findFindingThreads, findingComment, findingKey, findSummaryThread, toAzureMarkdown } from './threads.js';
import type { AuthenticatedUser, AzureDevOpsApi } from './transport.js';
import { withoutTimings } from '../../report/markdown.js';

export interface Logger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface AzurePlatformOptions {
  api: AzureDevOpsApi;
  org: Organization;
  snapshots: AzureSnapshotStore;
  /** envgate's own identity (the PAT's user): its comments are never approvals, its threads are its own. */
  bot: () => Promise<AuthenticatedUser>;
  /** The pull request as the caller just read it; the first getPullRequest reuses it. */
  pullRequest?: GitPullRequest;
  log: Logger;
  /** Line threads opened per run at most; the rest of the findings are in the summary thread. */
  maxFindingThreads?: number;
}

/** Largest `$top` the iteration changes API takes. */
const CHANGES_PAGE = 2_000;
const SHA = /^[0-9a-f]{40}$/i;
const STATUS_DESCRIPTION_CHARS = 400;

const GATE_STATE: Record<GateState['state'], GitStatusState> = {
  pass: GitStatusState.Succeeded,
  fail: GitStatusState.Failed,
  pending: GitStatusState.Pending,
};

function stripRef(ref: string | undefined): string {
  return (ref ?? '').replace(/^refs\/heads\//, '');
}

function commitOf(ref: { commitId?: string } | undefined, what: string): string {
  const sha = ref?.commitId;
  if (!sha || !SHA.test(sha)) throw new Error(`the pull request's ${what} commit is not known yet`);
  return sha.toLowerCase();
}

function stateOf(status: PullRequestStatus | undefined): PlatformPullRequest['state'] {
  if (status === PullRequestStatus.Completed) return 'merged';
  if (status === PullRequestStatus.Abandoned) return 'closed';
  return 'open';
}

export function statusDescription(gate: GateState): string {
  const text = gate.details.length > 0 ? `${gate.title}: ${gate.details.join('; ')}` : gate.title;
  return text.length > STATUS_DESCRIPTION_CHARS ? `${text.slice(0, STATUS_DESCRIPTION_CHARS - 1)}…` : text;
}

/**
 * The approval gate's summary (requirements, who counted, who did not and why), folded under the narrative: GitHub
 * shows it in the check run, an Azure DevOps status has one line. Omitted when no approval is involved.
 */
export function approvalDetails(report: GateReport): string {
  if (report.gate.state === 'pass' && report.gate.title === 'no approval required') return '';
  return `\n\n<details><summary>approval: ${report.gate.title}</summary>\n\n${report.summary}\n\n</details>`;
}

export class AzureDevOpsPlatform implements Platform {
  readonly name = 'azure' as const;
  /** 150,000 is Azure DevOps' limit; the headroom covers the marker swap and the approval details. */
  readonly limits = { commentChars: 145_000, checkSummaryChars: STATUS_DESCRIPTION_CHARS };

  private pr?: GitPullRequest;
  private iteration?: GitPullRequestIteration;
  private changed = new Map<string, ChangedPath>();
  private trackingIds = new Map<string, number>();
  private membership?: MembershipResolver;
  private threadList?: Promise<GitPullRequestCommentThread[]>;
  private statusList?: Promise<GitPullRequestStatus[]>;
  private reviewerList?: Promise<IdentityRefWithVote[]>;
  private summary?: { threadId: number; commentId: number; content: string };
  private pendingComment?: string;
  private commentPublished = false;
  private findingsSynced = false;

  constructor(private readonly options: AzurePlatformOptions) {
    this.pr = options.pullRequest;
  }

  /** The iteration the review ran on (statuses are posted on it). */
  get iterationId(): number | undefined {
    return this.iteration?.id;
  }

  async getPullRequest(ref: PrRef): Promise<PlatformPullRequest> {
    const { api, snapshots } = this.options;
    const { project, repositoryId } = splitRepo(ref);
    const bot = await this.options.bot();
    const pr = this.pr ?? (await api.getPullRequest(project, repositoryId, ref.number));
    if (!pr) throw new Error(`pull request ${ref.number} was not found in repository ${repositoryId}`);
    this.pr = pr;

    const iterations = await api.getIterations(project, repositoryId, ref.number);
    const last = iterations.reduce<GitPullRequestIteration | undefined>(
      (latest, it) => (it.id !== undefined && (latest?.id === undefined || it.id > latest.id) ? it : latest),
      undefined,
    );
    if (last?.id === undefined) throw new Error(`pull request ${ref.number} has no iterations yet`);
    this.iteration = last;
    const head = commitOf(last.sourceRefCommit, 'head');
    const base = commitOf(last.commonRefCommit, 'merge-base');
    const target = commitOf(pr.lastMergeTargetCommit ?? last.targetRefCommit, 'target');

    const { changedPaths, trackingIds } = toChangedPaths(
      await this.allChanges(project, repositoryId, ref.number, last.id),
    );
    this.changed = new Map(changedPaths.map((c) => [c.path, c]));
    this.trackingIds = trackingIds;

    // One after the other: base, target and head share most blobs, which the store then downloads once.
    const baseSnapshot = await snapshots.snapshot(api, project, repositoryId, base);
    const targetSnapshot =
      target === base ? baseSnapshot : await snapshots.snapshot(api, project, repositoryId, target);
    const headSnapshot = await snapshots.snapshot(api, project, repositoryId, head);

    this.membership = new MembershipResolver(api, this.options.org, pr.repository?.project?.name ?? project);
    const author: Identity = identityOf(pr.createdBy, bot.id) ?? { id: '', login: 'unknown', isBot: false };
    return {
      ref,
      platform: 'azure',
      id: String(ref.number),
      title: pr.title ?? '',
      body: pr.description,
      author,
      sourceBranch: stripRef(pr.sourceRefName),
      targetBranch: stripRef(pr.targetRefName),
      labels: (pr.labels ?? []).filter((l) => l.active !== false && l.name).map((l) => l.name!),
      isDraft: pr.isDraft === true,
      state: stateOf(pr.status),
      base: baseSnapshot,
      head: headSnapshot,
      target: targetSnapshot,
      changedPaths,
      headAt: last.createdDate ? new Date(last.createdDate).toISOString() : undefined,
    };
  }

  private async allChanges(project: string, repositoryId: string, number: number, iterationId: number) {
    const entries: GitPullRequestChange[] = [];
    let skip = 0;
    let top = CHANGES_PAGE;
    for (let page = 0; page < 10_000; page++) {
      const result = await this.options.api.getIterationChanges(project, repositoryId, number, iterationId, top, skip);
      entries.push(...(result.changeEntries ?? []));
      if (!result.nextSkip || result.nextSkip <= skip) return entries;
      skip = result.nextSkip;
      top = result.nextTop || CHANGES_PAGE;
    }
    throw new Error(`pull request ${number} lists more changes than envgate pages through`);
  }

  private threads(ref: PrRef): Promise<GitPullRequestCommentThread[]> {
    if (!this.threadList) {
      const { project, repositoryId } = splitRepo(ref);
      this.threadList = this.options.api.getThreads(project, repositoryId, ref.number);
    }
    return this.threadList;
  }

  async listApprovalSignals(ref: PrRef): Promise<ApprovalSignal[]> {
    const { project, repositoryId } = splitRepo(ref);
    const bot = await this.options.bot();
    // Always the API's reviewers: a payload's votes may predate a reset.
    this.reviewerList ??= this.options.api.getReviewers(project, repositoryId, ref.number);
    const [reviewers, threads] = await Promise.all([this.reviewerList, this.threads(ref)]);
    return [...voteSignals(reviewers, threads, bot.id), ...commandSignals(threads, bot.id)];
  }

  /**
   * Renovate auto-approval: votes 10 (approved) as envgate's own identity, unless that vote is already there. A vote
   * names no commit: the review published just now was checked against the current source commit, and a branch
   * policy that resets votes on push withdraws this one when the head moves. The summary thread carries the record.
   */
  async approve(ref: PrRef): Promise<void> {
    const { project, repositoryId } = splitRepo(ref);
    const bot = await this.options.bot();
    this.reviewerList ??= this.options.api.getReviewers(project, repositoryId, ref.number);
    const reviewers = await this.reviewerList;
    if (reviewers.some((r) => sameId(r.id, bot.id) && r.vote === 10)) return;
    await this.options.api.setVote(project, repositoryId, ref.number, bot.id, 10);
  }

  /** Adds a label to the pull request unless it already has it (the label list read with the pull request). */
  async ensureLabel(ref: PrRef, name: string): Promise<void> {
    const has = (this.pr?.labels ?? []).some((l) => l.active !== false && l.name?.toLowerCase() === name.toLowerCase());
    if (has) return;
    const { project, repositoryId } = splitRepo(ref);
    await this.options.api.addLabel(project, repositoryId, ref.number, name);
  }

  async isMember(who: Identity, group: string): Promise<boolean> {
    if (!this.membership) throw new Error('membership asked before the pull request was read');
    return this.membership.isMember(who, group);
  }

  /**
   * Finds envgate's summary thread (or creates it, closed, when `create` is set) now, so statuses can link to it;
   * its final content is written with the approval gate (see setGate), which adds what the approval status cannot
   * show in one line: who was not counted and why.
   */
  async upsertComment(ref: PrRef, marker: string, body: string, options: { create: boolean }): Promise<void> {
    const { project, repositoryId } = splitRepo(ref);
    const bot = await this.options.bot();
    const content = toAzureMarkdown(body, marker);
    this.summary = findSummaryThread(await this.threads(ref), bot.id);
    if (!this.summary && options.create) {
      // Closed from the start: the narrative must never block completion under a comment-resolution policy.
      const thread = await this.options.api.createThread(project, repositoryId, ref.number, {
        comments: [{ parentCommentId: 0, content, commentType: CommentType.Text }],
        status: CommentThreadStatus.Closed,
      });
      const commentId = thread.comments?.[0]?.id ?? 1;
      if (thread.id !== undefined) this.summary = { threadId: thread.id, commentId, content };
    }
    this.pendingComment = content;
    this.commentPublished = true;
  }

  async setGate(ref: PrRef, report: GateReport): Promise<void> {
    try {
      await this.postStatus(ref, report);
      // Line threads follow a completed review only: a failure report has no findings and must not resolve them.
      if (report.name === GATE_NAMES.validate && this.commentPublished && !this.findingsSynced) {
        this.findingsSynced = true;
        await this.syncFindingThreads(ref, report.annotations).catch((error: unknown) =>
          this.options.log.warn(
            { pr: ref.number, err: error instanceof Error ? error.message : String(error) },
            'azure devops: line comments could not be updated; the findings are in the summary thread',
          ),
        );
      }
    } finally {
      if (report.name === GATE_NAMES.approval) await this.flushComment(ref, report);
    }
  }

  private async flushComment(ref: PrRef, approval: GateReport): Promise<void> {
    const pending = this.pendingComment;
    this.pendingComment = undefined;
    if (pending === undefined || !this.summary) return;
    const content = pending + approvalDetails(approval);
    if (withoutTimings(content) === withoutTimings(this.summary.content)) return;
    const { project, repositoryId } = splitRepo(ref);
    await this.options.api.updateComment(
      project,
      repositoryId,
      ref.number,
      this.summary.threadId,
      this.summary.commentId,
      content,
    );
    this.summary.content = content;
  }

  private async postStatus(ref: PrRef, report: GateReport): Promise<void> {
    const { project, repositoryId } = splitRepo(ref);
    const [genre, name] = report.name.split('/') as [string, string];
    const state = GATE_STATE[report.gate.state];
    const description = statusDescription(report.gate);
    const iterationId = this.iteration?.id;
    const latest = await this.latestStatus(ref, genre, name);
    if (latest?.state === state && latest.description === description && latest.iterationId === iterationId) return;
    const status: GitPullRequestStatus = { state, description, context: { genre, name } };
    if (iterationId !== undefined) status.iterationId = iterationId;
    const targetUrl = this.targetUrl();
    if (targetUrl) status.targetUrl = targetUrl;
    await this.options.api.createStatus(project, repositoryId, ref.number, status);
  }

  private async latestStatus(ref: PrRef, genre: string, name: string): Promise<GitPullRequestStatus | undefined> {
    if (!this.statusList) {
      const { project, repositoryId } = splitRepo(ref);
      // Best effort: without the list envgate just posts, which is never wrong, only repetitive.
      this.statusList = this.options.api.getStatuses(project, repositoryId, ref.number).catch(() => []);
    }
    const statuses = await this.statusList;
    return statuses
      .filter((s) => s.context?.genre === genre && s.context.name === name)
      .reduce<
        GitPullRequestStatus | undefined
      >((a, b) => (a === undefined || (b.id ?? 0) > (a.id ?? 0) ? b : a), undefined);
  }

  private targetUrl(): string | undefined {
    const web = this.pr?.repository?.webUrl;
    const number = this.pr?.pullRequestId;
    if (!web || !/^https?:\/\//i.test(web) || number === undefined) return undefined;
    const url = `${web.replace(/\/+$/, '')}/pullrequest/${number}`;
    return this.summary ? `${url}?discussionId=${this.summary.threadId}` : url;
  }

  private async syncFindingThreads(ref: PrRef, annotations: readonly Finding[]): Promise<void> {
    const { project, repositoryId } = splitRepo(ref);
    const { api } = this.options;
    const bot = await this.options.bot();
    const current = new Map<string, Finding>();
    for (const finding of annotations) {
      const change = finding.file ? this.changed.get(finding.file) : undefined;
      if (finding.severity !== 'error' || !finding.line || !change || change.status === 'deleted') continue;
      const key = findingKey(finding);
      if (!current.has(key)) current.set(key, finding);
    }
    const existing = findFindingThreads(await this.threads(ref), bot.id);
    let opened = 0;
    for (const [key, finding] of current) {
      const thread = existing.get(key);
      if (thread) {
        // Reopen only what envgate itself resolved; a person's "won't fix" stands.
        if (thread.status === CommentThreadStatus.Fixed) {
          await api.setThreadStatus(project, repositoryId, ref.number, thread.threadId, CommentThreadStatus.Active);
        }
        continue;
      }
      if (opened >= (this.options.maxFindingThreads ?? 20)) continue;
      opened += 1;
      await api.createThread(project, repositoryId, ref.number, this.findingThread(finding));
    }
    for (const [key, thread] of existing) {
      if (!current.has(key) && thread.status === CommentThreadStatus.Active) {
        await api.setThreadStatus(project, repositoryId, ref.number, thread.threadId, CommentThreadStatus.Fixed);
      }
    }
  }

  private findingThread(finding: Finding): GitPullRequestCommentThread {
    const line = finding.line!;
    const thread: GitPullRequestCommentThread = {
      comments: [{ parentCommentId: 0, content: findingComment(finding), commentType: CommentType.Text }],
      status: CommentThreadStatus.Active,
      threadContext: {
        filePath: `/${finding.file}`,
        rightFileStart: { line, offset: 1 },
        rightFileEnd: { line, offset: 1 },
      },
    };
    const trackingId = this.trackingIds.get(finding.file!);
    if (trackingId !== undefined && this.iteration?.id !== undefined) {
      thread.pullRequestThreadContext = {
        changeTrackingId: trackingId,
        // Equal iterations mean "the merge base against this iteration": the whole PR diff the review ran on.
        iterationContext: { firstComparingIteration: this.iteration.id, secondComparingIteration: this.iteration.id },
      };
    }
    return thread;
  }
}
