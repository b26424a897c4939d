// What the review needs from a code-hosting platform, and nothing more. GitHub and Azure DevOps each implement
// Platform over a thin transport (Octokit, azure-devops-node-api); everything they share lives in review-pull-request.ts.
import type { ApprovalSignal, Finding, GateState, Identity, PullRequestSnapshot } from '../core/types.js';

/** A pull request on a platform. `repo`: GitHub `owner/name`; Azure DevOps `project/repositoryId`. */
export interface PrRef {
  repo: string;
  number: number;
}

export interface PlatformPullRequest extends PullRequestSnapshot {
  ref: PrRef;
  isDraft: boolean;
  state: 'open' | 'merged' | 'closed';
  /** When the current head arrived (push time, iteration creation); `/approve` comments before it are stale. */
  headAt?: string;
}

export const GATE_NAMES = { validate: 'envgate/validate', approval: 'envgate/approval' } as const;
export type GateName = (typeof GATE_NAMES)[keyof typeof GATE_NAMES];

export interface GateReport {
  name: GateName;
  gate: GateState;
  /** Markdown for a check run summary; platforms with only a one-line description use `gate.title`. */
  summary: string;
  /** Findings with a file and line, for line annotations (validate gate only). */
  annotations: Finding[];
  /** The head commit the result belongs to. */
  headSha: string;
}

export interface Platform {
  readonly name: 'github' | 'azure';
  readonly limits: { commentChars: number; checkSummaryChars: number };
  getPullRequest(ref: PrRef): Promise<PlatformPullRequest>;
  listApprovalSignals(ref: PrRef, pr: PlatformPullRequest): Promise<ApprovalSignal[]>;
  /** Rejects when membership cannot be determined; the approval then does not count and the review says why. */
  isMember(who: Identity, group: string): Promise<boolean>;
  /** Edits the comment found by `marker` (no write when unchanged); creates one only when `create` is set. */
  upsertComment(ref: PrRef, marker: string, body: string, options: { create: boolean }): Promise<void>;
  setGate(ref: PrRef, report: GateReport): Promise<void>;
  /**
   * Approves the PR as envgate itself (GitHub: an APPROVE review by the app on `headSha`; Azure DevOps: vote 10 by
   * the bot identity, only while `headSha` is still the source commit). Called when a Renovate PR was auto-approved
   * in every environment it touches. Idempotent: no second approval when envgate already approved this head.
   * Optional: platforms without it rely on the approval gate alone.
   */
  approve?(ref: PrRef, request: { headSha: string; message: string }): Promise<void>;
}
