// `envgate diff` over a real git repository, with the test renderer injected (the process-level test with the
// Kustomize engine is in diff-cli.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiffCommand } from '../../src/commands/diff.js';
import { UsageError, type CliIO } from '../../src/commands/command.js';
import { createRepo, type TestRepo } from '../helpers/git-repo.js';
import { plainRender } from '../helpers/plain-renderer.js';

const k = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const cm = (name: string, value: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: "${value}"\n`;
const secret = (value: string) =>
  `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: ${value}\n`;

let repo: TestRepo;
let baseSha: string;
let headSha: string;

beforeAll(() => {
  repo = createRepo({
    'environments/dev/kustomization.yaml': k('namespace: dev\nresources: [app.yaml, role.yaml]\n'),
    'environments/dev/app.yaml': cm('app', '1'),
    'environments/dev/role.yaml':
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules: []\n',
    'environments/prod/kustomization.yaml': k('namespace: prod\nresources: [app.yaml, secret.yaml]\n'),
    'environments/prod/app.yaml': cm('app', '1'),
    'environments/prod/secret.yaml': secret('Tr0ub4dor-x9!Lq2v'),
    'environments/test/kustomization.yaml': k('resources: [app.yaml]\n'),
    'environments/test/app.yaml': cm('app', '1'),
  });
  baseSha = repo.git('rev-parse', 'HEAD');
  repo.git('checkout', '-q', '-b', 'change');
  repo.write({
    'environments/dev/app.yaml': cm('app', '2'),
    'environments/dev/role.yaml':
      'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules: [{ apiGroups: [""], resources: [pods], verbs: [get] }]\n',
    'environments/prod/secret.yaml': secret('hunter2-but-longer'),
    'environments/test/kustomization.yaml': k('resources: [app.yaml, missing.yaml]\n'),
  });
  headSha = repo.commit('change');
});
afterAll(() => repo.cleanup());

function capture(): CliIO & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (t: string) => (out += t) },
    stderr: { write: (t: string) => (err += t) },
    cwd: repo.dir,
    env: {},
    out: () => out,
    err: () => err,
  };
}

const command = createDiffCommand(plainRender);

describe('envgate diff', () => {
  it('prints exactly the JSON of DESIGN.md, and exits 1 because a root failed to render', async () => {
    const io = capture();
    const code = await command.run(['--repo', repo.dir, '--base', 'main', '--head', 'change'], io);
    expect(JSON.parse(io.out())).toEqual({
      base: baseSha,
      head: headSha,
      roots: [
        { path: 'environments/dev', type: 'kustomize', base: 'ok', head: 'ok' },
        { path: 'environments/prod', type: 'kustomize', base: 'ok', head: 'ok' },
        {
          path: 'environments/test',
          type: 'kustomize',
          base: 'ok',
          head: 'error',
          error: 'environments/test/kustomization.yaml: resource missing.yaml does not exist',
        },
      ],
      changes: [
        {
          root: 'environments/dev',
          apiVersion: 'v1',
          kind: 'ConfigMap',
          namespace: 'dev',
          name: 'app',
          change: 'modified',
        },
        {
          root: 'environments/dev',
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'ClusterRole',
          namespace: 'dev', // the test renderer sets namespace on everything; the engine leaves cluster-scoped kinds alone
          name: 'reader',
          change: 'modified',
        },
        {
          root: 'environments/prod',
          apiVersion: 'v1',
          kind: 'Secret',
          namespace: 'prod',
          name: 'db',
          change: 'modified',
        },
      ],
    });
    expect(code).toBe(1);
    expect(io.err()).toBe(
      'envgate diff: environments/test: environments/test/kustomization.yaml: resource missing.yaml does not exist\n',
    );
  });

  it('prints the diff sections as markdown, with Secret values masked', async () => {
    const io = capture();
    await command.run(['--repo', repo.dir, '--base', 'main', '--head', 'change', '--format', 'markdown'], io);
    const text = io.out();
    expect(text).toContain(`### envgate diff · base ${baseSha.slice(0, 7)} → head ${headSha.slice(0, 7)}`);
    expect(text).toContain('<summary>prod · Secret prod/db ~ modified</summary>');
    expect(text).toContain('-  password: "*** (17 bytes)"\n+  password: "*** (18 bytes, changed)"');
    expect(text).toContain('#### test · rendered diff\n\nno diff: 1 root did not render');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('Tr0ub4dor');
  });

  it('exits 0 when every affected root rendered', async () => {
    const io = capture();
    expect(await command.run(['--repo', repo.dir, '--base', 'main', '--head', 'main'], io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ roots: [], changes: [] });
  });

  it('exits 2 for usage and config errors', async () => {
    repo.write({ 'bad.yml': 'render:\n  engine: helm\n' });
    await expect(command.run(['--repo', repo.dir, '--base', 'main'], capture())).rejects.toThrow(UsageError);
    await expect(
      command.run(['--repo', repo.dir, '--base', 'main', '--head', 'x', '--format', 'yaml'], capture()),
    ).rejects.toThrow(/--format must be one of json, markdown/);
    const io2 = capture();
    await expect(
      command.run(['--repo', repo.dir, '--base', 'main', '--head', 'change', '--config', 'bad.yml'], io2),
    ).rejects.toThrow(/invalid config bad.yml: .*engine/);
  });
});
