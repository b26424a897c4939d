import { describe, expect, it } from 'vitest';
import { defaultConfig, type RenderConfig } from '../../src/config/config.js';
import { MemorySnapshot } from '../../src/git/memory.js';
import { discoverRoots } from '../../src/render/discovery.js';
import { RepoIndex } from '../../src/render/repo-index.js';

const k = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;
const component = (body: string) => `apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n${body}`;
const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

function discover(
  files: Record<string, string>,
  render: Partial<RenderConfig> = {},
  fallback?: Record<string, string>,
) {
  const index = new RepoIndex(MemorySnapshot.fromRecord('a'.repeat(40), files));
  const config = { ...defaultConfig().render, ...render };
  const other = fallback ? new RepoIndex(MemorySnapshot.fromRecord('b'.repeat(40), fallback)) : undefined;
  return discoverRoots(index, config, { fallback: other }).map((r) => `${r.type}:${r.path}`);
}

/** Overlays per environment over shared bases, with a component and a nested app kustomization in prod. */
const OVERLAYS = {
  'base/checkout/kustomization.yaml': k('resources: [deployment.yaml]\n'),
  'base/checkout/deployment.yaml': cm('x'),
  'environments/components/monitoring/kustomization.yaml': component('resources: [servicemonitor.yaml]\n'),
  'environments/components/monitoring/servicemonitor.yaml': cm('sm'),
  'environments/dev/kustomization.yaml': k('resources: [../../base/checkout]\n'),
  'environments/prod/kustomization.yaml': k(
    'resources: [../../base/checkout, apps]\ncomponents: [../components/monitoring]\n',
  ),
  'environments/prod/apps/kustomization.yml': k('resources: [cron.yaml]\n'),
  'environments/prod/apps/cron.yaml': cm('cron'),
  'environments/staging/Kustomization': k('resources: [../../base/checkout]\n'),
};

describe('root discovery', () => {
  it('finds kustomization directories under search, without components or directories another root pulls in', () => {
    expect(discover(OVERLAYS)).toEqual([
      'kustomize:environments/dev',
      'kustomize:environments/prod',
      'kustomize:environments/staging',
    ]);
  });

  it('keeps a referenced directory as a root when `roots` lists it, and drops what `exclude` names', () => {
    expect(discover(OVERLAYS, { roots: ['environments/prod/apps'], exclude: ['environments/dev/**'] })).toEqual([
      'kustomize:environments/prod',
      'kustomize:environments/prod/apps',
      'kustomize:environments/staging',
    ]);
  });

  it('follows references transitively, through directories outside search', () => {
    const files = {
      'environments/prod/kustomization.yaml': k('resources: [../../platform/bundle]\n'),
      'platform/bundle/kustomization.yaml': k('resources: [../../environments/shared]\n'),
      'environments/shared/kustomization.yaml': k('resources: [ns.yaml]\n'),
      'environments/shared/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shared\n',
    };
    expect(discover(files)).toEqual(['kustomize:environments/prod']);
  });

  it('keeps every directory of a reference cycle a root, so the cycle is rendered and reported', () => {
    const files = {
      'environments/a/kustomization.yaml': k('resources: [../b]\n'),
      'environments/b/kustomization.yaml': k('resources: [../a]\n'),
    };
    expect(discover(files)).toEqual(['kustomize:environments/a', 'kustomize:environments/b']);
    // …also when a real root points into the cycle: that root is the one rendered
    expect(discover({ ...files, 'environments/top/kustomization.yaml': k('resources: [../a]\n') })).toEqual([
      'kustomize:environments/top',
    ]);
  });

  it('lays out a Flux multi-cluster repository: cluster directories as Flux dirs, app overlays as roots', () => {
    const files = {
      'clusters/production/flux-system/gotk-components.yaml': cm('gotk'),
      'clusters/production/flux-system/gotk-sync.yaml': cm('sync'),
      'clusters/production/flux-system/kustomization.yaml': k('resources: [gotk-components.yaml, gotk-sync.yaml]\n'),
      'clusters/production/apps.yaml': cm('apps'),
      'clusters/staging/apps.yaml': cm('apps'),
      'apps/base/podinfo/kustomization.yaml': k('resources: [release.yaml]\n'),
      'apps/base/podinfo/release.yaml': cm('podinfo'),
      'apps/production/kustomization.yaml': k('resources: [../base/podinfo]\n'),
      'apps/staging/kustomization.yaml': k('resources: [../base/podinfo]\n'),
      'infrastructure/controllers/kustomization.yaml': k('resources: [ingress-nginx.yaml]\n'),
      'infrastructure/controllers/ingress-nginx.yaml': cm('nginx'),
    };
    expect(discover(files, { search: ['apps', 'infrastructure', 'clusters'], fluxDirs: ['clusters/*'] })).toEqual([
      'kustomize:apps/production',
      'kustomize:apps/staging',
      'flux-dir:clusters/production',
      'flux-dir:clusters/staging',
      'kustomize:infrastructure/controllers',
    ]);
  });

  it('adds plain directories (an Argo CD app-of-apps directory) and searches the whole repository with "."', () => {
    const files = {
      'argocd/apps/checkout.yaml': cm('checkout'),
      'argocd/apps/payments.yaml': cm('payments'),
      'kustomization.yaml': k('resources: [argocd/apps/checkout.yaml]\n'),
    };
    expect(discover(files, { search: ['.'], plainDirs: ['argocd/apps'] })).toEqual([
      'kustomize:',
      'plain-dir:argocd/apps',
    ]);
  });

  it('keeps an unparseable kustomization as a root, and its children out when the other side knows them', () => {
    const head = { ...OVERLAYS, 'environments/prod/kustomization.yaml': 'resources: [apps\n' };
    expect(discover(head)).toContain('kustomize:environments/prod');
    expect(discover(head)).toContain('kustomize:environments/prod/apps');
    expect(discover(head, {}, OVERLAYS)).toEqual([
      'kustomize:environments/dev',
      'kustomize:environments/prod',
      'kustomize:environments/staging',
    ]);
  });
});
