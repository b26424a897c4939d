// Generators, hash suffixes and name references against real Kustomize (`kubectl kustomize`, v5.5): the bytes of
// every root must be identical, so each hash suffix, each generated field and each rewritten reference is checked.
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySnapshot } from '../../../src/git/memory.js';
import { builtinEngine } from '../../../src/render/kustomize/index.js';
import { printObjects } from '../../../src/render/kustomize/yaml-io.js';
import { cleanupKubectlTrees, hasKubectl, kubectlBuildText } from '../../helpers/kubectl-renderer.js';
import { RenderError } from '../../../src/render/types.js';
import {
  GENERATOR_ERROR_CASES,
  GENERATOR_ERROR_FILES,
  GENERATOR_FILES,
  GENERATOR_LENIENT_ROOTS,
  GENERATOR_ROOTS,
  NAME_TABLE_FILES,
  SECRET_VALUE,
} from './fixtures/generators.js';

const snapshot = new MemorySnapshot('generators', {
  files: new Map(Object.entries({ ...GENERATOR_FILES, ...NAME_TABLE_FILES })),
});

if (!hasKubectl) console.warn('kubectl is not on PATH: generator parity with Kustomize is not checked');

describe.skipIf(!hasKubectl)('generators, hashes and name references print exactly as kubectl kustomize', () => {
  afterAll(cleanupKubectlTrees);
  for (const root of [...GENERATOR_ROOTS, 'table/overlay']) {
    it(root, async () => {
      const expected = await kubectlBuildText(snapshot, root, 'LoadRestrictionsRootOnly');
      const rendered = await builtinEngine.build(snapshot, root, { loadRestrictor: 'LoadRestrictionsRootOnly' });
      expect(printObjects(rendered.objects)).toBe(expected);
    });
  }
});

const errorSnapshot = MemorySnapshot.fromRecord('generator-errors', GENERATOR_ERROR_FILES);

async function engineError(root: string): Promise<RenderError> {
  try {
    await builtinEngine.build(errorSnapshot, root, { loadRestrictor: 'LoadRestrictionsRootOnly' });
  } catch (error) {
    expect(error).toBeInstanceOf(RenderError);
    return error as RenderError;
  }
  throw new Error(`${root}: the engine rendered a generator Kustomize refuses`);
}

describe('broken generators fail with the reason and the file, never the value', () => {
  for (const c of GENERATOR_ERROR_CASES) {
    it(c.root, async () => {
      const error = await engineError(c.root);
      expect(error.reason).toBe(c.reason);
      expect(error.message).toContain(`${c.root}/kustomization.yaml`);
      expect(error.message).not.toContain(SECRET_VALUE);
      expect(error.message).not.toContain('\n');
    });
  }
});

describe.skipIf(!hasKubectl)('Kustomize refuses the same broken generators', () => {
  afterAll(cleanupKubectlTrees);
  for (const root of GENERATOR_LENIENT_ROOTS) {
    it(`${root} builds, as in Kustomize`, async () => {
      const expected = await kubectlBuildText(errorSnapshot, root, 'LoadRestrictionsRootOnly');
      const rendered = await builtinEngine.build(errorSnapshot, root, { loadRestrictor: 'LoadRestrictionsRootOnly' });
      expect(printObjects(rendered.objects)).toBe(expected);
    });
  }
  for (const c of GENERATOR_ERROR_CASES) {
    it(c.root, async () => {
      await expect(kubectlBuildText(errorSnapshot, c.root, 'LoadRestrictionsRootOnly')).rejects.toThrow(RenderError);
    });
  }
});
