// `npm run schemas`: writes the strict JSON Schemas envgate validates manifests against into schemas/kubernetes/,
// from npm packages pinned in package.json, so validation at run time is offline and needs no download.
//
// Where the data comes from: `kubernetes-models` (the built-in kinds of one Kubernetes release) and the
// `@kubernetes-models/*` CRD packages ship TypeScript declarations for every kind, plus precompiled, non-strict
// ajv validators. Neither is a JSON Schema we can use: the declarations lose integer-vs-number, patterns and
// bounds; the validators accept unknown fields. So:
//   1. ts-json-schema-generator turns each kind's declaration into a schema with the exact set of fields
//      (`additionalProperties: false`), required fields and enums;
//   2. the package's own validator is then *probed* field by field (a wrong value planted at each path) and what
//      it rejects is copied into the schema: `integer`, int32/int64 ranges, patterns, minimums, enums;
//   3. the types Kubernetes treats specially get their real meaning: IntOrString, Quantity, free-form JSON
//      (Helm values, RawExtension) which must accept anything.
// The result is committed; this script only runs when the pinned packages change. To move to another Kubernetes
// release, pin another `kubernetes-models` version in package.json, set KUBERNETES_VERSION below and re-run.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ExposeNodeParser, createGenerator } from 'ts-json-schema-generator';
import type ts from 'typescript';

/** The Kubernetes release `kubernetes-models` was generated from (its changelog: 5.x = Kubernetes 1.36). */
const KUBERNETES_VERSION = '1.36';

/** Packages whose kinds are turned into schemas, in precedence order (first one wins for a duplicate kind). */
const SOURCES = [
  'kubernetes-models',
  '@kubernetes-models/flux-cd',
  '@kubernetes-models/argo-cd',
  '@kubernetes-models/sealed-secrets',
  '@kubernetes-models/external-secrets',
  '@kubernetes-models/cert-manager',
  '@kubernetes-models/gateway-api',
  '@kubernetes-models/prometheus-operator',
] as const;

/** API groups of the built-in package that never appear in manifests people commit (request/response types). */
const SKIP_KINDS = new Set([
  'v1/Binding',
  'v1/ComponentStatus',
  'v1/Status',
  'v1/DeleteOptions',
  'v1/WatchEvent',
  'authentication.k8s.io/v1/TokenReview',
  'authentication.k8s.io/v1/SelfSubjectReview',
  'authentication.k8s.io/v1/TokenRequest',
  'authorization.k8s.io/v1/LocalSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectAccessReview',
  'authorization.k8s.io/v1/SelfSubjectRulesReview',
  'authorization.k8s.io/v1/SubjectAccessReview',
  'autoscaling/v1/Scale',
  'policy/v1/Eviction',
]);

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(ROOT, 'package.json'));

type Schema = Record<string, unknown> & {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  definitions?: Record<string, Schema>;
};

interface KindSource {
  pkg: string;
  /** Path of the .d.ts file, relative to the package. */
  file: string;
  iface: string;
  apiVersion: string;
  kind: string;
}

/** Kubernetes' own quantity syntax (k8s.io/apimachinery/pkg/api/resource): `2`, `500m`, `1.5Gi`, `1e3`. */
const QUANTITY_PATTERN = '^[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$';

/** Declarations that stand for "any JSON": a schema must accept whatever is there. */
const FREE_FORM = new Set([
  'IoK8sApiextensionsApiserverPkgApisApiextensionsV1JSON',
  'IoK8sApimachineryPkgRuntimeRawExtension',
  'IoK8sApimachineryPkgApisMetaV1FieldsV1',
]);

/**
 * ts-json-schema-generator names a definition after its interface (`ILocalObjectReference`), and several packages
 * declare interfaces of the same name. The declarations also export a unique alias for each one
 * (`IIoK8sApiCoreV1LocalObjectReference`): name definitions after that alias instead.
 */
function useUniqueDefinitionNames(): void {
  const parser = ExposeNodeParser.prototype as unknown as {
    getDefinitionName(node: ts.Node, context: unknown): string;
  };
  const original = parser.getDefinitionName;
  parser.getDefinitionName = function (this: unknown, node: ts.Node, context: unknown): string {
    const name = original.call(this, node, context);
    const alias = new RegExp(`export type \\{ ${name} as I(\\w+)`).exec(node.getSourceFile().text)?.[1];
    return alias ?? name;
  };
}

function main(): void {
  useUniqueDefinitionNames();
  // --out DIR: write elsewhere; --only KEY,KEY: just these kinds (`apps/v1/Deployment`), to check reproducibility.
  const { values } = parseArgs({ options: { out: { type: 'string' }, only: { type: 'string' } } });
  const out = values.out ?? join(ROOT, 'schemas', 'kubernetes');
  const only = values.only ? new Set(values.only.split(',')) : undefined;
  if (only && !values.out) throw new Error('--only writes a partial set: give --out DIR so schemas/ stays whole');
  const versions = checkPins();
  const kinds = discoverKinds().filter((k) => !only || only.has(`${k.apiVersion}/${k.kind}`));
  const work = join(ROOT, '.tmp', `schema-generator-${process.pid}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  writeFileSync(
    join(work, 'entry.ts'),
    kinds
      .map(
        (k, i) =>
          `import type { ${k.iface} as T${i} } from '${k.pkg}/${k.file.replace(/\.d\.ts$/, '')}';\n` +
          `export interface K${i} extends T${i} {}\n`,
      )
      .join(''),
  );
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        noEmit: true,
      },
      files: ['entry.ts'],
    }),
  );
  const generator = createGenerator({
    path: join(work, 'entry.ts'),
    tsconfig: join(work, 'tsconfig.json'),
    skipTypeCheck: true,
    expose: 'all',
    topRef: true,
    jsDoc: 'none',
    additionalProperties: false,
  });
  rmSync(out, { recursive: true, force: true });
  const index: Record<string, string> = {};
  // kubernetes-models keeps alpha/beta versions of built-in APIs that the pinned release no longer serves
  // (extensions/v1beta1, apps/v1beta2, batch/v1beta1 …): they get no schema, but a pointer to the served version.
  const notServed: Record<string, string | null> = {};
  const isLegacy = (k: KindSource) => k.pkg === 'kubernetes-models' && /\/v\d+(alpha|beta)\d+$/.test(k.apiVersion);
  for (const legacy of kinds.filter(isLegacy)) {
    const served = kinds.filter((k) => !isLegacy(k) && k.kind === legacy.kind && k.pkg === 'kubernetes-models').at(-1);
    notServed[`${legacy.apiVersion}/${legacy.kind}`] = served?.apiVersion ?? null;
  }
  let bytes = 0;
  const run = async () => {
    for (const [i, source] of kinds.entries()) {
      if (isLegacy(source)) continue;
      const key = `${source.apiVersion}/${source.kind}`;
      const generated = generator.createSchema(`K${i}`) as Schema;
      const schema = normalise(generated, `K${i}`);
      await probe(schema, source);
      const file = `${source.apiVersion.includes('/') ? source.apiVersion : `core/${source.apiVersion}`}/${source.kind}.json`;
      const text = JSON.stringify({ $id: `envgate:kubernetes/${key}`, ...schema });
      mkdirSync(dirname(join(out, file)), { recursive: true });
      writeFileSync(join(out, file), `${text}\n`);
      index[key] = file;
      bytes += text.length;
    }
    const sorted = Object.fromEntries(Object.entries(index).sort(([a], [b]) => a.localeCompare(b)));
    writeFileSync(
      join(out, 'index.json'),
      `${JSON.stringify(
        {
          kubernetesVersion: KUBERNETES_VERSION,
          generatedBy: 'scripts/generate-schemas.ts (npm run schemas)',
          sources: versions,
          kinds: sorted,
          notServed,
        },
        null,
        2,
      )}\n`,
    );
    rmSync(work, { recursive: true, force: true });
    process.stderr.write(
      `schemas: ${Object.keys(index).length} kinds, ${(bytes / 1024 / 1024).toFixed(1)} MiB, in ${relative(ROOT, out)}\n`,
    );
  };
  run()
    .finally(() => rmSync(work, { recursive: true, force: true }))
    .catch((error: unknown) => {
      process.stderr.write(`schemas: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 1;
    });
}

/** The versions installed must be exactly the ones package.json pins: a schema set is reproducible or useless. */
function checkPins(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const versions: Record<string, string> = {};
  for (const name of [...SOURCES, 'ts-json-schema-generator']) {
    const pinned = pkg.devDependencies[name];
    const installed = (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string })
      .version;
    if (!pinned || pinned !== installed) {
      throw new Error(`${name}: package.json pins ${pinned ?? 'nothing'} but ${installed} is installed; run npm ci`);
    }
    versions[name] = installed;
  }
  return versions;
}

/** `export interface IDeployment extends TypeMeta { … "apiVersion": "apps/v1"; … "kind": "Deployment"; … }` */
const KIND_DECLARATION = /export interface (I\w+) extends TypeMeta \{([\s\S]*?)\n\}/;

function discoverKinds(): KindSource[] {
  const seen = new Set<string>();
  const kinds: KindSource[] = [];
  for (const pkg of SOURCES) {
    const dir = dirname(require.resolve(`${pkg}/package.json`));
    for (const file of walk(dir)) {
      const rel = relative(dir, file);
      if (!rel.endsWith('.d.ts') || rel.startsWith('_schemas') || rel.startsWith('github.com')) continue;
      const match = KIND_DECLARATION.exec(readFileSync(file, 'utf8'));
      if (!match) continue;
      const [, iface, body] = match as unknown as [string, string, string];
      const apiVersion = /^ {4}"apiVersion": "([^"]+)";$/m.exec(body)?.[1];
      const kind = /^ {4}"kind": "([^"]+)";$/m.exec(body)?.[1];
      if (!apiVersion || !kind) continue;
      const key = `${apiVersion}/${kind}`;
      if (kind.endsWith('List') || SKIP_KINDS.has(key) || seen.has(key)) continue;
      seen.add(key);
      kinds.push({ pkg, file: rel, iface, apiVersion, kind });
    }
  }
  return kinds.sort((a, b) => `${a.apiVersion}/${a.kind}`.localeCompare(`${b.apiVersion}/${b.kind}`));
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else yield path;
  }
}

/** Gives the special Kubernetes types their meaning and makes the root the kind's own definition. */
function normalise(generated: Schema, rootName: string): Schema {
  const definitions = generated.definitions ?? {};
  for (const [name, def] of Object.entries(definitions)) {
    if (name === 'IoK8sApimachineryPkgUtilIntstrIntOrString') {
      definitions[name] = { type: ['integer', 'string'] };
    } else if (name === 'IoK8sApimachineryPkgApiResourceQuantity') {
      definitions[name] = { type: ['string', 'number'], pattern: QUANTITY_PATTERN };
    } else if (
      FREE_FORM.has(name) ||
      (def.type === 'object' && !def.properties && def.additionalProperties === false)
    ) {
      // An interface without members is how the declarations spell "any JSON" (x-kubernetes-preserve-unknown-fields).
      definitions[name] = {};
    }
  }
  const root = definitions[rootName]!;
  delete definitions[rootName];
  return { ...root, definitions };
}

// ---- probing the package's own validator -------------------------------------------------------------------

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, unknown>;
}
type Validate = ((data: unknown) => boolean) & { errors?: AjvError[] | null };

async function loadValidator(source: KindSource): Promise<Validate> {
  const dir = dirname(require.resolve(`${source.pkg}/package.json`));
  const dts = readFileSync(join(dir, source.file), 'utf8');
  const alias = /export type \{ I\w+ as I(\w+),/.exec(dts)?.[1];
  if (!alias) throw new Error(`${source.pkg}/${source.file}: no schema alias`);
  const url = pathToFileURL(join(dir, '_schemas', `${alias}.js`)).href;
  return ((await import(url)) as { validate: Validate }).validate;
}

type Segment = string | number;

/** Walks every field reachable from the root, once per definition, and copies what the validator enforces. */
async function probe(schema: Schema, source: KindSource): Promise<void> {
  const validate = await loadValidator(source);
  const definitions = schema.definitions ?? {};
  const visited = new Set<string>();
  const errorsAt = (path: Segment[], value: unknown): AjvError[] => {
    const instance: Record<string, unknown> = { apiVersion: source.apiVersion, kind: source.kind };
    setIn(instance, path, value);
    validate(instance);
    const pointer = `/${path.join('/')}`;
    return (validate.errors ?? []).filter((e) => e.instancePath === pointer);
  };
  const visit = (node: Schema, path: Segment[]): void => {
    if (node.$ref) {
      const name = node.$ref.replace('#/definitions/', '');
      if (visited.has(name)) return;
      visited.add(name);
      const target = definitions[name];
      if (target) visit(target, path);
      return;
    }
    for (const [key, child] of Object.entries(node.properties ?? {})) visit(child, [...path, key]);
    if (typeof node.additionalProperties === 'object') visit(node.additionalProperties, [...path, 'key']);
    if (node.items) visit(node.items, [...path, 0]);
    for (const branch of node.anyOf ?? []) visit(branch, path);
    const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
    if (path.length > 0 && types.includes('number')) probeNumber(node, path, types);
    if (path.length > 0 && types.includes('string') && node.enum === undefined && node.const === undefined) {
      probeString(node, path);
    }
  };
  const probeNumber = (node: Schema, path: Segment[], types: string[]) => {
    const fraction = errorsAt(path, 1.5);
    const integer = fraction.some(
      (e) =>
        (e.keyword === 'type' && e.params.type === 'integer') ||
        (e.keyword === 'format' && /int/.test(String(e.params.format))),
    );
    if (integer) node.type = types.length === 1 ? 'integer' : types.map((t) => (t === 'number' ? 'integer' : t));
    for (const e of [...errorsAt(path, 2 ** 40), ...errorsAt(path, -(2 ** 40))]) {
      if (e.keyword === 'format' && e.params.format === 'int32') node.format = 'int32';
      if (e.keyword === 'maximum' && typeof e.params.limit === 'number') node.maximum = e.params.limit;
      if (e.keyword === 'minimum' && typeof e.params.limit === 'number') node.minimum = e.params.limit;
    }
  };
  const probeString = (node: Schema, path: Segment[]) => {
    for (const e of [...errorsAt(path, '\u0001~ ?'), ...errorsAt(path, '')]) {
      // Patterns written for Go's RE2 (`(?i)…`) are not JavaScript regular expressions; those stay unchecked.
      if (e.keyword === 'pattern' && typeof e.params.pattern === 'string' && isJsPattern(e.params.pattern)) {
        node.pattern = e.params.pattern;
      }
      if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues)) node.enum = e.params.allowedValues;
      if (e.keyword === 'minLength' && typeof e.params.limit === 'number') node.minLength = e.params.limit;
    }
  };
  visit(schema, []);
}

export function isJsPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function setIn(target: Record<string, unknown>, path: Segment[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      node[segment] = value;
      return;
    }
    const next = typeof path[i + 1] === 'number' ? [] : {};
    node[segment] = next;
    node = next as Record<string | number, unknown>;
  });
}

main();
