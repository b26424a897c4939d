// Kustomize's replicas transformer: `spec.replicas` of the workload named (by any name it has had), for the kinds
// in its field specs. Naming nothing that exists is an error, as in Kustomize.
import { RenderError } from '../types.js';
import { specMatches, visitFieldSpec, type FieldSpec } from './fieldspec.js';
import { resIdOf, type Resource } from './resource.js';

export interface ReplicaSpec {
  name?: string;
  count: number;
}

const REPLICA_SPECS: FieldSpec[] = ['Deployment', 'ReplicationController', 'ReplicaSet', 'StatefulSet'].map((kind) => ({
  path: 'spec/replicas',
  kind,
  create: true,
}));

export function applyReplicas(resources: Resource[], replicas: ReplicaSpec[], extraSpecs: FieldSpec[] = []): void {
  const specs = [...REPLICA_SPECS, ...extraSpecs];
  for (const replica of replicas) {
    let found = false;
    for (const s of specs) {
      for (const resource of resources) {
        const ids = [...resource.previousIds, resIdOf(resource.object)];
        if (
          !ids.some((id) => id.name === replica.name && specMatches(s, { apiVersion: id.apiVersion, kind: id.kind }))
        ) {
          continue;
        }
        found = true;
        visitFieldSpec(resource.object, s, (parent, key) => {
          parent[key] = replica.count;
        });
      }
    }
    if (!found) {
      const gvks = specs.map((s) =>
        `${s.group ? `${s.group}_` : ''}${s.version ?? ''}_${s.kind ?? ''}`.replace(/^_/, ''),
      );
      throw new RenderError(
        `replicas: resource with name ${replica.name ?? ''} does not match a config with the following GVK [${gvks.join(' ')}]`,
        'invalid',
      );
    }
  }
}
