// A deliberately small renderer for testing the render stage's own logic (discovery, closure, failures, env
// mapping) without the Kustomize engine: `resources` (files and directories, nested), `namespace`, `images`
// (newTag), literal `configMapGenerator`s with Kustomize's hash suffix, Flux directories and plain directories.
// Failures mirror the engine's contract: RenderError with a reason and the files read so far.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { RepoSnapshot } from '../../src/core/types.js';
import type { RenderRoot } from '../../src/render/discovery.js';
import type { RootRenderOptions } from '../../src/render/stage.js';
import { RenderError, type KubeObject, type RenderOutput } from '../../src/render/types.js';

const NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

function hashSuffix(data: unknown): string {
  const hex = createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 10);
  return hex.replace(/[013ae]/g, (c) => ({ 0: 'g', 1: 'h', 3: 'k', a: 'm', e: 't' })[c]!);
}

class Build {
  readonly files = new Set<string>();
  constructor(readonly snapshot: RepoSnapshot) {}

  fail(message: string, reason: RenderError['reason'], file?: string): never {
    throw new RenderError(message, reason, file, [...this.files]);
  }

  read(path: string): string {
    if (this.snapshot.symlinkTarget?.(path) !== undefined) this.fail(`${path}: symlinks are refused`, 'escape', path);
    const text = this.snapshot.read(path);
    if (text === undefined) this.fail(`${path}: no such file`, 'missing', path);
    this.files.add(path);
    return text;
  }

  yamlObjects(path: string): KubeObject[] {
    const docs = parseAllDocuments(this.read(path), { uniqueKeys: true });
    const objects: KubeObject[] = [];
    for (const doc of docs) {
      if (doc.errors.length > 0) this.fail(`${path}: ${doc.errors[0]!.message}`, 'invalid', path); // code frame and all, as parsers say it
      const value = doc.toJS() as KubeObject | null;
      if (value) objects.push(value);
    }
    return objects;
  }

  resolve(dir: string, ref: string, file: string): string {
    const path = posix.normalize(posix.join(dir, ref));
    if (ref.startsWith('/') || path === '..' || path.startsWith('../')) {
      this.fail(`${file}: ${ref} is outside the repository`, 'escape', file);
    }
    return path === '.' ? '' : path;
  }

  isDir(path: string): boolean {
    for (const file of this.snapshot.files()) if (file.startsWith(`${path}/`)) return true;
    return false;
  }

  kustomize(dir: string, stack: string[]): KubeObject[] {
    if (stack.includes(dir)) this.fail(`cycle: ${[...stack, dir].join(' → ')}`, 'cycle', dir);
    const file = NAMES.map((n) => (dir ? `${dir}/${n}` : n)).find((p) => this.snapshot.read(p) !== undefined);
    if (!file) this.fail(`${dir}: no kustomization file`, 'missing', dir);
    const [k] = this.yamlObjects(file) as Record<string, unknown>[];
    if (!k) this.fail(`${file}: empty`, 'invalid', file);
    if (k.helmCharts) this.fail(`${file}: helmCharts are not rendered offline`, 'unsupported', file);
    const objects: KubeObject[] = [];
    for (const ref of (k.resources as string[] | undefined) ?? []) {
      if (/^(https?|git|ssh):\/\/|^github\.com\//.test(ref)) {
        this.fail(`${file}: remote resource ${ref} is not rendered offline`, 'unsupported', file);
      }
      const path = this.resolve(dir, ref, file);
      if (this.snapshot.read(path) !== undefined) objects.push(...this.yamlObjects(path));
      else if (this.isDir(path)) objects.push(...this.kustomize(path, [...stack, dir]));
      else this.fail(`${file}: resource ${ref} does not exist`, 'missing', file);
    }
    for (const gen of (k.configMapGenerator as { name: string; literals?: string[] }[] | undefined) ?? []) {
      const data = Object.fromEntries((gen.literals ?? []).map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1)]));
      objects.push({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${gen.name}-${hashSuffix({ name: gen.name, data })}` },
        data,
      });
    }
    for (const image of (k.images as { name: string; newTag: string }[] | undefined) ?? []) {
      for (const object of objects) {
        const containers = (object.spec as { template?: { spec?: { containers?: { image: string }[] } } })?.template
          ?.spec?.containers;
        for (const c of containers ?? []) {
          if (c.image.split(':')[0] === image.name) c.image = `${image.name}:${image.newTag}`;
        }
      }
    }
    if (typeof k.namespace === 'string') {
      for (const object of objects)
        if (object.kind !== 'Namespace') object.metadata = { ...object.metadata, namespace: k.namespace };
    }
    return objects;
  }
}

/** The stage's RenderRootFn, over plain YAML. */
export async function plainRender(
  snapshot: RepoSnapshot,
  root: RenderRoot,
  _options: RootRenderOptions,
): Promise<RenderOutput> {
  const build = new Build(snapshot);
  let objects: KubeObject[];
  if (root.type === 'kustomize') {
    objects = build.kustomize(root.path, []);
  } else {
    const yaml = [...snapshot.files()]
      .filter(
        (f) =>
          (/\.ya?ml$/.test(f) && posix.dirname(f) === root.path) ||
          (root.type === 'flux-dir' && f.startsWith(`${root.path}/`) && /\.ya?ml$/.test(f)),
      )
      .sort();
    objects = yaml.flatMap((f) => build.yamlObjects(f));
  }
  return { objects, files: [...build.files].sort() };
}
