// `envgate render`: DESIGN.md's drop-in for `kustomize build PATH` — same bytes, one-line errors, exit codes.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRepo } from '../helpers/git-repo.js';
import { runCli } from '../helpers/cli.js';
import { hasKubectl } from '../helpers/kubectl-renderer.js';

const EXAMPLES = fileURLToPath(new URL('../../examples/env-repo/', import.meta.url));

if (!hasKubectl) console.warn('kubectl is not installed: the byte-parity cases of envgate render are skipped');

const repo = createRepo({
  'base/kustomization.yaml': 'resources: [cm.yaml]\n',
  'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  level: info\n',
  'env/prod/kustomization.yaml': 'resources: [../../base]\nnamespace: shop-prod\nnamePrefix: prod-\n',
  'apps/plain/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n',
});
const first = repo.git('rev-parse', 'HEAD');
repo.write({ 'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\ndata:\n  level: debug\n' });
repo.commit('debug logging');
afterAll(() => repo.cleanup());

describe('envgate render', () => {
  it.skipIf(!hasKubectl)('prints the bytes kubectl kustomize prints for every example root', () => {
    for (const env of ['dev', 'test', 'staging', 'prod']) {
      const dir = `${EXAMPLES}environments/${env}`;
      const expected = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
      const result = runCli(['render', dir]);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(expected);
    }
  });

  it('renders a directory as committed at --rev, relative to --repo', () => {
    const then = runCli(['render', '--repo', repo.dir, '--rev', first, 'env/prod']);
    expect(then.code).toBe(0);
    expect(then.stdout).toContain('name: prod-app');
    expect(then.stdout).toContain('namespace: shop-prod');
    expect(then.stdout).toContain('level: info');
    const now = runCli(['render', 'env/prod'], { cwd: repo.dir });
    expect(now.stdout).toContain('level: debug');
  });

  it('renders a plain directory with --type plain-dir', () => {
    const result = runCli(['render', '--type', 'plain-dir', 'apps/plain'], { cwd: repo.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('kind: Service');
  });

  it('exits 1 with one line when the root does not render, and 2 for usage errors', () => {
    const missing = runCli(['render', 'apps'], { cwd: repo.dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toContain("unable to find one of 'kustomization.yaml'");
    for (const args of [
      ['render'],
      ['render', 'a', 'b'],
      ['render', '--load-restrictor', 'Nope', 'env/prod'],
      ['render', '../..'],
    ]) {
      const result = runCli(args, { cwd: repo.dir });
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
