// Reading a kustomization file for what it points at, without rendering anything: root discovery needs to know
// which directories a kustomization pulls in, and the affected-roots closure needs every path whose change could
// change the output. Lenient by design: anything we cannot read is reported, never guessed.
import { posix } from 'node:path';
import type { RepoSnapshot } from '../core/types.js';
import { parseYaml } from '../validate/yaml.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** Where a reference came from: directory-or-file references may hold another kustomization. */
export type RefRole = 'resource' | 'component' | 'file';

export interface KustomizationRef {
  /** Repository-relative, normalised. */
  path: string;
  role: RefRole;
  /** The kustomization field it came from, for messages. */
  field: string;
}

export interface KustomizationInfo {
  /** The kustomization file's repository path. */
  file: string;
  kind: 'Kustomization' | 'Component';
  refs: KustomizationRef[];
  /** References envgate never follows: remote bases, Helm charts pulled from a repository. */
  remote: string[];
  /** Set when the file could not be parsed as a kustomization: nothing else here can be trusted. */
  invalid?: string;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);
const mappings = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter(isMapping) : []);

/** A reference Kustomize would fetch over the network (git, http, `github.com/org/repo//path`). */
export function isRemoteRef(ref: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(ref) ||
    /^git@/.test(ref) ||
    /^(github\.com|gitlab\.com|bitbucket\.org|ssh\.dev\.azure\.com|dev\.azure\.com)\//i.test(ref)
  );
}

/**
 * `ref` relative to directory `dir`, inside the repository; undefined for absolute paths and `../` escapes
 * above the repository root (the engine refuses those, so they feed nothing).
 */
export function resolveRef(dir: string, ref: string): string | undefined {
  if (ref.startsWith('/')) return undefined;
  const joined = posix.normalize(posix.join(dir, ref));
  if (joined === '..' || joined.startsWith('../')) return undefined;
  return joined === '.' ? '' : joined.replace(/\/+$/, '');
}

/** The kustomization file in `dir` (first of Kustomize's accepted names), if any. */
export function kustomizationFileIn(
  snapshot: RepoSnapshot,
  dir: string,
  files?: ReadonlySet<string>,
): string | undefined {
  for (const name of KUSTOMIZATION_FILES) {
    const path = dir ? `${dir}/${name}` : name;
    if (files ? files.has(path) : snapshot.read(path) !== undefined) return path;
  }
  return undefined;
}

/** Reads what a kustomization file references. Paths are resolved against the file's directory. */
export function readKustomization(path: string, text: string | undefined): KustomizationInfo {
  const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path);
  const info: KustomizationInfo = { file: path, kind: 'Kustomization', refs: [], remote: [] };
  if (text === undefined) return { ...info, invalid: 'cannot be read' };
  const parsed = parseYaml(path, text);
  if (parsed.findings.length > 0) return { ...info, invalid: parsed.findings[0]!.message };
  if (parsed.documents.length > 1) return { ...info, invalid: 'holds several YAML documents' };
  const value = parsed.documents[0]?.value ?? {};
  if (!isMapping(value)) return { ...info, invalid: 'is not a mapping' };
  if (value.kind === 'Component') info.kind = 'Component';

  const add = (ref: string, role: RefRole, field: string) => {
    if (isRemoteRef(ref)) {
      info.remote.push(ref);
      return;
    }
    const resolved = resolveRef(dir, ref);
    if (resolved !== undefined) info.refs.push({ path: resolved, role, field });
  };

  for (const ref of strings(value.resources)) add(ref, 'resource', 'resources');
  for (const ref of strings(value.bases)) add(ref, 'resource', 'bases');
  for (const ref of strings(value.components)) add(ref, 'component', 'components');
  for (const field of ['crds', 'configurations']) {
    for (const ref of strings(value[field])) add(ref, 'file', field);
  }
  // Inline patches are strings holding YAML; a path never holds a newline.
  for (const ref of strings(value.patchesStrategicMerge)) {
    if (!ref.includes('\n')) add(ref, 'file', 'patchesStrategicMerge');
  }
  for (const field of ['patches', 'patchesJson6902', 'replacements']) {
    for (const entry of mappings(value[field])) {
      if (typeof entry.path === 'string') add(entry.path, 'file', field);
    }
  }
  // Transformer, generator and validator entries are files or directories of plugin configs, or inline YAML.
  for (const field of ['transformers', 'generators', 'validators']) {
    for (const ref of strings(value[field])) {
      if (!ref.includes('\n')) add(ref, 'resource', field);
    }
  }
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    for (const entry of mappings(value[field])) {
      for (const source of [...strings(entry.files), ...strings(entry.envs), ...strings([entry.env])]) {
        // `files: [key=path]` names the key; the path follows the first `=`.
        add(source.includes('=') ? source.slice(source.indexOf('=') + 1) : source, 'file', field);
      }
    }
  }
  if (isMapping(value.openapi) && typeof value.openapi.path === 'string') add(value.openapi.path, 'file', 'openapi');
  const charts = mappings(value.helmCharts);
  // Local charts live in `chartHome`, `charts/` beside the kustomization unless helmGlobals says otherwise.
  if (charts.length > 0 && !(isMapping(value.helmGlobals) && typeof value.helmGlobals.chartHome === 'string')) {
    add('charts', 'file', 'helmCharts');
  }
  for (const chart of charts) {
    for (const ref of [...strings([chart.valuesFile]), ...strings(chart.additionalValuesFiles)]) {
      add(ref, 'file', 'helmCharts');
    }
    if (typeof chart.repo === 'string' && chart.repo !== '') info.remote.push(chart.repo);
  }
  if (isMapping(value.helmGlobals)) {
    for (const ref of [...strings([value.helmGlobals.chartHome]), ...strings([value.helmGlobals.configHome])]) {
      add(ref, 'file', 'helmGlobals');
    }
  }
  return info;
}
