import { describe, expect, it } from 'vitest';
import { defaultClass, loadRepoConfig, parseRepoConfig } from '../src/config/config.js';
import { MemorySnapshot } from '../src/git/memory.js';

const snapshot = (files: Record<string, string>) => MemorySnapshot.fromRecord('a'.repeat(40), files);

describe('repo config', () => {
  it('uses the defaults when there is no config file', () => {
    const loaded = loadRepoConfig(snapshot({ 'environments/prod/kustomization.yaml': 'resources: []\n' }));
    expect(loaded.valid).toBe(true);
    expect(loaded.source).toBeUndefined();
    expect(loaded.findings).toEqual([]);
    expect(loaded.config.environments).toBeUndefined(); // discovered from the tree, see environments tests
    expect(loaded.config.render).toMatchObject({ search: ['environments'], engine: 'builtin' });
    expect(loaded.config.policies).toEqual({ paths: ['policies/**'], builtin: 'baseline' });
    expect(loaded.config.renovate.authors).toEqual(['renovate[bot]']);
  });

  it('gives default classes by name, other names medium', () => {
    expect(['dev', 'test', 'staging', 'prod', 'sandbox', 'qa'].map(defaultClass)).toEqual([
      'low',
      'medium',
      'high',
      'critical',
      'medium',
      'medium',
    ]);
  });

  it('reads a valid file, keeps environment order and fills defaults per environment', () => {
    const loaded = loadRepoConfig(
      snapshot({
        '.envgate.yml': [
          'environments:',
          '  prod: { paths: ["environments/prod/**"], approvals: { count: 2, from: ["@acme/seniors"] } }',
          '  "2": { paths: ["environments/two/**"] }',
          '  staging: { paths: ["environments/staging/**"] }',
          '  dev: { paths: ["environments/dev/**"], class: low }',
          'render: { fluxDirs: ["clusters/*"] }',
        ].join('\n'),
      }),
    );
    expect(loaded.valid).toBe(true);
    expect(loaded.source).toBe('.envgate.yml');
    expect(loaded.config.environments).toEqual([
      {
        name: 'prod',
        paths: ['environments/prod/**'],
        class: 'critical',
        approvals: { count: 2, from: ['@acme/seniors'] },
      },
      { name: '2', paths: ['environments/two/**'], class: 'medium', approvals: { count: 0, from: [] } },
      { name: 'staging', paths: ['environments/staging/**'], class: 'high', approvals: { count: 1, from: [] } },
      { name: 'dev', paths: ['environments/dev/**'], class: 'low', approvals: { count: 0, from: [] } },
    ]);
    expect(loaded.config.render.fluxDirs).toEqual(['clusters/*']);
    expect(loaded.config.render.search).toEqual(['environments']);
    // staging needs approval but names no approvers: said, not an error
    expect(loaded.findings).toEqual([expect.objectContaining({ rule: 'config/approvers-unset', severity: 'info' })]);
  });

  it('also reads .github/envgate.yml, and warns when two config files exist', () => {
    const gh = loadRepoConfig(snapshot({ '.github/envgate.yml': 'policies: { builtin: none }\n' }));
    expect(gh).toMatchObject({ valid: true, source: '.github/envgate.yml' });
    expect(gh.config.policies.builtin).toBe('none');
    const both = loadRepoConfig(
      snapshot({ '.envgate.yml': 'policies: { builtin: none }\n', '.github/envgate.yml': 'policies: {}\n' }),
    );
    expect(both.source).toBe('.envgate.yml');
    expect(both.findings).toEqual([
      expect.objectContaining({ rule: 'config/ignored-file', file: '.github/envgate.yml' }),
    ]);
  });

  it('treats an empty file as the defaults', () => {
    expect(parseRepoConfig('.envgate.yml', '# nothing yet\n')).toMatchObject({ valid: true, findings: [] });
  });

  const invalid: [string, string, string, number?][] = [
    ['unknown top-level key', 'enviroments: {}\n', 'enviroments: unknown key', 1],
    ['unknown nested key', 'render:\n  engine: builtin\n  serach: [x]\n', 'render.serach: unknown key', 3],
    [
      'bad enum',
      'environments:\n  prod:\n    paths: [a]\n    class: urgent\n',
      'environments.prod.class: must be one of "low", "medium", "high", "critical"',
      4,
    ],
    [
      'wrong type',
      'environments:\n  prod:\n    paths: environments/prod\n',
      'environments.prod.paths: must be a list',
      3,
    ],
    ['missing paths', 'environments:\n  prod:\n    class: critical\n', 'environments.prod.paths: is required', 2],
    [
      'negative count',
      'environments:\n  prod:\n    paths: [a]\n    approvals: { count: -1 }\n',
      'environments.prod.approvals.count: must be >= 0',
      4,
    ],
    [
      'bad approver',
      'environments:\n  prod:\n    paths: [a]\n    approvals: { from: [" @x"] }\n',
      'environments.prod.approvals.from[0]: must not be empty or start or end with a space',
      4,
    ],
    [
      'bad environment name',
      'environments:\n  "prod env": { paths: [a] }\n',
      'environments.prod env: is not a valid name',
      1,
    ],
    [
      'secret allowance without reason',
      'secrets:\n  allow:\n    - { path: a.yaml, rule: secret/private-key }\n',
      'secrets.allow[0].reason: is required',
      3,
    ],
    [
      'unknown auto-approve environment',
      'environments:\n  dev: { paths: [a] }\nrenovate:\n  autoApprove: { environments: [dev, qa] }\n',
      'renovate.autoApprove.environments[1]: no environment named "qa"',
      4,
    ],
    ['a list instead of a mapping', '- a\n- b\n', 'invalid YAML: document 1 is a list, expected a mapping', 1],
    ['broken YAML', 'render:\n  engine: [builtin\n', 'invalid YAML:', 3],
    ['duplicate key', 'render: {}\nrender: {}\n', 'invalid YAML: duplicate key "render"', 2],
    ['two documents', 'render: {}\n---\npolicies: {}\n', 'holds several YAML documents', 3],
  ];
  it.each(invalid)('reports %s with the key, the problem and the line', (_name, text, message, line) => {
    const loaded = parseRepoConfig('.envgate.yml', text);
    expect(loaded.valid).toBe(false);
    expect(loaded.source).toBe('.envgate.yml');
    const errors = loaded.findings.filter((f) => f.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ rule: 'config/invalid', file: '.envgate.yml' });
    expect(errors.map((f) => f.message).join('\n')).toContain(message);
    if (line !== undefined) expect(errors[0]!.line).toBe(line);
    // never a silent fallback: the loaded config is the defaults, and it says it is not valid
    expect(loaded.config.environments).toBeUndefined();
  });
});
