// The review pipeline: a PR snapshot and the target branch's config in, one Review value out. Pure: no network,
// no platform, no clock of its own (timings use the injected `now`). Each stage reads what earlier stages left in
// the ReviewContext and adds its own part; a stage that fails is reported as a finding and the rest still run.
import type { LoadedConfig, EnvironmentConfig, RepoConfig } from '../config/config.js';
import { evaluateApprovals, type ApprovalContext } from './approvals.js';
import { byClassThenName, environmentOf, groupChangedPaths, resolveEnvironments } from './environments.js';
import type {
  ApprovalSignal,
  ApprovalState,
  BreakGlass,
  DriftReport,
  EnvReview,
  Finding,
  GateState,
  PullRequestSnapshot,
  ResourceChange,
  Review,
  RootReview,
} from './types.js';
import { parseStage } from '../validate/parse-stage.js';
import { createRenderStage } from '../render/stage.js';
import { renderRoot } from '../render/index.js';
import { diffStage } from '../diff/stage.js';
import { validateStage } from '../validate/stage.js';
import { policyStage } from '../policy/stage.js';
import type { ParsedYaml } from '../validate/yaml.js';
import type { RenderedRoot } from '../render/types.js';
import { driftStage } from '../drift/stage.js';
import type { LiveSources } from '../drift/types.js';
import { finaliseAutoApprovals, renovateStage } from '../renovate/stage.js';
import type { RenovateReview } from '../renovate/types.js';

export interface ReviewInput {
  pr: PullRequestSnapshot;
  /** The config read from the target branch (or given on the command line). */
  config: LoadedConfig;
  /** Platform approval signals with the context to judge them; absent = nobody has approved (local runs). */
  approvals?: { signals: ApprovalSignal[]; context: ApprovalContext };
  /** Live state per environment for the drift preview (operator settings or `--live DIR`); absent = no preview. */
  live?: LiveSources;
  /** Milliseconds clock for timings; injected so the core stays deterministic under test. */
  now?: () => number;
}

export interface ReviewContext {
  readonly input: ReviewInput;
  readonly pr: PullRequestSnapshot;
  readonly config: RepoConfig;
  /** Every environment the config defines (or that was discovered), in match order. */
  readonly environments: readonly EnvironmentConfig[];
  /** Environments the PR touches → the changed paths in each. Stages that find more affected environments add here. */
  readonly touched: Map<string, string[]>;
  /** Changed paths outside every environment. A stage that proves a path feeds an environment removes it. */
  notReviewed: string[];
  findings: Finding[];
  roots: RootReview[];
  diff: ResourceChange[];
  /** Affected roots rendered at base and head (render stage); diff, validate, policy, drift and Renovate read them. */
  rendered: RenderedRoot[];
  /** Resources rendered at head per environment, set by the render stage. */
  resourceCounts: Map<string, number>;
  drift?: DriftReport;
  approvals: ApprovalState[];
  breakGlass?: BreakGlass;
  /** Renovate PRs: derived updates and auto-approval decisions (renovate stage). */
  renovate?: RenovateReview;
  approvalGate?: GateState;
  /** Head-side YAML of changed files, parsed once and shared by later stages. */
  parsed: Map<string, ParsedYaml>;
  environmentOf(path: string): EnvironmentConfig | undefined;
}

export interface Stage {
  name: string;
  run(ctx: ReviewContext): void | Promise<void>;
}

const approvalStage: Stage = {
  name: 'approvals',
  run(ctx) {
    const envs = ctx.environments.filter((env) => ctx.touched.has(env.name));
    const signals = ctx.input.approvals?.signals ?? [];
    const context: ApprovalContext = {
      ...(ctx.input.approvals?.context ?? { author: ctx.pr.author, headSha: ctx.pr.head.sha, isMember: () => false }),
      autoApproved: finaliseAutoApprovals(ctx),
    };
    const outcome = evaluateApprovals(envs, signals, context);
    ctx.approvals = outcome.approvals;
    ctx.breakGlass = outcome.breakGlass;
    ctx.approvalGate = outcome.gate;
  },
};

/**
 * The stages in data-path order. Later issues add theirs here: render and diff after parse, then validate,
 * policy and drift; approvals come last because the gate summary reads everything before it.
 */
export const STAGES: readonly Stage[] = [
  parseStage,
  createRenderStage(renderRoot),
  diffStage,
  validateStage,
  policyStage,
  driftStage,
  renovateStage,
  approvalStage,
];

export async function review(input: ReviewInput, stages: readonly Stage[] = STAGES): Promise<Review> {
  const now = input.now ?? (() => 0);
  const { pr } = input;
  const config = input.config.config;
  const environments = resolveEnvironments(config, [pr.target, pr.base, pr.head]);
  const grouped = groupChangedPaths(pr.changedPaths, environments);
  const ctx: ReviewContext = {
    input,
    pr,
    config,
    environments,
    touched: grouped.byEnvironment,
    notReviewed: grouped.notReviewed,
    findings: [...input.config.findings],
    roots: [],
    diff: [],
    rendered: [],
    resourceCounts: new Map(),
    approvals: [],
    parsed: new Map(),
    environmentOf: (path) => environmentOf(path, environments),
  };
  for (const path of pr.head.unreadable?.keys() ?? []) {
    if (pr.changedPaths.some((c) => c.path === path)) {
      ctx.findings.push({
        rule: 'snapshot/unreadable',
        severity: 'error',
        message: `cannot be read at head: ${pr.head.unreadable!.get(path)}`,
        file: path,
        env: ctx.environmentOf(path)?.name,
      });
    }
  }
  const timings: Record<string, number> = {};
  for (const stage of stages) {
    const started = now();
    try {
      await stage.run(ctx);
    } catch (error) {
      // A broken stage must not take the review down with it, and must not read as a pass.
      ctx.findings.push({
        rule: 'envgate/internal-error',
        severity: 'error',
        message: `the ${stage.name} stage failed: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    timings[stage.name] = Math.round((now() - started) * 10) / 10;
  }
  return assemble(ctx, input.config, timings);
}

function assemble(ctx: ReviewContext, loaded: LoadedConfig, timings: Record<string, number>): Review {
  const envReviews: EnvReview[] = ctx.environments
    .filter((env) => ctx.touched.has(env.name))
    .sort(byClassThenName)
    .map((env) => {
      const changes = ctx.diff.filter((c) => c.env === env.name);
      const findings = ctx.findings.filter((f) => f.env === env.name);
      return {
        name: env.name,
        class: env.class,
        changedPaths: ctx.touched.get(env.name) ?? [],
        resources: ctx.resourceCounts.get(env.name) ?? null,
        added: changes.filter((c) => c.change === 'added').length,
        modified: changes.filter((c) => c.change === 'modified').length,
        removed: changes.filter((c) => c.change === 'removed').length,
        errors: findings.filter((f) => f.severity === 'error').length,
        warnings: findings.filter((f) => f.severity === 'warning').length,
      };
    });
  return {
    version: 1,
    config: { source: loaded.source, valid: loaded.valid },
    target: ctx.pr.target.sha,
    base: ctx.pr.base.sha,
    head: ctx.pr.head.sha,
    environments: envReviews,
    notReviewed: ctx.notReviewed,
    findings: ctx.findings,
    roots: ctx.roots,
    diff: ctx.diff,
    drift: ctx.drift,
    approvals: ctx.approvals,
    breakGlass: ctx.breakGlass,
    renovate: ctx.renovate,
    gate: {
      validate: validateGate(ctx, loaded),
      approval: ctx.approvalGate ?? { state: 'fail', title: 'approvals not evaluated', details: [] },
    },
    timings,
  };
}

function validateGate(ctx: ReviewContext, loaded: LoadedConfig): GateState {
  const errors = ctx.findings.filter((f) => f.severity === 'error');
  const warnings = ctx.findings.filter((f) => f.severity === 'warning');
  const details = errors.slice(0, 20).map(formatFindingLine);
  if (errors.length > 20) details.push(`… and ${errors.length - 20} more`);
  if (!loaded.valid) {
    return {
      state: 'fail',
      title: `invalid config ${loaded.source}`,
      details: [`${loaded.source} is invalid: reviewed with the defaults, the gate stays closed`, ...details],
    };
  }
  if (errors.length > 0) {
    return { state: 'fail', title: `${errors.length} error${errors.length === 1 ? '' : 's'}`, details };
  }
  if (ctx.touched.size === 0) return { state: 'pass', title: 'no environment changed', details: [] };
  const title =
    warnings.length > 0 ? `passed with ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : 'passed';
  return { state: 'pass', title, details: [] };
}

export function formatFindingLine(f: Finding): string {
  const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : f.env ? `[${f.env}]` : '';
  return `${where ? `${where} · ` : ''}${f.rule} · ${f.message}`;
}
