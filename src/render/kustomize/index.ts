// The built-in Kustomize engine: renders a kustomization from a RepoSnapshot in process, with no network, no
// exec and nothing read outside the repository, to the objects `kubectl kustomize` prints, in its order.
import type { RepoSnapshot } from '../../core/types.js';
import type { KubeObject, RenderEngine, RenderOptions, RenderOutput } from '../types.js';
import { RenderError } from '../types.js';
import { buildKustomization } from './accumulate.js';
import { RepoLoader } from './loader.js';

export { buildKustomization } from './accumulate.js';

/**
 * Kustomize's last step rewrites `metadata.annotations` as strings (RemoveBuildAnnotations); values read from files
 * are already their written text (yaml-io), this catches values a replacement or JSON patch put there as numbers.
 */
function annotationValuesAsStrings(object: KubeObject): void {
  const annotations = object.metadata?.annotations as Record<string, unknown> | undefined;
  if (!annotations || typeof annotations !== 'object') return;
  for (const [key, value] of Object.entries(annotations)) {
    if (typeof value === 'number' || typeof value === 'boolean') annotations[key] = String(value);
    else if (value === null) annotations[key] = '';
  }
}

/** Renders synchronously; errors are RenderErrors carrying every file read before the failure. */
export function renderKustomization(snapshot: RepoSnapshot, dir: string, options: RenderOptions): RenderOutput {
  const loader = new RepoLoader(snapshot, options);
  const root = dir === '.' || dir === './' ? '' : dir.replace(/^\.\//, '').replace(/\/+$/, '');
  try {
    const resources = buildKustomization(loader, root);
    const objects = resources.map((r) => r.object);
    for (const object of objects) annotationValuesAsStrings(object);
    return { objects, files: loader.files };
  } catch (error) {
    if (error instanceof RenderError) throw new RenderError(error.message, error.reason, error.file, loader.files);
    // A bug in the engine must still surface as a render failure of this root, never as a crash of the review.
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new RenderError(
      `${root || '.'}: internal error in the built-in engine: ${message}`,
      'invalid',
      undefined,
      loader.files,
    );
  }
}

export const builtinEngine: RenderEngine = {
  name: 'builtin',
  build(snapshot, dir, options) {
    try {
      return Promise.resolve(renderKustomization(snapshot, dir, options));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  },
};
