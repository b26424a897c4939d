// What a pull request asks each environment's cluster to do, as admission requests: every rendered object the
// PR adds (CREATE), changes (UPDATE, with the base version as oldObject) or removes (DELETE). Objects the PR
// leaves as they were are not asked about. Without rendered roots, the changed files' whole objects stand in.
import type { ChangedPath, RepoSnapshot } from '../core/types.js';
import type { KubeObject, RenderedRoot } from '../render/types.js';
import { isKustomizationPath, KustomizeIndex } from '../validate/kustomize-refs.js';
import { isKustomization } from '../validate/schema/check.js';
import { parseYaml, type ParsedYaml } from '../validate/yaml.js';
import type { AdmissionRequest } from './match.js';
import type { Operation } from './model.js';
import type { ResourceCatalog } from './resources.js';
import { splitApiVersion } from './resources.js';

export interface PendingRequest {
  env: string;
  operation: Operation;
  object: KubeObject | null;
  oldObject: KubeObject | null;
  /** The render root it came from, or the file. */
  origin: string;
  /** `origin` is the changed file itself (no rendered roots). */
  originIsFile?: boolean;
  /** The files the root was rendered from (head side), when known: where the object can be written. */
  files?: readonly string[];
}

const YAML_FILE = /\.ya?ml$/i;

const isObject = (v: unknown): v is KubeObject =>
  v !== null &&
  typeof v === 'object' &&
  !Array.isArray(v) &&
  typeof (v as KubeObject).apiVersion === 'string' &&
  typeof (v as KubeObject).kind === 'string' &&
  typeof (v as KubeObject).metadata?.name === 'string';

/** Identity across versions: group, kind, namespace, name (an apiVersion bump is an UPDATE, not a replace). */
export function identityOf(o: KubeObject): string {
  return `${splitApiVersion(o.apiVersion ?? '').group}|${o.kind}|${o.metadata?.namespace ?? ''}|${o.metadata?.name ?? ''}`;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The changes between the base and head renders of every root, per environment, each object once. */
export function requestsFromRendered(roots: readonly RenderedRoot[]): PendingRequest[] {
  const out = new Map<string, PendingRequest>();
  for (const root of roots) {
    if (!root.env || root.head.status === 'error') continue;
    const baseObjects = root.base.status === 'ok' ? root.base.objects.filter(isObject) : [];
    const headObjects = root.head.status === 'ok' ? root.head.objects.filter(isObject) : [];
    const base = new Map(baseObjects.map((o) => [identityOf(o), o]));
    const head = new Set<string>();
    for (const object of headObjects) {
      const id = identityOf(object);
      head.add(id);
      const old = base.get(id) ?? null;
      if (old && sameJson(old, object)) continue;
      const key = `${root.env}|${id}`;
      if (!out.has(key)) {
        out.set(key, {
          env: root.env,
          operation: old ? 'UPDATE' : 'CREATE',
          object,
          oldObject: old,
          origin: root.path,
        });
      }
    }
    // A root that failed to render at the base cannot say what was removed.
    if (root.base.status !== 'ok') continue;
    for (const [id, old] of base) {
      const key = `${root.env}|${id}`;
      if (head.has(id) || out.has(key)) continue;
      out.set(key, { env: root.env, operation: 'DELETE', object: null, oldObject: old, origin: root.path });
    }
  }
  return [...out.values()];
}

function* kustomizationFiles(snapshot: RepoSnapshot): Iterable<[string, string]> {
  for (const path of snapshot.files()) {
    if (!isKustomizationPath(path)) continue;
    const text = snapshot.read(path);
    if (text !== undefined) yield [path, text];
  }
}

/** Whole Kubernetes objects in a file: not kustomization files, not patches, not generator data. */
function wholeObjects(parsed: ParsedYaml, role: string): KubeObject[] {
  if (role === 'patch' || role === 'data') return [];
  return parsed.documents
    .map((d) => d.value)
    .filter((v): v is KubeObject => isObject(v) && !isKustomization(v, parsed.path));
}

/**
 * Without rendered roots, the changed files themselves: each whole object in a changed file of an environment,
 * compared with the same file at the base (or its previous path, for renames).
 */
export function requestsFromFiles(
  changed: readonly ChangedPath[],
  parsedHead: ReadonlyMap<string, ParsedYaml>,
  snapshots: { base: RepoSnapshot; head: RepoSnapshot },
  environmentOf: (path: string) => string | undefined,
): PendingRequest[] {
  const headIndex = KustomizeIndex.build(kustomizationFiles(snapshots.head));
  const baseIndex = KustomizeIndex.build(kustomizationFiles(snapshots.base));
  const out = new Map<string, PendingRequest>();
  const baseObjects = (path: string | undefined) => {
    if (!path) return [];
    const text = snapshots.base.read(path);
    return text === undefined ? [] : wholeObjects(parseYaml(path, text), baseIndex.roleOf(path));
  };
  for (const change of changed) {
    if (!YAML_FILE.test(change.path)) continue;
    const env = environmentOf(change.path);
    if (!env) continue;
    if (change.status === 'deleted') {
      for (const old of baseObjects(change.path)) {
        out.set(`${env}|${identityOf(old)}`, {
          env,
          operation: 'DELETE',
          object: null,
          oldObject: old,
          origin: change.path,
          originIsFile: true,
        });
      }
      continue;
    }
    const parsed = parsedHead.get(change.path);
    if (!parsed) continue;
    const before = new Map(baseObjects(change.previousPath ?? change.path).map((o) => [identityOf(o), o]));
    for (const object of wholeObjects(parsed, headIndex.roleOf(change.path))) {
      const id = identityOf(object);
      const old = before.get(id) ?? null;
      if (old && sameJson(old, object)) continue;
      out.set(`${env}|${id}`, {
        env,
        operation: old ? 'UPDATE' : 'CREATE',
        object,
        oldObject: old,
        origin: change.path,
        originIsFile: true,
      });
    }
  }
  return [...out.values()];
}

/** The admission request the API server would see for a pending change. */
export function admissionRequest(
  pending: PendingRequest,
  catalog: ResourceCatalog,
  namespaceOf: (name: string) => KubeObject | null,
): AdmissionRequest {
  const subject = (pending.object ?? pending.oldObject)!;
  const resource = catalog.info(subject);
  const namespace = resource.namespaced ? (subject.metadata?.namespace ?? '') : '';
  return {
    operation: pending.operation,
    object: pending.object,
    oldObject: pending.oldObject,
    resource,
    name: subject.metadata?.name ?? '',
    namespace,
    namespaceObject: namespace ? namespaceOf(namespace) : null,
  };
}
