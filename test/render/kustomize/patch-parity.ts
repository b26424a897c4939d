// Parity harness for the patch modules: each case is a small kustomization (resources plus patches) built by real
// Kustomize (`kubectl kustomize`) and by envgate's patch functions on the same text, compared byte for byte object
// by object (Kustomize's output order is the engine's business, not the patch modules'). Resources are read and
// printed with yaml-io.ts, as the engine does. kubectl runs on several cases at once.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
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
import { parseResourceYaml, printObjects } from '../../../src/render/kustomize/yaml-io.js';

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

/** The printed objects (one YAML document each, sorted), or the error. */
export type Outcome = { objects: string[] } | { error: string; reason?: string };

const run = promisify(execFile);

/** Each object as `kubectl kustomize` prints it, sorted so that output order does not matter. */
function documents(objects: KubeObject[]): string[] {
  return objects.map((o) => printObjects([o])).sort();
}

/** kubectl's output split into its documents, sorted. */
function splitDocuments(text: string): string[] {
  if (text === '') return [];
  return text
    .split(/^---\n/m)
    .filter((d) => d !== '')
    .sort();
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
  const resources: Resource[] = parseResourceYaml(c.resources, `${dir}/resources.yaml`).map((o) =>
    newResource(o, `${dir}/resources.yaml`),
  );
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
  return { objects: documents(resources.map((r) => r.object)) };
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
  const root = mkdtempSync(join(tmpdir(), 'envgate-patch-parity-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const render = async (c: ParityCase): Promise<[string, Outcome]> => {
    try {
      const { stdout } = await run('kubectl', ['kustomize', join(root, c.name)], { timeout: 30_000 });
      return [c.name, { objects: splitDocuments(stdout) }];
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message);
      return [c.name, { error: stderr.split(root + '/').join('') }];
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
  rmSync(root, { recursive: true, force: true });
  return new Map(outcomes);
}
