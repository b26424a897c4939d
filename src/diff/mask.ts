// Secret values never leave the diff module: a Secret's `data` and `stringData` values are replaced by their size,
// and a value that changed says so, so a reviewer sees which keys were added, removed or changed (helm-diff's
// redaction, without its hash). Also inside `kubectl.kubernetes.io/last-applied-configuration`, which holds a copy.
import { Buffer } from 'node:buffer';
import type { KubeObject } from '../render/types.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const SECRET_FIELDS = ['data', 'stringData'] as const;

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export function isSecret(object: unknown): boolean {
  return (
    isMapping(object) && object.kind === 'Secret' && (object.apiVersion === 'v1' || object.apiVersion === undefined)
  );
}

function byteSize(field: (typeof SECRET_FIELDS)[number], value: unknown): number {
  if (typeof value !== 'string') return Buffer.byteLength(JSON.stringify(value ?? null));
  // `data` is base64: the size that matters is the decoded secret's.
  return field === 'data' ? Buffer.from(value, 'base64').length : Buffer.byteLength(value);
}

function sameValue(field: (typeof SECRET_FIELDS)[number], a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (field === 'data' && typeof a === 'string' && typeof b === 'string') {
    return Buffer.from(a, 'base64').equals(Buffer.from(b, 'base64'));
  }
  return JSON.stringify(a) === JSON.stringify(b);
}

export function maskedValue(bytes: number, changed = false): string {
  return `*** (${bytes} byte${bytes === 1 ? '' : 's'}${changed ? ', changed' : ''})`;
}

function maskField(
  field: (typeof SECRET_FIELDS)[number],
  base: Record<string, unknown> | undefined,
  head: Record<string, unknown> | undefined,
): [Record<string, unknown> | undefined, Record<string, unknown> | undefined] {
  const maskedBase = base ? ({} as Record<string, unknown>) : undefined;
  const maskedHead = head ? ({} as Record<string, unknown>) : undefined;
  for (const key of Object.keys(base ?? {})) {
    maskedBase![key] = maskedValue(byteSize(field, base![key]));
  }
  for (const key of Object.keys(head ?? {})) {
    const changed = base !== undefined && key in base && !sameValue(field, base[key], head![key]);
    maskedHead![key] = maskedValue(byteSize(field, head![key]), changed);
  }
  return [maskedBase, maskedHead];
}

/** A Secret-shaped mapping with data/stringData masked pairwise; anything else comes back as it was. */
function maskSecretData(
  base: Record<string, unknown> | undefined,
  head: Record<string, unknown> | undefined,
): [Record<string, unknown> | undefined, Record<string, unknown> | undefined] {
  const outBase = base ? { ...base } : undefined;
  const outHead = head ? { ...head } : undefined;
  for (const field of SECRET_FIELDS) {
    const b = base && field in base ? base[field] : undefined;
    const h = head && field in head ? head[field] : undefined;
    if (b === undefined && h === undefined) continue;
    // A malformed `data` (a list, a string) is still secret: mask it whole.
    const [mb, mh] = maskField(field, asMap(b), asMap(h));
    if (outBase && b !== undefined) outBase[field] = mb;
    if (outHead && h !== undefined) outHead[field] = mh;
  }
  return [outBase, outHead];
}

function asMap(value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  return isMapping(value) ? value : { '(value)': value };
}

function maskLastApplied(
  base: KubeObject | undefined,
  head: KubeObject | undefined,
): [string | undefined, string | undefined] {
  const text = (o: KubeObject | undefined) => {
    const v = o?.metadata?.annotations?.[LAST_APPLIED];
    return typeof v === 'string' ? v : undefined;
  };
  const [tb, th] = [text(base), text(head)];
  const parse = (t: string | undefined): Record<string, unknown> | undefined | null => {
    if (t === undefined) return undefined;
    try {
      const value: unknown = JSON.parse(t);
      return isMapping(value) ? value : null;
    } catch {
      return null;
    }
  };
  const [pb, ph] = [parse(tb), parse(th)];
  if (pb === null || ph === null) {
    // Not JSON we understand: it may still hold the values, so only its size is shown.
    return [
      tb === undefined ? undefined : maskedValue(Buffer.byteLength(tb)),
      th === undefined ? undefined : maskedValue(Buffer.byteLength(th), tb !== undefined && tb !== th),
    ];
  }
  const [mb, mh] = maskSecretData(pb, ph);
  return [mb ? JSON.stringify(mb) : undefined, mh ? JSON.stringify(mh) : undefined];
}

function withAnnotation(object: KubeObject, value: string | undefined): KubeObject {
  if (value === undefined || !object.metadata?.annotations) return object;
  return {
    ...object,
    metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [LAST_APPLIED]: value } },
  };
}

/**
 * The base and head of one object as the diff may show them. Secrets lose their values (sizes stay, and a changed
 * value is marked changed at head); every other object comes back untouched. Either side may be absent.
 */
export function maskPair(
  base: KubeObject | undefined,
  head: KubeObject | undefined,
): [KubeObject | undefined, KubeObject | undefined] {
  if (!isSecret(base ?? head) || (base && !isSecret(base)) || (head && !isSecret(head))) {
    // One side a Secret and the other not (a kind change): mask each side on its own.
    if (isSecret(base) || isSecret(head)) {
      return [base && maskPair(base, undefined)[0], head && maskPair(undefined, head)[1]];
    }
    return [base, head];
  }
  const [db, dh] = maskSecretData(base, head) as [KubeObject | undefined, KubeObject | undefined];
  const [lb, lh] = maskLastApplied(base, head);
  return [db && withAnnotation(db, lb), dh && withAnnotation(dh, lh)];
}
