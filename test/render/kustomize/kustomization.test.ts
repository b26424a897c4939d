import { describe, expect, it } from 'vitest';
import {
  emptyTransformerConfig,
  mergeTransformerConfig,
  parseKustomization,
  parseTransformerConfig,
} from '../../../src/render/kustomize/kustomization.js';
import { RenderError } from '../../../src/render/types.js';

const FILE = 'apps/web/overlays/prod/kustomization.yaml';

function failure(text: string): RenderError {
  try {
    parseKustomization(FILE, text);
  } catch (error) {
    expect(error).toBeInstanceOf(RenderError);
    return error as RenderError;
  }
  throw new Error('expected a RenderError');
}

describe('parseKustomization', () => {
  it('reads a typical overlay with canonical field names, bases after resources and env after envs', () => {
    const k = parseKustomization(
      FILE,
      [
        'apiVersion: kustomize.config.k8s.io/v1beta1',
        'kind: Kustomization',
        'NameSpace: web-prod', // Go's encoding/json matches field names case-insensitively
        'namePrefix: prod-',
        'resources: [../../base, ingress.yaml]',
        'bases: [../../legacy-base]',
        'images:',
        '  - name: ghcr.io/acme/web',
        '    newTag: "1.4.2"',
        'imageTags:',
        '  - name: nginx',
        '    newTag: "1.27"',
        'configMapGenerator:',
        '  - name: web-env',
        '    envs: [a.env]',
        '    env: b.env',
        'replicas:',
        '  - name: web',
        '    count: 3',
        'labels:',
        '  - pairs: {team: web}',
        '    includeSelectors: false',
      ].join('\n'),
    );
    expect(k.kind).toBe('Kustomization');
    expect(k.dir).toBe('apps/web/overlays/prod');
    expect(k.namespace).toBe('web-prod');
    expect(k.namePrefix).toBe('prod-');
    expect(k.resources).toEqual(['../../base', 'ingress.yaml', '../../legacy-base']);
    expect(k.images).toEqual([
      { name: 'ghcr.io/acme/web', newTag: '1.4.2' },
      { name: 'nginx', newTag: '1.27' },
    ]);
    expect(k.configMapGenerator).toEqual([{ name: 'web-env', envs: ['a.env', 'b.env'] }]);
    expect(k.replicas).toEqual([{ name: 'web', count: 3 }]);
    expect(k.labels).toEqual([
      { pairs: { team: 'web' }, includeSelectors: false, includeTemplates: false, fields: [] },
    ]);
  });

  it('accepts a Component with its own apiVersion and refuses it with the Kustomization one', () => {
    expect(
      parseKustomization(FILE, 'apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamePrefix: x-\n').kind,
    ).toBe('Component');
    const error = failure('apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Component\nnamePrefix: x-\n');
    expect(error.message).toContain('apiVersion for Component should be kustomize.config.k8s.io/v1alpha1');
    expect(error.reason).toBe('invalid');
  });

  it('rejects unknown fields, wrong types and empty files as Kustomize does, naming the file', () => {
    const unknown = failure('resources: [a.yaml]\nresource: [b.yaml]\n');
    expect(unknown.message).toBe(`${FILE}: invalid Kustomization: json: unknown field "resource"`);
    expect(unknown.file).toBe(FILE);
    expect(failure('images:\n- name: x\n  newTag: 1.0\n').message).toContain(
      'json: cannot unmarshal number into Go struct field Image.images.newTag of type string',
    );
    // YAML 1.1: `on` is a boolean, so it cannot be a namespace.
    expect(failure('namespace: on\n').message).toContain(
      'cannot unmarshal bool into Go struct field Kustomization.namespace of type string',
    );
    expect(failure('commonLabels:\n  enabled: true\n').message).toContain(
      'cannot unmarshal bool into Go struct field Kustomization.commonLabels of type string',
    );
    expect(failure('kind: Kustomization\n').message).toContain('kustomization.yaml is empty');
    expect(failure('kind: Kustomisation\nnamespace: x\n').message).toContain(
      'kind should be Kustomization or Component',
    );
    expect(failure('resources: [a.yaml\n').reason).toBe('invalid');
  });

  it('refuses what envgate does not run as unsupported', () => {
    for (const text of [
      'helmCharts:\n- name: podinfo\n  repo: https://stefanprodan.github.io/podinfo\n',
      'resources:\n- github.com/acme/platform//base?ref=v1.2.0\n',
      'resources:\n- https://raw.githubusercontent.com/acme/platform/main/crds.yaml\n',
      'components:\n- git@github.com:acme/components.git//otel\n',
      'transformers:\n- sops.yaml\n',
      'generators:\n- secrets-generator.yaml\n',
    ]) {
      expect(failure(text).reason, text).toBe('unsupported');
    }
  });
});

describe('transformer configurations', () => {
  it('parses field specs and name references strictly and merges them without duplicates', () => {
    const config = parseTransformerConfig(
      'base/kustomizeconfig.yaml',
      [
        'nameReference:',
        '- kind: Secret',
        '  fieldSpecs:',
        '  - kind: Certificate',
        '    group: cert-manager.io',
        '    path: spec/secretName',
        'commonLabels:',
        '- path: spec/podTemplate/metadata/labels',
        '  create: true',
        '  kind: FlinkDeployment',
      ].join('\n'),
    );
    expect(config.nameReference).toEqual([
      { kind: 'Secret', fieldSpecs: [{ kind: 'Certificate', group: 'cert-manager.io', path: 'spec/secretName' }] },
    ]);
    const merged = mergeTransformerConfig(config, config, 'x');
    expect(merged.nameReference[0]!.fieldSpecs).toHaveLength(1);
    expect(merged.commonLabels).toHaveLength(1);
    expect(mergeTransformerConfig(emptyTransformerConfig(), config, 'x').commonLabels).toEqual(config.commonLabels);
    expect(() => parseTransformerConfig('c.yaml', 'nameReferences: []\n')).toThrow(/unknown field "nameReferences"/);
  });
});
