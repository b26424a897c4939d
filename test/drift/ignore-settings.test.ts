import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJqPath, parseJsonPointer, resolvePattern, ruleApplies, selectorMatches } from '../../src/drift/ignore.js';
import { parseSettings } from '../../src/drift/settings.js';
import { settingsSources } from '../../src/drift/sources/from-settings.js';
import { SnapshotSource } from '../../src/drift/sources/snapshot.js';

describe('ignore rule paths', () => {
  const deployment = {
    metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': 'now', 'a/b~c': 'x' } },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'api', image: 'a' },
            { name: 'istio-proxy', image: 'p' },
            { name: 'sidecar-log', image: 's' },
          ],
        },
      },
    },
  };

  it('reads JSON Pointers with escapes and list positions', () => {
    expect(resolvePattern(deployment, parseJsonPointer('/metadata/annotations/a~1b~0c'))).toEqual([
      ['metadata', 'annotations', 'a/b~c'],
    ]);
    expect(resolvePattern(deployment, parseJsonPointer('/spec/template/spec/containers/1/image'))).toEqual([
      ['spec', 'template', 'spec', 'containers', 1, 'image'],
    ]);
    expect(() => parseJsonPointer('spec/replicas')).toThrow('must start with "/"');
  });

  it('reads the jq subset Argo CD users write', () => {
    const at = (expression: string) => resolvePattern(deployment, parseJqPath(expression));
    expect(at('.metadata.annotations."kubectl.kubernetes.io/restartedAt"')).toEqual([
      ['metadata', 'annotations', 'kubectl.kubernetes.io/restartedAt'],
    ]);
    expect(at('.spec.template.spec.containers[] | select(.name == "istio-proxy")')).toEqual([
      ['spec', 'template', 'spec', 'containers', 1],
    ]);
    expect(at('.spec.template.spec.containers[] | select(.name | startswith("sidecar")) | .image')).toEqual([
      ['spec', 'template', 'spec', 'containers', 2, 'image'],
    ]);
    expect(at('.spec.template.spec.containers[]?.image')).toHaveLength(3);
    expect(at('.spec.template.spec.containers[0]')).toEqual([['spec', 'template', 'spec', 'containers', 0]]);
    expect(() => parseJqPath('.spec | map(.x)')).toThrow('outside the supported subset');
  });

  it('matches targets as Argo CD (group and kind globs) and Flux (anchored regular expressions, selectors) do', () => {
    const object = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'checkout-api', namespace: 'shop-prod', labels: { tier: 'web' } },
    };
    const argo = (target: object) => ruleApplies({ source: 't', match: 'argocd', target, paths: [] }, object);
    const flux = (target: object) => ruleApplies({ source: 't', match: 'flux', target, paths: [] }, object);
    expect(argo({ group: 'apps', kind: 'Deployment' })).toBe(true);
    expect(argo({ group: '*', kind: '*', name: 'checkout-api' })).toBe(true);
    expect(argo({ group: '', kind: 'Deployment' })).toBe(false);
    expect(flux({ kind: 'Deploy' })).toBe(false);
    expect(flux({ kind: '(Deployment|StatefulSet)', namespace: '.*-prod', labelSelector: 'tier in (web,api)' })).toBe(
      true,
    );
    expect(selectorMatches('tier=web,!canary', { tier: 'web' })).toBe(true);
    expect(selectorMatches('tier!=web', { tier: 'web' })).toBe(false);
  });
});

describe('ENVGATE_SETTINGS', () => {
  it('reads a source per environment with defaults', () => {
    const settings = parseSettings(
      '/etc/envgate/settings.yaml',
      `drift:
  prod: { source: kubernetes, context: prod-admin-ro, timeoutMs: 5000, failGate: false, flux: { kustomizations: [flux-system/checkout-prod] } }
  staging:
    source: argocd
    server: https://argocd.acme.example/
    applications: [shop-staging]
    ignoreDifferences:
      - { group: apps, kind: Deployment, jsonPointers: [/spec/replicas] }
  dev: { source: snapshot, dir: live/dev, ignore: [{ paths: [/spec/replicas], target: { kind: Deployment } }] }
`,
    );
    expect(settings.drift.get('prod')).toEqual({
      env: 'prod',
      source: 'kubernetes',
      context: 'prod-admin-ro',
      timeoutMs: 5000,
      failGate: false,
      concurrency: 8,
      ignore: [],
      fluxKustomizations: ['flux-system/checkout-prod'],
    });
    expect(settings.drift.get('staging')).toMatchObject({
      server: 'https://argocd.acme.example',
      tokenEnv: 'ARGOCD_AUTH_TOKEN',
      timeoutMs: 5000,
    });
    expect(settings.drift.get('staging')!.ignore[0]).toMatchObject({
      match: 'argocd',
      target: { group: 'apps', kind: 'Deployment' },
    });
    expect(settings.drift.get('dev')).toMatchObject({
      dir: '/etc/envgate/live/dev',
      ignore: [{ match: 'flux', target: { kind: 'Deployment' } }],
    });
  });

  it.each([
    ['drift: { prod: { source: helm } }', 'drift.prod.source must be snapshot, kubernetes or argocd (got "helm")'],
    ['drift: { prod: { source: kubernetes } }', 'drift.prod.context must be a non-empty string (required)'],
    [
      'drift: { prod: { source: kubernetes, context: x, timeoutMs: 5s } }',
      'drift.prod.timeoutMs must be a whole number from 100 to 120000 (got "5s")',
    ],
    [
      'drift: { prod: { source: kubernetes, context: x, token: abc } }',
      'drift.prod.token is not a setting of a kubernetes source',
    ],
    [
      'drift: { prod: { source: argocd, server: argocd.acme.example, applications: [a] } }',
      'drift.prod.server must be an http(s) URL',
    ],
    [
      'drift: { prod: { source: argocd, server: "https://a", applications: [a], tokenEnv: "sk-123 456" } }',
      'drift.prod.tokenEnv must name an environment variable',
    ],
    [
      'drift: { prod: { source: snapshot, dir: x, failGate: yes please } }',
      'drift.prod.failGate must be true or false',
    ],
    [
      'drift: { prod: { source: snapshot, dir: x, ignoreDifferences: [{ kind: Deployment, jqPathExpressions: ["map(.)"] }] } }',
      'drift.prod.ignoreDifferences has a rule envgate cannot apply',
    ],
    ['clusters: {}', 'clusters is not a setting envgate knows'],
    ['drift: [prod]', 'drift must be a mapping'],
    ['drift: { prod: { source: snapshot, dir: x }, prod: {} }', 'duplicate key "prod"'],
  ])('refuses %s', (text, message) => {
    expect(() => parseSettings('settings.yaml', text)).toThrow(message);
  });

  it('gives each environment its source, and says which have none', () => {
    const settings = parseSettings(
      '/s.yaml',
      'drift: { prod: { source: argocd, server: "https://argocd.acme.example", applications: [shop-prod], failGate: true } }',
    );
    const sources = settingsSources(settings, { ARGOCD_AUTH_TOKEN: 't' });
    const prod = sources.forEnvironment('prod');
    expect('source' in prod && prod.source.description).toBe('argocd app shop-prod');
    expect('failGate' in prod && prod.failGate).toBe(true);
    expect(sources.forEnvironment('dev')).toEqual({ notConfigured: 'no drift source for dev in /s.yaml' });
  });
});

describe('the snapshot source', () => {
  it('reads kubectl output: single objects, kind: List, typed lists and several documents; reports bad files, follows no links', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'envgate-live-'));
    mkdirSync(join(dir, 'shop'));
    writeFileSync(
      join(dir, 'shop', 'a.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a, namespace: shop }\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: { name: b, namespace: shop }\n',
    );
    writeFileSync(
      join(dir, 'list.yaml'),
      'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: { name: s, namespace: shop }\nmetadata: { resourceVersion: "" }\n',
    );
    writeFileSync(
      join(dir, 'typed.yml'),
      'apiVersion: apps/v1\nkind: DeploymentList\nitems:\n- metadata: { name: d, namespace: shop }\n  spec: { replicas: 1 }\n',
    );
    writeFileSync(join(dir, 'broken.yaml'), 'kind: [unclosed\n');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const outside = mkdtempSync(join(tmpdir(), 'envgate-outside-'));
    writeFileSync(
      join(outside, 'x.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: linked, namespace: shop }\n',
    );
    symlinkSync(join(outside, 'x.yaml'), join(dir, 'link.yaml'));
    const source = new SnapshotSource(dir, 'live/prod');
    const id = (apiVersion: string, kind: string, name: string, namespace = 'shop') => ({
      apiVersion,
      kind,
      name,
      namespace,
      group: apiVersion.includes('/') ? apiVersion.split('/')[0]! : '',
    });
    const found = await source.get([
      id('v1', 'ConfigMap', 'a'),
      id('v1', 'ConfigMap', 'b'),
      id('v1', 'Service', 's'),
      id('apps/v1', 'Deployment', 'd'),
      id('v1', 'ConfigMap', 'linked'),
      id('v1', 'ConfigMap', 'a', ''),
    ]);
    expect([...found.values()].map((l) => l.state)).toEqual(['found', 'found', 'found', 'found', 'absent', 'found']);
    expect(source.notes()).toHaveLength(1);
    expect(source.notes()[0]).toMatch(/^broken\.yaml:\d+: Flow sequence/);
    expect(source.description).toBe('snapshot live/prod');
  });
});

describe('the server settings', () => {
  it('reads ENVGATE_SETTINGS once, and throws on an invalid file', async () => {
    const { serverLiveSources } = await import('../../src/drift/server.js');
    expect(serverLiveSources({})).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), 'envgate-server-'));
    writeFileSync(join(dir, 'ok.yaml'), 'drift: { prod: { source: snapshot, dir: live } }\n');
    const sources = serverLiveSources({ ENVGATE_SETTINGS: join(dir, 'ok.yaml') });
    expect(sources?.forEnvironment('staging')).toEqual({
      notConfigured: `no drift source for staging in ${join(dir, 'ok.yaml')}`,
    });
    expect(serverLiveSources({ ENVGATE_SETTINGS: join(dir, 'ok.yaml') })).toBe(sources);
    writeFileSync(join(dir, 'bad.yaml'), 'drift: { prod: { source: cluster } }\n');
    expect(() => serverLiveSources({ ENVGATE_SETTINGS: join(dir, 'bad.yaml') })).toThrow('drift.prod.source must be');
  });
});
