// configMapGenerator and secretGenerator as Kustomize v5 runs them: key/value pairs from env files, then literals,
// then files (api/kv), validated keys, `data` (or `binaryData` for bytes that are not UTF-8) and Secrets base64,
// options from generatorOptions and the entry, and `behavior` against a same-named generated object from a base.
// Error messages name keys and files, never values: these are often Secrets.
import { RenderError } from '../types.js';
import { newResource, resIdOf, effectiveNamespace, groupOf, type Resource } from './resource.js';
import type { KubeObject } from '../types.js';

export interface GeneratorOptions {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  disableNameSuffixHash?: boolean;
  immutable?: boolean;
}

export interface GeneratorArgs {
  name?: string;
  namespace?: string;
  behavior?: string;
  literals?: string[];
  files?: string[];
  envs?: string[];
  env?: string;
  options?: GeneratorOptions;
  type?: string;
}

/** Reads a generator input relative to the kustomization (the loader enforces the load restrictor). */
export type GeneratorRead = (path: string) => string | Uint8Array;

function fail(where: string, message: string): never {
  throw new RenderError(`${where}: ${message}`, 'invalid', where);
}

// Kustomize v5.5 checks no key name (FieldValidator.ErrIfInvalidKey and IsEnvVarName are stubs returning nil):
// `a b`, `..x` and `export X` are keys kubectl kustomize prints as they are; only a repeated key is an error.
const decoder = new TextDecoder('utf-8', { fatal: true });

function asText(content: string | Uint8Array): { text: string; binary?: Uint8Array } {
  if (typeof content === 'string') return { text: content };
  try {
    return { text: decoder.decode(content) };
  } catch {
    return { text: '', binary: content };
  }
}

interface Pair {
  key: string;
  value: string;
  binary?: Uint8Array;
}

// Kustomize v5.5 validates no env-file key (its FieldValidator.IsEnvVarName is a stub returning nil): `export X=1`
// and `KEY =v` become the keys "export X" and "KEY ", exactly as kubectl kustomize prints them.
function envPairs(text: string): Pair[] {
  const pairs: Pair[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    let line = index === 0 ? raw.replace(/^\uFEFF/, '') : raw;
    line = line.replace(/^\s+/u, '');
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const key = eq < 0 ? line : line.slice(0, eq);
    pairs.push({ key, value: eq < 0 ? '' : line.slice(eq + 1) });
  });
  return pairs;
}

function removeQuotes(value: string): string {
  if (value.length < 2 || value[0] !== value[value.length - 1]) return value;
  return value[0] === '"' || value[0] === "'" ? value.slice(1, -1) : value;
}

function fileSource(source: string, where: string): { key: string; path: string } {
  const separators = source.split('=').length - 1;
  if (separators === 0) return { key: source.split('/').pop()!, path: source };
  if (separators === 1 && source.startsWith('=')) fail(where, `missing key name for file path in source "${source}"`);
  if (separators === 1 && source.endsWith('=')) fail(where, `missing file path for key name in source "${source}"`);
  if (separators > 1) fail(where, `source "${source}" key name or file path contains '='`);
  const [key, path] = source.split('=') as [string, string];
  return { key, path };
}

function loadPairs(args: GeneratorArgs, read: GeneratorRead, where: string): Pair[] {
  const pairs: Pair[] = [];
  for (const source of [...(args.envs ?? []), ...(args.env ? [args.env] : [])]) {
    const { text, binary } = asText(read(source));
    if (binary) fail(where, `env file ${source} is not valid UTF-8`);
    pairs.push(...envPairs(text));
  }
  for (const literal of args.literals ?? []) {
    const eq = literal.indexOf('=');
    if (eq <= 0) fail(where, `invalid literal source ${literal.split('=')[0]}, expected key=value`);
    pairs.push({ key: literal.slice(0, eq), value: removeQuotes(literal.slice(eq + 1)) });
  }
  for (const source of args.files ?? []) {
    const { key, path } = fileSource(source, where);
    const { text, binary } = asText(read(path));
    pairs.push({ key, value: text, ...(binary ? { binary } : {}) });
  }
  const seen = new Set<string>();
  for (const pair of pairs) {
    if (seen.has(pair.key)) fail(where, `configmap ${args.name ?? ''} illegally repeats the key \`${pair.key}\``);
    seen.add(pair.key);
  }
  return pairs;
}

function mergeOptions(global: GeneratorOptions | undefined, local: GeneratorOptions | undefined): GeneratorOptions {
  return {
    labels: { ...(global?.labels ?? {}), ...(local?.labels ?? {}) },
    annotations: { ...(global?.annotations ?? {}), ...(local?.annotations ?? {}) },
    disableNameSuffixHash: Boolean(global?.disableNameSuffixHash || local?.disableNameSuffixHash),
    immutable: Boolean(global?.immutable || local?.immutable),
  };
}

function behaviorOf(args: GeneratorArgs, where: string): 'create' | 'merge' | 'replace' {
  const behavior = args.behavior ?? '';
  if (behavior === '' || behavior === 'create') return 'create';
  if (behavior === 'merge' || behavior === 'replace') return behavior;
  return fail(where, `generator ${args.name ?? ''}: unknown behavior "${behavior}"`);
}

/** Kustomize's encodeBase64: 70-character lines, each ending in a newline, once the text needs more than one. */
function base64(bytes: Uint8Array | string): string {
  const encoded = Buffer.from(bytes).toString('base64');
  if (encoded.length < 70) return encoded;
  let out = '';
  for (let i = 0; i < encoded.length; i += 70) out += `${encoded.slice(i, i + 70)}\n`;
  return out;
}

function generate(
  kind: 'ConfigMap' | 'Secret',
  entries: GeneratorArgs[],
  options: GeneratorOptions | undefined,
  where: string,
  read: GeneratorRead,
): Resource[] {
  return entries.map((args) => {
    if (!args.name) fail(where, `a ${kind.toLowerCase()} must have a name`);
    const pairs = loadPairs(args, read, where);
    const merged = mergeOptions(options, args.options);
    const metadata: Record<string, unknown> = { name: args.name };
    if (args.namespace) metadata.namespace = args.namespace;
    if (Object.keys(merged.labels!).length > 0) metadata.labels = merged.labels;
    if (Object.keys(merged.annotations!).length > 0) metadata.annotations = merged.annotations;
    const object: KubeObject = { apiVersion: 'v1', kind, metadata: metadata as KubeObject['metadata'] };
    const record = object as Record<string, unknown>;
    if (kind === 'ConfigMap') {
      const data: Record<string, string> = {};
      const binaryData: Record<string, string> = {};
      for (const pair of pairs) {
        if (pair.binary) binaryData[pair.key] = base64(pair.binary);
        else data[pair.key] = pair.value;
      }
      if (Object.keys(data).length > 0) record.data = data;
      if (Object.keys(binaryData).length > 0) record.binaryData = binaryData;
    } else {
      record.type = args.type || 'Opaque';
      const data: Record<string, string> = {};
      for (const pair of pairs) data[pair.key] = base64(pair.binary ?? pair.value);
      if (Object.keys(data).length > 0) record.data = data;
    }
    if (merged.immutable) record.immutable = true;
    return newResource(object, where, {
      behavior: behaviorOf(args, where),
      nameSuffixHash: !merged.disableNameSuffixHash,
    });
  });
}

/** `configMapGenerator` entries of the kustomization `where` (its file path). */
export function generateConfigMaps(
  entries: GeneratorArgs[],
  options: GeneratorOptions | undefined,
  where: string,
  read: GeneratorRead,
): Resource[] {
  return generate('ConfigMap', entries, options, where, read);
}

export function generateSecrets(
  entries: GeneratorArgs[],
  options: GeneratorOptions | undefined,
  where: string,
  read: GeneratorRead,
): Resource[] {
  return generate('Secret', entries, options, where, read);
}

function sameId(a: Resource, b: Resource): boolean {
  const x = resIdOf(a.object);
  const ids = [...b.previousIds, resIdOf(b.object)];
  return ids.some(
    (y) =>
      y.name === x.name &&
      y.kind === x.kind &&
      groupOf(y.apiVersion) === groupOf(x.apiVersion) &&
      effectiveNamespace(y) === effectiveNamespace(x),
  );
}

const mapOf = (v: unknown): Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/**
 * Adds generated objects to `resources` (Kustomize's appendReplaceOrMerge): `create` appends and must not collide,
 * `merge` and `replace` need exactly one same-named object to take over, keeping its name, namespace, metadata
 * and remembered ids (merge also keeps its data, overridden key by key).
 */
export function mergeGenerated(resources: Resource[], generated: Resource[]): void {
  for (const resource of generated) {
    const id = resIdOf(resource.object);
    const matches = resources.filter((existing) => sameId(resource, existing));
    const behavior = resource.generated?.behavior ?? 'create';
    const label = `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name}`;
    if (matches.length === 0) {
      if (behavior !== 'create') fail(resource.source, `${label} does not exist; cannot merge or replace`);
      resources.push(resource);
      continue;
    }
    if (matches.length > 1) fail(resource.source, `found multiple objects that could accept merge of ${label}`);
    const old = matches[0]!;
    if (behavior === 'create') fail(resource.source, `${label} exists; behavior must be merge or replace`);
    const next = resource.object as Record<string, unknown>;
    const before = old.object as Record<string, unknown>;
    const meta = mapOf(next.metadata);
    const oldMeta = mapOf(before.metadata);
    const labels = { ...mapOf(oldMeta.labels), ...mapOf(meta.labels) };
    const annotations = { ...mapOf(oldMeta.annotations), ...mapOf(meta.annotations) };
    next.metadata = {
      ...meta,
      name: oldMeta.name,
      ...(oldMeta.namespace !== undefined ? { namespace: oldMeta.namespace } : {}),
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
    };
    if (oldMeta.namespace === undefined) delete (next.metadata as Record<string, unknown>).namespace;
    if (behavior === 'merge') {
      for (const field of ['data', 'binaryData']) {
        const combined = { ...mapOf(before[field]), ...mapOf(next[field]) };
        if (Object.keys(combined).length > 0) next[field] = combined;
      }
    }
    resource.previousIds = [...old.previousIds];
    if (old.prefixes) resource.prefixes = [...old.prefixes];
    if (old.suffixes) resource.suffixes = [...old.suffixes];
    // The hash follows the older object unless this one turns it off.
    resource.generated = {
      behavior,
      nameSuffixHash: (old.generated?.nameSuffixHash ?? false) && (resource.generated?.nameSuffixHash ?? true),
    };
    resource.source = old.source;
    resources[resources.indexOf(old)] = resource;
  }
}
