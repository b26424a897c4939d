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
    // Exactly the planted mistakes: a duplicate key, a typo'd field in a staging patch, a plain Secret in test.
    const rows = result.stdout.split('\n').filter((line) => /^\| (❌|⚠️|ℹ️) \| /.test(line));
    expect(rows).toEqual([
      '| ❌ | environments/staging/patches/rollout.yaml:10 · Deployment checkout-api | `schema/unknown-field` | spec.strategy.rollingUpdate.maxUnavailble: unknown field (did you mean maxUnavailable?) |',
      '| ❌ | environments/test/db-credentials.yaml:8 · Secret checkout-db-loadtest | `secret/plain-secret` | stringData.password: a Secret with a plain value (17 bytes) is a secret in Git; commit a SealedSecret, an ExternalSecret or a SOPS-encrypted Secret instead |',
      '| ❌ | environments/test/patches/probes.yaml:13 | `yaml/duplicate-key` | duplicate key "periodSeconds" |',
    ]);
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
