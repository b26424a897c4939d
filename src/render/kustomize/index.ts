// The built-in Kustomize engine. Until the engine lands this seam refuses to render, so a review that needs it
// reports "not rendered" rather than pretending; the external engine (`render.engine: kustomize`) works meanwhile.
import type { RenderEngine } from '../types.js';
import { RenderError } from '../types.js';

export const builtinEngine: RenderEngine = {
  name: 'builtin',
  build() {
    return Promise.reject(
      new RenderError('the built-in Kustomize engine is not available in this build', 'unsupported'),
    );
  },
};
