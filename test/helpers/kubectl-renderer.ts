// Real Kustomize as a test renderer: the snapshot written to a temporary directory and built with
// `kubectl kustomize` (Kustomize v5 inside kubectl). It checks the render stage and the diff against real output
// (hash suffixes, name references, patches, real error messages) independently of envgate's own engine. It cannot
// say which files a build read, so it reports none; tests that need that use plainRender.
import { execFile, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import type { RepoSnapshot } from '../../src/core/types.js';
import { writeSnapshotTree } from '../../src/render/external.js';
import type { RenderRoot } from '../../src/render/discovery.js';
import type { RootRenderOptions } from '../../src/render/stage.js';
import { RenderError, type KubeObject, type RenderOutput } from '../../src/render/types.js';

const run = promisify(execFile);

export const hasKubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;

const trees = new Map<RepoSnapshot, string>();
const made: string[] = [];

function materialise(snapshot: RepoSnapshot): string {
  let dir = trees.get(snapshot);
  if (!dir) {
    // Bytes where the snapshot has them: generator inputs that are not UTF-8 must reach Kustomize unchanged.
    dir = writeSnapshotTree(snapshot, 'envgate-kubectl-');
    trees.set(snapshot, dir);
    made.push(dir);
  }
  return dir;
}

export function cleanupKubectlTrees(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  trees.clear();
}

export async function kubectlRender(
  snapshot: RepoSnapshot,
  root: RenderRoot,
  options: RootRenderOptions,
): Promise<RenderOutput> {
  const stdout = await kubectlBuildText(snapshot, root.path, options.loadRestrictor);
  const objects = parseAllDocuments(stdout)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((o): o is KubeObject => o !== null);
  return { objects, files: [] };
}

/** The exact bytes `kubectl kustomize` prints for directory `path` of the snapshot; RenderError when it fails. */
export async function kubectlBuildText(
  snapshot: RepoSnapshot,
  path: string,
  loadRestrictor: RootRenderOptions['loadRestrictor'],
): Promise<string> {
  const dir = materialise(snapshot);
  try {
    const { stdout } = await run('kubectl', ['kustomize', join(dir, path), `--load-restrictor=${loadRestrictor}`], {
      maxBuffer: 64 * 1024 * 1024,
      timeout: 30_000,
    });
    return stdout;
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message);
    const message = stderr
      .replace(/^error: /, '')
      .split(dir + '/')
      .join('');
    throw new RenderError(message, /remote|github\.com/.test(message) ? 'unsupported' : 'invalid');
  }
}
