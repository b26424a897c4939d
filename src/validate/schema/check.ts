// Schema checks for one YAML document: which schema applies (kind, kustomization file, JSON 6902 patch), whether
// the document is a whole object or a patch, and what is wrong with it, as path-based problems.
import type { ValidateFunction } from 'ajv';
import type { Severity } from '../../core/types.js';
import { describeProblems, formatPath, type Segment } from './errors.js';
import { newAjv, SchemaRegistry, type SchemaMode } from './registry.js';

/**
 * What a document is in its repository. `object`: a resource a kustomization (or a plain/Flux dir) deploys as is;
 * `patch`: a strategic-merge or JSON 6902 patch (partial by nature); `data`: generator input, transformer config,
 * Helm values — not a Kubernetes object; `unknown`: nobody references it (treated as an object when it has a kind).
 */
export type DocumentRole = 'object' | 'patch' | 'data' | 'unknown';

export interface Problem {
  rule: string;
  severity: Severity;
  path: Segment[];
  atKey: boolean;
  message: string;
}

export interface SchemaCheckOptions {
  registry: SchemaRegistry;
  role: DocumentRole;
  /** Repository path, for recognising kustomization files by name. */
  file: string;
  /** Severity of a kind without a schema: an error where a change cannot go unchecked (critical environments). */
  unknownKindSeverity: Severity;
}

const KUSTOMIZATION_FILE = /(^|\/)(kustomization\.ya?ml|Kustomization)$/;
const SECRET_KINDS = new Set(['Secret', 'SealedSecret']);

const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export function isKustomization(value: unknown, file: string): boolean {
  if (!isMapping(value)) return false;
  const apiVersion = value.apiVersion;
  if (typeof apiVersion === 'string' && apiVersion.startsWith('kustomize.config.k8s.io/')) return true;
  return apiVersion === undefined && KUSTOMIZATION_FILE.test(file);
}

export function isJsonPatch(value: unknown): value is Record<string, unknown>[] {
  return Array.isArray(value) && value.length > 0 && value.every((op) => isMapping(op) && 'op' in op);
}

let jsonPatchValidator: ValidateFunction | undefined;
function jsonPatchSchema(): ValidateFunction {
  const op = (name: string, required: string[]) => ({
    if: { properties: { op: { const: name } } },
    then: { required },
  });
  jsonPatchValidator ??= newAjv().compile({
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['op', 'path'],
      properties: {
        op: { enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] },
        path: { type: 'string', pattern: '^(/|$)' },
        from: { type: 'string', pattern: '^(/|$)' },
        value: {},
      },
      allOf: [
        op('add', ['value']),
        op('replace', ['value']),
        op('test', ['value']),
        op('move', ['from']),
        op('copy', ['from']),
      ],
    },
  });
  return jsonPatchValidator;
}

export function checkSchema(value: unknown, options: SchemaCheckOptions): Problem[] {
  if (isJsonPatch(value)) return run(jsonPatchSchema(), value, false);
  if (!isMapping(value)) return [];
  if (isKustomization(value, options.file))
    return run(options.registry.kustomization().validator('full'), value, false);
  const { apiVersion, kind } = value;
  const hasApiVersion = typeof apiVersion === 'string' && apiVersion !== '';
  const hasKind = typeof kind === 'string' && kind !== '';
  if (!hasApiVersion || !hasKind) {
    if (options.role === 'data') return [];
    if (!hasApiVersion && !hasKind && options.role !== 'object') return [];
    const missing = !hasApiVersion && !hasKind ? 'apiVersion and kind' : !hasApiVersion ? 'apiVersion' : 'kind';
    return [
      {
        rule: 'schema/missing-kind',
        severity: 'error',
        path: [],
        atKey: false,
        message: `${missing} missing: a Kubernetes object needs both`,
      },
    ];
  }
  if (options.role === 'data') return [];
  if (apiVersion === 'v1' && kind === 'List' && Array.isArray(value.items)) {
    // `kubectl get -o yaml` writes a List; kubectl and kustomize apply its items one by one.
    return value.items.flatMap((item, index) =>
      checkSchema(item, options).map((p) => {
        const path = ['items', index, ...p.path];
        const own = `${formatPath(p.path)}: `;
        const message = p.message.startsWith(own)
          ? `${formatPath(path)}: ${p.message.slice(own.length)}`
          : `items[${index}]: ${p.message}`;
        return { ...p, path, message };
      }),
    );
  }
  const replacement = options.registry.removedApi(apiVersion, kind);
  if (replacement !== undefined) {
    return [
      {
        rule: 'schema/removed-api',
        severity: 'error',
        path: ['apiVersion'],
        atKey: false,
        message: `${apiVersion} ${kind} is not served by Kubernetes ${SchemaRegistry.kubernetesVersion()}${replacement ? `; use ${replacement}` : ''}`,
      },
    ];
  }
  const schema = options.registry.lookup(apiVersion, kind);
  if (!schema) {
    const others = options.registry.otherVersions(apiVersion, kind);
    const hint = others.length
      ? `; schemas exist for ${others.join(', ')} — is the apiVersion right?`
      : '; add its CustomResourceDefinition to the repository so envgate can check it';
    return [
      {
        rule: 'schema/unknown-kind',
        severity: options.unknownKindSeverity,
        path: ['kind'],
        atKey: false,
        message: `no schema for ${apiVersion} ${kind}, so it was not checked${hint}`,
      },
    ];
  }
  const mode: SchemaMode = options.role === 'patch' ? 'partial' : 'full';
  let validate: ValidateFunction;
  try {
    validate = schema.validator(mode);
  } catch (error) {
    // A broken schema (a CRD in the repository that is not valid JSON Schema) must not stop the review.
    const from = schema.source ? ` (CustomResourceDefinition in ${schema.source})` : '';
    return [
      {
        rule: 'schema/invalid-crd',
        severity: options.unknownKindSeverity,
        path: ['kind'],
        atKey: false,
        message: `the schema for ${apiVersion} ${kind}${from} cannot be used, so it was not checked: ${(error as Error).message.split('\n')[0]}`,
      },
    ];
  }
  return run(validate, value, SECRET_KINDS.has(kind));
}

function run(validate: ValidateFunction, value: unknown, hideValues: boolean): Problem[] {
  const prepared = prepare(value);
  if (validate(prepared.data)) return [];
  let problems = describeProblems(validate.errors ?? [], prepared.data, { hideValues });
  if (prepared.sops) {
    // SOPS replaces encrypted values of every type with ENC[…] strings; their real type cannot be checked.
    problems = problems.filter(
      (p) => !(p.rule === 'schema/invalid-value' && isSopsValue(valueAt(prepared.data, p.path))),
    );
  }
  return problems.map((p) => ({ ...p, severity: 'error' as const }));
}

/**
 * What Kubernetes would see: explicit nulls mean "not set" (kubectl writes `creationTimestamp: null`), and a
 * SOPS file's `sops:` block is SOPS metadata, not a field of the object.
 */
function prepare(value: unknown): { data: unknown; sops: boolean } {
  let data = value;
  let sops = false;
  if (isMapping(value) && isMapping(value.sops)) {
    const { sops: _metadata, ...rest } = value;
    data = rest;
    sops = true;
  }
  return { data: hasNull(data) ? withoutNulls(data) : data, sops };
}

function hasNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(hasNull);
  for (const key in value as Record<string, unknown>) {
    if (hasNull((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (child !== null) out[key] = withoutNulls(child);
  return out;
}

export const SOPS_VALUE = /^ENC\[AES256_GCM,data:[A-Za-z0-9+/=]*,iv:[A-Za-z0-9+/=]+,tag:[A-Za-z0-9+/=]+,type:[a-z]+\]$/;

function isSopsValue(value: unknown): boolean {
  return typeof value === 'string' && SOPS_VALUE.test(value);
}

export function valueAt(data: unknown, path: readonly Segment[]): unknown {
  let node = data;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

export { formatPath };
