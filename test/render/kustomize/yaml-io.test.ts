// YAML in and out as `kustomize build` does it, proven byte for byte against kubectl on a corpus of tricky
// scalars, long and multi-line strings, key orders, anchors and real workloads (test/render/kustomize/yaml-corpus).
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compareKeys, formatNumber, parseResourceYaml, printObjects } from '../../../src/render/kustomize/yaml-io.js';
import { RenderError } from '../../../src/render/types.js';
import { hasKubectl } from '../../helpers/kubectl-renderer.js';

const run = promisify(execFile);
const CORPUS = fileURLToPath(new URL('./yaml-corpus/', import.meta.url));
const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

if (!hasKubectl) console.warn('kubectl is not installed: the YAML byte-parity cases are skipped');

/** kubectl kustomize on one file, in file order; its stdout, or its error. */
async function kubectl(text: string): Promise<{ ok: true; out: string } | { ok: false; err: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'envgate-yaml-'));
  made.push(dir);
  writeFileSync(join(dir, 'r.yaml'), text);
  writeFileSync(join(dir, 'kustomization.yaml'), 'resources: [r.yaml]\nsortOptions: {order: fifo}\n');
  try {
    return { ok: true, out: (await run('kubectl', ['kustomize', dir], { encoding: 'utf8' })).stdout };
  } catch (error) {
    return { ok: false, err: String((error as { stderr?: string }).stderr) };
  }
}

const ours = (text: string, file = 'r.yaml') => printObjects(parseResourceYaml(text, file));

describe.skipIf(!hasKubectl)('YAML round trip: the bytes kubectl kustomize prints', () => {
  const files = readdirSync(CORPUS).filter((f) => f.endsWith('.yaml'));

  it.each(files)('%s', async (file) => {
    const text = readFileSync(join(CORPUS, file), 'utf8');
    const reference = await kubectl(text);
    if (!reference.ok) throw new Error(`kubectl failed on ${file}: ${reference.err}`);
    expect(ours(text, file)).toBe(reference.out);
  });

  const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n${data}`;
  const failures: [string, string][] = [
    ['infinity', cm('  a: .inf\n')],
    ['NaN', 'apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  n: .nan\n'],
    ['a non-string key in a nested map', 'apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  1: one\n'],
    ['a control character', cm('  a: "del\\x7F"\n')],
    ['a duplicate key', cm('  a: "1"\n  a: "2"\n')],
    ['broken syntax', cm('  a: [1, 2\n')],
    ['a %YAML directive', `%YAML 1.2\n---\n${cm('  a: b\n')}`],
    ['a %TAG directive', `%TAG !e! tag:example.com,2000:\n---\n${cm('  a: b\n')}`],
    ['the YAML 1.2 escape \\/', cm('  a: "a\\/b"\n')],
    ['!!int on a word', 'apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  n: !!int abc\n'],
    ['!!float on a word', 'apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  n: !!float abc\n'],
    ['!!bool on a YAML 1.1 boolean', 'apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  n: !!bool yes\n'],
    ['two merge keys', 'apiVersion: v1\nkind: X\nmetadata:\n  name: x\nspec:\n  <<: {a: 1}\n  <<: {b: 2}\n'],
  ];
  it.each(failures)('fails where Kustomize fails: %s', async (_, text) => {
    const reference = await kubectl(text);
    expect(reference.ok).toBe(false);
    expect(() => parseResourceYaml(text, 'environments/prod/cm.yaml')).toThrow(RenderError);
  });
});

describe('YAML reading', () => {
  it('resolves scalars as yaml.v3 does, not as YAML 1.1', () => {
    const [object] = parseResourceYaml(
      'a: 012\nb: 0x1F\nc: yes\nd: on\ne: 1.0\nf: 1e3\ng: 2020-01-01\nh: "012"\ni: True\nj: ~\nk: 1_000\nl: 0o17\nm: 08\n',
      'f.yaml',
    );
    expect(object).toEqual({
      a: 10,
      b: 31,
      c: 'yes',
      d: 'on',
      e: 1,
      f: 1000,
      g: '2020-01-01T00:00:00Z',
      h: '012',
      i: true,
      j: null,
      k: 1000,
      l: 15,
      m: 8,
    });
  });

  it('skips empty documents and merges anchors, explicit keys winning', () => {
    const objects = parseResourceYaml(
      '---\n# only a comment\n---\nx: &a {p: 1, q: 2}\ny:\n  <<: *a\n  q: 3\n---\n',
      'f.yaml',
    );
    expect(objects).toEqual([{ x: { p: 1, q: 2 }, y: { p: 1, q: 3 } }]);
  });

  it('drops quoted "<<" keys, allows them beside a merge key, and resolves !!timestamp', () => {
    const [object] = parseResourceYaml(
      'a: {"<<": 1, b: 2}\nc: [{"<<": x, d: 1}]\ne: {<<: {f: 1}, \'<<\': 2}\ng: !!timestamp 2020-1-2 3:04:05\n',
      'f.yaml',
    );
    expect(object).toEqual({ a: { b: 2 }, c: [{ d: 1 }], e: { f: 1, '<<': 2 }, g: '2020-01-02T03:04:05Z' });
    expect(() => parseResourceYaml('a: {"<<": 1, \'<<\': 2}\n', 'f.yaml')).toThrow('already defined');
  });

  it('converts only the date and T timestamp forms inside flow collections', () => {
    const [object] = parseResourceYaml(
      'block: 2020-01-01 10:00:00\nflow: [2020-01-01 10:00:00, 2020-01-01t10:00:00Z, 2020-01-01T10:00:00Z, 2020-01-01]\n',
      'f.yaml',
    );
    expect(object).toEqual({
      block: '2020-01-01T10:00:00Z',
      flow: ['2020-01-01 10:00:00', '2020-01-01t10:00:00Z', '2020-01-01T10:00:00Z', '2020-01-01T00:00:00Z'],
    });
  });

  it('names file, line and key, and never quotes the document, in its errors', () => {
    const secret =
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2-very-secret\n  password: again\n';
    try {
      parseResourceYaml(secret, 'environments/prod/secret.yaml');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RenderError);
      expect((error as RenderError).message).toBe(
        'environments/prod/secret.yaml:7:3: mapping key "password" already defined',
      );
      expect((error as RenderError).file).toBe('environments/prod/secret.yaml');
    }
    expect(() => parseResourceYaml('- a\n- b\n', 'list.yaml')).toThrow(
      'list.yaml: a document is a list, not a mapping',
    );
  });
});

describe('YAML writing', () => {
  it('orders keys as go-yaml v2: numbers inside keys by value, other characters before letters', () => {
    const keys = ['b', 'a10', 'a9', '_x', 'A', 'a01', 'a001', '8080', 'Zeta', 'alpha'];
    expect([...keys].sort(compareKeys)).toEqual(['_x', '8080', 'A', 'Zeta', 'a01', 'a001', 'a9', 'a10', 'alpha', 'b']);
  });

  it('prints numbers as Go prints them after a JSON round trip', () => {
    expect([1, 1000, 0.1, 1234567.5, 1e21, 1e20, 0.00001, 0.0001, -1.5e-7, 2 ** 63].map(formatNumber)).toEqual([
      '1',
      '1000',
      '0.1',
      '1.2345675e+06',
      '1e+21',
      '1e+20',
      '1e-05',
      '0.0001',
      '-1.5e-07',
      '9223372036854775808',
    ]);
  });

  it('prints "<<" plain and escapes every character of a string that starts with a byte order mark', () => {
    expect(printObjects([{ a: '<<', b: '\ufeffbom', c: 'x\ufeffy' }])).toBe(
      'a: <<\nb: "\\uFEFF\\x62\\x6F\\x6D"\nc: "x\\uFEFFy"\n',
    );
  });

  it('separates documents with --- and prints nothing for no objects', () => {
    expect(printObjects([])).toBe('');
    expect(printObjects([{ kind: 'A' }, { kind: 'B', metadata: { name: 'b' } }])).toBe(
      'kind: A\n---\nkind: B\nmetadata:\n  name: b\n',
    );
  });
});
