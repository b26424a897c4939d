// Parity harness for the patch modules: each case is a small kustomization (resources plus patches) built by real
// Kustomize (`kubectl kustomize`) and by envgate's patch functions on the same text, compared object by object.
// All cases go into one snapshot (a directory each) and kubectl runs on several at once.
import { parseAllDocuments, stringify } from 'yaml';
import { MemorySnapshot } from '../../../src/git/memory.js';
import { newResource, type Resource } from '../../../src/render/kustomize/resource.js';
import type { Selector } from '../../../src/render/kustomize/select.js';
import {
  applyJson6902Patches,
  applyPatches,
  applyStrategicMergePatches,
  type PatchOptions,
} from '../../../src/render/kustomize/patch.js';
import type { KubeObject } from '../../../src/render/types.js';
import { RenderError } from '../../../src/render/types.js';
import { kubectlRender } from '../../helpers/kubectl-renderer.js';

export interface ParityCase {
  name: string;
  /** Multi-document YAML of the resources. */
  resources: string;
  /** `patches:` entries; `patch` is inline, `path` names a file in `files`. */
  patches?: { patch?: string; path?: string; target?: Selector; options?: PatchOptions }[];
  /** `patchesStrategicMerge:` file names (in `files`). */
  patchesStrategicMerge?: string[];
  /** `patchesJson6902:` entries; `path` names a file in `files`. */
  patchesJson6902?: { target: Selector; path: string }[];
  files?: Record<string, string>;
}

export type Outcome = { objects: KubeObject[] } | { error: string; reason?: string };

function parse(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
}

/** Kustomize prints in its own order; the patch modules keep input order. Compare by identity. */
function sorted(objects: KubeObject[]): KubeObject[] {
  const key = (o: KubeObject) => `${o.kind}/${o.apiVersion}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  return [...objects].sort((a, b) => key(a).localeCompare(key(b)));
}

function kustomizationFor(c: ParityCase): string {
  const k: Record<string, unknown> = { resources: ['resources.yaml'] };
  if (c.patchesStrategicMerge) k.patchesStrategicMerge = c.patchesStrategicMerge;
  if (c.patches) k.patches = c.patches;
  if (c.patchesJson6902) k.patchesJson6902 = c.patchesJson6902;
  return stringify(k);
}

/** envgate's side: the three patch fields in Kustomize's order (strategic merge, patches, JSON 6902). */
export function renderWithEnvgate(c: ParityCase, dir = c.name): Outcome {
  const resources: Resource[] = parse(c.resources).map((o) => newResource(o, `${dir}/resources.yaml`));
  const file = (name: string) => {
    const text = c.files?.[name];
    if (text === undefined) throw new Error(`case ${c.name}: no file ${name}`);
    return text;
  };
  try {
    if (c.patchesStrategicMerge)
      applyStrategicMergePatches(
        resources,
        c.patchesStrategicMerge.map((p) => ({ text: file(p), source: `${dir}/${p}` })),
      );
    if (c.patches)
      applyPatches(
        resources,
        c.patches.map((p) => ({
          text: p.patch !== undefined ? p.patch.trim() : file(p.path!),
          source: p.path !== undefined ? `${dir}/${p.path}` : `${dir}/kustomization.yaml`,
          ...(p.target ? { target: p.target } : {}),
          ...(p.options ? { options: p.options } : {}),
        })),
      );
    if (c.patchesJson6902)
      applyJson6902Patches(
        resources,
        c.patchesJson6902.map((p) => ({ target: p.target, text: file(p.path), source: `${dir}/${p.path}` })),
      );
  } catch (error) {
    if (error instanceof RenderError) return { error: error.message, reason: error.reason };
    throw error;
  }
  return { objects: sorted(resources.map((r) => r.object)) };
}

const KUBECTL_CONCURRENCY = 6;

/** Real Kustomize on every case, a few at a time. */
export async function renderWithKubectl(cases: ParityCase[]): Promise<Map<string, Outcome>> {
  const files: Record<string, string> = {};
  for (const c of cases) {
    files[`${c.name}/kustomization.yaml`] = kustomizationFor(c);
    files[`${c.name}/resources.yaml`] = c.resources;
    for (const [name, text] of Object.entries(c.files ?? {})) files[`${c.name}/${name}`] = text;
  }
  const snapshot = MemorySnapshot.fromRecord('parity', files);
  const render = async (c: ParityCase): Promise<[string, Outcome]> => {
    try {
      const out = await kubectlRender(
        snapshot,
        { path: c.name, type: 'kustomize' },
        { engine: 'kustomize', loadRestrictor: 'LoadRestrictionsRootOnly' },
      );
      return [c.name, { objects: sorted(out.objects) }];
    } catch (error) {
      return [c.name, { error: (error as Error).message }];
    }
  };
  // A few kubectl processes at a time: the suite runs test files in parallel on two cores.
  const outcomes: [string, Outcome][] = [];
  const queue = [...cases];
  await Promise.all(
    Array.from({ length: KUBECTL_CONCURRENCY }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) outcomes.push(await render(c));
    }),
  );
  return new Map(outcomes);
}
