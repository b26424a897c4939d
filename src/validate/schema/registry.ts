// Which JSON Schema a document is checked against, compiled once. Built-in kinds come from schemas/kubernetes/
// (generated offline by scripts/generate-schemas.ts), kustomization files from schemas/kustomize/, and custom
// resources from the CustomResourceDefinitions found in the repository under review, which take precedence:
// they are the versions that cluster actually runs.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type Format, type ValidateFunction } from 'ajv';
import { crdSchemas, type CrdSchema } from './crd.js';

/** `full`: a whole object (required fields enforced). `partial`: a patch or a raw file (types and fields only). */
export type SchemaMode = 'full' | 'partial';

export interface KindSchema {
  /** `apps/v1/Deployment` */
  key: string;
  origin: 'builtin' | 'crd' | 'kustomize';
  /** For CRD schemas: the file the CustomResourceDefinition came from. */
  source?: string;
  validator(mode: SchemaMode): ValidateFunction;
}

const SCHEMA_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url));

interface BuiltinIndex {
  kubernetesVersion: string;
  kinds: Record<string, string>;
  /** Built-in API versions the pinned release no longer serves → the version that replaced them (or null). */
  notServed: Record<string, string | null>;
}

const always: Format = { validate: () => true };
const int32: Format = {
  type: 'number',
  validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31,
};
const int64: Format = { type: 'number', validate: (n: number) => Number.isInteger(n) && Number.isSafeInteger(n) };

/** OpenAPI and Kubernetes formats. Only integer widths are checked; the rest are accepted as Kubernetes mostly does. */
const FORMATS: Record<string, Format> = Object.fromEntries([
  ['int32', int32],
  ['int64', int64],
  ...[
    'float',
    'double',
    'byte',
    'binary',
    'date',
    'date-time',
    'duration',
    'password',
    'uri',
    'url',
    'email',
    'hostname',
    'ipv4',
    'ipv6',
    'ip',
    'cidr',
    'mac',
    'uuid',
    'uuid3',
    'uuid4',
    'uuid5',
    'isbn',
    'hexcolor',
    'rgbcolor',
    'creditcard',
    'ssn',
    'bsonobjectid',
    'quantity',
    'int-or-string',
    'regex',
  ].map((name) => [name, always] as const),
]);

/**
 * Compiling is what costs at start-up (a Deployment schema holds the whole PodSpec): not inlining $refs and
 * skipping ajv's code optimiser compile 2–3× faster, and validation stays far above the throughput target.
 */
export function newAjv(): Ajv {
  return new Ajv({
    allErrors: true,
    strict: false,
    verbose: true,
    allowUnionTypes: true,
    inlineRefs: false,
    code: { optimize: false },
    formats: FORMATS,
    logger: false,
  });
}

/** A partial schema: the same fields and types, no required fields (patches and raw files are partial). */
function withoutRequired(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutRequired);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'required' && Array.isArray(value)) continue;
    // `enum`/`const` values are data, not schemas: copy them as they are.
    out[key] = key === 'enum' || key === 'const' ? value : withoutRequired(value);
  }
  return out;
}

class LazySchema implements KindSchema {
  private readonly compiled = new Map<SchemaMode, ValidateFunction>();
  constructor(
    readonly key: string,
    readonly origin: KindSchema['origin'],
    private readonly load: () => object,
    private readonly ajv: () => Ajv,
    readonly source?: string,
  ) {}

  validator(mode: SchemaMode): ValidateFunction {
    let validate = this.compiled.get(mode);
    if (!validate) {
      const schema = this.load() as Record<string, unknown>;
      const { $id: _id, $schema: _schema, ...rest } = schema;
      validate = this.ajv().compile(mode === 'partial' ? (withoutRequired(rest) as object) : rest);
      this.compiled.set(mode, validate);
    }
    return validate;
  }
}

/** The schemas shipped with envgate: read and compiled on first use, then shared by every review in the process. */
class BuiltinSchemas {
  private index?: BuiltinIndex;
  private readonly schemas = new Map<string, LazySchema>();
  private ajvInstance?: Ajv;

  private loadIndex(): BuiltinIndex {
    this.index ??= JSON.parse(readFileSync(`${SCHEMA_DIR}kubernetes/index.json`, 'utf8')) as BuiltinIndex;
    return this.index;
  }

  get kubernetesVersion(): string {
    return this.loadIndex().kubernetesVersion;
  }

  private ajv = (): Ajv => (this.ajvInstance ??= newAjv());

  lookup(key: string): KindSchema | undefined {
    const cached = this.schemas.get(key);
    if (cached) return cached;
    const file = this.loadIndex().kinds[key];
    if (!file) return undefined;
    const schema = new LazySchema(
      key,
      'builtin',
      () => JSON.parse(readFileSync(`${SCHEMA_DIR}kubernetes/${file}`, 'utf8')) as object,
      this.ajv,
    );
    this.schemas.set(key, schema);
    return schema;
  }

  readonly kustomization = new LazySchema(
    'kustomize.config.k8s.io/Kustomization',
    'kustomize',
    () => JSON.parse(readFileSync(`${SCHEMA_DIR}kustomize/kustomization.json`, 'utf8')) as object,
    this.ajv,
  );

  keys(): string[] {
    return Object.keys(this.loadIndex().kinds);
  }

  notServed(key: string): string | null | undefined {
    const index = this.loadIndex();
    return Object.hasOwn(index.notServed, key) ? index.notServed[key] : undefined;
  }
}

const BUILTIN = new BuiltinSchemas();

/**
 * Schemas for one review or one CLI run: the built-ins plus the CRDs found in the repository. Custom resource
 * schemas get their own ajv instance so a long-running server does not keep every PR's CRDs compiled forever.
 */
export class SchemaRegistry {
  private readonly crds = new Map<string, LazySchema>();
  private crdAjv?: Ajv;

  static kubernetesVersion(): string {
    return BUILTIN.kubernetesVersion;
  }

  /** Adds the schemas of a CustomResourceDefinition object; returns the kinds it defines, or why it could not. */
  addCrd(object: unknown, source?: string): { keys: string[]; problem?: string } {
    let schemas: CrdSchema[];
    try {
      schemas = crdSchemas(object);
    } catch (error) {
      return { keys: [], problem: (error as Error).message };
    }
    for (const crd of schemas) {
      this.crds.set(
        crd.key,
        new LazySchema(
          crd.key,
          'crd',
          () => crd.schema,
          () => (this.crdAjv ??= newAjv()),
          source,
        ),
      );
    }
    return { keys: schemas.map((s) => s.key) };
  }

  lookup(apiVersion: string, kind: string): KindSchema | undefined {
    const key = `${apiVersion}/${kind}`;
    return this.crds.get(key) ?? BUILTIN.lookup(key);
  }

  /**
   * For a built-in API version the pinned Kubernetes release no longer serves: the version to use instead
   * (null when the kind is gone altogether). Undefined when the API version is served or unknown.
   */
  removedApi(apiVersion: string, kind: string): string | null | undefined {
    const key = `${apiVersion}/${kind}`;
    return this.crds.has(key) ? undefined : BUILTIN.notServed(key);
  }

  kustomization(): KindSchema {
    return BUILTIN.kustomization;
  }

  /** Other API versions the same kind has a schema for, for a message that helps: `apps/v1`. */
  otherVersions(apiVersion: string, kind: string): string[] {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const all = [...this.crds.keys(), ...BUILTIN.keys()];
    const versions = new Set<string>();
    for (const key of all) {
      const slash = key.lastIndexOf('/');
      const keyApiVersion = key.slice(0, slash);
      const keyGroup = keyApiVersion.includes('/') ? keyApiVersion.slice(0, keyApiVersion.indexOf('/')) : '';
      if (key.slice(slash + 1) === kind && keyGroup === group && keyApiVersion !== apiVersion) {
        versions.add(keyApiVersion);
      }
    }
    return [...versions].sort();
  }
}
