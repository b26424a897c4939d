import { describe, expect, it } from 'vitest';
import { parseRepoConfig, loadRepoConfig } from '../src/config/config.js';
import { review, type Stage } from '../src/core/review.js';
import type { PullRequestSnapshot } from '../src/core/types.js';
import { memoryPr } from './helpers/memory-pr.js';
import { packComment } from '../src/report/budget.js';
import { COMMENT_MARKER, renderComment } from '../src/report/markdown.js';

const BASE = {
  'environments/staging/kustomization.yaml': 'resources: [app.yaml]\n',
  'environments/staging/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\n',
  'environments/prod/kustomization.yaml': 'resources: [app.yaml]\n',
  'environments/prod/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\n',
};

function pr(headFiles: Record<string, string>, changed: PullRequestSnapshot['changedPaths']): PullRequestSnapshot {
  return memoryPr(BASE, { ...BASE, ...headFiles }, { changedPaths: changed });
}

describe('review pipeline', () => {
  it('turns YAML problems in changed files into findings for their environment, and fails the gate', async () => {
    const input = pr(
      {
        'environments/prod/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\nmetadata: {}\n',
        'environments/staging/patch.yaml': '- op: replace\n  path: /spec/replicas\n  value: 2\n',
        'environments/staging/list.yaml': '- just\n- a list\n',
        'docs/notes.md': 'hello',
      },
      [
        { path: 'environments/prod/app.yaml', status: 'modified' },
        { path: 'environments/staging/patch.yaml', status: 'added' },
        { path: 'environments/staging/list.yaml', status: 'added' },
        { path: 'docs/notes.md', status: 'added' },
      ],
    );
    const result = await review({ pr: input, config: loadRepoConfig(input.target) });
    expect(result.findings).toEqual([
      expect.objectContaining({ rule: 'yaml/duplicate-key', file: 'environments/prod/app.yaml', line: 4, env: 'prod' }),
      expect.objectContaining({
        rule: 'yaml/not-a-mapping',
        file: 'environments/staging/list.yaml',
        line: 1,
        env: 'staging',
      }),
      // The broken file is part of the prod root: it does not render, so its diff is withheld and said so.
      expect.objectContaining({
        rule: 'render/failed',
        file: 'environments/prod/app.yaml',
        env: 'prod',
        message: expect.stringMatching(/metadata/) as unknown,
      }),
    ]);
    expect(result.environments.map((e) => [e.name, e.class, e.errors])).toEqual([
      ['staging', 'high', 1],
      ['prod', 'critical', 2],
    ]);
    expect(result.notReviewed).toEqual(['docs/notes.md']);
    expect(result.gate.validate).toMatchObject({ state: 'fail', title: '3 errors' });
    expect(result.gate.approval.state).toBe('pending');
    expect(Object.keys(result.timings)).toEqual([
      'parse',
      'render',
      'diff',
      'validate',
      'policy',
      'drift',
      'renovate',
      'approvals',
    ]);
  });

  it('passes a PR that touches no environment, and lists its paths as not reviewed', async () => {
    const input = pr({ 'README.md': '# hi' }, [{ path: 'README.md', status: 'added' }]);
    const result = await review({ pr: input, config: loadRepoConfig(input.target) });
    expect(result.environments).toEqual([]);
    expect(result.gate.validate).toMatchObject({ state: 'pass', title: 'no environment changed' });
    expect(result.gate.approval).toMatchObject({ state: 'pass', title: 'no approval required' });
    expect(result.notReviewed).toEqual(['README.md']);
  });

  it('fails the gate when the config is invalid, and says so in the comment', async () => {
    const input = pr({}, [{ path: 'environments/staging/app.yaml', status: 'modified' }]);
    const config = parseRepoConfig('.envgate.yml', 'environments:\n  staging: { paths: [x], klass: high }\n');
    const result = await review({ pr: input, config });
    expect(result.config).toEqual({ source: '.envgate.yml', valid: false });
    expect(result.gate.validate.state).toBe('fail');
    expect(result.findings[0]).toMatchObject({
      rule: 'config/invalid',
      message: 'environments.staging.klass: unknown key',
    });
    expect(renderComment(result)).toContain('.envgate.yml is invalid');
  });

  it('reports a stage that throws as a finding and still runs the rest', async () => {
    const input = pr({}, [{ path: 'environments/prod/app.yaml', status: 'modified' }]);
    const ran: string[] = [];
    const stages: Stage[] = [
      {
        name: 'boom',
        run: () => {
          throw new Error('kaboom');
        },
      },
      { name: 'after', run: () => void ran.push('after') },
    ];
    const result = await review({ pr: input, config: loadRepoConfig(input.target) }, stages);
    expect(ran).toEqual(['after']);
    expect(result.findings).toEqual([
      expect.objectContaining({ rule: 'envgate/internal-error', message: 'the boom stage failed: kaboom' }),
    ]);
    expect(result.gate.validate.state).toBe('fail');
    expect(result.gate.approval.state).toBe('fail'); // approvals never evaluated: never a pass
  });
});

describe('comment', () => {
  it('starts with the hidden marker and a headline that says what is wrong and what is needed', async () => {
    const input = pr({ 'environments/prod/app.yaml': 'a: 1\na: 2\n' }, [
      { path: 'environments/prod/app.yaml', status: 'modified' },
    ]);
    const comment = renderComment(await review({ pr: input, config: loadRepoConfig(input.target) }));
    const lines = comment.split('\n');
    expect(lines[0]).toBe(COMMENT_MARKER);
    // The duplicate key, and the prod root that cannot render because of it.
    expect(lines[1]).toBe('### envgate · 1 environment · ❌ 2 errors · ⏳ approval needed (prod: 0/1)');
    expect(comment).toContain('| prod | — | 0 | 0 | 0 | ❌ 2 | — | ⏳ 0/1 |');
    expect(comment).toContain('| ❌ | environments/prod/app.yaml:2 | `yaml/duplicate-key` | duplicate key "a" |');
  });

  it('packs sections greedily into the limit and names what it left out', () => {
    const sections = [
      { label: 'small', markdown: 's'.repeat(100) },
      { label: 'huge', markdown: 'h'.repeat(5000), compact: 'h-compact' },
      { label: 'medium', markdown: 'm'.repeat(2000) },
      { label: 'too big', markdown: 't'.repeat(5000) },
    ];
    const packed = packComment('HEAD', sections, 'FOOT', 3000, (labels) => `left out: ${labels.join(', ')}`);
    expect(packed.markdown.length).toBeLessThanOrEqual(3000);
    expect(packed.shortened).toEqual(['huge']);
    expect(packed.omitted).toEqual(['too big']);
    expect(packed.markdown).toContain('m'.repeat(2000));
    expect(packed.markdown).toContain('h-compact');
    expect(packed.markdown).toContain('left out: huge (shortened), too big');
    expect(packed.markdown.startsWith('HEAD')).toBe(true);
    expect(packed.markdown.endsWith('FOOT')).toBe(true);
  });
});
