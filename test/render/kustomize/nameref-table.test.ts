// Every entry of the default nameReference table must matter: dropping any one field spec changes the render of
// the parity fixtures (which generators-parity.test.ts proves identical to kubectl), except the few listed below
// with the reason no realistic fixture can reach them.
import { describe, expect, it } from 'vitest';
import { MemorySnapshot } from '../../../src/git/memory.js';
import { builtinEngine } from '../../../src/render/kustomize/index.js';
import { DEFAULT_NAME_REFERENCES } from '../../../src/render/kustomize/nameref.js';
import { printObjects } from '../../../src/render/kustomize/yaml-io.js';
import { GENERATOR_FILES, NAME_TABLE_FILES } from './fixtures/generators.js';

/** ConfigMaps and Secrets are renamed by their hash in `refs`; every other kind by the overlay in `table/overlay`. */
const rootFor = (kind: string | undefined) => (kind === 'ConfigMap' || kind === 'Secret' ? 'refs' : 'table/overlay');

/** Entries the fixtures do not reach, each with why. */
const UNREACHED: Record<string, string> = {
  // Kustomize spells the referral's group as "networking.k8s.io/v1", so it never matches an IngressClass.
  'IngressClass spec/ingressClassName Ingress': 'never matches in Kustomize either',
};

async function render(root: string): Promise<string> {
  // A fresh snapshot per render: the engine caches parsed files per snapshot, and name references mutate objects.
  const snapshot = new MemorySnapshot('table', {
    files: new Map(Object.entries({ ...GENERATOR_FILES, ...NAME_TABLE_FILES })),
  });
  const { objects } = await builtinEngine.build(snapshot, root, { loadRestrictor: 'LoadRestrictionsRootOnly' });
  return printObjects(objects);
}

describe('each default nameReference field spec is needed by a parity fixture', async () => {
  const full = { refs: await render('refs'), 'table/overlay': await render('table/overlay') };
  for (const entry of DEFAULT_NAME_REFERENCES) {
    for (const spec of [...entry.fieldSpecs]) {
      const label = `${entry.kind} ${spec.path} ${spec.group ? `${spec.group}/` : ''}${spec.kind ?? ''}`;
      it(label, async () => {
        const index = entry.fieldSpecs.indexOf(spec);
        entry.fieldSpecs.splice(index, 1);
        let without: string;
        try {
          without = await render(rootFor(entry.kind));
        } finally {
          entry.fieldSpecs.splice(index, 0, spec);
        }
        if (UNREACHED[label]) {
          expect(without).toBe(full[rootFor(entry.kind)]);
          return;
        }
        expect(without, `${label} changes nothing in the fixtures`).not.toBe(full[rootFor(entry.kind)]);
      });
    }
  }
});
