import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySnapshot } from '../../../src/git/memory.js';
import { assertNoCycle, RepoLoader } from '../../../src/render/kustomize/loader.js';
import { legacyOrder, orderResources } from '../../../src/render/kustomize/order.js';
import { newResource, resIdOf } from '../../../src/render/kustomize/resource.js';
import type { KubeObject } from '../../../src/render/types.js';
import { RenderError } from '../../../src/render/types.js';
import { cleanupKubectlTrees, hasKubectl, kubectlBuildText } from '../../helpers/kubectl-renderer.js';
import { FEATURE_REPO } from './fixtures/features.js';

const ROOT_ONLY = { loadRestrictor: 'LoadRestrictionsRootOnly' } as const;
const NONE = { loadRestrictor: 'LoadRestrictionsNone' } as const;

function thrown(fn: () => unknown): RenderError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RenderError);
    return error as RenderError;
  }
  throw new Error('expected a RenderError');
}

describe('RepoLoader', () => {
  const snapshot = MemorySnapshot.fromRecord(
    'sha',
    {
      'apps/web/kustomization.yaml': 'resources: [deploy.yaml]\n',
      'apps/web/deploy.yaml': 'kind: Deployment\n',
      'apps/web/patches/replicas.yaml': 'kind: Deployment\n',
      'shared/labels.yaml': 'kind: ConfigMap\n',
      'twice/kustomization.yaml': 'resources: []\n',
      'twice/kustomization.yml': 'resources: []\n',
      'shared/real/cm.yaml': 'kind: ConfigMap\n',
    },
    { 'apps/web/linked': '../../shared/real', 'apps/web/out': '../../../etc', 'apps/web/abs': '/etc/passwd' },
  );

  it('resolves paths against the kustomization directory and refuses anything outside the repository', () => {
    const loader = new RepoLoader(snapshot, NONE);
    expect(loader.resolve('apps/web', './patches/../deploy.yaml', 'k')).toBe('apps/web/deploy.yaml');
    expect(loader.resolve('apps/web', '../../shared', 'k')).toBe('shared');
    expect(loader.resolve('apps/web', 'linked/cm.yaml', 'k')).toBe('shared/real/cm.yaml');
    expect(thrown(() => loader.resolve('apps/web', '../../../etc/passwd', 'k')).reason).toBe('escape');
    expect(thrown(() => loader.resolve('apps/web', '/etc/passwd', 'k')).reason).toBe('escape');
    expect(thrown(() => loader.resolve('apps/web', 'out/passwd', 'k')).reason).toBe('escape');
    expect(thrown(() => loader.resolve('apps/web', 'abs', 'k')).message).toContain('apps/web/abs');
  });

  it('applies LoadRestrictionsRootOnly to files only, after resolving symlinks', () => {
    const strict = new RepoLoader(snapshot, ROOT_ONLY);
    expect(strict.tryLoadFile('apps/web', 'patches/replicas.yaml', 'k')?.path).toBe('apps/web/patches/replicas.yaml');
    const outside = thrown(() =>
      strict.tryLoadFile('apps/web', '../../shared/labels.yaml', 'apps/web/kustomization.yaml'),
    );
    expect(outside.reason).toBe('escape');
    expect(outside.message).toContain('shared/labels.yaml');
    // An in-repository symlink pointing outside the root is still outside the root.
    expect(thrown(() => strict.tryLoadFile('apps/web', 'linked/cm.yaml', 'k')).reason).toBe('escape');
    const lax = new RepoLoader(snapshot, NONE);
    expect(lax.tryLoadFile('apps/web', '../../shared/labels.yaml', 'k')?.text).toBe('kind: ConfigMap\n');
    expect(lax.tryLoadFile('apps/web', 'linked/cm.yaml', 'k')?.path).toBe('shared/real/cm.yaml');
    // Directories are not files, and missing files are reported as missing.
    expect(lax.tryLoadFile('apps', 'web', 'k')).toBeUndefined();
    expect(thrown(() => lax.loadFile('apps/web', 'nope.yaml', 'apps/web/kustomization.yaml', 'patches')).reason).toBe(
      'missing',
    );
    expect(lax.files).toEqual(['shared/labels.yaml', 'shared/real/cm.yaml']);
  });

  it('finds exactly one kustomization file per directory', () => {
    const loader = new RepoLoader(snapshot, NONE);
    expect(loader.kustomizationIn('apps/web', 'apps/web').path).toBe('apps/web/kustomization.yaml');
    expect(thrown(() => loader.kustomizationIn('twice', 'x')).message).toContain('multiple kustomization files');
    expect(thrown(() => loader.kustomizationIn('shared', 'apps/web/kustomization.yaml')).reason).toBe('missing');
  });

  it('detects a directory that contains a kustomization being built', () => {
    expect(() => assertNoCycle('apps/db', ['apps/web'], 'k')).not.toThrow();
    expect(thrown(() => assertNoCycle('apps/web', ['apps/web/overlays/prod', 'apps/db'], 'k')).reason).toBe('cycle');
    expect(thrown(() => assertNoCycle('', ['apps'], 'k')).reason).toBe('cycle');
    // A sibling sharing a name prefix is not a parent.
    expect(() => assertNoCycle('apps/web', ['apps/web-canary'], 'k')).not.toThrow();
  });
});

const objectsOf = (text: string) =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);

/** A fixed shuffle so the input order never matches the expected one by accident. */
const shuffled = <T>(items: T[]) =>
  items
    .map((item, i) => ({ item, key: (i * 7919) % 101 }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.item);

describe.skipIf(!hasKubectl)('output order against kubectl kustomize', () => {
  afterAll(cleanupKubectlTrees);
  const snapshot = MemorySnapshot.fromRecord('fixture', FEATURE_REPO);

  it('legacy order (default and with custom orderFirst/orderLast) matches Kustomize for any input order', async () => {
    const legacy = objectsOf(await kubectlBuildText(snapshot, 'order/legacy', 'LoadRestrictionsRootOnly'));
    expect(legacy.length).toBeGreaterThan(8);
    const ids = (objects: KubeObject[]) => objects.map((o) => JSON.stringify(resIdOf(o)));
    const input = shuffled(legacy).map((o) => newResource(o, 'x'));
    expect(ids(legacyOrder(input).map((r) => r.object))).toEqual(ids(legacy));

    const custom = objectsOf(await kubectlBuildText(snapshot, 'order/custom', 'LoadRestrictionsRootOnly'));
    const sorted = orderResources(
      shuffled(custom).map((o) => newResource(o, 'x')),
      {
        order: 'legacy',
        legacySortOptions: { orderFirst: ['Job', 'CustomResourceDefinition'], orderLast: ['Namespace'] },
      },
      'k',
    );
    expect(ids(sorted.map((r) => r.object))).toEqual(ids(custom));
  });

  it('fifo keeps accumulation order and rejects unknown orders', () => {
    const resources = ['b', 'a'].map((name) =>
      newResource({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } }, 'x'),
    );
    expect(orderResources(resources, { order: 'fifo' }, 'k').map((r) => r.object.metadata?.name)).toEqual(['b', 'a']);
    expect(thrown(() => orderResources(resources, { order: 'alphabetical' }, 'k')).reason).toBe('invalid');
  });
});
