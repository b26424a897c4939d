// Which environment does a changed path belong to? The config lists environments in match order (first match
// wins); without a config every `environments/<name>/` directory is one environment.
import { defaultApprovals, defaultClass, type EnvironmentConfig, type RepoConfig } from '../config/config.js';
import { matchesAny } from './glob.js';
import type { ChangedPath, EnvironmentClass, RepoSnapshot } from './types.js';

export const DEFAULT_ENVIRONMENTS_DIR = 'environments';

const CLASS_RANK: Record<EnvironmentClass, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function classRank(envClass: EnvironmentClass): number {
  return CLASS_RANK[envClass];
}

/** The configured environments, or one per `environments/<name>/` directory found in any of the snapshots. */
export function resolveEnvironments(config: RepoConfig, snapshots: readonly RepoSnapshot[]): EnvironmentConfig[] {
  if (config.environments) return config.environments;
  const names = new Set<string>();
  const prefix = `${DEFAULT_ENVIRONMENTS_DIR}/`;
  for (const snapshot of snapshots) {
    for (const path of snapshot.files()) {
      if (!path.startsWith(prefix)) continue;
      const slash = path.indexOf('/', prefix.length);
      if (slash > prefix.length) names.add(path.slice(prefix.length, slash));
    }
  }
  return [...names]
    .map((name) => {
      const envClass = defaultClass(name);
      return { name, paths: [`${prefix}${name}/**`], class: envClass, approvals: defaultApprovals(envClass) };
    })
    .sort(byClassThenName);
}

export function byClassThenName(a: { name: string; class: EnvironmentClass }, b: typeof a): number {
  return CLASS_RANK[a.class] - CLASS_RANK[b.class] || a.name.localeCompare(b.name);
}

export function environmentOf(path: string, environments: readonly EnvironmentConfig[]): EnvironmentConfig | undefined {
  return environments.find((env) => matchesAny(path, env.paths));
}

export interface PathsByEnvironment {
  /** Environment name → changed paths in it (a rename across environments counts in both). */
  byEnvironment: Map<string, string[]>;
  notReviewed: string[];
}

export function groupChangedPaths(
  changed: readonly ChangedPath[],
  environments: readonly EnvironmentConfig[],
): PathsByEnvironment {
  const byEnvironment = new Map<string, string[]>();
  const notReviewed: string[] = [];
  for (const change of changed) {
    const sides = change.previousPath ? [change.previousPath, change.path] : [change.path];
    const envs = new Set(sides.map((p) => environmentOf(p, environments)?.name).filter((n) => n !== undefined));
    if (envs.size === 0) notReviewed.push(change.path);
    for (const env of envs) {
      const list = byEnvironment.get(env) ?? [];
      list.push(change.path);
      byEnvironment.set(env, list);
    }
  }
  return { byEnvironment, notReviewed };
}
