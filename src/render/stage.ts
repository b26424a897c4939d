// The render stage: find the roots at base and head, pick the ones the PR affects by their dependency closure,
// render only those on both sides, and leave the outputs for diff, validate, policy, drift and Renovate. A root that
// does not render is a finding and its side is withheld: a failed render never reads as "everything removed".
import type { RenderConfig } from '../config/config.js';
import type { ReviewContext, Stage } from '../core/review.js';
import type { EnvironmentClass, Finding, RepoSnapshot, RootReview, Severity } from '../core/types.js';
import { dependencyClosure, type Closure } from './closure.js';
import { discoverRoots, type RenderRoot } from './discovery.js';
import { RepoIndex } from './repo-index.js';
import { RenderError, type RenderOutput, type RenderSide } from './types.js';

export interface RootRenderOptions {
  engine: RenderConfig['engine'];
  loadRestrictor: RenderConfig['loadRestrictor'];
}

/** The engine's entry point (`renderRoot` in src/render/index.ts); rejects with RenderError. */
export type RenderRootFn = (
  snapshot: RepoSnapshot,
  root: RenderRoot,
  options: RootRenderOptions,
) => Promise<RenderOutput>;

/** Roots rendered at once: the built-in engine is in-process, the external one is a process per build. */
const CONCURRENCY = 4;

/** A root as both sides see it, with what decided whether the PR affects it. */
export interface RootPlan {
  path: string;
  type: RenderRoot['type'];
  base?: RenderRoot;
  head?: RenderRoot;
  baseClosure?: Closure;
  headClosure?: Closure;
  /** Why the root is affected before rendering; undefined = not affected by its closure. */
  trigger?: string;
}

/** Roots at base and head and which of them the PR affects, from kustomization files alone (no render). */
export function planRoots(
  base: RepoSnapshot,
  head: RepoSnapshot,
  config: RenderConfig,
  changedPaths: ReadonlySet<string>,
): RootPlan[] {
  const baseIndex = new RepoIndex(base);
  const headIndex = new RepoIndex(head);
  const baseRoots = discoverRoots(baseIndex, config, { fallback: headIndex });
  const headRoots = discoverRoots(headIndex, config, { fallback: baseIndex });
  const plans = new Map<string, RootPlan>();
  for (const root of baseRoots) plans.set(root.path, { path: root.path, type: root.type, base: root });
  for (const root of headRoots) {
    const plan = plans.get(root.path) ?? { path: root.path, type: root.type };
    plans.set(root.path, { ...plan, type: root.type, head: root });
  }
  for (const plan of plans.values()) {
    if (plan.base) plan.baseClosure = dependencyClosure(baseIndex, plan.base);
    if (plan.head) plan.headClosure = dependencyClosure(headIndex, plan.head);
    plan.trigger = triggerOf(plan, changedPaths);
  }
  return [...plans.values()].sort((a, b) => a.path.localeCompare(b.path));
}

function triggerOf(plan: RootPlan, changed: ReadonlySet<string>): string | undefined {
  if (!plan.base) return 'added by this change';
  if (!plan.head) return 'removed by this change';
  if (plan.base.type !== plan.head.type) return `now a ${plan.head.type} root`;
  for (const closure of [plan.baseClosure, plan.headClosure]) {
    if (closure?.unknown !== undefined) return `dependencies unknown: ${closure.unknown}`;
    const path = closure?.firstOf(changed);
    if (path !== undefined) return `depends on ${path}`;
  }
  return undefined;
}

/** The path an environment is matched against: a file inside the root directory. */
export function rootProbePath(root: string): string {
  return root ? `${root}/kustomization.yaml` : 'kustomization.yaml';
}

function optionsFor(root: RenderRoot, config: RenderConfig): RootRenderOptions {
  // Flux's kustomize-controller builds with LoadRestrictionsNone; Argo CD and `kustomize build` use the config's.
  const loadRestrictor = root.type === 'flux-dir' ? 'LoadRestrictionsNone' : config.loadRestrictor;
  return { engine: config.engine, loadRestrictor };
}

async function renderSide(
  render: RenderRootFn,
  snapshot: RepoSnapshot,
  root: RenderRoot | undefined,
  config: RenderConfig,
): Promise<{ side: RenderSide; file?: string }> {
  if (!root) return { side: { status: 'absent' } };
  try {
    const output = await render(snapshot, root, optionsFor(root, config));
    return { side: { status: 'ok', objects: output.objects, files: output.files } };
  } catch (error) {
    if (error instanceof RenderError) {
      const side: RenderSide = {
        status: 'error',
        error: oneLine(error.message),
        reason: error.reason,
        files: error.files,
      };
      return { side, file: error.file };
    }
    // A bug in an engine is still this root's failure, not the review's: report it and carry on.
    const message = error instanceof Error ? error.message : String(error);
    return { side: { status: 'error', error: `internal error: ${oneLine(message)}`, reason: 'invalid', files: [] } };
  }
}

/**
 * The first paragraph of an error, on one line. YAML parsers append a code frame after a blank line: the offending
 * source lines, which in a Secret manifest are its values. They never reach a finding or a comment.
 */
export function oneLine(message: string): string {
  const line = message
    .split(/\n[ \t]*\n/)[0]!
    .replace(/\s*\n\s*/g, ' ')
    .trim();
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}

/** Runs `fn` over `items` with at most `limit` in flight, results in input order. */
async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

interface Rendered {
  plan: RootPlan;
  base: RenderSide;
  head: RenderSide;
  /** The file the error is in, as the engine said (head's error first). */
  errorFile?: string;
}

function filesRead(side: RenderSide): readonly string[] {
  return side.status === 'absent' ? [] : side.files;
}

/** Files a render read that its closure did not predict: the closure missed a dependency kind. */
function outsideClosure(rendered: Rendered): string[] {
  const missed: string[] = [];
  for (const [side, closure] of [
    [rendered.base, rendered.plan.baseClosure],
    [rendered.head, rendered.plan.headClosure],
  ] as const) {
    if (!closure) continue;
    for (const file of filesRead(side)) if (!closure.contains(file)) missed.push(file);
  }
  return missed;
}

function sameOutput(a: RenderSide, b: RenderSide): boolean {
  return a.status === 'ok' && b.status === 'ok' && JSON.stringify(a.objects) === JSON.stringify(b.objects);
}

/**
 * After rendering, the files each render read say what really fed it. A root both sides rendered, that read no
 * changed path and renders the same, is not affected after all (a README in a Flux directory).
 */
function confirmedAffected(rendered: Rendered, changed: ReadonlySet<string>): boolean {
  const { base, head, plan } = rendered;
  if (base.status !== 'ok' || head.status !== 'ok' || plan.base?.type !== plan.head?.type) return true;
  if ([...base.files, ...head.files].some((file) => changed.has(file))) return true;
  return !sameOutput(base, head);
}

/** The changed paths that fed a root: what its renders read, or its closure where a render could not say. */
function feedingPaths(rendered: Rendered, changed: readonly string[]): string[] {
  const { base, head, plan } = rendered;
  const read = new Set([...filesRead(base), ...filesRead(head)]);
  const trustRender = base.status !== 'error' && head.status !== 'error';
  return changed.filter(
    (path) =>
      read.has(path) ||
      (!trustRender && (plan.baseClosure?.contains(path) === true || plan.headClosure?.contains(path) === true)),
  );
}

export function notRenderedSeverity(envClass: EnvironmentClass | undefined): Severity {
  // A change nobody could render must not pass quietly where it matters; elsewhere it is worth a look.
  return envClass === 'high' || envClass === 'critical' ? 'error' : 'warning';
}

function rootLabel(path: string): string {
  return path === '' ? '(repository root)' : path;
}

function errorText(side: RenderSide): string | undefined {
  if (side.status !== 'error') return undefined;
  return side.reason === 'unsupported' ? `not rendered: ${side.error}` : side.error;
}

function findingsFor(root: Rendered, env: { name: string; class: EnvironmentClass } | undefined): Finding[] {
  const { base, head, plan } = root;
  const file = root.errorFile ?? rootProbePath(plan.path);
  const where = { file, ...(env ? { env: env.name } : {}) };
  const label = rootLabel(plan.path);
  if (head.status === 'error') {
    const already = base.status === 'error' ? ' (it did not render at the base either)' : '';
    if (head.reason === 'unsupported') {
      return [
        {
          rule: 'render/not-rendered',
          severity: notRenderedSeverity(env?.class),
          message: `${label} was not rendered: ${head.error}; its changes are not shown or checked${already}`,
          ...where,
        },
      ];
    }
    return [
      {
        rule: 'render/failed',
        severity: 'error',
        message: `${label} does not render at head: ${head.error}; diff suppressed${already}`,
        ...where,
      },
    ];
  }
  if (base.status === 'error') {
    return [
      {
        rule: 'render/base-failed',
        severity: 'info',
        message: `${label} did not render at the base (${base.error}); it renders at head, but there is nothing to diff against`,
        ...where,
      },
    ];
  }
  return [];
}

export function createRenderStage(render: RenderRootFn): Stage {
  return {
    name: 'render',
    async run(ctx: ReviewContext) {
      const config = ctx.config.render;
      const changedList = [
        ...new Set(ctx.pr.changedPaths.flatMap((c) => (c.previousPath ? [c.previousPath, c.path] : [c.path]))),
      ];
      const changed = new Set(changedList);
      const plans = planRoots(ctx.pr.base, ctx.pr.head, config, changed);

      const renderPlan = async (plan: RootPlan): Promise<Rendered> => {
        const [base, head] = await Promise.all([
          renderSide(render, ctx.pr.base, plan.base, config),
          renderSide(render, ctx.pr.head, plan.head, config),
        ]);
        const errorFile = head.side.status === 'error' ? head.file : base.file;
        return { plan, base: base.side, head: head.side, ...(errorFile ? { errorFile } : {}) };
      };

      const affected = plans.filter((p) => p.trigger !== undefined);
      let rendered = await pool(affected, CONCURRENCY, renderPlan);
      if (rendered.some((r) => outsideClosure(r).length > 0)) {
        // The closure missed what a render read: it cannot be trusted to rule the other roots out, so render them
        // too and keep those that read a changed path or render differently.
        const rest = plans.filter((p) => p.trigger === undefined);
        rendered = [...rendered, ...(await pool(rest, CONCURRENCY, renderPlan))];
      }
      const kept = rendered
        .filter((r) => confirmedAffected(r, changed))
        .sort((a, b) => a.plan.path.localeCompare(b.plan.path));

      for (const root of kept) {
        const envConfig = ctx.environmentOf(rootProbePath(root.plan.path));
        const env = envConfig?.name;
        ctx.rendered.push({ path: root.plan.path, type: root.plan.type, env, base: root.base, head: root.head });
        const review: RootReview = {
          path: root.plan.path,
          type: root.plan.type,
          ...(env ? { env } : {}),
          base: root.base.status,
          head: root.head.status,
        };
        const error = errorText(root.head) ?? (root.base.status === 'error' ? `at base: ${errorText(root.base)}` : '');
        if (error) review.error = error;
        ctx.roots.push(review);
        ctx.findings.push(...findingsFor(root, envConfig));

        if (env) {
          if (root.head.status === 'ok') {
            ctx.resourceCounts.set(env, (ctx.resourceCounts.get(env) ?? 0) + root.head.objects.length);
          }
          const feeding = feedingPaths(root, changedList);
          const touched = ctx.touched.get(env) ?? [];
          for (const path of feeding) {
            const current = ctx.pr.changedPaths.find((c) => c.path === path || c.previousPath === path)?.path ?? path;
            if (!touched.includes(current)) touched.push(current);
          }
          if (touched.length > 0) ctx.touched.set(env, touched);
          const fed = new Set(feeding);
          ctx.notReviewed = ctx.notReviewed.filter((path) => !fed.has(path));
        }
      }
    },
  };
}
