// The contract between render roots and the engines that build them (built-in Kustomize, external binary),
// and what the render stage leaves for diff, validate, policy, drift and Renovate.
import type { RepoSnapshot, RootType } from '../core/types.js';

/** A Kubernetes object as rendered: plain JSON data. */
export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
};

/** `apps/v1` → `apps`; `v1` → `` (the core group); anything but a string → ``. */
export function groupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== 'string') return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** `apps/v1` → `v1`; `v1` → `v1`. */
export function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
}

export interface RenderOptions {
  /** As `kustomize build --load-restrictor`; files outside the repository are refused either way. */
  loadRestrictor: 'LoadRestrictionsRootOnly' | 'LoadRestrictionsNone';
}

export interface RenderOutput {
  /** In the order `kustomize build` prints them. */
  objects: KubeObject[];
  /** Every repository path the render read (kustomization files, resources, patches, generator inputs). */
  files: string[];
}

/**
 * Why a root could not be rendered, in one line with Kustomize's meaning. `unsupported` is for features
 * envgate deliberately does not run (helmCharts, remote bases, KRM functions): "not rendered", not "broken".
 */
export class RenderError extends Error {
  override name = 'RenderError';
  constructor(
    message: string,
    readonly reason: 'invalid' | 'missing' | 'cycle' | 'escape' | 'unsupported' | 'timeout' = 'invalid',
    /** The repository path the problem is in, when known. */
    readonly file?: string,
    /** Files read before the failure: a change to any of them may fix it, so they count for "affected". */
    readonly files: string[] = [],
  ) {
    super(message);
  }
}

export interface RenderEngine {
  readonly name: 'builtin' | 'kustomize';
  /** Builds the kustomization in directory `dir` of the snapshot. Rejects with RenderError only. */
  build(snapshot: RepoSnapshot, dir: string, options: RenderOptions): Promise<RenderOutput>;
}

export type RenderSide =
  | { status: 'ok'; objects: KubeObject[]; files: string[] }
  | { status: 'absent' }
  | { status: 'error'; error: string; reason: RenderError['reason']; files: string[] };

/** One affected render root, rendered at the merge-base and at the head. */
export interface RenderedRoot {
  path: string;
  type: RootType;
  env?: string;
  base: RenderSide;
  head: RenderSide;
}
