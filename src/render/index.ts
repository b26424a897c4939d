// One entry point for rendering a root, whatever its type and whichever engine the config picks: a kustomization
// directory is built by the engine, a Flux directory is built from the kustomization Flux would generate, a plain
// directory is read as it is.
import type { RepoSnapshot } from '../core/types.js';
import { dependencyClosure } from './closure.js';
import type { RenderRoot } from './discovery.js';
import { createExternalEngine } from './external.js';
import { fluxView } from './flux-dir.js';
import { builtinEngine } from './kustomize/index.js';
import { renderPlainDir } from './plain-dir.js';
import { RepoIndex } from './repo-index.js';
import type { RootRenderOptions } from './stage.js';
import { RenderError, type RenderEngine, type RenderOutput } from './types.js';

export { builtinEngine } from './kustomize/index.js';
export { printObjects } from './kustomize/yaml-io.js';

let externalEngine: RenderEngine | undefined;

export function engineFor(name: RootRenderOptions['engine']): RenderEngine {
  if (name === 'builtin') return builtinEngine;
  return (externalEngine ??= createExternalEngine());
}

/** Every existing file the root's closure holds: what an engine that cannot report its reads depended on. */
function closureFiles(snapshot: RepoSnapshot, root: RenderRoot): string[] {
  const closure = dependencyClosure(new RepoIndex(snapshot), root);
  return [...snapshot.files()].filter((path) => closure.contains(path)).sort();
}

/** Renders one root; rejects with RenderError only. */
export async function renderRoot(
  snapshot: RepoSnapshot,
  root: RenderRoot,
  options: RootRenderOptions,
): Promise<RenderOutput> {
  if (root.type === 'plain-dir') return renderPlainDir(snapshot, root.path);
  const engine = engineFor(options.engine);
  const view = root.type === 'flux-dir' ? fluxView(snapshot, root.path) : { snapshot };
  let output: RenderOutput;
  try {
    output = await engine.build(view.snapshot, root.path, { loadRestrictor: options.loadRestrictor });
  } catch (error) {
    if (error instanceof RenderError && view.generated) {
      throw new RenderError(
        error.message,
        error.reason,
        error.file === view.generated ? undefined : error.file,
        withoutGenerated(error.files, view.generated),
      );
    }
    throw error;
  }
  const files = engine.name === 'builtin' ? output.files : closureFiles(snapshot, root);
  return { objects: output.objects, files: view.generated ? withoutGenerated(files, view.generated) : files };
}

function withoutGenerated(files: readonly string[], generated: string): string[] {
  return files.filter((file) => file !== generated);
}
