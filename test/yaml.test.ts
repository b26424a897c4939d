import { describe, expect, it } from 'vitest';
import { parseYaml, positionOf, MAX_YAML_BYTES } from '../src/validate/yaml.js';

describe('parseYaml', () => {
  it('reads YAML 1.1 scalars the way the Kubernetes API server does', () => {
    const parsed = parseYaml(
      'cm.yaml',
      [
        'apiVersion: v1',
        'kind: ConfigMap',
        'data:',
        '  enabled: yes',
        '  mode: 0644',
        '  date: 2024-01-01',
        '  time: 1:30',
        '  off: n',
      ].join('\n'),
    );
    expect(parsed.findings).toEqual([]);
    expect(parsed.documents[0]!.value).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: { enabled: true, mode: 420, date: '2024-01-01', time: '1:30', false: false },
    });
  });

  it('reports a duplicate key with the key, line and column', () => {
    const parsed = parseYaml('p.yaml', 'spec:\n  replicas: 2\n  paused: false\n  replicas: 3\n');
    expect(parsed.findings).toEqual([
      {
        rule: 'yaml/duplicate-key',
        severity: 'error',
        message: 'duplicate key "replicas"',
        file: 'p.yaml',
        line: 4,
        column: 3,
      },
    ]);
    expect(parsed.documents).toEqual([]);
  });

  it('reports syntax errors with their position and keeps the other documents of the file', () => {
    const parsed = parseYaml('multi.yaml', 'a: 1\n---\nb: [1, 2\nc: 3\n---\nd: 4\n');
    expect(parsed.findings).toHaveLength(1);
    expect(parsed.findings[0]).toMatchObject({ rule: 'yaml/syntax', file: 'multi.yaml', line: 4 });
    expect(parsed.findings[0]!.message).not.toMatch(/at line/);
    expect(parsed.documents.map((d) => d.value)).toEqual([{ a: 1 }, { d: 4 }]);
  });

  it('flags non-mapping documents when mappings are required, and skips empty ones', () => {
    const parsed = parseYaml('l.yaml', '---\n# just a comment\n---\n- a\n- b\n--- ~\n---\nname: x\n', {
      requireMapping: true,
    });
    expect(parsed.findings).toEqual([
      expect.objectContaining({
        rule: 'yaml/not-a-mapping',
        line: 4,
        message: 'document 2 is a list, expected a mapping',
      }),
    ]);
    expect(parsed.documents.map((d) => [d.index, d.value])).toEqual([[3, { name: 'x' }]]);
  });

  it('refuses oversized files with a finding instead of parsing them', () => {
    const big = `a: "${'x'.repeat(MAX_YAML_BYTES)}"\n`;
    const parsed = parseYaml('big.yaml', big);
    expect(parsed.documents).toEqual([]);
    expect(parsed.findings[0]).toMatchObject({ rule: 'yaml/too-large', file: 'big.yaml' });
  });

  it('stops alias bombs instead of expanding them', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(', ')}]`),
    ].join('\n');
    const parsed = parseYaml('bomb.yaml', bomb);
    expect(parsed.documents).toEqual([]);
    expect(parsed.findings[0]).toMatchObject({ rule: 'yaml/syntax', file: 'bomb.yaml' });
  });

  it('finds the line of a path inside a document, falling back to the nearest ancestor', () => {
    const parsed = parseYaml(
      'd.yaml',
      'kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          image: nginx\n',
    );
    const doc = parsed.documents[0]!;
    expect(positionOf(parsed, doc, ['spec', 'template', 'spec', 'containers', 0, 'image'])).toEqual({
      line: 7,
      column: 18,
    });
    expect(positionOf(parsed, doc, ['spec', 'template', 'spec', 'containers', 0, 'missing']).line).toBe(6);
  });
});
