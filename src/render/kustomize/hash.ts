// Kustomize's name hash for generated ConfigMaps and Secrets (api/hasher): sha256 over a small JSON document with
// Go's key order and escaping, the first ten hex digits with some letters swapped so it never reads as a number
// or a word. Appended at the very end of a build, after every transformer, as Kustomize does.
import { createHash } from 'node:crypto';
import { rememberId, type Resource } from './resource.js';

/** Go's encoding/json for strings: HTML characters and line separators escaped, other controls as \u00xx. */
function goString(s: string): string {
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (cp < 0x20 || c === '<' || c === '>' || c === '&' || cp === 0x2028 || cp === 0x2029) {
      out += `\\u${cp.toString(16).padStart(4, '0')}`;
    } else out += c;
  }
  return `${out}"`;
}

/** Go's json.Marshal of maps (keys sorted), strings, numbers, booleans and null. */
export function goJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`;
  const entries = Object.keys(value as object)
    .sort()
    .map((k) => `${goString(k)}:${goJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

export function encodeHash(hex: string): string {
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** The hash Kustomize appends to a generated object's name. */
export function nameHash(object: Record<string, unknown>): string {
  // Kustomize looks the name up as one field called "metadata/name", which never exists: the name is always empty
  // in the hashed document (checked against kubectl), so renaming a generated object keeps its hash.
  const name = '';
  const valueOf = (v: unknown) => (v === undefined || v === null ? '' : v);
  let document: Record<string, unknown>;
  if (object.kind === 'ConfigMap') {
    document = { kind: 'ConfigMap', name, data: valueOf(object.data) };
    if (isMapping(object.binaryData)) document.binaryData = object.binaryData;
  } else if (object.kind === 'Secret') {
    document = { kind: 'Secret', type: valueOf(object.type), name, data: valueOf(object.data) };
    if (isMapping(object.stringData)) document.stringData = object.stringData;
  } else {
    document = object;
  }
  return encodeHash(createHash('sha256').update(goJson(document)).digest('hex'));
}

const NEEDS_HASH = 'internal.config.kubernetes.io/needsHashSuffix';

/** `name` → `name-<hash>` for every generated object that keeps its hash suffix. */
export function addHashSuffixes(resources: Resource[]): void {
  for (const resource of resources) {
    // Kustomize keys this on a build annotation, so a plain resource carrying it is hashed too (kubectl does).
    const marked = resource.object.metadata?.annotations?.[NEEDS_HASH] === 'enabled';
    if (!resource.generated?.nameSuffixHash && !marked) continue;
    const metadata = resource.object.metadata;
    if (!metadata?.name) continue;
    const hash = nameHash(resource.object as Record<string, unknown>);
    rememberId(resource);
    metadata.name = `${metadata.name}-${hash}`;
  }
}
