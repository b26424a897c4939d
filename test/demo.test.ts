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
    expect(result.stdout).toContain(
      'environments/test/patches/probes.yaml:13 | `yaml/duplicate-key` | duplicate key "periodSeconds"',
    );
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
