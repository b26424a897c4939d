import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

describe('envgate demo', () => {
  it('reviews the sample PR offline and prints the comment with the planted mistake', () => {
    const result = runCli(['demo']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('<!-- envgate:v1 -->');
    expect(result.stdout).toMatch(
      /### envgate · 3 environments · ❌ \d+ errors? · ⏳ approval needed \(staging: 0\/1 @acme\/platform-seniors, prod: 0\/2 @acme\/platform-seniors\)/,
    );
    // Exactly the planted mistakes: prod's image losing its digest (baseline policy on the rendered Deployment), a
    // typo'd field in a staging patch, a plain Secret in test, a duplicate key.
    const rows = result.stdout.split('\n').filter((line) => /^\| (❌|⚠️|ℹ️) \| /.test(line));
    expect(rows).toEqual([
      '| ❌ | environments/prod/kustomization.yaml · Deployment shop-prod/checkout-api | `policy/envgate-baseline-image-digest` | images must be pinned by digest (image@sha256:…) in staging and prod: api (ghcr.io/acme/checkout-api:1.8.2) |',
      '| ❌ | environments/staging/patches/rollout.yaml:10 · Deployment checkout-api | `schema/unknown-field` | spec.strategy.rollingUpdate.maxUnavailble: unknown field (did you mean maxUnavailable?) |',
      '| ❌ | environments/test/db-credentials.yaml:8 · Secret checkout-db-loadtest | `secret/plain-secret` | stringData.password: a Secret with a plain value (17 bytes) is a secret in Git; commit a SealedSecret, an ExternalSecret or a SOPS-encrypted Secret instead |',
      '| ❌ | environments/test/patches/probes.yaml:13 | `yaml/duplicate-key` | duplicate key "periodSeconds" |',
    ]);
    // The rendered diff per environment, with the generated ConfigMap's hash name and the masked Secret.
    expect(result.stdout).toContain('| prod | 8 | 0 | 1 | 0 | ❌ 1 | ⚠️ 1 drifted | ⏳ 0/2 |');
    expect(result.stdout).toContain('-  replicas: 3\n+  replicas: 4');
    expect(result.stdout).toContain('name: checkout-config-29kmmfb572');
    expect(result.stdout).toContain('+  password: "*** (17 bytes)"');
    // The drift preview: the PR reverts an out-of-band scale in prod.
    expect(result.stdout).toContain(
      '> ⚠️ this PR reverts an out-of-band change to Deployment shop-prod/checkout-api `spec.replicas` (live `5` → main `3` → PR `4`)',
    );
    expect(result.stdout).not.toContain('Tr0ub4dor');
    expect(result.stdout).toContain('Not reviewed (outside every environment): `README.md`');
  });

  it('prints the Review as JSON with --format json', () => {
    const result = runCli(['demo', '--format', 'json']);
    expect(result.code).toBe(0);
    const review = JSON.parse(result.stdout);
    expect(review.environments.map((e: { name: string }) => e.name)).toEqual(['test', 'staging', 'prod']);
    expect(review.config).toEqual({ source: '.envgate.yml', valid: true });
  });
});
