// A CustomResourceDefinition's `openAPIV3Schema`, turned into a strict JSON Schema for ajv. The API server prunes
// fields a structural schema does not declare (they vanish silently on apply), so an undeclared field is an error
// here unless the schema says `x-kubernetes-preserve-unknown-fields`. kubeconform leaves CRD schemas open, which is
// how typos in HelmReleases and Certificates slip through review.

export interface CrdSchema {
  /** `cert-manager.io/v1/Certificate` */
  key: string;
  schema: object;
}

type Node = Record<string, unknown>;

const isObject = (value: unknown): value is Node =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The metadata every object may carry; CRD schemas usually say only `type: object` for it. */
const OBJECT_META = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    generateName: { type: 'string' },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
    finalizers: { type: 'array', items: { type: 'string' } },
  },
};

/** Every served version of the CRD (apiextensions.k8s.io/v1 and the older v1beta1 layout). */
export function crdSchemas(crd: unknown): CrdSchema[] {
  if (!isObject(crd) || crd.kind !== 'CustomResourceDefinition' || !isObject(crd.spec)) {
    throw new Error('not a CustomResourceDefinition');
  }
  const spec = crd.spec;
  const group = typeof spec.group === 'string' ? spec.group : undefined;
  const kind = isObject(spec.names) && typeof spec.names.kind === 'string' ? spec.names.kind : undefined;
  if (!group || !kind) throw new Error('spec.group or spec.names.kind is missing');
  const shared = isObject(spec.validation) ? spec.validation.openAPIV3Schema : undefined;
  const versions: { name: string; schema: unknown }[] = [];
  if (Array.isArray(spec.versions)) {
    for (const version of spec.versions) {
      if (!isObject(version) || typeof version.name !== 'string') continue;
      const schema = isObject(version.schema) ? version.schema.openAPIV3Schema : shared;
      versions.push({ name: version.name, schema });
    }
  } else if (typeof spec.version === 'string') {
    versions.push({ name: spec.version, schema: shared });
  }
  return versions
    .filter((v) => isObject(v.schema))
    .map((v) => ({
      key: `${group}/${v.name}/${kind}`,
      schema: strictRoot(v.schema as Node, `${group}/${v.name}`, kind),
    }));
}

function strictRoot(schema: Node, apiVersion: string, kind: string): object {
  const root = strict(schema) as Node;
  const properties = { ...(isObject(root.properties) ? root.properties : {}) };
  properties.apiVersion = { type: 'string', const: apiVersion };
  properties.kind = { type: 'string', const: kind };
  properties.metadata = OBJECT_META;
  return { ...root, type: 'object', properties, additionalProperties: root.additionalProperties ?? false };
}

const DROP = new Set(['description', 'example', 'externalDocs', 'nullable', 'default', 'x-kubernetes-validations']);
const SCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf'];

function strict(node: unknown): unknown {
  if (!isObject(node)) return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROP.has(key) || key.startsWith('x-kubernetes-')) continue;
    if (key === 'properties' && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]));
    } else if ((key === 'items' || key === 'additionalProperties' || key === 'not') && isObject(value)) {
      out[key] = strict(value);
    } else if (key === 'pattern' && typeof value === 'string' && !isJsPattern(value)) {
      // RE2-only syntax (`(?i)`) cannot be checked with JavaScript regular expressions: left unchecked.
      continue;
    } else if (SCHEMA_LISTS.includes(key) && Array.isArray(value)) {
      // Structural schemas use anyOf/oneOf for value checks only; their branches never declare new fields.
      out[key] = value.map((branch) => stripTypes(strict(branch)));
    } else {
      out[key] = value;
    }
  }
  if (node['x-kubernetes-int-or-string'] === true) {
    out.type = ['integer', 'string'];
  }
  if (node['x-kubernetes-embedded-resource'] === true) {
    const properties = isObject(out.properties) ? { ...out.properties } : {};
    properties.apiVersion ??= { type: 'string' };
    properties.kind ??= { type: 'string' };
    properties.metadata ??= OBJECT_META;
    out.properties = properties;
  }
  const isObjectType = out.type === 'object' || (out.type === undefined && isObject(out.properties));
  if (isObjectType && out.additionalProperties === undefined && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    out.additionalProperties = false;
  }
  return out;
}

function isJsPattern(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

/** anyOf/oneOf branches of structural schemas may only constrain values; strictness comes from the parent. */
function stripTypes(node: unknown): unknown {
  if (!isObject(node)) return node;
  const { additionalProperties: _ignored, ...rest } = node;
  return rest;
}
