// The engine's kustomization parser: a kustomization file read exactly as Kustomize v5.5 reads it (YAML 1.1 into
// JSON, then Go's strict JSON decoding into types.Kustomization). Field names match case-insensitively as Go's
// encoding/json does, unknown fields and wrongly typed values are errors, the deprecated fields still work
// (`bases` joins `resources`, `imageTags` joins `images`, `env` joins `envs`), and everything envgate deliberately
// does not run (Helm, plugins, remote bases) is refused as `unsupported` rather than half-rendered.
import { parseDocument } from 'yaml';
import { isRemoteRef } from '../kustomization.js';
import { RenderError } from '../types.js';
import type { FieldSpec } from './fieldspec.js';
import type { GeneratorArgs, GeneratorOptions } from './generators.js';
import type { ImageSpec } from './images.js';
import type { NameBackReference } from './nameref.js';
import type { ReplicaSpec } from './replicas.js';
import type { Selector } from './select.js';
import { mergeFieldSpecs, type LabelsEntry } from './transformers.js';

export const KUSTOMIZATION_VERSION = 'kustomize.config.k8s.io/v1beta1';
export const COMPONENT_VERSION = 'kustomize.config.k8s.io/v1alpha1';

export interface PatchSpec {
  path?: string;
  patch?: string;
  target?: Selector;
  options?: Record<string, boolean>;
}

export interface SortOptions {
  order?: 'legacy' | 'fifo' | string;
  legacySortOptions?: { orderFirst: string[]; orderLast: string[] };
}

/** A parsed, validated kustomization with canonical field names. Absent lists are empty. */
export interface Kustomization {
  /** Repository path of the kustomization file. */
  file: string;
  /** Repository path of its directory ('' for the repository root). */
  dir: string;
  kind: 'Kustomization' | 'Component';
  namePrefix: string;
  nameSuffix: string;
  namespace: string;
  commonLabels: Record<string, string>;
  labels: Required<LabelsEntry>[];
  commonAnnotations: Record<string, string>;
  /** Paths or inline patches, as written. */
  patchesStrategicMerge: string[];
  patchesJson6902: PatchSpec[];
  patches: PatchSpec[];
  images: ImageSpec[];
  /** Entries as written: inline replacements, or `{path}` to a file of them. */
  replacements: Record<string, unknown>[];
  replicas: ReplicaSpec[];
  sortOptions?: SortOptions;
  /** `resources` then `bases`, as Kustomize appends them. */
  resources: string[];
  components: string[];
  /** `env` (deprecated) already appended to `envs`, as Kustomize's FixKustomization does. */
  configMapGenerator: GeneratorArgs[];
  secretGenerator: GeneratorArgs[];
  generatorOptions?: GeneratorOptions;
  configurations: string[];
  buildMetadata: string[];
}

// ---- The type tree of Kustomize v5.5's types.Kustomization, as Go's JSON decoder sees it. ----

type Schema =
  | { t: 'string' }
  | { t: 'bool' }
  | { t: 'int' }
  | { t: 'any' }
  | { t: 'map'; of: Schema }
  | { t: 'list'; of: Schema }
  | { t: 'struct'; name: string; fields: Record<string, Schema> };

const str: Schema = { t: 'string' };
const bool: Schema = { t: 'bool' };
const int: Schema = { t: 'int' };
const any: Schema = { t: 'any' };
const list = (of: Schema): Schema => ({ t: 'list', of });
const map = (of: Schema): Schema => ({ t: 'map', of });
const struct = (name: string, fields: Record<string, Schema>): Schema => ({ t: 'struct', name, fields });

const gvk = { group: str, version: str, kind: str };
const fieldSpec = struct('FieldSpec', { ...gvk, path: str, create: bool });
const selector = struct('Selector', {
  ...gvk,
  name: str,
  namespace: str,
  annotationSelector: str,
  labelSelector: str,
});
const fieldOptions = struct('FieldOptions', { delimiter: str, index: int, encoding: str, create: bool });
const patch = struct('Patch', { path: str, patch: str, target: selector, options: map(bool) });
const generatorOptions = struct('GeneratorOptions', {
  labels: map(str),
  annotations: map(str),
  disableNameSuffixHash: bool,
  immutable: bool,
});
const generatorArgs = {
  namespace: str,
  name: str,
  behavior: str,
  literals: list(str),
  files: list(str),
  envs: list(str),
  env: str,
  options: generatorOptions,
};
const image = struct('Image', { name: str, newName: str, tagSuffix: str, newTag: str, digest: str });
const helmChart = struct('HelmChart', {
  name: str,
  version: str,
  repo: str,
  releaseName: str,
  namespace: str,
  additionalValuesFiles: list(str),
  valuesFile: str,
  valuesInline: map(any),
  valuesMerge: str,
  includeCRDs: bool,
  skipHooks: bool,
  apiVersions: list(str),
  kubeVersion: str,
  nameTemplate: str,
  skipTests: bool,
  debug: bool,
});

const KUSTOMIZATION = struct('Kustomization', {
  kind: str,
  apiVersion: str,
  metadata: struct('ObjectMeta', { name: str, namespace: str, labels: map(str), annotations: map(str) }),
  openapi: map(str),
  namePrefix: str,
  nameSuffix: str,
  namespace: str,
  commonLabels: map(str),
  labels: list(
    struct('Label', { pairs: map(str), includeSelectors: bool, includeTemplates: bool, fields: list(fieldSpec) }),
  ),
  commonAnnotations: map(str),
  patchesStrategicMerge: list(str),
  patchesJson6902: list(patch),
  patches: list(patch),
  images: list(image),
  imageTags: list(image),
  replacements: list(
    struct('ReplacementField', {
      source: struct('SourceSelector', {
        ...gvk,
        name: str,
        namespace: str,
        fieldPath: str,
        options: fieldOptions,
      }),
      targets: list(
        struct('TargetSelector', {
          select: selector,
          reject: list(selector),
          fieldPaths: list(str),
          options: fieldOptions,
        }),
      ),
      path: str,
    }),
  ),
  replicas: list(struct('Replica', { name: str, count: int })),
  vars: list(
    struct('Var', {
      name: str,
      objref: struct('Target', { apiVersion: str, ...gvk, name: str, namespace: str }),
      fieldref: struct('FieldSelector', { fieldPath: str }),
    }),
  ),
  sortOptions: struct('SortOptions', {
    order: str,
    legacySortOptions: struct('LegacySortOptions', { orderFirst: list(str), orderLast: list(str) }),
  }),
  resources: list(str),
  components: list(str),
  crds: list(str),
  bases: list(str),
  configMapGenerator: list(struct('ConfigMapArgs', generatorArgs)),
  secretGenerator: list(struct('SecretArgs', { ...generatorArgs, type: str })),
  helmGlobals: struct('HelmGlobals', { chartHome: str, configHome: str }),
  helmCharts: list(helmChart),
  helmChartInflationGenerator: list(map(any)),
  generatorOptions,
  configurations: list(str),
  generators: list(str),
  transformers: list(str),
  validators: list(str),
  buildMetadata: list(str),
});

const jsonType = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? 'array'
      : typeof v === 'object'
        ? 'object'
        : typeof v === 'boolean'
          ? 'bool'
          : typeof v === 'number' || typeof v === 'bigint'
            ? 'number'
            : 'string';

const goType = (s: Schema): string => {
  switch (s.t) {
    case 'string':
      return 'string';
    case 'bool':
      return 'bool';
    case 'int':
      return 'int64';
    case 'any':
      return 'interface {}';
    case 'map':
      return `map[string]${goType(s.of)}`;
    case 'list':
      return `[]${goType(s.of)}`;
    case 'struct':
      return `types.${s.name}`;
  }
};

/**
 * Decodes `value` against `schema` as Go's encoding/json with DisallowUnknownFields: returns the value with canonical
 * field names, nulls dropped. `where` is Go's error context (`Kustomization.images.newTag`).
 */
function decode(value: unknown, schema: Schema, where: { struct: string; path: string }): unknown {
  if (value === null || value === undefined) return undefined;
  const mismatch = (): never => {
    const field = where.path ? ` into Go struct field ${where.struct}.${where.path}` : ' into Go value';
    throw new Error(`json: cannot unmarshal ${jsonType(value)}${field} of type ${goType(schema)}`);
  };
  switch (schema.t) {
    case 'any':
      return value;
    case 'string':
      return typeof value === 'string' ? value : mismatch();
    case 'bool':
      return typeof value === 'boolean' ? value : mismatch();
    case 'int':
      if (typeof value === 'bigint') return Number(value);
      return typeof value === 'number' && Number.isInteger(value) ? value : mismatch();
    case 'list': {
      if (!Array.isArray(value)) return mismatch();
      const out: unknown[] = [];
      for (const element of value) {
        const decoded = decode(element, schema.of, where);
        // Go decodes a null element into the zero value: an empty string, struct or map.
        out.push(decoded ?? zeroOf(schema.of));
      }
      return out;
    }
    case 'map': {
      if (jsonType(value) !== 'object') return mismatch();
      const out: Record<string, unknown> = {};
      for (const [key, element] of Object.entries(value as Record<string, unknown>)) {
        out[key] = decode(element, schema.of, where) ?? zeroOf(schema.of);
      }
      return out;
    }
    case 'struct': {
      if (jsonType(value) !== 'object') return mismatch();
      const out: Record<string, unknown> = {};
      const names = Object.keys(schema.fields);
      for (const [key, element] of Object.entries(value as Record<string, unknown>)) {
        // encoding/json prefers the exact name, then any case-insensitive match.
        const name = schema.fields[key] ? key : names.find((n) => n.toLowerCase() === key.toLowerCase());
        if (name === undefined) throw new Error(`json: unknown field "${key}"`);
        const decoded = decode(element, schema.fields[name]!, {
          struct: schema.name,
          path: where.path ? `${where.path}.${name}` : name,
        });
        if (decoded !== undefined) out[name] = decoded;
        else delete out[name];
      }
      return out;
    }
  }
}

function zeroOf(schema: Schema): unknown {
  switch (schema.t) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int':
      return 0;
    case 'list':
    case 'any':
      return null;
    default:
      return {};
  }
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Parses YAML as sigs.k8s.io/yaml does (go-yaml v2: YAML 1.1 scalars such as `y` and `on` are booleans; a repeated key wins). */
function parseKustomizationYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, prettyErrors: false });
  const error = doc.errors[0];
  if (error) {
    const line = error.linePos?.[0]?.line;
    throw new RenderError(
      `${file}: invalid Kustomization: YAML error${line ? ` on line ${line}` : ''}: ${error.message.split('\n')[0]}`,
      'invalid',
      file,
    );
  }
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

/** Kustomize's check: a kustomization with nothing but apiVersion/kind is an error. */
function isEmptyKustomization(decoded: Record<string, unknown>): boolean {
  return Object.keys(decoded).every((key) => key === 'kind' || key === 'apiVersion');
}

/**
 * Parses and validates the kustomization file at `file` (text already read). Throws RenderError: `invalid` for
 * anything Kustomize rejects, `unsupported` for features envgate does not run.
 */
export function parseKustomization(file: string, text: string): Kustomization {
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/')) : '';
  const fail = (message: string, reason: RenderError['reason'] = 'invalid'): never => {
    throw new RenderError(`${file}: ${message}`, reason, file);
  };
  const raw = parseKustomizationYaml(text, file);
  let decoded: Record<string, unknown>;
  try {
    decoded = (decode(raw, KUSTOMIZATION, { struct: 'Kustomization', path: '' }) ?? {}) as Record<string, unknown>;
  } catch (error) {
    return fail(`invalid Kustomization: ${(error as Error).message}`);
  }
  if (raw !== null && raw !== undefined && !isMapping(raw)) fail('invalid Kustomization: not a mapping');

  const kindField = (decoded.kind as string | undefined) ?? '';
  const apiVersion = (decoded.apiVersion as string | undefined) ?? '';
  if (isEmptyKustomization(decoded)) fail('kustomization.yaml is empty');
  if (kindField !== '' && kindField !== 'Kustomization' && kindField !== 'Component') {
    fail('Failed to read kustomization file: kind should be Kustomization or Component');
  }
  const kind = kindField === 'Component' ? 'Component' : 'Kustomization';
  const requiredVersion = kind === 'Component' ? COMPONENT_VERSION : KUSTOMIZATION_VERSION;
  if (apiVersion !== '' && apiVersion !== requiredVersion) {
    fail(`Failed to read kustomization file: apiVersion for ${kind} should be ${requiredVersion}`);
  }

  const strings = (key: string): string[] => (decoded[key] as string[] | undefined) ?? [];
  const records = <T>(key: string): T[] => (decoded[key] as T[] | undefined) ?? [];
  const stringMap = (key: string): Record<string, string> => (decoded[key] as Record<string, string>) ?? {};

  // What envgate will not run: it would need the network, a Helm binary or arbitrary plugins.
  for (const key of ['helmCharts', 'helmChartInflationGenerator', 'generators', 'transformers', 'validators']) {
    if (strings(key).length > 0) fail(`${key} is not supported by envgate's built-in engine`, 'unsupported');
  }
  if (decoded.helmGlobals !== undefined)
    fail("helmGlobals is not supported by envgate's built-in engine", 'unsupported');
  if (strings('vars').length > 0)
    fail('vars are not supported by the built-in engine (use replacements)', 'unsupported');
  if (strings('crds').length > 0) fail('crds are not supported by the built-in engine', 'unsupported');
  if (decoded.openapi !== undefined) fail('openapi is not supported by the built-in engine', 'unsupported');
  const buildMetadata = strings('buildMetadata');
  for (const option of buildMetadata) {
    // Kustomize ignores options it does not know; these two would add annotations envgate does not reproduce.
    if (option === 'originAnnotations' || option === 'transformerAnnotations') {
      fail(`buildMetadata ${option} is not supported by the built-in engine`, 'unsupported');
    }
  }
  const resources = [...strings('resources'), ...strings('bases')];
  for (const [field, refs] of [
    ['resources', resources],
    ['components', strings('components')],
  ] as const) {
    for (const ref of refs) {
      if (isRemoteRef(ref))
        fail(`${field} entry '${ref}' is a remote reference, which envgate never fetches`, 'unsupported');
    }
  }

  const fixEnv = (args: GeneratorArgs): GeneratorArgs => {
    const { env, ...rest } = args;
    return env ? { ...rest, envs: [...(rest.envs ?? []), env] } : rest;
  };
  const labels = records<LabelsEntry>('labels').map((entry) => ({
    pairs: entry.pairs ?? {},
    includeSelectors: entry.includeSelectors ?? false,
    includeTemplates: entry.includeTemplates ?? false,
    fields: entry.fields ?? [],
  }));
  const sortOptions = decoded.sortOptions as SortOptions | undefined;
  if (sortOptions?.legacySortOptions) {
    sortOptions.legacySortOptions = {
      orderFirst: sortOptions.legacySortOptions.orderFirst ?? [],
      orderLast: sortOptions.legacySortOptions.orderLast ?? [],
    };
  }
  return {
    file,
    dir,
    kind,
    namePrefix: (decoded.namePrefix as string | undefined) ?? '',
    nameSuffix: (decoded.nameSuffix as string | undefined) ?? '',
    namespace: (decoded.namespace as string | undefined) ?? '',
    commonLabels: stringMap('commonLabels'),
    labels,
    commonAnnotations: stringMap('commonAnnotations'),
    patchesStrategicMerge: strings('patchesStrategicMerge'),
    patchesJson6902: records<PatchSpec>('patchesJson6902'),
    patches: records<PatchSpec>('patches'),
    images: [...records<ImageSpec>('images'), ...records<ImageSpec>('imageTags')],
    replacements: records<Record<string, unknown>>('replacements'),
    replicas: records<Partial<ReplicaSpec>>('replicas').map((r) => ({ ...r, count: r.count ?? 0 })),
    ...(sortOptions ? { sortOptions } : {}),
    resources,
    components: strings('components'),
    configMapGenerator: records<GeneratorArgs>('configMapGenerator').map(fixEnv),
    secretGenerator: records<GeneratorArgs>('secretGenerator').map(fixEnv),
    ...(decoded.generatorOptions ? { generatorOptions: decoded.generatorOptions as GeneratorOptions } : {}),
    configurations: strings('configurations'),
    buildMetadata,
  };
}

// ---- Custom transformer configurations (`configurations:` files): Kustomize's builtinconfig.TransformerConfig. ----

/** Field specs added by `configurations:` files, on top of each transformer's default table. */
export interface TransformerConfig {
  namePrefix: FieldSpec[];
  nameSuffix: FieldSpec[];
  namespace: FieldSpec[];
  commonLabels: FieldSpec[];
  labels: FieldSpec[];
  templateLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  nameReference: NameBackReference[];
  varReference: FieldSpec[];
  images: FieldSpec[];
  replicas: FieldSpec[];
}

const FS_KEYS = [
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'labels',
  'templateLabels',
  'commonAnnotations',
  'varReference',
  'images',
  'replicas',
] as const;

const TRANSFORMER_CONFIG = struct('TransformerConfig', {
  ...Object.fromEntries(FS_KEYS.map((k) => [k, list(fieldSpec)])),
  nameReference: list(struct('NameBackReferences', { ...gvk, fieldSpecs: list(fieldSpec) })),
});

export function emptyTransformerConfig(): TransformerConfig {
  return {
    namePrefix: [],
    nameSuffix: [],
    namespace: [],
    commonLabels: [],
    labels: [],
    templateLabels: [],
    commonAnnotations: [],
    nameReference: [],
    varReference: [],
    images: [],
    replicas: [],
  };
}

const sameGvk = (a: { group?: string; version?: string; kind?: string }, b: typeof a) =>
  (a.group ?? '') === (b.group ?? '') && (a.version ?? '') === (b.version ?? '') && (a.kind ?? '') === (b.kind ?? '');

/** Kustomize's FsSlice.MergeAll (transformers.ts), with the kustomization named in a conflict. */
function mergeSpecs(into: FieldSpec[], specs: FieldSpec[], where: string): FieldSpec[] {
  try {
    return mergeFieldSpecs(into, specs);
  } catch (error) {
    if (error instanceof RenderError) throw new RenderError(`${where}: ${error.message}`, error.reason, where);
    throw error;
  }
}

export function mergeTransformerConfig(a: TransformerConfig, b: TransformerConfig, where: string): TransformerConfig {
  const merged = emptyTransformerConfig();
  for (const key of FS_KEYS) merged[key] = mergeSpecs(a[key], b[key], where);
  merged.nameReference = a.nameReference.map((n) => ({ ...n, fieldSpecs: [...n.fieldSpecs] }));
  for (const incoming of b.nameReference) {
    const existing = merged.nameReference.find((n) => sameGvk(n, incoming));
    if (existing) existing.fieldSpecs = mergeSpecs(existing.fieldSpecs, incoming.fieldSpecs, where);
    else merged.nameReference.push({ ...incoming, fieldSpecs: [...incoming.fieldSpecs] });
  }
  return merged;
}

/** Parses one `configurations:` file (YAML, strictly: unknown keys are errors as in yaml.UnmarshalStrict). */
export function parseTransformerConfig(file: string, text: string): TransformerConfig {
  const raw = parseKustomizationYaml(text, file);
  let decoded: Record<string, unknown>;
  try {
    decoded = (decode(raw, TRANSFORMER_CONFIG, { struct: 'TransformerConfig', path: '' }) ?? {}) as Record<
      string,
      unknown
    >;
  } catch (error) {
    throw new RenderError(`${file}: invalid transformer configuration: ${(error as Error).message}`, 'invalid', file);
  }
  const config = emptyTransformerConfig();
  for (const key of FS_KEYS) config[key] = (decoded[key] as FieldSpec[] | undefined) ?? [];
  config.nameReference = ((decoded.nameReference as NameBackReference[] | undefined) ?? []).map((n) => ({
    ...n,
    fieldSpecs: n.fieldSpecs ?? [],
  }));
  return config;
}
