// A directory Flux's kustomize-controller applies without a kustomization file of its own: the controller
// generates one listing every `*.yaml`/`*.yml` below the directory (walked in name order, as Go's filepath.Walk
// does), adding a sub-directory that holds a kustomization as one resource and not descending into it, and then
// builds it with LoadRestrictionsNone. A file that is not Kubernetes YAML fails the build, as it fails Flux.
import { posix } from 'node:path';
import type { RepoSnapshot } from '../core/types.js';
import { KUSTOMIZATION_FILES } from './kustomization.js';
import { OverlaySnapshot } from './overlay-snapshot.js';

interface DirNode {
  files: Set<string>;
  dirs: Map<string, DirNode>;
}

function tree(snapshot: RepoSnapshot, dir: string): DirNode {
  const root: DirNode = { files: new Set(), dirs: new Map() };
  const prefix = dir === '' ? '' : `${dir}/`;
  for (const path of snapshot.files()) {
    if (!path.startsWith(prefix)) continue;
    const parts = path.slice(prefix.length).split('/');
    let node = root;
    for (const part of parts.slice(0, -1)) {
      let child = node.dirs.get(part);
      if (!child) node.dirs.set(part, (child = { files: new Set(), dirs: new Map() }));
      node = child;
    }
    node.files.add(parts[parts.length - 1]!);
  }
  return root;
}

const hasKustomization = (node: DirNode) => KUSTOMIZATION_FILES.some((name) => node.files.has(name));

/** Go sorts directory entries by name as bytes; JS string comparison by UTF-16 code unit agrees for ASCII. */
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The resources Flux lists for `dir`, relative to it, in its order. */
export function fluxResources(snapshot: RepoSnapshot, dir: string): string[] {
  const resources: string[] = [];
  const walk = (node: DirNode, rel: string) => {
    const entries = [...node.files].map((name) => ({ name, dir: false }));
    for (const name of node.dirs.keys()) entries.push({ name, dir: true });
    entries.sort((a, b) => byName(a.name, b.name));
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.dir) {
        const child = node.dirs.get(entry.name)!;
        if (hasKustomization(child)) resources.push(path);
        else walk(child, path);
      } else if (/\.ya?ml$/.test(entry.name)) {
        resources.push(path);
      }
    }
  };
  walk(tree(snapshot, dir), '');
  return resources;
}

/**
 * The snapshot as Flux sees `dir`: unchanged when it has a kustomization file, otherwise with the generated one
 * laid over it (`kustomization.yaml` in `dir`).
 */
export function fluxView(snapshot: RepoSnapshot, dir: string): { snapshot: RepoSnapshot; generated?: string } {
  const own = KUSTOMIZATION_FILES.some((name) => snapshot.read(posix.join(dir, name)) !== undefined);
  if (own) return { snapshot };
  const resources = fluxResources(snapshot, dir);
  const text = [
    'apiVersion: kustomize.config.k8s.io/v1beta1',
    'kind: Kustomization',
    ...(resources.length > 0 ? ['resources:', ...resources.map((r) => `- ${JSON.stringify(r)}`)] : []),
    '',
  ].join('\n');
  const generated = dir === '' ? 'kustomization.yaml' : `${dir}/kustomization.yaml`;
  return { snapshot: new OverlaySnapshot(snapshot, new Map([[generated, text]])), generated };
}
