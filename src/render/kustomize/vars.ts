// Kustomize v5.5's deprecated `vars` (api/internal/accumulator/resaccumulator.go, api/filters/refvar): each
// kustomization level binds its vars to the one object its objref names (matched by any id the object has had,
// at that moment), and the top level substitutes `$(NAME)` in the varReference field specs with the bound field's
// final value. A whole-field reference keeps the value's type; unknown names stay as written; `$$` escapes `$`.
import { RenderError } from '../types.js';
import { visitFieldSpec, type FieldSpec } from './fieldspec.js';
import { lookupSource, splitDotted } from './replacements.js';
import { effectiveNamespace, isClusterScoped, resIdOf, type ResId, type Resource } from './resource.js';
import type { KubeObject } from '../types.js';

export interface Var {
  name: string;
  objref: { apiVersion?: string; group?: string; version?: string; kind?: string; name?: string; namespace?: string };
  fieldref?: { fieldpath?: string };
}

const WORKLOAD_PATHS = [
  'spec/containers/args',
  'spec/containers/command',
  'spec/containers/env/value',
  'spec/containers/volumeMounts/mountPath',
  'spec/initContainers/args',
  'spec/initContainers/command',
  'spec/initContainers/env/value',
  'spec/initContainers/volumeMounts/mountPath',
];

/** Kustomize's default varReference field specs (api/internal/konfig/builtinpluginconsts/varreference.go). */
export const VAR_REFERENCE_SPECS: readonly FieldSpec[] = [
  ...WORKLOAD_PATHS.map((p) => ({ kind: 'CronJob', path: `spec/jobTemplate/spec/template/${p}` })),
  { kind: 'CronJob', path: 'spec/jobTemplate/spec/template/volumes/nfs/server' },
  ...['DaemonSet', 'Deployment', 'Job', 'ReplicaSet', 'StatefulSet'].flatMap((kind) => [
    ...WORKLOAD_PATHS.map((p) => ({ kind, path: `spec/template/${p}` })),
    ...(kind === 'StatefulSet' ? [] : [{ kind, path: 'spec/template/spec/volumes/nfs/server' }]),
    ...(kind === 'Deployment' ? [{ kind, path: 'spec/template/metadata/annotations' }] : []),
  ]),
  { kind: 'StatefulSet', path: 'spec/volumeClaimTemplates/spec/nfs/server' },
  { kind: 'Ingress', path: 'spec/rules/host' },
  { kind: 'Ingress', path: 'spec/tls/hosts' },
  { kind: 'Ingress', path: 'spec/tls/secretName' },
  ...WORKLOAD_PATHS.map((path) => ({ kind: 'Pod', path })),
  { kind: 'Pod', path: 'spec/volumes/nfs/server' },
  { kind: 'Service', path: 'spec/ports/port' },
  { kind: 'Service', path: 'spec/ports/targetPort' },
  { kind: 'PersistentVolume', path: 'spec/nfs/server' },
  { path: 'metadata/labels' },
  { path: 'metadata/annotations' },
];

/** The vars declared so far, by name, in declaration order (Kustomize's VarSet). */
export type VarSet = Map<string, Var>;

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function objrefId(ref: Var['objref']): ResId {
  const apiVersion = ref.apiVersion ?? (ref.group ? `${ref.group}/${ref.version ?? ''}` : (ref.version ?? ''));
  return { apiVersion, kind: ref.kind ?? '', name: ref.name ?? '', namespace: ref.namespace ?? '' };
}

/**
 * One kustomization level's `vars` (ResAccumulator.MergeVars): binds each to the object its objref names and adds
 * it to `set`. Call it where Kustomize does (accumulateTarget): after the level's generators, components and
 * transformers have run, i.e. as the level's last step; objrefs still match renamed objects through previous ids.
 */
export function bindVars(resources: Resource[], vars: unknown[], where: string, set: VarSet): void {
  for (const raw of vars) {
    const v = raw as Var;
    if (!isMapping(raw) || typeof v.name !== 'string' || !v.name || !isMapping(v.objref)) {
      throw new RenderError(`${where}: vars: each var needs a name and an objref`, 'invalid', where);
    }
    const target = objrefId(v.objref);
    // An objref without namespace matches any namespace (GvknEquals); with one, or cluster-scoped, exactly (Equals).
    const exact = target.namespace !== '' || isClusterScoped(target.apiVersion, target.kind);
    const matches = (id: ResId) =>
      id.name === target.name &&
      id.kind === target.kind &&
      id.apiVersion === target.apiVersion &&
      (!exact || effectiveNamespace(id) === effectiveNamespace(target));
    const matched = resources.filter((r) => [resIdOf(r.object), ...r.previousIds].some(matches));
    if (matched.length > 1) {
      throw new RenderError(
        `${where}: found ${matched.length} resId matches for var ${v.name} (unable to disambiguate)`,
        'invalid',
        where,
      );
    }
    if (matched.length === 1) (matched[0]!.refVarNames ??= []).push(v.name);
    if (set.has(v.name)) throw new RenderError(`${where}: var '${v.name}' already encountered`, 'invalid', where);
    set.set(v.name, v);
  }
}

/** kyaml's convertSliceIndex: `containers[0]` is `containers.0`. */
function fieldPathParts(path: string): string {
  return splitDotted(path)
    .flatMap((part) => {
      const m = /^(.*)\[(\d+)\]$/.exec(part);
      if (!m) return [part];
      return m[1] ? [m[1], m[2]!] : [m[2]!];
    })
    .map((part) => part.replace(/\./g, '\\.'))
    .join('.');
}

type Primitive = string | number | boolean;

function varValues(resources: Resource[], set: VarSet, where: string): Map<string, unknown> {
  const values = new Map<string, unknown>();
  for (const v of set.values()) {
    const holder = resources.find((r) => r.refVarNames?.includes(v.name));
    if (!holder) {
      throw new RenderError(
        `${where}: var '${v.name}' cannot be mapped to a field in the set of known resources`,
        'invalid',
        where,
      );
    }
    const path = v.fieldref?.fieldpath || 'metadata.name';
    let value: unknown;
    try {
      value = lookupSource(holder.object, fieldPathParts(path));
    } catch {
      value = undefined;
    }
    if (value === undefined) {
      throw new RenderError(
        `${where}: field specified in var '${v.name}' (${path}) not found in corresponding resource`,
        'invalid',
        where,
      );
    }
    values.set(v.name, value);
  }
  return values;
}

/** refvar.DoReplacements: `$(NAME)` → value, `$$` → `$`; a reference that is the whole string keeps its type. */
function expand(input: string, lookup: (name: string) => Primitive | undefined): Primitive {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') out += '$';
    else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close < 0) out += '$(';
      else {
        const name = rest.slice(1, close);
        const mapped = lookup(name);
        if (input === `$(${name})`) return mapped ?? input;
        out += mapped === undefined ? `$(${name})` : String(mapped);
        advance = close + 1;
      }
    } else out += `$${rest[0]}`;
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/**
 * Substitutes the vars in `set` into every object (ResAccumulator.ResolveVars); run once, at the top level, after
 * all transformers and name-reference fixes. `extraSpecs` are custom `configurations` varReference entries.
 */
export function resolveVars(resources: Resource[], set: VarSet, where: string, extraSpecs: FieldSpec[] = []): void {
  if (set.size === 0) return;
  const values = varValues(resources, set, where);
  const lookup = (name: string): Primitive | undefined => {
    const value = values.get(name);
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : undefined;
  };
  const substitute = (holder: Record<string | number, unknown>, key: string | number, inList: boolean) => {
    const current = holder[key];
    if (typeof current === 'string') holder[key] = expand(current, lookup);
    else if (inList) throw new RenderError(`${where}: vars: invalid value type expect a string`, 'invalid', where);
  };
  for (const resource of resources) {
    for (const spec of [...VAR_REFERENCE_SPECS, ...extraSpecs]) {
      visitFieldSpec(resource.object as KubeObject, spec, (parent, key) => {
        const node = parent[key];
        if (node === undefined || node === null) return;
        if (Array.isArray(node))
          node.forEach((_, i) => substitute(node as unknown as Record<number, unknown>, i, true));
        else if (isMapping(node)) Object.keys(node).forEach((k) => substitute(node, k, false));
        else substitute(parent, key, false);
      });
    }
  }
}

/** A single kustomization's vars: bind and resolve in one step (a root with no vars in its bases). */
export function applyVars(resources: Resource[], vars: unknown[], where: string, extraSpecs: FieldSpec[] = []): void {
  const set: VarSet = new Map();
  bindVars(resources, vars, where, set);
  resolveVars(resources, set, where, extraSpecs);
}
