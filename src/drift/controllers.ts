// What the GitOps controllers record about themselves, read from their own objects wherever they come from
// (a snapshot file, the Kubernetes API, the Argo CD API): Flux Kustomizations and Argo CD Applications.
import type { KubeObject } from '../render/types.js';
import { groupOf, parseArgoResourceRef, parseFluxInventoryEntry } from './identity.js';
import { IgnoreRuleError, parseJqPath, parseJsonPointer, type IgnoreRule, type PathPattern } from './ignore.js';
import type { ControllerRecord, ObjectId } from './types.js';

export function isFluxKustomization(object: KubeObject): boolean {
  return object.kind === 'Kustomization' && groupOf(String(object.apiVersion ?? '')) === 'kustomize.toolkit.fluxcd.io';
}

export function isArgoApplication(object: KubeObject): boolean {
  return object.kind === 'Application' && groupOf(String(object.apiVersion ?? '')) === 'argoproj.io';
}

/** `./environments/prod/` → `environments/prod`, as render roots are named. */
export function normalizeRootPath(path: unknown): string | undefined {
  if (typeof path !== 'string') return undefined;
  const trimmed = path
    .trim()
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '');
  return trimmed === '.' ? '' : trimmed;
}

function nameOf(object: KubeObject): string {
  return `${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name ?? '?'}`;
}

function record(object: KubeObject): Record<string, unknown> {
  return object as Record<string, unknown>;
}

function field(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) {
    if (!current || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function fluxRecord(kustomization: KubeObject): ControllerRecord {
  const k = record(kustomization);
  const entries = field(k, 'status', 'inventory', 'entries');
  const objects = (Array.isArray(entries) ? entries : [])
    .map(parseFluxInventoryEntry)
    .filter((o): o is ObjectId => o !== undefined);
  const prune = field(k, 'spec', 'prune');
  const revision = field(k, 'status', 'lastAppliedRevision');
  const out: ControllerRecord = {
    controller: 'flux',
    owner: `Kustomization ${nameOf(kustomization)}`,
    objects,
  };
  const path = normalizeRootPath(field(k, 'spec', 'path') ?? '');
  if (path !== undefined) out.path = path;
  if (typeof prune === 'boolean') out.prune = prune;
  if (field(k, 'spec', 'suspend') === true) out.notApplying = 'suspended: nothing is applied until it is resumed';
  if (typeof revision === 'string' && revision) out.appliedRevision = revision;
  return out;
}

export interface ArgoRecordResult {
  record: ControllerRecord;
  /** ignoreDifferences entries envgate cannot apply, with why. */
  problems: string[];
}

export function argoRecord(application: KubeObject): ArgoRecordResult {
  const a = record(application);
  const resources = field(a, 'status', 'resources');
  const objects = (Array.isArray(resources) ? resources : [])
    .filter((r) => !(r && typeof r === 'object' && (r as { hook?: unknown }).hook === true))
    .map(parseArgoResourceRef)
    .filter((o): o is ObjectId => o !== undefined);
  const automated = field(a, 'spec', 'syncPolicy', 'automated');
  const autoSync = automated !== undefined && automated !== null && field(automated, 'enabled') !== false;
  const owner = `Application ${nameOf(application)}`;
  const out: ControllerRecord = {
    controller: 'argocd',
    owner,
    objects,
    prune: autoSync && field(automated, 'prune') === true,
  };
  const sources = [field(a, 'spec', 'source'), ...asArray(field(a, 'spec', 'sources'))];
  const path = sources.map((s) => normalizeRootPath(field(s, 'path'))).find((p) => p !== undefined);
  if (path !== undefined) out.path = path;
  if (!autoSync) out.notApplying = 'automated sync is off: the merge is applied when someone syncs';
  const revision = field(a, 'status', 'sync', 'revision');
  if (typeof revision === 'string' && revision) out.appliedRevision = revision;
  const { rules, problems } = argoIgnoreRules(field(a, 'spec', 'ignoreDifferences'), owner);
  if (rules.length) out.ignore = rules;
  return { record: out, problems };
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** JSON Pointers as path patterns; each one that does not parse is a problem named by `where`. */
function pointerPaths(pointers: unknown, where: string, problems: string[]): PathPattern[] {
  const paths: PathPattern[] = [];
  for (const pointer of asArray(pointers)) {
    try {
      paths.push(parseJsonPointer(String(pointer)));
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
  }
  return paths;
}

/** Argo CD `ignoreDifferences` entries as rules; entries or expressions outside the supported subset as problems. */
export function argoIgnoreRules(entries: unknown, source: string): { rules: IgnoreRule[]; problems: string[] } {
  const rules: IgnoreRule[] = [];
  const problems: string[] = [];
  asArray(entries).forEach((entry, i) => {
    if (!entry || typeof entry !== 'object') return;
    const e = entry as Record<string, unknown>;
    const paths = pointerPaths(e.jsonPointers, `${source} ignoreDifferences[${i}]`, problems);
    for (const expression of asArray(e.jqPathExpressions)) {
      try {
        paths.push(parseJqPath(String(expression)));
      } catch (error) {
        if (!(error instanceof IgnoreRuleError)) throw error;
        problems.push(`${source} ignoreDifferences[${i}]: ${error.message}; those fields are compared`);
      }
    }
    const managers = asArray(e.managedFieldsManagers).map(String);
    if (paths.length === 0 && managers.length === 0) return;
    rules.push({
      source: `${source} ignoreDifferences[${i}]`,
      match: 'argocd',
      target: {
        group: typeof e.group === 'string' ? e.group : '',
        kind: typeof e.kind === 'string' ? e.kind : '*',
        ...(typeof e.name === 'string' && e.name ? { name: e.name } : {}),
        ...(typeof e.namespace === 'string' && e.namespace ? { namespace: e.namespace } : {}),
      },
      paths,
      ...(managers.length ? { managers } : {}),
    });
  });
  return { rules, problems };
}

/** Flux `driftDetection.ignore` entries (`{ paths: [JSON Pointer], target? }`) as rules. */
export function fluxIgnoreRules(entries: unknown, source: string): { rules: IgnoreRule[]; problems: string[] } {
  const rules: IgnoreRule[] = [];
  const problems: string[] = [];
  asArray(entries).forEach((entry, i) => {
    if (!entry || typeof entry !== 'object') return;
    const e = entry as Record<string, unknown>;
    const paths = pointerPaths(e.paths, `${source}[${i}]`, problems);
    if (paths.length === 0) return;
    const target = (e.target && typeof e.target === 'object' ? e.target : {}) as Record<string, unknown>;
    const pick = (k: string) => (typeof target[k] === 'string' && target[k] ? { [k]: target[k] as string } : {});
    rules.push({
      source: `${source}[${i}]`,
      match: 'flux',
      target: {
        ...pick('group'),
        ...pick('version'),
        ...pick('kind'),
        ...pick('name'),
        ...pick('namespace'),
        ...pick('labelSelector'),
        ...pick('annotationSelector'),
      },
      paths,
    });
  });
  return { rules, problems };
}

/** Records for the given render roots: those whose path is one of them. */
export function forRoots(records: readonly ControllerRecord[], roots: readonly string[]): ControllerRecord[] {
  return records.filter((r) => r.path !== undefined && roots.includes(r.path));
}
