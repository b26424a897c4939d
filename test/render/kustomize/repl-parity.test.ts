// images, replicas and replacements through the whole built-in engine against `kubectl kustomize` on one tree of
// realistic workloads (repl-fixtures/): registry ports, tag+digest, CronJob and custom-resource containers, CRDs left
// alone, custom `configurations` field specs for a custom kind, replicas created where absent and matched through a prefixed overlay, replacements with list selectors,
// wildcards, delimiters, create, and the annotation values Kustomize rewrites as the text they were written as.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySnapshot } from '../../../src/git/memory.js';
import { builtinEngine } from '../../../src/render/kustomize/index.js';
import { printObjects } from '../../../src/render/kustomize/yaml-io.js';
import { RenderError, type RenderOptions } from '../../../src/render/types.js';
import { cleanupKubectlTrees, hasKubectl, kubectlBuildText } from '../../helpers/kubectl-renderer.js';

const FIXTURES = join(import.meta.dirname, 'repl-fixtures');
const OPTIONS: RenderOptions = { loadRestrictor: 'LoadRestrictionsNone' };

function readTree(dir: string, files: Record<string, string> = {}): Record<string, string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) readTree(path, files);
    else files[relative(FIXTURES, path)] = readFileSync(path, 'utf8');
  }
  return files;
}

const snapshot = MemorySnapshot.fromRecord('repl', readTree(FIXTURES));

if (!hasKubectl) console.warn('kubectl is not on PATH: images/replicas/replacements parity is not checked');

describe.skipIf(!hasKubectl)('images, replicas and replacements print what kubectl kustomize prints', () => {
  afterAll(cleanupKubectlTrees);

  for (const root of ['base', 'overlay', 'replacements', 'annotations', 'configurations']) {
    it(root, async () => {
      const [expected, rendered] = await Promise.all([
        kubectlBuildText(snapshot, root, 'LoadRestrictionsNone'),
        builtinEngine.build(snapshot, root, OPTIONS),
      ]);
      expect(printObjects(rendered.objects)).toBe(expected);
    });
  }

  // What Kustomize says, and the engine's message must carry the same meaning and name the kustomization.
  const errors: Record<string, RegExp> = {
    'errors/e-nosrc': /nothing selected by/,
    'errors/e-multi': /multiple matches for/,
    'errors/e-nopath': /unable to find field \\?"spec\.clusterIP\\?"/,
    'errors/e-srcpath': /fieldPath `data\.NOPE` is missing/,
    'errors/e-replicas': /resource with name settings does not match a config/,
  };
  for (const [root, meaning] of Object.entries(errors)) {
    it(`${root} fails in both`, async () => {
      await expect(kubectlBuildText(snapshot, root, 'LoadRestrictionsNone')).rejects.toThrow(meaning);
      const error = await builtinEngine.build(snapshot, root, OPTIONS).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(RenderError);
      expect((error as RenderError).reason).toBe('invalid');
      expect((error as RenderError).message).toMatch(meaning);
      expect((error as RenderError).message).toContain(`${root}/kustomization.yaml`);
    });
  }
});
