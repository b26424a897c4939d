// `envgate check` on a local repository with a Renovate branch: the same review a platform gets, reproducible by
// anyone, exit code included (0 when every environment is auto-approved, 1 while prod waits for seniors).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { createRepo, type TestRepo } from './helpers/git-repo.js';
import { BASE_STATE, DIGESTS, repoFiles } from './helpers/renovate-repo.js';

let repo: TestRepo;

function renovateBranch(name: string, edits: Partial<Record<keyof typeof BASE_STATE, { checkout: string }>>): void {
  repo.git('checkout', '-q', '-b', name, 'main');
  const state = { ...BASE_STATE };
  for (const [env, edit] of Object.entries(edits))
    state[env as keyof typeof BASE_STATE] = { ...state[env as keyof typeof BASE_STATE], ...edit };
  repo.write(repoFiles(state));
  repo.git('add', '-A');
  repo.git(
    'commit',
    '-q',
    '--author',
    'renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>',
    '-m',
    'chore(deps): update ghcr.io/acme/checkout-api to v1.8.2',
  );
}

beforeAll(() => {
  repo = createRepo(repoFiles(BASE_STATE));
  renovateBranch('renovate/checkout-dev', { dev: { checkout: '1.8.2' } });
  renovateBranch('renovate/checkout-all', {
    dev: { checkout: '1.8.2' },
    prod: { checkout: `1.8.2@${DIGESTS.checkout182}` },
  });
});
afterAll(() => repo.cleanup());

describe('envgate check on a Renovate branch', () => {
  it('exits 0 for a dev patch: validated, summarised and auto-approved', () => {
    const result = runCli(['check', '--repo', repo.dir, '--base', 'main', '--head', 'renovate/checkout-dev']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('| dev | `ghcr.io/acme/checkout-api` | `1.8.1` → `1.8.2` | patch |');
    expect(result.stdout).toContain('- 🤖 **dev** (low): auto-approved by envgate: 1 patch update');
  });

  it('exits 1 while prod waits for seniors, with dev auto-approved in the JSON', () => {
    const result = runCli([
      'check',
      '--repo',
      repo.dir,
      '--base',
      'main',
      '--head',
      'renovate/checkout-all',
      '--format',
      'json',
    ]);
    expect(result.code).toBe(1);
    const review = JSON.parse(result.stdout);
    expect(review.renovate).toMatchObject({
      recognised: true,
      author: 'renovate[bot]',
      branch: 'renovate/checkout-all',
    });
    expect(review.approvals).toEqual([
      expect.objectContaining({ env: 'dev', state: 'pass', autoApproved: 'auto-approved by envgate: 1 patch update' }),
      expect.objectContaining({ env: 'prod', state: 'pending', required: 2, approvedBy: [] }),
    ]);
  });
});
