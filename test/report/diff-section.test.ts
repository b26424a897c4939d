import { describe, expect, it } from 'vitest';
import type { ResourceChange, Review, RootReview } from '../../src/core/types.js';
import { diffObjects } from '../../src/diff/diff.js';
import { packComment } from '../../src/report/budget.js';
import { diffSections } from '../../src/report/diff-section.js';
import { renderComment } from '../../src/report/markdown.js';
import type { KubeObject } from '../../src/render/types.js';

function deployment(namespace: string, image: string, replicas: number, extraEnv = 0): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'checkout-api', namespace },
    spec: {
      replicas,
      template: {
        spec: {
          containers: [
            {
              name: 'api',
              image,
              env: Array.from({ length: extraEnv }, (_, i) => ({ name: `FLAG_${i}`, value: `value-${i}` })),
            },
          ],
        },
      },
    },
  };
}

const IMAGE_1 =
  'ghcr.io/acme/checkout-api:1.8.1@sha256:3ab8e5ad213f77f6354504666fa08f7227a7c2ad77f4e380058f03747d73c2d5';
const IMAGE_2 = 'ghcr.io/acme/checkout-api:1.8.2';

function reviewOf(roots: RootReview[], diff: ResourceChange[], resources: Record<string, number | null>): Review {
  const env = (name: string, cls: 'low' | 'medium' | 'high' | 'critical') => ({
    name,
    class: cls,
    changedPaths: [`environments/${name}/kustomization.yaml`],
    resources: resources[name] ?? null,
    added: diff.filter((c) => c.env === name && c.change === 'added').length,
    modified: diff.filter((c) => c.env === name && c.change === 'modified').length,
    removed: diff.filter((c) => c.env === name && c.change === 'removed').length,
    errors: 0,
    warnings: 0,
  });
  return {
    version: 1,
    config: { valid: true },
    target: 'a'.repeat(40),
    base: 'b'.repeat(40),
    head: 'c'.repeat(40),
    environments: [env('test', 'medium'), env('staging', 'high'), env('prod', 'critical')],
    notReviewed: [],
    findings: [],
    roots,
    diff,
    approvals: [],
    gate: {
      validate: { state: 'pass', title: 'passed', details: [] },
      approval: { state: 'pass', title: 'ok', details: [] },
    },
    timings: { parse: 1, render: 42.4, diff: 3 },
  };
}

const ok = (path: string, env: string): RootReview => ({ path, type: 'kustomize', env, base: 'ok', head: 'ok' });

function sampleReview(extraEnv = 0): Review {
  const prod = diffObjects(
    [deployment('shop-prod', IMAGE_1, 3, extraEnv)],
    [deployment('shop-prod', IMAGE_2, 4, extraEnv)],
    { root: 'environments/prod', env: 'prod' },
  );
  const staging = diffObjects(
    [deployment('shop-staging', IMAGE_1, 2, extraEnv)],
    [deployment('shop-staging', IMAGE_2, 2, extraEnv)],
    { root: 'environments/staging', env: 'staging' },
  );
  return reviewOf(
    [
      ok('environments/prod', 'prod'),
      ok('environments/staging', 'staging'),
      {
        path: 'environments/test',
        type: 'kustomize',
        env: 'test',
        base: 'ok',
        head: 'error',
        error: 'environments/test/patches/probes.yaml: mapping key "periodSeconds" already defined at line 10',
      },
    ],
    [...staging, ...prod],
    { prod: 9, staging: 8, test: null },
  );
}

describe('rendered diff in the comment', () => {
  it('puts a summary per environment first, riskiest first, then one folded diff per resource', () => {
    const sections = diffSections(sampleReview());
    expect(sections.map((s) => s.label)).toEqual([
      'prod · diff summary',
      'prod · Deployment shop-prod/checkout-api ~ modified',
      'staging · diff summary',
      'staging · Deployment shop-staging/checkout-api ~ modified',
      'test · diff summary',
    ]);
    expect(sections[0]!.markdown).toBe(
      [
        '#### prod · rendered diff',
        '',
        '1 modified · 9 resources rendered at head',
        '',
        '- `environments/prod` (kustomize): 1 modified',
        '- 🖼️ `ghcr.io/acme/checkout-api` `1.8.1@sha256:3ab8e5ad213f…` → `1.8.2` in Deployment shop-prod/checkout-api',
      ].join('\n'),
    );
    expect(sections[1]!.markdown).toMatch(
      /^<details><summary>prod · Deployment shop-prod\/checkout-api ~ modified<\/summary>\n\n```diff\n[^]*\n- {2}replicas: 3\n\+ {2}replicas: 4\n[^]*```\n\n<\/details>$/,
    );
    expect(sections[4]!.markdown).toContain(
      '- `environments/test` (kustomize): ❌ diff suppressed: head failed to render — environments/test/patches/probes.yaml: mapping key "periodSeconds" already defined at line 10',
    );
  });

  it('fits GitHub and Azure DevOps limits with field lists for what does not fit, and says what was cut', () => {
    // 40 ConfigMaps in prod with 90 changed keys each: ~4.7 KB of diff apiece, ~190 KB in all.
    const configMap = (i: number, version: string): KubeObject => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `feature-flags-${i}`, namespace: 'shop-prod' },
      data: Object.fromEntries(Array.from({ length: 90 }, (_, k) => [`flag.${k}`, `rollout-${version}-${k}`])),
    });
    const ids = Array.from({ length: 40 }, (_, i) => i);
    const prod = diffObjects(
      ids.map((i) => configMap(i, 'a')),
      ids.map((i) => configMap(i, 'b')),
      { root: 'environments/prod', env: 'prod' },
    );
    const review = reviewOf(
      [ok('environments/prod', 'prod'), ...sampleReview().roots.slice(1)],
      [...sampleReview().diff, ...prod],
      {
        prod: 41,
        staging: 8,
      },
    );
    const total = diffSections(review).reduce((n, s) => n + s.markdown.length, 0);
    expect(total).toBeGreaterThan(150_000); // more than either platform takes
    for (const limit of [65_536, 150_000]) {
      const comment = renderComment(review, { limit });
      expect(comment.length).toBeLessThanOrEqual(limit);
      expect(comment.length).toBeGreaterThan(limit * 0.8); // packed, not just cut short
      for (const env of ['prod', 'staging', 'test']) expect(comment).toContain(`#### ${env} · rendered diff`);
      expect(comment).toContain('```diff\n');
      expect(comment).toContain('- `data["flag.0"]: rollout-a-0 → rollout-b-0`'); // a shortened one: field list
      expect(comment).toMatch(
        /Left out to fit the comment size limit: .*prod · ConfigMap shop-prod\/feature-flags-\d+ ~ modified \(shortened\)/,
      );
    }
    const github = renderComment(review, { limit: 65_536 });
    const azure = renderComment(review, { limit: 150_000 });
    const fullDiffs = (text: string) => text.split('```diff').length - 1;
    expect(fullDiffs(azure)).toBeGreaterThan(fullDiffs(github));
  });

  it('packs every summary before any diff, even when an earlier diff would fill the comment', () => {
    const sections = diffSections(sampleReview(40));
    const limit = 600 + 40 + sections[0]!.markdown.length + sections[1]!.markdown.length + 10;
    const packed = packComment('', sections, '', limit, (labels) => labels.join(', '));
    expect(packed.markdown).toContain('#### staging · rendered diff');
    expect(packed.markdown).toContain('#### test · rendered diff');
    expect(packed.markdown.indexOf('#### prod')).toBeLessThan(packed.markdown.indexOf('#### staging'));
  });

  it('names a hash rename, and fences a diff that itself holds backticks', () => {
    const changes = diffObjects(
      [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'docs-7m2dk9hb4c', namespace: 'n' },
          data: { 'README.md': 'old\n```sh\nrun\n```\n' },
        },
      ],
      [
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'docs-t8b5mfh2k7', namespace: 'n' },
          data: { 'README.md': 'new\n```sh\nrun\n```\n' },
        },
      ],
      { root: 'environments/prod', env: 'prod' },
    );
    const [, section] = diffSections(reviewOf([ok('environments/prod', 'prod')], changes, { prod: 1 }));
    expect(section!.markdown).toContain(
      '<summary>prod · ConfigMap n/docs-t8b5mfh2k7 ~ modified (was docs-7m2dk9hb4c)</summary>',
    );
    expect(section!.markdown).toMatch(/\n````diff\n[^]*\n````\n/);
  });

  it('adds nothing when no root was rendered, and the footer says how long rendering took', () => {
    expect(diffSections(reviewOf([], [], {}))).toEqual([]);
    expect(renderComment(sampleReview())).toContain('rendered 3 roots in 42 ms');
  });
});
