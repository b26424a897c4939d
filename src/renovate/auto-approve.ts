// When envgate may approve a Renovate update on its own. Low and medium environments follow
// `renovate.autoApprove.environments` + `updateTypes`; environments whose class needs senior approval (high,
// critical) only ever through an explicit `renovate.autoApprove.seniorEnvironments.<env>: [types]` entry.
import type { EnvironmentConfig, RepoConfig } from '../config/config.js';
import type { AutoApprovalDecision, DependencyUpdate, UpdateType } from './types.js';

export function needsSeniorOptIn(env: Pick<EnvironmentConfig, 'class'>): boolean {
  return env.class === 'high' || env.class === 'critical';
}

/** The update types envgate may auto-approve in `env` under this config. */
export function allowedUpdateTypes(env: EnvironmentConfig, renovate: RepoConfig['renovate']): UpdateType[] {
  const { environments, updateTypes, seniorEnvironments } = renovate.autoApprove;
  const explicit = Object.hasOwn(seniorEnvironments, env.name) ? seniorEnvironments[env.name]! : [];
  if (needsSeniorOptIn(env)) return [...new Set(explicit)];
  const listed = environments.includes(env.name) ? updateTypes : [];
  return [...new Set([...listed, ...explicit])];
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `2 patch updates`, `3 updates (2 patch, 1 digest)`. */
export function summariseTypes(updates: readonly DependencyUpdate[]): string {
  const counts = new Map<UpdateType, number>();
  for (const u of updates) counts.set(u.type, (counts.get(u.type) ?? 0) + 1);
  if (counts.size === 1) {
    const [type, n] = [...counts][0]!;
    return `${n} ${type} update${n === 1 ? '' : 's'}`;
  }
  return `${plural(updates.length, 'update')} (${[...counts].map(([type, n]) => `${n} ${type}`).join(', ')})`;
}

export interface AutoApprovalInput {
  env: EnvironmentConfig;
  renovate: RepoConfig['renovate'];
  /** Author and branch both match. */
  recognised: boolean;
  updates: readonly DependencyUpdate[];
  unexplained: readonly string[];
  disagreements: readonly string[];
}

/** The decision for one environment, before validation results are known (the approvals stage adds those). */
export function decideAutoApproval(input: AutoApprovalInput): AutoApprovalDecision {
  const { env, updates } = input;
  const allowed = allowedUpdateTypes(env, input.renovate);
  const no = (reason: string): AutoApprovalDecision => ({ allowed, approved: false, reason });
  if (!input.recognised) return no('not auto-approved: not recognised as a Renovate PR');
  if (allowed.length === 0) {
    return no(
      needsSeniorOptIn(env)
        ? `${env.class} environment: needs senior approval (auto-approval would need renovate.autoApprove.seniorEnvironments.${env.name})`
        : `auto-approval is not enabled for ${env.name}`,
    );
  }
  if (updates.length === 0) return no('not auto-approved: no version update found in the diff');
  if (input.unexplained.length > 0) {
    return no(`not auto-approved: ${plural(input.unexplained.length, 'change')} beyond version updates`);
  }
  const refused = updates.filter((u) => !allowed.includes(u.type));
  if (refused.length > 0) {
    const types = [...new Set(refused.map((u) => u.type))].join(', ');
    return no(
      `not auto-approved: ${types} ${refused.length === 1 ? 'update is' : 'updates are'} not allowed here (allowed: ${allowed.join(', ')})`,
    );
  }
  if (input.disagreements.length > 0) return no('not auto-approved: the PR body and the diff disagree');
  return { allowed, approved: true, reason: `auto-approved by envgate: ${summariseTypes(updates)}` };
}
