// The drift stage through the whole review: rendered roots as the render stage leaves them, the live source
// injected through ReviewInput.live, the comment and the JSON evidence.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../../src/config/config.js';
import { review, STAGES, type ReviewContext, type Stage } from '../../src/core/review.js';
import type { PullRequestSnapshot } from '../../src/core/types.js';
import { snapshotDirSources } from '../../src/drift/sources/snapshot-dir.js';
import { LiveSourceError, type LiveSources } from '../../src/drift/types.js';
import { MemorySnapshot } from '../../src/git/memory.js';
import type { RenderedRoot } from '../../src/render/types.js';
import { renderComment } from '../../src/report/markdown.js';
import { renderJson } from '../../src/report/json.js';
import { LIVE, rendered, renderedRoot } from './helpers.js';

const CONFIG = parseRepoConfig(
  '.envgate.yml',
  readFileSync(new URL('../../examples/env-repo/.envgate.yml', import.meta.url), 'utf8'),
);
const MAIN = '883d6c51fb8bec0708fcbbfd66e4a6390dddb9e6';

function pr(envs: string[]): PullRequestSnapshot {
  const snap = (sha: string) => MemorySnapshot.fromRecord(sha, {});
  return {
    platform: 'local',
    id: '7',
    title: 'checkout: release 1.8.2',
    author: { id: '1', login: 'dana', isBot: false },
    sourceBranch: 'release/checkout-1.8.2',
    targetBranch: 'main',
    labels: [],
    base: snap(MAIN),
    head: snap('fa08ab4510e24f567dfd0d12125f8649b42219c5'),
    target: snap(MAIN),
    changedPaths: envs.map((env) => ({ path: `environments/${env}/kustomization.yaml`, status: 'modified' as const })),
  };
}

/** Stands in for the render stage: leaves these roots in the context, as the real one does. */
function renderStage(roots: RenderedRoot[]): Stage {
  return { name: 'render', run: (ctx: ReviewContext) => void ctx.rendered.push(...roots) };
}

function exampleRoots(): RenderedRoot[] {
  return (['staging', 'prod'] as const).map((env) => {
    const [base, head] = rendered(env);
    return renderedRoot(env, base!, head!);
  });
}

async function run(live: LiveSources | undefined, roots = exampleRoots(), envs = ['staging', 'prod']) {
  // Only the stages this test is about, so that other stages' findings on the sample do not couple to it.
  const stages = STAGES.filter((s) => s.name === 'drift' || s.name === 'approvals');
  return review({ pr: pr(envs), config: CONFIG, live }, [renderStage(roots), ...stages]);
}

describe('the drift stage', () => {
  it('shows the prod hotfix the PR reverts, and staging in sync, in the comment and the JSON', async () => {
    const result = await run(snapshotDirSources(LIVE, 'examples/live'));
    const comment = renderComment(result);
    expect(comment).toContain('| prod | — | 0 | 0 | 0 | ✅ | ⚠️ 1 drifted | ⏳ 0/2 |');
    expect(comment).toContain('| staging | — | 0 | 0 | 0 | ✅ | in sync | ⏳ 0/1 |');
    expect(comment).toContain(
      '**Drift preview · prod** <sub>(snapshot examples/live/prod)</sub>: 1 drifted, 1 will change on sync, 7 in sync',
    );
    expect(comment).toContain(
      '> ⚠️ this PR reverts an out-of-band change to Deployment shop-prod/checkout-api `spec.replicas` (live `5` → main `3` → PR `4`), changed by kubectl (scale subresource, 2026-11-19T22:14:03Z)',
    );
    expect(comment).toContain(
      '`spec.template.spec.containers[name=api].resources.limits.memory` (live `1536Mi` → main `1Gi` → PR `1Gi`; sync restores main), changed by kubectl-set',
    );
    expect(comment).toContain(
      '- Kustomization flux-system/checkout-prod: suspended: nothing is applied until it is resumed',
    );
    expect(comment).toContain(
      '**Drift preview · staging** <sub>(snapshot examples/live/staging)</sub>: 1 will change on sync, 7 in sync',
    );
    const json = JSON.parse(renderJson(result));
    const prod = json.drift.environments.find((e: { env: string }) => e.env === 'prod');
    expect(prod.items[0].reverts.map((r: { path: string }) => r.path)).toEqual([
      'spec.replicas',
      'spec.template.spec.containers[name=api].resources.limits.memory',
    ]);
    expect(result.findings).toEqual([]);
  });

  it('adds nothing without a live source', async () => {
    const result = await run(undefined);
    expect(result.drift).toBeUndefined();
    expect(renderComment(result)).not.toContain('Drift preview');
  });

  it('says which environments have no snapshot', async () => {
    const [base, head] = rendered('staging');
    const roots = [
      renderedRoot('staging', base!, head!),
      { ...renderedRoot('staging', base!, head!), path: 'environments/test', env: 'test' },
    ];
    const result = await run(snapshotDirSources(LIVE, 'examples/live'), roots, ['staging', 'test']);
    expect(result.drift?.environments.map((e) => [e.env, e.status])).toEqual([
      ['test', 'not-configured'],
      ['staging', 'checked'],
    ]);
    expect(renderComment(result)).toContain(
      '<sub>Drift preview not configured for test (no snapshot at examples/live/test).</sub>',
    );
  });

  const unreachable = (failGate: boolean): LiveSources => ({
    forEnvironment: () => ({
      failGate,
      ignore: [],
      source: {
        kind: 'kubernetes',
        description: 'kubernetes context prod-ro',
        controllers: async () => {
          throw new LiveSourceError('no answer from https://10.0.0.1:6443 within 5000 ms');
        },
        get: async () => new Map(),
      },
    }),
  });

  it('reports an unreachable source as drift unknown, without blocking', async () => {
    const result = await run(unreachable(false));
    expect(result.drift?.environments[1]).toEqual({
      env: 'prod',
      status: 'unknown',
      reason: 'no answer from https://10.0.0.1:6443 within 5000 ms',
      source: 'kubernetes context prod-ro',
      items: [],
    });
    expect(result.findings).toEqual([]);
    const comment = renderComment(result);
    expect(comment).toContain('| prod | — | 0 | 0 | 0 | ✅ | ❔ unknown | ⏳ 0/2 |');
    expect(result.gate.validate.state).toBe('pass');
    expect(comment).toContain(
      '**Drift preview · prod** <sub>(kubernetes context prod-ro)</sub>: ❔ drift unknown — no answer from https://10.0.0.1:6443 within 5000 ms',
    );
  });

  it('fails the gate on unknown drift when the settings ask for it', async () => {
    const result = await run(unreachable(true));
    expect(result.findings.filter((f) => f.rule === 'drift/unknown').map((f) => [f.env, f.severity])).toEqual([
      ['staging', 'error'],
      ['prod', 'error'],
    ]);
    expect(result.gate.validate).toMatchObject({ state: 'fail', title: '2 errors' });
  });

  it('compares nothing for a root whose head did not render, and says so', async () => {
    const [base] = rendered('prod');
    const result = await run(
      snapshotDirSources(LIVE, 'examples/live'),
      [renderedRoot('prod', base!, new Error('kustomization.yaml: invalid'))],
      ['prod'],
    );
    expect(result.drift?.environments[0]).toMatchObject({ env: 'prod', status: 'unknown', items: [] });
  });
});
