import { describe, expect, it } from 'vitest';
import { parseRepoConfig } from '../src/config/config.js';
import { environmentOf, groupChangedPaths, resolveEnvironments } from '../src/core/environments.js';
import { MemorySnapshot } from '../src/git/memory.js';

const tree = (paths: string[]) =>
  MemorySnapshot.fromRecord('b'.repeat(40), Object.fromEntries(paths.map((p) => [p, ''])));

describe('environments', () => {
  it('discovers one environment per environments/<name>/ directory, with default classes and approvals', () => {
    const base = tree([
      'environments/prod/kustomization.yaml',
      'environments/dev/a.yaml',
      'base/x.yaml',
      'environments/README.md',
    ]);
    const head = tree(['environments/qa/kustomization.yaml', 'environments/staging/x/y.yaml']);
    const envs = resolveEnvironments(parseRepoConfig('c', '').config, [base, head]);
    expect(envs.map((e) => [e.name, e.class, e.approvals.count])).toEqual([
      ['dev', 'low', 0],
      ['qa', 'medium', 0],
      ['staging', 'high', 1],
      ['prod', 'critical', 1],
    ]);
    expect(envs.find((e) => e.name === 'prod')!.paths).toEqual(['environments/prod/**']);
  });

  it('maps a path to the first matching environment', () => {
    const { config } = parseRepoConfig(
      '.envgate.yml',
      'environments:\n  prod-eu: { paths: ["clusters/prod-eu/**", "environments/prod/eu/**"] }\n  prod: { paths: ["environments/prod/**"] }\n',
    );
    const envs = resolveEnvironments(config, []);
    expect(environmentOf('environments/prod/eu/app.yaml', envs)?.name).toBe('prod-eu');
    expect(environmentOf('environments/prod/us/app.yaml', envs)?.name).toBe('prod');
    expect(environmentOf('/clusters/prod-eu/flux.yaml', envs)?.name).toBe('prod-eu');
    expect(environmentOf('environments/production/app.yaml', envs)).toBeUndefined();
  });

  it('puts renames in both environments, keeps deletions, and lists the rest as not reviewed', () => {
    const envs = resolveEnvironments(parseRepoConfig('c', '').config, [
      tree(['environments/staging/a.yaml', 'environments/prod/a.yaml']),
    ]);
    const grouped = groupChangedPaths(
      [
        { path: 'environments/prod/app.yaml', previousPath: 'environments/staging/app.yaml', status: 'renamed' },
        { path: 'environments/prod/old.yaml', status: 'deleted' },
        { path: 'docs/runbook.md', status: 'modified' },
        { path: 'docs/new.md', previousPath: 'docs/old.md', status: 'renamed' },
      ],
      envs,
    );
    expect(Object.fromEntries(grouped.byEnvironment)).toEqual({
      staging: ['environments/prod/app.yaml'],
      prod: ['environments/prod/app.yaml', 'environments/prod/old.yaml'],
    });
    expect(grouped.notReviewed).toEqual(['docs/runbook.md', 'docs/new.md']);
  });
});
