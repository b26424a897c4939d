import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { createRepo, type TestRepo } from './helpers/git-repo.js';

let repo: TestRepo;

beforeAll(() => {
  repo = createRepo({
    'environments/dev/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\n',
    'environments/prod/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\n',
    'bad-config.yml': 'environments:\n  prod: { paths: ["environments/prod/**"], class: urgent }\n',
  });
  repo.git('checkout', '-q', '-b', 'dev-ok');
  repo.write({
    'environments/dev/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\ndata: { a: "1" }\n',
  });
  repo.commit('dev change');
  repo.git('checkout', '-q', '-b', 'dev-broken', 'main');
  repo.write({ 'environments/dev/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app\n' });
  repo.commit('broken yaml');
  repo.git('checkout', '-q', '-b', 'prod-change', 'main');
  repo.write({
    'environments/prod/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\ndata: { b: "2" }\n',
  });
  repo.commit('prod change');
});
afterAll(() => repo.cleanup());

describe('envgate check (as a process)', () => {
  it('exits 0 when a low environment change is clean', () => {
    const result = runCli(['check', '--repo', repo.dir, '--base', 'main', '--head', 'dev-ok']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('### envgate · 1 environment · ✅ valid');
  });

  it('exits 1 with the finding when the gate fails on a YAML error', () => {
    const result = runCli(['check', '--repo', repo.dir, '--base', 'main', '--head', 'dev-broken', '--format', 'json']);
    expect(result.code).toBe(1);
    const review = JSON.parse(result.stdout);
    expect(review.findings[0]).toMatchObject({
      rule: 'yaml/syntax',
      file: 'environments/dev/app.yaml',
      line: 4,
      env: 'dev',
    });
    expect(review.gate.validate.state).toBe('fail');
  });

  it('exits 1 while prod approvals are missing', () => {
    const result = runCli(['check', '--repo', repo.dir, '--base', 'main', '--head', 'prod-change']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('⏳ approval needed (prod: 0/1)');
  });

  it('exits 2 with one line on stderr for an invalid config', () => {
    const result = runCli(
      ['check', '--repo', repo.dir, '--base', 'main', '--head', 'dev-ok', '--config', 'bad-config.yml'],
      {
        cwd: repo.dir,
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'envgate: invalid config bad-config.yml: environments.prod.class: must be one of "low", "medium", "high", "critical"\n',
    );
    expect(result.stdout).toContain('bad-config.yml is invalid');
  });

  it.each([
    [
      ['check', '--repo', '.', '--head', 'x'],
      /^envgate check: --base is required\. Run envgate check --help for usage\.\n$/,
    ],
    [['check', '--bogus'], /^envgate check: Unknown option '--bogus'/],
    [['check', '--base', 'main', '--head', 'dev-ok', '--format', 'xml'], /--format must be one of markdown, json/],
    [['check', '--base', 'nope', '--head', 'dev-ok'], /^envgate check: nope does not name a commit in /],
    [
      ['check', '--base', 'main', '--head', 'dev-ok', '--config', 'missing.yml'],
      /^envgate check: cannot read config .*missing\.yml: ENOENT\n$/,
    ],
    [['frobnicate'], /^envgate: unknown command "frobnicate"/],
  ])('exits 2 with a one-line message for %j', (args, message) => {
    const result = runCli(args, { cwd: repo.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('reports a directory that is not a git repository without a stack trace', () => {
    const result = runCli(['check', '--repo', '/', '--base', 'main', '--head', 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^envgate check: git rev-parse failed in \/: not a git repository/);
  });

  it('prints help for the tool and for every command', () => {
    const top = runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Commands:\n {2}check/);
    for (const command of ['check', 'demo']) {
      const help = runCli([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: envgate ${command}`));
    }
  });
});
