import { describe, expect, it } from 'vitest';
import { MemorySnapshot } from '../../../src/git/memory.js';
import { objectsOfFile } from '../../../src/render/kustomize/accumulate.js';
import { renderKustomization } from '../../../src/render/kustomize/index.js';
import { RenderError } from '../../../src/render/types.js';

const ROOT_ONLY = { loadRestrictor: 'LoadRestrictionsRootOnly' } as const;

function thrown(fn: () => unknown): RenderError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RenderError);
    return error as RenderError;
  }
  throw new Error('expected a RenderError');
}

describe('objectsOfFile', () => {
  it('expands List kinds after the remaining documents of the file, as Kustomize queues them', () => {
    const objects = objectsOfFile(
      [
        'apiVersion: v1',
        'kind: List',
        'items:',
        '  - {apiVersion: v1, kind: ConfigMap, metadata: {name: from-list}}',
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: after-list}',
        '---',
        'apiVersion: v1',
        'kind: ConfigMapList',
        'items: null',
        '---',
        'apiVersion: acme.io/v1',
        'kind: WidgetList',
        'metadata: {name: kept-as-is}',
        '',
      ].join('\n'),
      'apps/list.yaml',
    );
    expect(objects.map((o) => o.metadata?.name)).toEqual(['after-list', 'kept-as-is', 'from-list']);
  });

  it('refuses objects Kustomize refuses, naming the file', () => {
    expect(thrown(() => objectsOfFile('apiVersion: v1\nmetadata: {name: x}\n', 'a.yaml')).message).toBe(
      'a.yaml: missing kind in object',
    );
    expect(thrown(() => objectsOfFile('apiVersion: v1\nkind: ConfigMap\n', 'b.yaml')).message).toContain(
      'missing metadata.name',
    );
    const nullEntry = thrown(() =>
      objectsOfFile('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    -\n', 'c.yaml'),
    );
    expect(nullEntry.message).toContain('empty item at spec.containers[0]');
  });
});

describe('the engine around the modules', () => {
  it('drops local-config objects and Kustomize-internal annotations from the output', () => {
    const snapshot = MemorySnapshot.fromRecord('sha', {
      'kustomization.yaml': 'resources: [objects.yaml]\n',
      'objects.yaml': [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: values-for-replacements',
        '  annotations: {config.kubernetes.io/local-config: "true"}',
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: kept',
        '  annotations:',
        '    config.kubernetes.io/index: "0"',
        '    internal.config.kubernetes.io/path: objects.yaml',
        '',
      ].join('\n'),
    });
    const { objects, files } = renderKustomization(snapshot, '.', ROOT_ONLY);
    expect(objects).toEqual([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept' } }]);
    expect(files).toEqual(['kustomization.yaml', 'objects.yaml']);
  });

  it('reports the files read before a failure, so fixing any of them counts as a change', () => {
    const snapshot = MemorySnapshot.fromRecord('sha', {
      'overlay/kustomization.yaml': 'resources: [../base, extra.yaml]\n',
      'base/kustomization.yaml': 'resources: [cm.yaml]\n',
      'base/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\n',
    });
    const error = thrown(() => renderKustomization(snapshot, 'overlay', ROOT_ONLY));
    expect(error.reason).toBe('missing');
    expect(error.message).toContain('extra.yaml');
    expect(error.files).toEqual(['overlay/kustomization.yaml', 'base/kustomization.yaml', 'base/cm.yaml']);
  });
});
