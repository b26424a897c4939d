// The one thing the review core asks of the outside world: live state. A LiveSource answers for one environment
// (one cluster, one Argo CD application set, one snapshot directory); the drift stage awaits it and compares.
import type { KubeObject } from '../render/types.js';
import type { IgnoreRule } from './ignore.js';

/** An object's identity across API versions, as Argo CD and Flux key it: group, kind, namespace, name. */
export interface ObjectId {
  /** The API group: `apps`, `""` for the core group. */
  group: string;
  kind: string;
  /** `""` for cluster-scoped objects (and for namespaced ones rendered without a namespace). */
  namespace: string;
  name: string;
  /** The apiVersion to ask the cluster for (the desired object's, or the inventory's). */
  apiVersion: string;
}

export type LiveLookup =
  | {
      state: 'found';
      object: KubeObject;
      /**
       * The object before the source's own normalisation (Argo CD's `liveState` beside `normalizedLiveState`):
       * a field present here but gone from `object` was removed by the controller's ignore rules.
       */
      unnormalized?: KubeObject;
      /** Secret values are masked by the source (Argo CD): only keys can be compared. */
      secretValuesMasked?: boolean;
      /** Secret keys whose value differs between main and live, as the source told (Argo CD's masked states). */
      secretKeysDifferingFromMain?: string[];
    }
  | { state: 'absent'; note?: string }
  | { state: 'unknown'; reason: string };

/** What a GitOps controller records as applied, and whether it deletes what leaves Git. */
export interface ControllerRecord {
  controller: 'flux' | 'argocd';
  /** `Kustomization flux-system/apps-prod`, `Application argocd/shop-prod`. */
  owner: string;
  /** Repository-relative path the controller syncs (`environments/prod`), when it says. */
  path?: string;
  /** Flux `spec.prune`; Argo CD `syncPolicy.automated.prune`. Undefined when not known. */
  prune?: boolean;
  /** Why a merge will not be applied by itself: a suspended Kustomization, an Application without auto-sync. */
  notApplying?: string;
  /** The revision it last applied (Flux `status.lastAppliedRevision`, Argo CD `status.sync.revision`). */
  appliedRevision?: string;
  /** Objects the controller applied (Flux `status.inventory`, Argo CD `status.resources`). */
  objects: ObjectId[];
  /** Argo CD `spec.ignoreDifferences`, in envgate's rule form. */
  ignore?: IgnoreRule[];
}

/** A source that cannot answer at all (unreachable, timed out, unauthorised): drift for the environment is unknown. */
export class LiveSourceError extends Error {
  override name = 'LiveSourceError';
}

export interface LiveSource {
  readonly kind: 'snapshot' | 'kubernetes' | 'argocd';
  /** For the report: `snapshot examples/live/prod`, `kubernetes context prod-ro`, `argocd app shop-prod`. */
  readonly description: string;
  /** What the GitOps controllers that sync these render roots record as applied. Rejects with LiveSourceError. */
  controllers(roots: readonly string[]): Promise<ControllerRecord[]>;
  /** The live objects by identity, keyed by `idKey`. Rejects with LiveSourceError when the source cannot answer. */
  get(ids: readonly ObjectId[]): Promise<Map<string, LiveLookup>>;
  /** Notes about the source itself (unreadable snapshot files …), read after `get`. */
  notes?(): string[];
}

export interface LiveBinding {
  source: LiveSource;
  /** An environment whose drift is unknown fails the validate gate. Off by default. */
  failGate: boolean;
  /** Operator ignore rules for this environment (settings), on top of the controllers' own. */
  ignore: IgnoreRule[];
}

/** How the review finds the live source of each environment: operator settings, or `--live DIR`. */
export interface LiveSources {
  forEnvironment(env: string): LiveBinding | { notConfigured: string };
}
