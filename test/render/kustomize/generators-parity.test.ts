// Generators, hash suffixes and name references against real Kustomize (`kubectl kustomize`, v5.5): the bytes of
// every root must be identical, so each hash suffix, each generated field and each rewritten reference is checked.
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySnapshot } from '../../../src/git/memory.js';
import { builtinEngine } from '../../../src/render/kustomize/index.js';
import { printObjects } from '../../../src/render/kustomize/yaml-io.js';
import { cleanupKubectlTrees, hasKubectl, kubectlBuildText } from '../../helpers/kubectl-renderer.js';
import { GENERATOR_FILES, GENERATOR_ROOTS } from './fixtures/generators.js';

const snapshot = new MemorySnapshot('generators', { files: new Map(Object.entries(GENERATOR_FILES)) });

if (!hasKubectl) console.warn('kubectl is not on PATH: generator parity with Kustomize is not checked');

describe.skipIf(!hasKubectl)('generators, hashes and name references print exactly as kubectl kustomize', () => {
  afterAll(cleanupKubectlTrees);
  for (const root of GENERATOR_ROOTS) {
    it(root, async () => {
      const expected = await kubectlBuildText(snapshot, root, 'LoadRestrictionsRootOnly');
      const rendered = await builtinEngine.build(snapshot, root, { loadRestrictor: 'LoadRestrictionsRootOnly' });
      expect(printObjects(rendered.objects)).toBe(expected);
    });
  }
});
