import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('envgate validate (as a process)', () => {
  it('finds nothing in the example repository', () => {
    const result = runCli(['validate', '--config', 'examples/env-repo/.envgate.yml', 'examples/env-repo'], {
      cwd: ROOT,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('');
    expect(result.code).toBe(0);
  });

  it('prints one line per finding and exits 1 on errors', () => {
    const result = runCli(
      ['validate', 'test/fixtures/validate/crd-and-widget.yaml', 'test/fixtures/validate/unknown-kind'],
      {
        cwd: ROOT,
      },
    );
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      'test/fixtures/validate/crd-and-widget.yaml:30:3 error schema/unknown-field spec.colour: unknown field (did you mean color?)',
      'test/fixtures/validate/unknown-kind/environments/dev/widget.yaml:2:7 warning schema/unknown-kind no schema for example.com/v1 Widget, so it was not checked; add its CustomResourceDefinition to the repository so envgate can check it',
      'test/fixtures/validate/unknown-kind/environments/prod/widget.yaml:2:7 error schema/unknown-kind no schema for example.com/v1 Widget, so it was not checked; add its CustomResourceDefinition to the repository so envgate can check it',
    ]);
  });

  it('prints {"findings":[…]} with --format json, and exits 0 when only warnings remain', () => {
    const result = runCli(['validate', '--format', 'json', 'test/fixtures/validate/unknown-kind/environments/dev'], {
      cwd: ROOT,
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      findings: [
        expect.objectContaining({
          rule: 'schema/unknown-kind',
          severity: 'warning',
          file: 'test/fixtures/validate/unknown-kind/environments/dev/widget.yaml',
          line: 2,
          env: 'dev',
          resource: { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w' },
        }),
      ],
    });
  });

  it.each([
    [
      ['validate'],
      /^envgate validate: give at least one PATH to validate\. Run envgate validate --help for usage\.\n$/,
    ],
    [['validate', '--format', 'xml', 'x'], /--format must be one of text, json/],
    [['validate', 'no/such/dir'], /^envgate validate: no\/such\/dir: no such file or directory\n$/],
    [['validate', '--config', 'missing.yml', '.'], /^envgate validate: cannot read config .*missing\.yml: ENOENT\n$/],
  ])('exits 2 with one line for %j', (args, message) => {
    const result = runCli(args, { cwd: ROOT });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('is listed in the help', () => {
    expect(runCli(['--help']).stdout).toMatch(/\n {2}validate {6}check manifests on disk/);
    expect(runCli(['validate', '--help']).stdout).toMatch(
      /^Usage: envgate validate \[--config FILE\] \[--format json\] PATH\.\.\./,
    );
  });
});
