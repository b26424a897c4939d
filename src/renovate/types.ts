// What the Renovate stage finds out about a PR: the updates it makes (derived from the diff), how they compare
// with the PR body, and whether envgate may approve them on the bot's behalf. Plain data for the JSON evidence.
import type { EnvironmentClass, ResourceRef } from '../core/types.js';

/**
 * Renovate's update types where envgate can tell them from the diff, plus `rollback` (a downgrade), `replacement`
 * (another image or chart) and `other` (a change that cannot be ordered: `latest` → `stable`, a variant change).
 */
export type UpdateType = 'major' | 'minor' | 'patch' | 'digest' | 'pin' | 'rollback' | 'replacement' | 'other';

/** Where the version comes from: a container registry, a Helm repository, or a Git repository. */
export type Datasource = 'docker' | 'helm' | 'git';

/** A version as written: a tag or chart version, and a digest when pinned. */
export interface VersionRef {
  value?: string;
  digest?: string;
}

export interface UpdateLocation {
  /** The object the version is in (rendered or read from a file). */
  resource?: ResourceRef;
  /** The file, for versions read straight from a file (kustomization `images:`, manifests not rendered). */
  file?: string;
  /** Where in the object or file: `containers[api].image`, `spec.chart.spec.version`, `images[checkout-api]`. */
  field: string;
}

export type UpdateFlag = 'major' | 'mutable' | 'latest';

export interface DependencyUpdate {
  env: string;
  datasource: Datasource;
  /** Image name, chart name or repository URL, as written at the head. */
  package: string;
  /** Set when the package itself changed (`replacement`). */
  previousPackage?: string;
  from: VersionRef;
  to: VersionRef;
  type: UpdateType;
  note?: string;
  /**
   * Raised in environments whose class needs senior approval (high, critical): a major bump, a mutable tag
   * (an image without a digest), or `latest` / no tag at all.
   */
  flags: UpdateFlag[];
  locations: UpdateLocation[];
}

export interface AutoApprovalDecision {
  /** Update types the config allows to be auto-approved in this environment. */
  allowed: UpdateType[];
  approved: boolean;
  /** The record when approved (`auto-approved by envgate: 2 patch updates`), else why not. */
  reason: string;
}

export interface RenovateEnvironment {
  env: string;
  class: EnvironmentClass;
  updates: number;
  /** Changes in this environment that no derived update accounts for; any one of them rules out auto-approval. */
  unexplained: string[];
  autoApproval: AutoApprovalDecision;
}

export interface BodyRow {
  package: string;
  /** The `Type` column (Renovate's depType: `Kustomization`, `final`, …) when present. */
  depType?: string;
  /** The `Update` column: Renovate's updateType. */
  update?: string;
  from?: string;
  to?: string;
}

export interface BodyCheck {
  /** An update table was found in the PR body. */
  table: boolean;
  rows: BodyRow[];
  /** The body was cut by the platform (Azure DevOps keeps 4,000 characters). */
  truncated: boolean;
  /** Body and diff contradict each other; any one rules out auto-approval. */
  disagreements: string[];
  /** Worth knowing, not a contradiction (rows lost to truncation, no table at all). */
  notes: string[];
}

export interface RenovateReview {
  /** Author and branch both match the config: the PR is treated as Renovate's (auto-approval may apply). */
  recognised: boolean;
  author: string;
  branch: string;
  /** Why a PR from the Renovate author is not fully recognised. */
  reason?: string;
  updates: DependencyUpdate[];
  environments: RenovateEnvironment[];
  body: BodyCheck;
}
