// What each YAML file is to the kustomizations around it: a resource (a whole object), a patch (partial by nature:
// "missing required field" is not an error there), or data (generator input, transformer config, Helm values).
// Built from the kustomization files themselves, so a patch is recognised without rendering anything.
import { posix } from 'node:path';
import type { DocumentRole } from './schema/check.js';
import { parseYaml } from './yaml.js';

export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

export function isKustomizationPath(path: string): boolean {
  return (KUSTOMIZATION_NAMES as readonly string[]).includes(posix.basename(path));
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** A generator (secretGenerator/configMapGenerator) entry, for mapping a generated object back to its source. */
export interface GeneratorRef {
  kind: 'Secret' | 'ConfigMap';
  name: string;
  /** The kustomization file and the index of the entry in its generator list. */
  file: string;
  index: number;
  field: 'secretGenerator' | 'configMapGenerator';
}

const RANK: Record<DocumentRole, number> = { object: 3, patch: 2, data: 1, unknown: 0 };

export class KustomizeIndex {
  private readonly roles = new Map<string, DocumentRole>();
  readonly generators: GeneratorRef[] = [];

  /** `files`: kustomization file path → its text. Paths are POSIX and relative to one root (the repository). */
  static build(files: Iterable<[string, string]>): KustomizeIndex {
    const index = new KustomizeIndex();
    for (const [path, text] of files) index.add(path, text);
    return index;
  }

  roleOf(path: string): DocumentRole {
    return this.roles.get(posix.normalize(path)) ?? 'unknown';
  }

  private set(dir: string, ref: string, role: DocumentRole): void {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(ref) || ref.includes('\n')) return; // remote or inline
    const path = posix.normalize(posix.join(dir, ref));
    const current = this.roles.get(path) ?? 'unknown';
    if (RANK[role] > RANK[current]) this.roles.set(path, role);
  }

  private add(path: string, text: string): void {
    const parsed = parseYaml(path, text);
    const value = parsed.documents[0]?.value;
    if (!isMapping(value)) return;
    const dir = posix.dirname(path);
    for (const ref of [...strings(value.resources), ...strings(value.bases), ...strings(value.crds)]) {
      this.set(dir, ref, 'object');
    }
    for (const ref of strings(value.patchesStrategicMerge)) this.set(dir, ref, 'patch');
    for (const field of ['patches', 'patchesJson6902']) {
      for (const patch of Array.isArray(value[field]) ? (value[field] as unknown[]) : []) {
        if (isMapping(patch) && typeof patch.path === 'string') this.set(dir, patch.path, 'patch');
      }
    }
    for (const field of ['configurations', 'transformers', 'generators', 'validators']) {
      for (const ref of strings(value[field])) this.set(dir, ref, 'data');
    }
    for (const field of ['configMapGenerator', 'secretGenerator'] as const) {
      const entries = Array.isArray(value[field]) ? (value[field] as unknown[]) : [];
      entries.forEach((entry, i) => {
        if (!isMapping(entry)) return;
        for (const source of [...strings(entry.files), ...strings(entry.envs), ...strings([entry.env])]) {
          this.set(dir, source.includes('=') ? source.slice(source.indexOf('=') + 1) : source, 'data');
        }
        if (typeof entry.name === 'string') {
          this.generators.push({
            kind: field === 'secretGenerator' ? 'Secret' : 'ConfigMap',
            name: entry.name,
            file: path,
            index: i,
            field,
          });
        }
      });
    }
    for (const chart of Array.isArray(value.helmCharts) ? (value.helmCharts as unknown[]) : []) {
      if (!isMapping(chart)) continue;
      for (const ref of [...strings([chart.valuesFile]), ...strings(chart.additionalValuesFiles)]) {
        this.set(dir, ref, 'data');
      }
    }
  }
}
