// An Argo CD directory application (non-recursive): every `*.yaml`, `*.yml` and `*.json` file directly in the
// directory, in name order, each document an object. No Kustomize involved, so nothing is renamed or reordered.
import type { RepoSnapshot } from '../core/types.js';
import { parseResourceYaml } from './kustomize/yaml-io.js';
import { RenderError, type KubeObject, type RenderOutput } from './types.js';

export function renderPlainDir(snapshot: RepoSnapshot, dir: string): RenderOutput {
  const prefix = dir === '' ? '' : `${dir}/`;
  const files = [...snapshot.files()]
    .filter((path) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/'))
    .filter((path) => /\.(ya?ml|json)$/.test(path))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const objects: KubeObject[] = [];
  const read: string[] = [];
  for (const file of files) {
    const text = snapshot.read(file);
    if (text === undefined) {
      const why =
        snapshot.unreadable?.get(file) ?? (snapshot.symlinkTarget?.(file) !== undefined ? 'a symlink' : 'unreadable');
      throw new RenderError(
        `${file} cannot be read (${why})`,
        snapshot.symlinkTarget?.(file) ? 'escape' : 'missing',
        file,
        read,
      );
    }
    read.push(file);
    try {
      objects.push(...parseResourceYaml(text, file));
    } catch (error) {
      if (error instanceof RenderError) throw new RenderError(error.message, error.reason, error.file ?? file, read);
      throw error;
    }
  }
  return { objects, files: read };
}
