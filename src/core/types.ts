// The platform-neutral vocabulary of a review. Everything here is plain data: it serialises to the JSON
// evidence as is, and no type refers to a platform, a process or a clock.
import type { RenovateReview } from '../renovate/types.js';

export type Severity = 'error' | 'warning' | 'info';

/** A Kubernetes object's identity as people read it. `namespace` is absent for cluster-scoped objects. */
export interface ResourceRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Finding {
  /** Stable rule id, `area/name`: `yaml/duplicate-key`, `config/invalid`, `schema/unknown-kind`, … */
  rule: string;
  severity: Severity;
  /** One line a person understands. Never contains a secret value. */
  message: string;
  file?: string;
  line?: number;
  column?: number;
  resource?: ResourceRef;
  env?: string;
}

/** A read-only file tree at one commit, held in memory. Paths are repository-relative, POSIX, no leading `/`. */
export interface RepoSnapshot {
  readonly sha: string;
  /** Regular files and symlinks. */
  files(): Iterable<string>;
  /** Text (UTF-8) of a regular file; undefined when absent, a symlink, or its content could not be read. */
  read(path: string): string | undefined;
  /** Raw bytes of a regular file, for binary generator inputs; same undefined cases as `read`. */
  readBytes?(path: string): Uint8Array | undefined;
  /** Target of a symlink as stored in Git; undefined for anything that is not a symlink. */
  symlinkTarget?(path: string): string | undefined;
  /** Files listed in the tree whose content could not be read (missing blobs, oversized files), with the reason. */
  readonly unreadable?: ReadonlyMap<string, string>;
}

export type ChangeStatus = 'added' | 'modified' | 'deleted' | 'renamed';

export interface ChangedPath {
  path: string;
  /** Set for renames (and copies): the path at the base. */
  previousPath?: string;
  status: ChangeStatus;
}

export interface Identity {
  /** Platform id: GitHub numeric id as a string, Azure DevOps identity GUID. */
  id: string;
  /** GitHub login or Azure DevOps unique name. */
  login: string;
  displayName?: string;
  isBot: boolean;
}

/** What the core needs to know about a pull request: two snapshots and the paths between them. */
export interface PullRequestSnapshot {
  platform: 'github' | 'azure' | 'local';
  id: string;
  title: string;
  body?: string;
  author: Identity;
  sourceBranch: string;
  targetBranch: string;
  labels: string[];
  /** The merge-base of the target branch and the head: what the PR is compared against. */
  base: RepoSnapshot;
  head: RepoSnapshot;
  /** The tip of the target branch: where config and policies are read from. Same as `base` when up to date. */
  target: RepoSnapshot;
  changedPaths: ChangedPath[];
}

export type EnvironmentClass = 'low' | 'medium' | 'high' | 'critical';

/** `pass`: satisfied. `fail`: blocked by a problem. `pending`: blocked until someone acts (approvals). */
export type GateStatus = 'pass' | 'fail' | 'pending';

export interface GateState {
  state: GateStatus;
  /** One line for a check title / status description. */
  title: string;
  /** What is wrong or still needed, one item per line. */
  details: string[];
}

export interface EnvReview {
  name: string;
  class: EnvironmentClass;
  /** Changed paths that belong to this environment. */
  changedPaths: string[];
  /** Resources rendered at head for this environment's affected roots; null when nothing was rendered. */
  resources: number | null;
  added: number;
  modified: number;
  removed: number;
  errors: number;
  warnings: number;
}

// ---- stage outputs (filled by render/diff, drift, approvals, renovate) ----------------------------------------

export type RootType = 'kustomize' | 'flux-dir' | 'plain-dir';
export type RenderStatus = 'ok' | 'error' | 'absent';

/** A render root the PR affects, and how rendering it went on each side. */
export interface RootReview {
  path: string;
  type: RootType;
  env?: string;
  base: RenderStatus;
  head: RenderStatus;
  /** Why a side is `error`: one line, Kustomize's meaning. */
  error?: string;
}

export type ChangeKind = 'added' | 'removed' | 'modified';

/** A field that differs between base and head, for the field-level view. Secret values are never carried. */
export interface FieldChange {
  path: string;
  before?: unknown;
  after?: unknown;
  /** A Secret value: it differs, and neither side is shown. */
  masked?: boolean;
}

export interface ResourceChange {
  root: string;
  env?: string;
  apiVersion: string;
  kind: string;
  /** "" for cluster-scoped objects. */
  namespace: string;
  name: string;
  change: ChangeKind;
  /** Set when a hash-suffixed generator output was renamed: the name at the base. */
  previousName?: string;
  fields?: FieldChange[];
  /** Unified YAML diff with folded context; secret values masked. */
  diff?: string;
}

export interface DriftItem {
  resource: ResourceRef;
  /**
   * `drifted`: live ≠ main. `will-change`: sync changes live to the PR's state. `reverts-out-of-band`: both at the
   * same field (see `reverts`). `will-prune`: the controller deletes it; `orphaned`: gone from Git but kept (prune
   * off, `Prune=false`, reconcile disabled). `unknown`: this object could not be read (e.g. forbidden).
   */
  state:
    | 'in-sync'
    | 'drifted'
    | 'will-change'
    | 'will-create'
    | 'will-prune'
    | 'reverts-out-of-band'
    | 'orphaned'
    | 'unknown';
  /** What sync changes: before = live, after = the PR's value. */
  fields?: FieldChange[];
  note?: string;
  /** Where live differs from main: before = main, after = live. */
  drifted?: FieldChange[];
  /** Out-of-band changes the sync after this PR overwrites. */
  reverts?: OutOfBandChange[];
  /** The controller record that owns it: `Kustomization flux-system/apps-prod`. */
  owner?: string;
}

/** A field changed outside Git that the sync after this PR overwrites. Values absent when masked or unset. */
export interface OutOfBandChange {
  path: string;
  live?: unknown;
  main?: unknown;
  head?: unknown;
  /** The PR leaves the field as main has it: the sync restores main's value over the hand change. */
  restoresMain: boolean;
  /** A Secret value: shown as changed, never shown. */
  masked?: boolean;
  /** Who changed it, from managedFields: `kubectl (scale subresource, 2026-03-12T09:41:07Z)`. */
  changedBy?: string;
}

export interface EnvDrift {
  env: string;
  status: 'checked' | 'unknown' | 'not-configured';
  /** Why the drift is unknown (source unreachable, timeout). */
  reason?: string;
  source?: string;
  items: DriftItem[];
  /** What the reader should know about the comparison: suspended controllers, ignore rules, unreadable files. */
  notes?: string[];
}

export interface DriftReport {
  environments: EnvDrift[];
}

export type ApprovalVerdict = 'approve' | 'reject' | 'break-glass';

/** One person's approval or rejection, however the platform expressed it. */
export interface ApprovalSignal {
  who: Identity;
  kind: 'review' | 'vote' | 'command';
  verdict: ApprovalVerdict;
  /** `/approve prod`: the environments the signal is limited to. Absent = every environment. */
  scope?: string[];
  /** When it was given (ISO 8601); commands are ordered and checked against the head push by it. */
  at?: string;
  /** The commit a review was given on; a review on an older commit is stale. */
  commitSha?: string;
  /** The adapter already knows the signal is stale (e.g. an Azure DevOps vote reset by a push). */
  stale?: boolean;
  /** The adapter knows it must not count, and why (e.g. a command comment that was edited): listed, never counted. */
  notCounted?: string;
  /** Free text: the break-glass reason. Never used for decisions. */
  reason?: string;
  /** Platform link or id for the record. */
  ref?: string;
}

export interface ApprovalState {
  env: string;
  required: number;
  from: string[];
  /** Logins whose approval counts. */
  approvedBy: string[];
  /** Logins of eligible approvers who rejected: blocks until they approve. */
  rejectedBy: string[];
  /** Signals seen but not counted, with why: `@bob: PR author`, `@eve: not in @acme/seniors`. */
  ignored: string[];
  state: GateStatus;
  /** Set when envgate approved on its own (Renovate auto-approval): the record, e.g. `auto-approved by envgate: 2 patch updates`. */
  autoApproved?: string;
}

export interface BreakGlass {
  by: string;
  reason: string;
  at?: string;
}

export interface Review {
  version: 1;
  /** Where the config came from (undefined = defaults) and whether it was valid; an invalid one fails the gate. */
  config: { source?: string; valid: boolean };
  /** Tip of the target branch, merge-base and head, as full SHAs. */
  target: string;
  base: string;
  head: string;
  environments: EnvReview[];
  /** Changed paths that belong to no environment: listed, not reviewed, no effect on the gate. */
  notReviewed: string[];
  findings: Finding[];
  roots: RootReview[];
  diff: ResourceChange[];
  drift?: DriftReport;
  approvals: ApprovalState[];
  breakGlass?: BreakGlass;
  /** Set for PRs from a Renovate author: the updates derived from the diff and the auto-approval decisions. */
  renovate?: RenovateReview;
  gate: { validate: GateState; approval: GateState };
  /** Milliseconds per stage. */
  timings: Record<string, number>;
}
