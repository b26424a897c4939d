// The Renovate stage: recognise the PR, derive its updates from the diff, check them against the PR body, flag what
// reaches senior environments, and prepare the auto-approval decision per environment. The approvals stage makes
// the decision final (`finaliseAutoApprovals`) once every finding is in: an error anywhere rules it out.
import { classRank } from '../core/environments.js';
import type { ReviewContext, Stage } from '../core/review.js';
import type { Finding } from '../core/types.js';
import { decideAutoApproval, needsSeniorOptIn } from './auto-approve.js';
import { parseBody } from './body.js';
import { crossCheck } from './crosscheck.js';
import { deriveUpdates } from './derive.js';
import { detectRenovate } from './detect.js';
import type { DependencyUpdate, RenovateEnvironment, RenovateReview, UpdateFlag } from './types.js';

const MAX_MISMATCH_FINDINGS = 10;

/** Code-point order: stable across locales, and cheap for the hundreds of rows of a grouped PR. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function flagsFor(update: DependencyUpdate, senior: boolean): UpdateFlag[] {
  if (!senior) return [];
  const flags: UpdateFlag[] = [];
  if (update.type === 'major') flags.push('major');
  if (update.datasource === 'docker') {
    const tag = update.to.value?.toLowerCase();
    if (tag === undefined && update.to.digest === undefined) flags.push('latest');
    else if (tag === 'latest') flags.push('latest');
    if (update.to.digest === undefined) flags.push('mutable');
  }
  return flags;
}

export const renovateStage: Stage = {
  name: 'renovate',
  run(ctx) {
    const detection = detectRenovate(ctx.pr, ctx.config.renovate);
    if (!detection.authorMatches) {
      if (detection.branchMatches) {
        ctx.findings.push({
          rule: 'renovate/not-renovate-author',
          severity: 'info',
          message:
            `branch ${detection.branch} starts with ${ctx.config.renovate.branchPrefix} but @${ctx.pr.author.login} ` +
            'is not a Renovate author (renovate.authors): reviewed as an ordinary pull request',
        });
      }
      return;
    }
    const recognised = detection.branchMatches;
    const derived = deriveUpdates({
      rendered: ctx.rendered,
      changedPaths: ctx.pr.changedPaths,
      base: ctx.pr.base,
      head: ctx.pr.head,
      environmentOf: (path) => ctx.environmentOf(path)?.name,
    });
    const envByName = new Map(ctx.environments.map((env) => [env.name, env]));
    const updates = derived.updates
      .filter((u) => envByName.has(u.env))
      .map((u) => ({ ...u, flags: flagsFor(u, needsSeniorOptIn(envByName.get(u.env)!)) }))
      .sort(
        (a, b) =>
          classRank(envByName.get(a.env)!.class) - classRank(envByName.get(b.env)!.class) ||
          byText(a.env, b.env) ||
          byText(a.package, b.package),
      );
    const body = crossCheck(updates, parseBody(ctx.pr.body, ctx.pr.platform), {
      outsideEnvironments: ctx.notReviewed,
    });
    const envNames = new Set([...ctx.touched.keys(), ...updates.map((u) => u.env), ...derived.unexplained.keys()]);
    const environments: RenovateEnvironment[] = ctx.environments
      .filter((env) => envNames.has(env.name))
      .sort((a, b) => classRank(a.class) - classRank(b.class) || a.name.localeCompare(b.name))
      .map((env) => {
        const envUpdates = updates.filter((u) => u.env === env.name);
        const unexplained = derived.unexplained.get(env.name) ?? [];
        return {
          env: env.name,
          class: env.class,
          updates: envUpdates.length,
          unexplained,
          autoApproval: decideAutoApproval({
            env,
            renovate: ctx.config.renovate,
            recognised,
            updates: envUpdates,
            unexplained,
            disagreements: body.disagreements,
          }),
        };
      });
    const review: RenovateReview = {
      recognised,
      author: ctx.pr.author.login,
      branch: detection.branch,
      updates,
      environments,
      body,
    };
    if (!recognised) {
      review.reason =
        `@${ctx.pr.author.login} is a Renovate author but branch ${detection.branch} does not start with ` +
        `${ctx.config.renovate.branchPrefix} (renovate.branchPrefix): summarised, never auto-approved`;
      ctx.findings.push({ rule: 'renovate/branch-mismatch', severity: 'info', message: review.reason });
    }
    for (const line of body.disagreements.slice(0, MAX_MISMATCH_FINDINGS)) {
      ctx.findings.push({ rule: 'renovate/body-mismatch', severity: 'warning', message: line });
    }
    ctx.renovate = review;
  },
};

/**
 * Makes the auto-approval decisions final, now that validation and policy have run: an error finding anywhere, or
 * an invalid config, rules every one out. Returns environment → the record to show ("auto-approved by envgate: …").
 */
export function finaliseAutoApprovals(
  ctx: Pick<ReviewContext, 'renovate' | 'findings' | 'input'>,
): Record<string, string> {
  const approved: Record<string, string> = {};
  if (!ctx.renovate) return approved;
  const errors = ctx.findings.filter((f: Finding) => f.severity === 'error').length;
  const invalidConfig = !ctx.input.config.valid;
  for (const env of ctx.renovate.environments) {
    if (!env.autoApproval.approved) continue;
    if (invalidConfig || errors > 0) {
      env.autoApproval = {
        ...env.autoApproval,
        approved: false,
        reason: invalidConfig
          ? 'not auto-approved: the config is invalid'
          : `not auto-approved: the review found ${errors} error${errors === 1 ? '' : 's'}`,
      };
      continue;
    }
    approved[env.env] = env.autoApproval.reason;
  }
  return approved;
}
