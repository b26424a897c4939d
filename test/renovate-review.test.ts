// Renovate PRs through the whole review: recognised, updates derived from the diff and summarised, auto-approved
// where the config allows, held for seniors where it does not.
import { describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../src/config/config.js';
import { review } from '../src/core/review.js';
import type { ApprovalSignal, Identity, PullRequestSnapshot, Review } from '../src/core/types.js';
import { renderJson } from '../src/report/json.js';
import { approvalSummary } from '../src/report/gates.js';
import { renderComment } from '../src/report/markdown.js';
import { CONFIG, DANA, DIGESTS, fixtureBody, renovatePr } from './helpers/renovate-repo.js';

async function run(pr: PullRequestSnapshot, signals: ApprovalSignal[] = [], members: string[] = []): Promise<Review> {
  return review({
    pr,
    config: loadRepoConfig(pr.target),
    approvals: {
      signals,
      context: {
        author: pr.author,
        headSha: pr.head.sha,
        isMember: (login) => members.includes(login),
      },
    },
  });
}

const approval = (r: Review, env: string) => r.approvals.find((a) => a.env === env)!;
const decision = (r: Review, env: string) => r.renovate!.environments.find((e) => e.env === env)!.autoApproval;

/** checkout-api 1.8.1 → 1.8.2 and db-backup 2.3.0 → 2.3.1 everywhere, the way Renovate writes them. */
const PATCH_EVERYWHERE = {
  dev: { checkout: '1.8.2', backup: 'registry.acme.internal:5000/ops/db-backup:2.3.1' },
  test: { checkout: '1.8.2', backup: 'registry.acme.internal:5000/ops/db-backup:2.3.1' },
  staging: {
    checkout: `1.8.2@${DIGESTS.checkout182}`,
    backup: `registry.acme.internal:5000/ops/db-backup:2.3.1@${DIGESTS.backup231}`,
  },
  prod: {
    checkout: `1.8.2@${DIGESTS.checkout182}`,
    backup: `registry.acme.internal:5000/ops/db-backup:2.3.1@${DIGESTS.backup231}`,
  },
};

describe('a Renovate patch PR across every environment', () => {
  it('is validated, summarised, auto-approved in dev and test, and held for seniors in staging and prod', async () => {
    const pr = renovatePr({ head: PATCH_EVERYWHERE, body: fixtureBody('github-patch-grouped.md') });
    const result = await run(pr);

    expect(result.gate.validate.state).toBe('pass');
    expect(result.renovate?.recognised).toBe(true);
    const checkout = result.renovate!.updates.filter((u) => u.package === 'ghcr.io/acme/checkout-api');
    expect(checkout.map((u) => [u.env, u.type, u.from.value, u.to.value])).toEqual([
      ['dev', 'patch', '1.8.1', '1.8.2'],
      ['test', 'patch', '1.8.1', '1.8.2'],
      ['staging', 'patch', '1.8.1', '1.8.2'],
      ['prod', 'patch', '1.8.1', '1.8.2'],
    ]);
    expect(checkout.find((u) => u.env === 'prod')!.to.digest).toBe(DIGESTS.checkout182);
    const backup = result.renovate!.updates.find((u) => u.env === 'dev' && u.package.endsWith('db-backup'))!;
    // Where it was found: the CronJob as rendered, or as written in its file when nothing rendered it.
    expect(backup).toMatchObject({ package: 'registry.acme.internal:5000/ops/db-backup', type: 'patch' });
    expect(backup.locations).toContainEqual(
      expect.objectContaining({
        resource: expect.objectContaining({ kind: 'CronJob', namespace: 'shop-dev', name: 'db-backup' }),
        field: 'containers[backup].image',
      }),
    );
    expect(result.renovate!.body.disagreements).toEqual([]);

    expect(approval(result, 'dev')).toMatchObject({
      state: 'pass',
      autoApproved: 'auto-approved by envgate: 2 patch updates',
    });
    expect(approval(result, 'test')).toMatchObject({
      state: 'pass',
      autoApproved: 'auto-approved by envgate: 2 patch updates',
    });
    expect(approval(result, 'staging')).toMatchObject({ state: 'pending', approvedBy: [] });
    expect(approval(result, 'staging').autoApproved).toBeUndefined();
    expect(approval(result, 'prod')).toMatchObject({ state: 'pending', required: 2 });
    expect(decision(result, 'prod')).toMatchObject({ approved: false, allowed: [] });
    expect(decision(result, 'prod').reason).toContain('needs senior approval');
    expect(result.gate.approval.state).toBe('pending');
    expect(result.gate.approval.details).toEqual(
      expect.arrayContaining([
        'staging: 0 of 1 approvals from @acme/platform-seniors',
        'prod: 0 of 2 approvals from @acme/platform-seniors',
        'dev: auto-approved by envgate: 2 patch updates',
      ]),
    );

    const comment = renderComment(result);
    expect(comment).toMatch(/^\| dev \| .* \| 🤖 auto-approved \|$/m);
    expect(comment).toMatch(/^\| prod \| .* \| ⏳ 0\/2 \|$/m);
    expect(comment).toContain(
      '<summary>🤖 Renovate · 8 updates · auto-approved: dev, test · ⏳ held for approval: staging, prod</summary>',
    );
    expect(comment).toContain('| prod | `ghcr.io/acme/checkout-api` | `1.8.1@5d0c4e1` → `1.8.2@40111df` | patch | ');
    expect(comment).toMatch(
      /^\| prod \| `ghcr\.io\/acme\/checkout-api` \|.*environments\/prod\/kustomization\.yaml · images\[ghcr\.io\/acme\/checkout-api\]/m,
    );
    expect(comment).toContain(
      '| prod | `registry.acme.internal:5000/ops/db-backup` | `2.3.0@9c1d2e3` → `2.3.1@b7e4f10` | patch |',
    );
    expect(comment).toContain('| dev | `registry.acme.internal:5000/ops/db-backup` | `2.3.0` → `2.3.1` | patch |');
    expect(comment).toMatch(
      /- ⏳ \*\*prod\*\* \(critical\): waiting for 2 more approvals from @acme\/platform-seniors/,
    );
    expect(JSON.parse(renderJson(result)).renovate.environments).toHaveLength(4);
  });

  it('passes the approval gate once seniors approve prod and staging', async () => {
    const pr = renovatePr({ head: PATCH_EVERYWHERE, body: fixtureBody('github-patch-grouped.md') });
    const senior = (login: string): ApprovalSignal => ({
      who: { id: login, login, isBot: false },
      kind: 'review',
      verdict: 'approve',
      commitSha: pr.head.sha,
    });
    const result = await run(pr, [senior('alice'), senior('bob')], ['alice', 'bob']);
    expect(approval(result, 'prod')).toMatchObject({ state: 'pass', approvedBy: ['alice', 'bob'] });
    expect(result.gate.approval).toMatchObject({ state: 'pass', title: 'approved' });
  });

  it('auto-approves a senior environment only with an explicit per-environment opt-in, and only for its types', async () => {
    const config = `${CONFIG}    seniorEnvironments: { prod: [patch] }\n`.replace(
      'autoApprove: { environments: [dev, test], updateTypes: [patch, digest] }',
      'autoApprove:\n    environments: [dev, test]\n    updateTypes: [patch, digest]',
    );
    const prodOnly = { prod: PATCH_EVERYWHERE.prod };
    const result = await run(renovatePr({ head: prodOnly, config, body: fixtureBody('github-patch-grouped.md') }));
    expect(
      loadRepoConfig(renovatePr({ head: {}, config }).target).config.renovate.autoApprove.seniorEnvironments,
    ).toEqual({
      prod: ['patch'],
    });
    expect(approval(result, 'prod')).toMatchObject({
      state: 'pass',
      autoApproved: 'auto-approved by envgate: 2 patch updates',
    });
    expect(result.gate.approval).toMatchObject({ state: 'pass', title: 'auto-approved' });
    expect(approvalSummary(result)).toContain(
      '| prod | 0/2 | @acme/platform-seniors | 🤖 envgate (auto-approved) | — |',
    );

    // Staging is not named under seniorEnvironments: the opt-in for prod does not reach it.
    const stagingToo = await run(
      renovatePr({ head: { staging: PATCH_EVERYWHERE.staging, prod: PATCH_EVERYWHERE.prod }, config }),
    );
    expect(approval(stagingToo, 'staging').state).toBe('pending');
    expect(approval(stagingToo, 'prod').state).toBe('pass');
  });

  it('does not auto-approve a senior environment listed only in autoApprove.environments', async () => {
    const config = CONFIG.replace('environments: [dev, test]', 'environments: [dev, test, prod]');
    const result = await run(renovatePr({ head: { prod: PATCH_EVERYWHERE.prod }, config }));
    expect(result.findings).toContainEqual(
      expect.objectContaining({ rule: 'config/renovate-senior-environment', severity: 'warning' }),
    );
    expect(approval(result, 'prod').state).toBe('pending');
  });
});

describe('what rules auto-approval out', () => {
  it('a major bump, even in dev, unless major is allowed there', async () => {
    const head = { dev: { checkout: '2.0.0' } };
    const result = await run(renovatePr({ head, body: fixtureBody('github-major.md') }));
    expect(result.renovate!.updates).toMatchObject([
      { env: 'dev', type: 'major', from: { value: '1.8.1' }, to: { value: '2.0.0' } },
    ]);
    expect(decision(result, 'dev')).toMatchObject({ approved: false });
    expect(decision(result, 'dev').reason).toContain('major update is not allowed here (allowed: patch, digest)');
    expect(approval(result, 'dev').autoApproved).toBeUndefined();

    const allowMajor = CONFIG.replace('updateTypes: [patch, digest]', 'updateTypes: [patch, digest, major]');
    const allowed = await run(renovatePr({ head, config: allowMajor, body: fixtureBody('github-major.md') }));
    expect(approval(allowed, 'dev').autoApproved).toBe('auto-approved by envgate: 1 major update');
  });

  it('a major bump reaching prod is flagged, and prod stays pending', async () => {
    const result = await run(
      renovatePr({
        head: { prod: { checkout: `2.0.0@${DIGESTS.checkout182}` } },
        body: fixtureBody('github-major.md'),
      }),
    );
    expect(result.renovate!.updates).toMatchObject([{ env: 'prod', type: 'major', flags: ['major'] }]);
    expect(renderComment(result)).toContain('| major · ⚠️ major bump |');
    expect(approval(result, 'prod').state).toBe('pending');
  });

  it('an image that loses its digest in prod: flagged, and the baseline policy fails the gate', async () => {
    const unpinned = { prod: { backup: 'registry.acme.internal:5000/ops/db-backup:2.3.1' } };
    const result = await run(renovatePr({ head: unpinned }));
    expect(result.renovate!.updates).toMatchObject([
      { env: 'prod', type: 'patch', flags: ['mutable'], to: { value: '2.3.1' } },
    ]);
    expect(renderComment(result)).toContain('| `2.3.0@9c1d2e3` → `2.3.1` | patch · 🔓 no digest |');
    expect(result.findings).toContainEqual(
      expect.objectContaining({ rule: 'policy/envgate-baseline-image-digest', severity: 'error', env: 'prod' }),
    );
    expect(result.gate.validate.state).toBe('fail');
    expect(approval(result, 'prod').state).toBe('pending');
  });

  it('an error anywhere in the review', async () => {
    const result = await run(
      renovatePr({
        head: { dev: PATCH_EVERYWHERE.dev },
        extraHead: { 'environments/test/broken.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\n' },
      }),
    );
    expect(result.gate.validate.state).toBe('fail');
    expect(decision(result, 'dev')).toMatchObject({
      approved: false,
      reason: 'not auto-approved: the review found 1 error',
    });
    expect(approval(result, 'dev').autoApproved).toBeUndefined();
  });

  it('a change beyond the version fields', async () => {
    const pr = renovatePr({ head: { dev: PATCH_EVERYWHERE.dev } });
    const cronJob = pr.head.read('environments/dev/backup-cronjob.yaml')!.replace('"17 3 * * *"', '"*/5 * * * *"');
    const result = await run(
      renovatePr({
        head: { dev: PATCH_EVERYWHERE.dev },
        extraHead: { 'environments/dev/backup-cronjob.yaml': cronJob },
      }),
    );
    const dev = result.renovate!.environments.find((e) => e.env === 'dev')!;
    expect(dev.unexplained).toHaveLength(1);
    expect(dev.unexplained[0]).toMatch(/^CronJob shop-dev\/db-backup changed beyond its versions/);
    expect(dev.autoApproval.reason).toBe('not auto-approved: 1 change beyond version updates');
    expect(renderComment(result)).toContain(
      'beyond version updates: CronJob shop-dev/db-backup changed beyond its versions',
    );
  });

  it('a body that disagrees with the diff (the body says patch, the branch holds a major)', async () => {
    const result = await run(
      renovatePr({ head: { dev: { checkout: '2.0.0' } }, body: fixtureBody('github-patch-grouped.md') }),
    );
    expect(result.renovate!.body.disagreements).toEqual([
      'the PR body says ghcr.io/acme/checkout-api → 1.8.2, the diff shows ghcr.io/acme/checkout-api 1.8.1 → 2.0.0',
      'the PR body lists registry.acme.internal:5000/ops/db-backup → 2.3.1, which changes in no environment',
    ]);
    expect(result.findings.filter((f) => f.rule === 'renovate/body-mismatch')).toHaveLength(2);
    expect(decision(result, 'dev').reason).toMatch(/not allowed here|disagree/);
    const allowMajor = CONFIG.replace('updateTypes: [patch, digest]', 'updateTypes: [patch, digest, major]');
    const majorAllowed = await run(
      renovatePr({
        head: { dev: { checkout: '2.0.0' } },
        config: allowMajor,
        body: fixtureBody('github-patch-grouped.md'),
      }),
    );
    expect(decision(majorAllowed, 'dev')).toMatchObject({
      approved: false,
      reason: 'not auto-approved: the PR body and the diff disagree',
    });
  });
});

describe('who is Renovate', () => {
  it('a person on a renovate/ branch is an ordinary PR, and the review says so', async () => {
    const result = await run(
      renovatePr({ head: { dev: PATCH_EVERYWHERE.dev }, author: DANA, body: fixtureBody('github-patch-grouped.md') }),
    );
    expect(result.renovate).toBeUndefined();
    expect(result.findings).toContainEqual(
      expect.objectContaining({ rule: 'renovate/not-renovate-author', severity: 'info' }),
    );
    expect(approval(result, 'dev').autoApproved).toBeUndefined();
    expect(renderComment(result)).not.toContain('🤖 Renovate');
  });

  it('the Renovate author on another branch is summarised but never auto-approved', async () => {
    const result = await run(renovatePr({ head: { dev: PATCH_EVERYWHERE.dev }, branch: 'deps/checkout-api-1.x' }));
    expect(result.renovate).toMatchObject({ recognised: false, branch: 'deps/checkout-api-1.x' });
    expect(result.renovate!.updates).toHaveLength(2);
    expect(decision(result, 'dev').reason).toBe('not auto-approved: not recognised as a Renovate PR');
    expect(result.findings).toContainEqual(
      expect.objectContaining({ rule: 'renovate/branch-mismatch', severity: 'info' }),
    );
  });

  it('on Azure DevOps: the bot identity by GUID, refs/heads/ branches and a body cut to 4,000 characters', async () => {
    const adoBot: Identity = {
      id: '8c5a1f2e-3b4d-4e6f-9a0b-1c2d3e4f5a6b',
      login: 'renovate@acme.onmicrosoft.com',
      displayName: 'Renovate Bot',
      isBot: false,
    };
    const config = CONFIG.replace('authors: ["renovate[bot]"]', 'authors: ["8C5A1F2E-3B4D-4E6F-9A0B-1C2D3E4F5A6B"]');
    const rows = Array.from(
      { length: 70 },
      (_, i) =>
        `| [@acme/ui-kit-${i}](https://dev.azure.com/acme/_git/ui-kit) | devDependencies | patch | \`4.${i}.0\` → \`4.${i}.1\` |`,
    );
    const full = [
      'This PR contains the following updates:',
      '',
      '| Package | Type | Update | Change |',
      '|---|---|---|---|',
      '| ghcr.io/acme/checkout-api | Kustomization | patch | `1.8.1` → `1.8.2` |',
      ...rows,
    ].join('\n');
    // What Renovate's Azure DevOps platform stores: its truncation notice, and the description cut at 4,000.
    const note = '> ℹ️ **Note**\n> \n> This PR body was truncated due to platform limits.\n\n';
    const notice = '\n\n> ✂️ **Note**\n> \n> PR body was truncated to here.\n';
    const body = (note + full).slice(0, 4000 - notice.length) + notice;
    expect(body.length).toBeLessThanOrEqual(4000);
    const pr = renovatePr({
      head: { dev: { checkout: '1.8.2' }, prod: { checkout: `1.8.2@${DIGESTS.checkout182}` } },
      extraHead: { 'frontend/package.json': '{"devDependencies":{}}\n' },
      author: adoBot,
      branch: 'refs/heads/renovate/all-minor-patch',
      platform: 'azure',
      config,
      body,
    });
    const result = await run(pr);
    expect(result.renovate).toMatchObject({ recognised: true, branch: 'renovate/all-minor-patch' });
    expect(result.renovate!.body).toMatchObject({ table: true, truncated: true, disagreements: [] });
    expect(approval(result, 'dev').autoApproved).toBe('auto-approved by envgate: 1 patch update');
    expect(approval(result, 'prod').state).toBe('pending');
  });
});

describe('updates the body does not mention', () => {
  it('a digest refresh and a first pin, cross-checked by short digest', async () => {
    const head = {
      dev: { backup: `registry.acme.internal:5000/ops/db-backup:2.3.0@${DIGESTS.backup230}` },
      staging: { checkout: `1.8.1@${DIGESTS.checkout181Rebuilt}` },
    };
    const result = await run(renovatePr({ head, body: fixtureBody('github-digest-pin.md') }));
    expect(result.renovate!.updates.map((u) => [u.env, u.type])).toEqual([
      ['dev', 'pin'],
      ['staging', 'digest'],
    ]);
    expect(result.renovate!.body.disagreements).toEqual([]);
    // pin is not in dev's allowed types (patch, digest); the staging digest needs seniors.
    expect(decision(result, 'dev').reason).toContain('pin update is not allowed here');
    expect(approval(result, 'staging').state).toBe('pending');
  });

  it('a Helm chart bump, and an image bump in its values that the body does not list', async () => {
    const chartOnly = await run(
      renovatePr({ head: { test: { chart: '6.6.0' } }, body: fixtureBody('github-helm-chart.md') }),
    );
    expect(chartOnly.renovate!.updates).toMatchObject([
      {
        env: 'test',
        datasource: 'helm',
        package: 'podinfo',
        from: { value: '6.5.4' },
        to: { value: '6.6.0' },
        type: 'minor',
        locations: expect.arrayContaining([
          expect.objectContaining({
            resource: expect.objectContaining({ kind: 'HelmRelease', name: 'podinfo' }),
            field: 'spec.chart.spec.version',
          }),
        ]),
      },
    ]);
    expect(chartOnly.renovate!.body.disagreements).toEqual([]);
    expect(decision(chartOnly, 'test').reason).toContain('minor update is not allowed here');

    const withValues = await run(
      renovatePr({
        head: { test: { chart: '6.6.0', podinfoTag: '6.6.0' } },
        body: fixtureBody('github-helm-chart.md'),
      }),
    );
    expect(withValues.renovate!.updates.find((u) => u.datasource === 'docker')).toMatchObject({
      datasource: 'docker',
      package: 'ghcr.io/stefanprodan/podinfo',
      type: 'minor',
      locations: expect.arrayContaining([expect.objectContaining({ field: 'spec.values.image.{repository,tag}' })]),
    });
    expect(withValues.renovate!.body.disagreements).toEqual([
      'the diff changes ghcr.io/stefanprodan/podinfo 6.5.4 → 6.6.0, which the PR body does not list',
    ]);
  });
});
