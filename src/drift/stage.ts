// The drift stage: for every environment the PR touches, ask its live source (injected through ReviewInput.live:
// the core does no I/O of its own) for the objects rendered at main and at the PR head and for what the GitOps
// controller records as its own, then compare. A source that cannot answer makes that environment's drift
// unknown, with the reason; it fails the gate only when the operator's settings say so.
import type { ReviewContext, Stage } from '../core/review.js';
import { byClassThenName } from '../core/environments.js';
import type { EnvDrift, Finding } from '../core/types.js';
import type { RenderSide } from '../render/types.js';
import { compareEnvironment, plan, type RootStates } from './environment.js';
import { LiveSourceError, type LiveBinding } from './types.js';

export const driftStage: Stage = {
  name: 'drift',
  async run(ctx) {
    const live = ctx.input.live;
    if (!live) return;
    const envs = ctx.environments.filter((env) => ctx.touched.has(env.name)).sort(byClassThenName);
    const results = await Promise.all(
      envs.map(async (env): Promise<EnvDrift | undefined> => {
        const roots = ctx.rendered.filter((r) => r.env === env.name);
        if (roots.length === 0) return undefined; // nothing this PR renders lives here
        const binding = live.forEnvironment(env.name);
        if ('notConfigured' in binding) {
          return { env: env.name, status: 'not-configured', reason: binding.notConfigured, items: [] };
        }
        return driftOf(env.name, roots.map(rootStates), binding, ctx);
      }),
    );
    const environments = results.filter((r): r is EnvDrift => r !== undefined);
    if (environments.length === 0) return;
    ctx.drift = { environments };
    for (const drift of environments) {
      const binding = live.forEnvironment(drift.env);
      if (drift.status === 'unknown' && 'failGate' in binding && binding.failGate) {
        ctx.findings.push(unknownFinding(drift));
      }
    }
  },
};

function rootStates(root: { path: string; base: RenderSide; head: RenderSide }): RootStates {
  const objects = (side: RenderSide) =>
    side.status === 'ok' ? side.objects : side.status === 'absent' ? [] : undefined;
  const error =
    root.head.status === 'error' ? root.head.error : root.base.status === 'error' ? root.base.error : undefined;
  return { path: root.path, base: objects(root.base), head: objects(root.head), ...(error ? { error } : {}) };
}

async function driftOf(env: string, roots: RootStates[], binding: LiveBinding, ctx: ReviewContext): Promise<EnvDrift> {
  const { source } = binding;
  try {
    const controllers = await source.controllers(roots.map((r) => r.path));
    const planned = plan(roots, controllers);
    const live = await source.get([...planned.values()].map((p) => p.id));
    return compareEnvironment({
      env,
      source: source.description,
      roots,
      controllers,
      live,
      rules: [...binding.ignore, ...controllers.flatMap((c) => c.ignore ?? [])],
      mainShas: [ctx.pr.base.sha, ctx.pr.target.sha],
      notes: source.notes?.() ?? [],
    });
  } catch (error) {
    const reason =
      error instanceof LiveSourceError
        ? error.message
        : `internal error reading live state: ${error instanceof Error ? error.message : String(error)}`;
    return { env, status: 'unknown', reason, source: source.description, items: [] };
  }
}

function unknownFinding(drift: EnvDrift): Finding {
  return {
    rule: 'drift/unknown',
    severity: 'error',
    message: `drift preview unavailable (${drift.source}): ${drift.reason}; the settings for ${drift.env} require it (failGate)`,
    env: drift.env,
  };
}
