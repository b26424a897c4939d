// Before comparing, both sides lose what only the server writes (status, managedFields, resourceVersion, uid,
// generation, timestamps, kubectl's last-applied copy) and what ignore rules name; Secrets get the shape the
// server stores (`stringData` folded into base64 `data`), and SOPS metadata goes, as Flux drops it on decrypt.
import type { KubeObject } from '../render/types.js';
import { deletePatterns, ruleApplies, type IgnoreRule, type PathPattern } from './ignore.js';
import { managedFieldsOf, ownedPatterns } from './managed-fields.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

export interface Normalized {
  object: Record<string, unknown>;
  /** An ignore rule named the whole object (JSON Pointer `""`): it is left out of the comparison. */
  ignored: boolean;
  /** The desired Secret is SOPS-encrypted: values are ciphertext in Git, only keys can be compared. */
  sopsEncrypted: boolean;
}

export function isSecret(object: KubeObject): boolean {
  return object.kind === 'Secret' && object.apiVersion === 'v1';
}

/**
 * @param live the live object whose managedFields resolve `managedFieldsManagers` rules (for both sides: only the
 *   cluster knows who owns what).
 */
export function normalize(object: KubeObject, rules: readonly IgnoreRule[], live?: KubeObject): Normalized {
  const clone = structuredClone(object) as Record<string, unknown> & KubeObject;
  delete clone.status;
  const metadata = clone.metadata as Record<string, unknown> | undefined;
  if (metadata) {
    for (const key of SERVER_METADATA) delete metadata[key];
    const annotations = metadata.annotations as Record<string, unknown> | undefined;
    if (annotations) {
      delete annotations[LAST_APPLIED];
      if (Object.keys(annotations).length === 0) delete metadata.annotations;
    }
  }
  let sopsEncrypted = false;
  if (isSecret(clone)) {
    sopsEncrypted = clone.sops !== undefined;
    delete clone.sops;
    foldStringData(clone);
  }
  const patterns: PathPattern[] = [];
  for (const rule of rules) {
    if (!ruleApplies(rule, object)) continue;
    patterns.push(...rule.paths);
    if (rule.managers?.length && live) {
      for (const entry of managedFieldsOf(live)) {
        if (rule.managers.includes(entry.manager)) patterns.push(...ownedPatterns(entry));
      }
    }
  }
  const kept = deletePatterns(clone, patterns);
  return { object: clone, ignored: !kept, sopsEncrypted };
}

/** The API server merges `stringData` into `data` (base64) and never returns `stringData`. */
function foldStringData(secret: Record<string, unknown>): void {
  const stringData = secret.stringData;
  if (!stringData || typeof stringData !== 'object') return;
  const data = { ...((secret.data as Record<string, unknown> | undefined) ?? {}) };
  for (const [key, value] of Object.entries(stringData as Record<string, unknown>)) {
    data[key] = Buffer.from(String(value ?? ''), 'utf8').toString('base64');
  }
  secret.data = data;
  delete secret.stringData;
}
