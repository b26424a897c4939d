// The parity fixtures are only worth something if real Kustomize agrees they are what they claim: every layout
// root builds with kubectl, every broken root fails with it.
import { afterAll, describe, expect, it } from 'vitest';
import { MemorySnapshot } from '../../../src/git/memory.js';
import { cleanupKubectlTrees, hasKubectl, kubectlBuildText } from '../../helpers/kubectl-renderer.js';
import { ERROR_CASES, ERROR_REPO } from './fixtures/errors.js';
import { exampleLayouts, LAYOUTS } from './fixtures/index.js';

if (!hasKubectl) console.warn('kubectl is not on PATH: the Kustomize fixture checks are skipped');

describe.skipIf(!hasKubectl)('parity fixtures under real Kustomize', () => {
  afterAll(cleanupKubectlTrees);

  for (const layout of [...LAYOUTS, ...exampleLayouts()]) {
    it(`${layout.name}: every root builds`, async () => {
      const snapshot = MemorySnapshot.fromRecord('fixture', layout.files);
      const outputs = await Promise.all(
        layout.roots.map((root) => kubectlBuildText(snapshot, root, 'LoadRestrictionsRootOnly')),
      );
      for (const [i, out] of outputs.entries()) expect(out, layout.roots[i]).toMatch(/^apiVersion: /);
    });
  }

  it('every broken root fails', async () => {
    const snapshot = MemorySnapshot.fromRecord('fixture', ERROR_REPO);
    for (const c of ERROR_CASES.filter((e) => e.kubectl === 'fails')) {
      await expect(
        kubectlBuildText(snapshot, c.root, c.loadRestrictor ?? 'LoadRestrictionsRootOnly'),
        c.name,
      ).rejects.toThrow();
    }
  });
});
