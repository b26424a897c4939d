// Rendering a root whatever its type: Flux directories (the kustomization Flux generates), Argo CD plain
// directories, and the external engine (`render.engine: kustomize`), checked against `kubectl kustomize`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySnapshot } from '../../src/git/memory.js';
import { fluxResources, fluxView } from '../../src/render/flux-dir.js';
import { renderRoot } from '../../src/render/index.js';
import { renderPlainDir } from '../../src/render/plain-dir.js';
import { RenderError } from '../../src/render/types.js';
import { cleanupKubectlTrees, hasKubectl } from '../helpers/kubectl-renderer.js';

if (!hasKubectl) console.warn('kubectl is not installed: the external-engine cases are skipped');
afterAll(() => cleanupKubectlTrees());

const cm = (name: string, extra = '') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v${extra}\n`;

// A Flux cluster directory as `flux bootstrap` and the Flux docs lay them out: no kustomization of its own, apps
// in sub-directories, one of which is a kustomize overlay.
const FLUX_TREE: Record<string, string> = {
  'clusters/prod/flux-system/gotk-sync.yaml': cm('gotk-sync'),
  'clusters/prod/flux-system/kustomization.yaml': 'resources: [gotk-sync.yaml]\nnamespace: flux-system\n',
  'clusters/prod/apps/podinfo/release.yaml': cm('podinfo'),
  'clusters/prod/apps/podinfo/values.yml': cm('podinfo-values'),
  'clusters/prod/apps/podinfo/README.md': '# not YAML, not listed',
  'clusters/prod/apps-first.yaml': cm('apps-first'),
  'clusters/prod/z-last.yaml': `${cm('z1')}---\n${cm('z2')}`,
  'clusters/prod/infra/overlay/kustomization.yaml': 'resources: [../../../../base]\nnamePrefix: prod-\n',
  'clusters/prod/infra/overlay/ignored.yaml': cm('inside-overlay-not-listed'),
  'base/kustomization.yaml': 'resources: [svc.yaml]\n',
  'base/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n',
};

describe('Flux directories', () => {
  it('lists YAML files in name order, takes a sub-directory with a kustomization whole, skips other files', () => {
    const snapshot = MemorySnapshot.fromRecord('1'.repeat(40), FLUX_TREE);
    expect(fluxResources(snapshot, 'clusters/prod')).toEqual([
      'apps/podinfo/release.yaml',
      'apps/podinfo/values.yml',
      'apps-first.yaml',
      'flux-system',
      'infra/overlay',
      'z-last.yaml',
    ]);
  });

  it('uses the directory as it is when it has a kustomization, and never reports the generated file as read', async () => {
    const snapshot = MemorySnapshot.fromRecord('1'.repeat(40), FLUX_TREE);
    expect(fluxView(snapshot, 'clusters/prod/flux-system').generated).toBeUndefined();
    const view = fluxView(snapshot, 'clusters/prod');
    expect(view.generated).toBe('clusters/prod/kustomization.yaml');
    expect(view.snapshot.read('clusters/prod/kustomization.yaml')).toContain('- "apps/podinfo/release.yaml"');
    expect(snapshot.read('clusters/prod/kustomization.yaml')).toBeUndefined();
  });

  it.skipIf(!hasKubectl)('renders what kubectl renders for the kustomization Flux writes', async () => {
    const snapshot = MemorySnapshot.fromRecord('1'.repeat(40), FLUX_TREE);
    const output = await renderRoot(
      snapshot,
      { path: 'clusters/prod', type: 'flux-dir' },
      { engine: 'kustomize', loadRestrictor: 'LoadRestrictionsNone' },
    );
    // The reference: the tree on disk with the kustomization Flux's generator would write.
    const dir = mkdtempSync(join(tmpdir(), 'envgate-flux-'));
    try {
      for (const [path, text] of Object.entries(FLUX_TREE)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      writeFileSync(
        join(dir, 'clusters/prod/kustomization.yaml'),
        `resources:\n${fluxResources(snapshot, 'clusters/prod')
          .map((r) => `- ${r}\n`)
          .join('')}`,
      );
      const expected = execFileSync(
        'kubectl',
        ['kustomize', join(dir, 'clusters/prod'), '--load-restrictor=LoadRestrictionsNone'],
        {
          encoding: 'utf8',
        },
      );
      const names = output.objects.map((o) => o.metadata?.name);
      expect(names).toEqual([...expected.matchAll(/^ {2}name: (\S+)$/gm)].map((m) => m[1]).filter((n) => n !== 'k'));
      expect(names).toContain('prod-web');
      expect(names).not.toContain('inside-overlay-not-listed');
      // The external engine cannot say what it read: the root's closure stands in, without the generated file.
      expect(output.files).toContain('clusters/prod/apps/podinfo/release.yaml');
      expect(output.files).toContain('base/svc.yaml');
      expect(output.files).not.toContain('clusters/prod/kustomization.yaml');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!hasKubectl)('fails like Flux on a YAML file that is not Kubernetes YAML', async () => {
    const snapshot = MemorySnapshot.fromRecord('1'.repeat(40), {
      'clusters/dev/app.yaml': cm('app'),
      'clusters/dev/broken.yaml': 'a: [\n',
    });
    const failure = await renderRoot(
      snapshot,
      { path: 'clusters/dev', type: 'flux-dir' },
      { engine: 'kustomize', loadRestrictor: 'LoadRestrictionsNone' },
    ).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RenderError);
    expect((failure as RenderError).message).toContain('broken.yaml');
  });
});

describe('plain directories (Argo CD directory apps)', () => {
  const snapshot = MemorySnapshot.fromRecord('1'.repeat(40), {
    'apps/guestbook/b-service.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: guestbook\n',
    'apps/guestbook/a-deployment.yml': `${cm('first')}---\n${cm('second')}`,
    'apps/guestbook/c-config.json': '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"from-json"}}',
    'apps/guestbook/notes.txt': 'not a manifest',
    'apps/guestbook/nested/deeper.yaml': cm('not-recursive'),
  });

  it('reads the YAML and JSON files directly in the directory, in name order, and nothing below it', () => {
    const output = renderPlainDir(snapshot, 'apps/guestbook');
    expect(output.objects.map((o) => o.metadata?.name)).toEqual(['first', 'second', 'guestbook', 'from-json']);
    expect(output.files).toEqual([
      'apps/guestbook/a-deployment.yml',
      'apps/guestbook/b-service.yaml',
      'apps/guestbook/c-config.json',
    ]);
  });

  it('fails naming the file when one does not parse, and refuses a symlink', async () => {
    const broken = MemorySnapshot.fromRecord('1'.repeat(40), { 'apps/x/a.yaml': cm('a'), 'apps/x/b.yaml': 'a: [\n' });
    expect(() => renderPlainDir(broken, 'apps/x')).toThrow(RenderError);
    try {
      renderPlainDir(broken, 'apps/x');
    } catch (error) {
      expect((error as RenderError).file).toBe('apps/x/b.yaml');
      // Both were read: fixing either could fix the root.
      expect((error as RenderError).files).toEqual(['apps/x/a.yaml', 'apps/x/b.yaml']);
    }
    const linked = MemorySnapshot.fromRecord(
      '1'.repeat(40),
      { 'apps/x/a.yaml': cm('a') },
      { 'apps/x/l.yaml': '/etc/passwd' },
    );
    const failure = await renderRoot(
      linked,
      { path: 'apps/x', type: 'plain-dir' },
      { engine: 'builtin', loadRestrictor: 'LoadRestrictionsRootOnly' },
    ).catch((error: unknown) => error);
    expect(failure).toMatchObject({ reason: 'escape', file: 'apps/x/l.yaml' });
  });
});

describe.skipIf(!hasKubectl)('the external engine', () => {
  const options = { engine: 'kustomize', loadRestrictor: 'LoadRestrictionsRootOnly' } as const;

  it('refuses a remote base without fetching it', async () => {
    const snapshot = MemorySnapshot.fromRecord('1'.repeat(40), {
      'env/kustomization.yaml':
        'resources:\n  - https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.5.0\n',
    });
    const failure = await renderRoot(snapshot, { path: 'env', type: 'kustomize' }, options).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RenderError);
    expect((failure as RenderError).reason).toBe('unsupported');
  });

  it('says what is missing, in one line, without the temporary directory', async () => {
    const snapshot = MemorySnapshot.fromRecord('1'.repeat(40), {
      'env/kustomization.yaml': 'resources: [deployment.yaml]\n',
    });
    const failure = (await renderRoot(snapshot, { path: 'env', type: 'kustomize' }, options).catch(
      (e: unknown) => e,
    )) as RenderError;
    expect(failure).toBeInstanceOf(RenderError);
    expect(failure.reason).toBe('missing');
    expect(failure.message).toContain('deployment.yaml');
    expect(failure.message).not.toContain(tmpdir());
    expect(failure.message).not.toContain('\n');
  });

  it('refuses a file outside the kustomization directory under LoadRestrictionsRootOnly', async () => {
    const snapshot = MemorySnapshot.fromRecord('1'.repeat(40), {
      'shared/cm.yaml': cm('shared'),
      'env/kustomization.yaml': 'resources: [../shared/cm.yaml]\n',
    });
    const failure = await renderRoot(snapshot, { path: 'env', type: 'kustomize' }, options).catch((e: unknown) => e);
    expect(failure).toMatchObject({ reason: 'escape' });
    const allowed = await renderRoot(
      snapshot,
      { path: 'env', type: 'kustomize' },
      { ...options, loadRestrictor: 'LoadRestrictionsNone' },
    );
    expect(allowed.objects.map((o) => o.metadata?.name)).toEqual(['shared']);
  });
});
