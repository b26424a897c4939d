// A policy's message is the policy author's text, and a messageExpression can quote the object it checks. For
// a Secret that could put a value in a finding; no output of envgate may hold one, so every value a Secret
// carries (data decoded and as written, stringData) is cut out of its messages before they leave the engine.
import type { KubeObject } from '../render/types.js';

const MIN_LENGTH = 3;

function secretValues(object: KubeObject | null): string[] {
  if (!object || object.kind !== 'Secret') return [];
  const values: string[] = [];
  for (const field of ['data', 'stringData'] as const) {
    const entries = object[field];
    if (entries === null || typeof entries !== 'object') continue;
    for (const value of Object.values(entries as Record<string, unknown>)) {
      if (typeof value !== 'string') continue;
      values.push(value);
      if (field === 'data') values.push(Buffer.from(value, 'base64').toString('utf8'));
    }
  }
  // Longest first, so a value that contains another is removed whole.
  return values.filter((v) => v.trim().length >= MIN_LENGTH).sort((a, b) => b.length - a.length);
}

/** `message` with every value of the Secret(s) among `objects` replaced by `[redacted]`. */
export function redactSecretValues(message: string, ...objects: (KubeObject | null)[]): string {
  let out = message;
  for (const value of objects.flatMap(secretValues)) out = out.split(value).join('[redacted]');
  return out;
}
