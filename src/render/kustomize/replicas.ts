// Kustomize's replicas transformer (plugin/builtin/replicacounttransformer): for each `replicas:` entry, every
// resource whose current or any earlier name is the entry's name and whose kind one of the field specs selects
// gets the count, creating `spec/replicas` when absent. An entry that matches nothing is an error, as in Kustomize.
import { RenderError } from '../types.js';
import { specMatches, visitFieldSpec, type FieldSpec } from './fieldspec.js';
import { resIdOf, type ResId, type Resource } from './resource.js';
import { mergeFieldSpecs } from './transformers.js';

/** A `replicas:` entry of a kustomization. */
export interface ReplicaSpec {
  name?: string;
  count: number;
}

/** builtinpluginconsts/replicas.go. */
export const REPLICA_SPECS: readonly FieldSpec[] = [
  { kind: 'Deployment', path: 'spec/replicas', create: true },
  { kind: 'ReplicationController', path: 'spec/replicas', create: true },
  { kind: 'ReplicaSet', path: 'spec/replicas', create: true },
  { kind: 'StatefulSet', path: 'spec/replicas', create: true },
];

/** resid.Gvk.IsSelected against the spec's group, version and kind. */
function selects(spec: FieldSpec, id: ResId): boolean {
  return specMatches(spec, { apiVersion: id.apiVersion, kind: id.kind });
}

/** Kustomize's Gvk.String for the error message: `Kind.version.group` with `[noKind]`-style gaps. */
function gvkString(spec: FieldSpec): string {
  return [spec.kind || '[noKind]', spec.version || '[noVer]', spec.group || '[noGrp]'].join('.');
}

export function applyReplicas(
  resources: Resource[],
  replicas: ReplicaSpec[],
  extraSpecs?: FieldSpec[],
  kustomizationFile?: string,
): void {
  const where = kustomizationFile ? `${kustomizationFile}: ` : '';
  const specs = mergeFieldSpecs(REPLICA_SPECS, extraSpecs);
  for (const entry of replicas) {
    const name = entry.name ?? '';
    const count = entry.count ?? 0;
    if (!Number.isInteger(count)) {
      throw new RenderError(`${where}replicas: count for '${name}' must be an integer`, 'invalid');
    }
    let found = false;
    for (const spec of specs) {
      const matching = resources.filter((r) =>
        [resIdOf(r.object), ...r.previousIds].some((id) => id.name === name && selects(spec, id)),
      );
      if (matching.length === 0) continue;
      found = true;
      for (const resource of matching) {
        visitFieldSpec(resource.object, spec, (parent, key) => {
          parent[key] = count;
        });
      }
    }
    if (!found) {
      throw new RenderError(
        `${where}resource with name ${name} does not match a config with the following GVK [${specs.map(gvkString).join(' ')}]`,
        'invalid',
        kustomizationFile,
      );
    }
  }
}
