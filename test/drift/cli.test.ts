// `envgate check --live DIR` and ENVGATE_SETTINGS from the command line, as a process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createRepo } from '../helpers/git-repo.js';
import { LIVE } from './helpers.js';

const repo = createRepo({
  'environments/dev/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\ndata: { a: "1" }\n',
});
repo.commit('main');
repo.git('checkout', '-q', '-b', 'change');
repo.write({
  'environments/dev/app.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\ndata: { a: "2" }\n',
});
repo.commit('change');
afterAll(() => repo.cleanup());

const check = (...args: string[]) => ['check', '--repo', repo.dir, '--base', 'main', '--head', 'change', ...args];

describe('envgate check --live', () => {
  it('documents --live in --help', () => {
    const help = runCli(['check', '--help']);
    expect(help.stdout).toContain('--live DIR');
    expect(help.stdout).toContain('ENVGATE_SETTINGS');
  });

  it('accepts a snapshot directory', () => {
    const result = runCli(check('--live', LIVE, '--format', 'json'), { env: { ENVGATE_SETTINGS: '' } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('refuses a --live that is not a directory, with exit 2', () => {
    const result = runCli(check('--live', join(repo.dir, 'nope')));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^envgate check: --live .*nope: not a directory\n$/);
  });

  it('refuses invalid operator settings with exit 2 and the key at fault', () => {
    const dir = mkdtempSync(join(tmpdir(), 'envgate-settings-'));
    const settings = join(dir, 'settings.yaml');
    writeFileSync(settings, 'drift:\n  prod: { source: kubernetes, timeoutMs: 5000 }\n');
    const result = runCli(check(), { env: { ENVGATE_SETTINGS: settings } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `envgate check: ENVGATE_SETTINGS: ${settings}: drift.prod.context must be a non-empty string (required)\n`,
    );
  });
});
