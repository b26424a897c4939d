import { describe, expect, it } from 'vitest';
import { MemorySnapshot } from '../../src/git/memory.js';
import { dependencyClosure } from '../../src/render/closure.js';
import { RepoIndex } from '../../src/render/repo-index.js';

const k = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

function closureOf(
  files: Record<string, string>,
  path: string,
  type: 'kustomize' | 'flux-dir' | 'plain-dir' = 'kustomize',
) {
  return dependencyClosure(new RepoIndex(MemorySnapshot.fromRecord('a'.repeat(40), files)), { path, type });
}

const OVERLAY = {
  'base/app/kustomization.yaml': k(
    'resources: [deployment.yaml, service.yaml]\nconfigurations: [kustomizeconfig.yaml]\n',
  ),
  'base/app/deployment.yaml': '',
  'base/app/service.yaml': '',
  'base/app/kustomizeconfig.yaml': '',
  'base/app/README.md': '',
  'components/tls/kustomization.yaml': 'kind: Component\npatches:\n  - path: ingress-tls.yaml\n',
  'components/tls/ingress-tls.yaml': '',
  'environments/prod/kustomization.yaml': k(
    [
      'resources: [../../base/app, pdb.yaml, https://github.com/acme/platform//monitoring?ref=v1]',
      'components: [../../components/tls]',
      'patches:',
      '  - path: patches/replicas.yaml',
      '  - patch: |-',
      '      - op: add',
      '        path: /spec/x',
      '        value: 1',
      '    target: { kind: Deployment }',
      'patchesStrategicMerge: [patches/resources.yaml]',
      'patchesJson6902: [{ target: { kind: Service, name: app }, path: patches/svc.json }]',
      'configMapGenerator:',
      '  - name: app-config',
      '    files: [application.yaml=config/app.yaml]',
      '    envs: [config/app.env]',
      'secretGenerator: [{ name: creds, env: secrets/creds.env }]',
      'replacements: [{ path: replacements/host.yaml }]',
      'crds: [crds/widget.yaml]',
      'openapi: { path: schema/openapi.json }',
      '',
    ].join('\n'),
  ),
  'environments/prod/pdb.yaml': '',
  'environments/prod/notes.md': '',
};

describe('dependency closure', () => {
  it('holds the kustomization and everything it references, transitively, and nothing else', () => {
    const closure = closureOf(OVERLAY, 'environments/prod');
    for (const path of [
      'environments/prod/kustomization.yaml',
      'environments/prod/kustomization.yml', // a second kustomization file next to the first breaks the build
      'environments/prod/pdb.yaml',
      'environments/prod/patches/replicas.yaml',
      'environments/prod/patches/resources.yaml',
      'environments/prod/patches/svc.json',
      'environments/prod/config/app.yaml',
      'environments/prod/config/app.env',
      'environments/prod/secrets/creds.env',
      'environments/prod/replacements/host.yaml',
      'environments/prod/crds/widget.yaml',
      'environments/prod/schema/openapi.json',
      'base/app/kustomization.yaml',
      'base/app/deployment.yaml',
      'base/app/service.yaml',
      'base/app/kustomizeconfig.yaml',
      'components/tls/kustomization.yaml',
      'components/tls/ingress-tls.yaml',
    ]) {
      expect(closure.contains(path), path).toBe(true);
    }
    for (const path of ['environments/prod/notes.md', 'base/app/README.md', 'environments/dev/kustomization.yaml']) {
      expect(closure.contains(path), path).toBe(false);
    }
    expect(closure.unknown).toBeUndefined();
  });

  it('counts a missing reference whether it appears as a file or as a directory', () => {
    const closure = closureOf({ 'env/kustomization.yaml': k('resources: [extra]\n') }, 'env');
    expect(closure.contains('env/extra')).toBe(true);
    expect(closure.contains('env/extra/kustomization.yaml')).toBe(true);
    expect(closure.contains('env/other.yaml')).toBe(false);
  });

  it('makes everything count when a kustomization cannot be parsed', () => {
    const closure = closureOf(
      { 'env/kustomization.yaml': k('resources: [../base]\n'), 'base/kustomization.yaml': 'resources: [a.yaml\n' },
      'env',
    );
    expect(closure.unknown).toMatch(/base\/kustomization.yaml/);
    expect(closure.contains('anything/at/all.txt')).toBe(true);
  });

  it('survives a reference cycle', () => {
    const closure = closureOf(
      { 'a/kustomization.yaml': k('resources: [../b]\n'), 'b/kustomization.yaml': k('resources: [../a, x.yaml]\n') },
      'a',
    );
    expect(closure.contains('b/x.yaml')).toBe(true);
    expect(closure.contains('a/kustomization.yaml')).toBe(true);
  });

  it('ignores absolute paths and escapes above the repository (the engine refuses them)', () => {
    const closure = closureOf(
      { 'env/kustomization.yaml': k('resources: [../../../etc/passwd, /etc/shadow]\n') },
      'env',
    );
    expect([...closure.files].filter((f) => f.includes('etc'))).toEqual([]);
  });

  it('takes a Flux directory whole, plus what its kustomizations reach outside it', () => {
    const files = {
      'clusters/prod/apps.yaml': '',
      'clusters/prod/infra/kustomization.yaml': k('resources: [../../../infrastructure/nginx]\n'),
      'infrastructure/nginx/kustomization.yaml': k('resources: [release.yaml]\n'),
      'infrastructure/nginx/release.yaml': '',
      'infrastructure/redis/release.yaml': '',
    };
    const closure = closureOf(files, 'clusters/prod', 'flux-dir');
    expect(closure.contains('clusters/prod/new/deep/file.yaml')).toBe(true);
    expect(closure.contains('infrastructure/nginx/release.yaml')).toBe(true);
    expect(closure.contains('infrastructure/redis/release.yaml')).toBe(false);
  });

  it('takes a plain directory without its sub-directories', () => {
    const closure = closureOf({ 'argocd/apps/a.yaml': '' }, 'argocd/apps', 'plain-dir');
    expect(closure.contains('argocd/apps/b.yaml')).toBe(true);
    expect(closure.contains('argocd/apps/nested/c.yaml')).toBe(false);
  });
});
