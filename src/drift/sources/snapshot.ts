// Live state from files: a directory of objects as `kubectl get -o yaml` writes them (one object, a `kind: List`,
// or several documents per file), one directory per environment. The offline source for the demo, tests and
// `envgate check --live DIR`. Flux Kustomizations and Argo CD Applications in the snapshot say what the
// controllers own, as they would in the cluster.
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { KubeObject } from '../../render/types.js';
import { parseYaml } from '../../validate/yaml.js';
import { argoRecord, forRoots, fluxRecord, isArgoApplication, isFluxKustomization } from '../controllers.js';
import { idKey } from '../identity.js';
import { LiveIndex } from '../live-index.js';
import { LiveSourceError, type ControllerRecord, type LiveLookup, type LiveSource, type ObjectId } from '../types.js';

/** A snapshot is a few hundred files; more means the wrong directory was given. */
const MAX_FILES = 5000;
const EXTENSIONS = /\.(ya?ml|json)$/i;

interface Loaded {
  index: LiveIndex;
  controllers: KubeObject[];
  notes: string[];
}

export class SnapshotSource implements LiveSource {
  readonly kind = 'snapshot';
  readonly description: string;
  private loaded?: Loaded;

  /** @param display how the directory is named in the report (relative to where envgate runs). */
  constructor(
    private readonly dir: string,
    display = dir,
  ) {
    this.description = `snapshot ${display}`;
  }

  async controllers(roots: readonly string[]): Promise<ControllerRecord[]> {
    const { controllers, notes } = this.load();
    const records: ControllerRecord[] = [];
    for (const object of controllers) {
      if (isFluxKustomization(object)) records.push(fluxRecord(object));
      else {
        const { record, problems } = argoRecord(object);
        records.push(record);
        notes.push(...problems);
      }
    }
    const matching = forRoots(records, roots);
    if (matching.length === 0 && records.length > 0) {
      notes.push(
        `no controller in the snapshot syncs ${roots.join(', ')} (found ${records.map((r) => `${r.owner} at ${r.path || '.'}`).join(', ')})`,
      );
    }
    return matching;
  }

  async get(ids: readonly ObjectId[]): Promise<Map<string, LiveLookup>> {
    const { index } = this.load();
    const out = new Map<string, LiveLookup>();
    for (const id of ids) {
      const object = index.find(id);
      out.set(idKey(id), object ? { state: 'found', object } : { state: 'absent' });
    }
    return out;
  }

  notes(): string[] {
    return this.loaded?.notes ?? [];
  }

  private load(): Loaded {
    if (this.loaded) return this.loaded;
    const loaded: Loaded = { index: new LiveIndex(), controllers: [], notes: [] };
    for (const file of this.files()) {
      const display = relative(this.dir, file);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        loaded.notes.push(`${display}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
        continue;
      }
      const parsed = parseYaml(display, text, { requireMapping: true });
      for (const finding of parsed.findings) {
        loaded.notes.push(`${display}${finding.line ? `:${finding.line}` : ''}: ${finding.message}`);
      }
      for (const doc of parsed.documents) {
        for (const object of expandLists(doc.value as KubeObject)) {
          if (!loaded.index.addObject(object, object)) continue;
          if (isFluxKustomization(object) || isArgoApplication(object)) loaded.controllers.push(object);
        }
      }
    }
    this.loaded = loaded;
    return loaded;
  }

  private files(): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      let entries: string[];
      try {
        entries = readdirSync(dir).sort();
      } catch (error) {
        throw new LiveSourceError(`cannot read ${dir}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
      }
      for (const name of entries) {
        const path = join(dir, name);
        const stat = lstatSync(path);
        // Symbolic links are not followed: a snapshot is plain files, and a link could lead anywhere.
        if (stat.isDirectory()) walk(path);
        else if (stat.isFile() && EXTENSIONS.test(name)) out.push(path);
        if (out.length > MAX_FILES) {
          throw new LiveSourceError(`${this.dir} holds more than ${MAX_FILES} YAML files: is it the right directory?`);
        }
      }
    };
    walk(this.dir);
    return out;
  }
}

/** `kind: List` (and typed lists such as `DeploymentList`) as `kubectl get -o yaml` writes several objects. */
function expandLists(value: KubeObject): KubeObject[] {
  const items = (value as { items?: unknown }).items;
  if (typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(items)) {
    const kind = value.kind === 'List' ? undefined : value.kind.slice(0, -'List'.length);
    return items
      .filter((i): i is KubeObject => i !== null && typeof i === 'object' && !Array.isArray(i))
      .map((i) => (kind && !i.kind ? { ...i, kind, apiVersion: i.apiVersion ?? value.apiVersion } : i));
  }
  return [value];
}
