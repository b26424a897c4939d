// Kustomize's resource selectors (patch targets, replacement select/reject): group, version, kind, name and
// namespace as anchored regular expressions, plus Kubernetes label and annotation selector expressions. Name and
// namespace match either the original or the current value, as Kustomize's resWrangler.Select does.
import { RenderError } from '../types.js';
import { effectiveNamespace, groupOf, originalId, resIdOf, versionOf, type Resource } from './resource.js';

export interface Selector {
  group?: string;
  version?: string;
  kind?: string;
  name?: string;
  namespace?: string;
  labelSelector?: string;
  annotationSelector?: string;
}

type Requirement = { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

/** Compiles `selector` once; throws RenderError (invalid) naming `where` for a bad regex or selector expression. */
export function compileSelector(selector: Selector, where: string): (resource: Resource) => boolean {
  const regex = (field: keyof Selector): RegExp | undefined => {
    const pattern = selector[field];
    if (!pattern) return undefined;
    try {
      return new RegExp(`^(?:${pattern})$`, 'u');
    } catch {
      throw new RenderError(`${where}: ${field} "${pattern}" is not a valid regular expression`, 'invalid');
    }
  };
  const group = regex('group');
  const version = regex('version');
  const kind = regex('kind');
  const name = regex('name');
  const namespace = regex('namespace');
  const labels = selector.labelSelector ? parseLabelSelector(selector.labelSelector, where) : undefined;
  const annotations = selector.annotationSelector ? parseLabelSelector(selector.annotationSelector, where) : undefined;
  return (resource) => {
    const current = resIdOf(resource.object);
    const original = originalId(resource);
    if (namespace && !namespace.test(effectiveNamespace(original)) && !namespace.test(effectiveNamespace(current)))
      return false;
    if (name && !name.test(original.name) && !name.test(current.name)) return false;
    if (group && !group.test(groupOf(current.apiVersion))) return false;
    if (version && !version.test(versionOf(current.apiVersion))) return false;
    if (kind && !kind.test(current.kind)) return false;
    if (labels && !matchesRequirements(labels, resource.object.metadata?.labels)) return false;
    if (annotations && !matchesRequirements(annotations, resource.object.metadata?.annotations)) return false;
    return true;
  };
}

export function matchesRequirements(requirements: Requirement[], map: Record<string, string> | undefined): boolean {
  return requirements.every((r) => {
    const has = map !== undefined && Object.prototype.hasOwnProperty.call(map, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(String(map[r.key]));
      case 'notin':
        return !has || !r.values.includes(String(map[r.key]));
    }
  });
}

/**
 * The Kubernetes selector syntax (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`), comma-separated,
 * all of which must hold.
 */
export function parseLabelSelector(text: string, where: string): Requirement[] {
  const fail = (): never => {
    throw new RenderError(`${where}: "${text}" is not a valid label selector`, 'invalid');
  };
  const requirements: Requirement[] = [];
  // Commas inside `in (...)` sets do not separate requirements.
  const parts = text.match(/(?:[^,(]|\([^)]*\))+/g) ?? [];
  const key = /^[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?$/;
  for (const raw of parts) {
    const part = raw.trim();
    if (part === '') fail();
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/))) {
      if (!key.test(m[1]!)) fail();
      const values = m[3]!.split(',').map((v) => v.trim());
      requirements.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values });
    } else if ((m = part.match(/^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/))) {
      if (!key.test(m[1]!)) fail();
      requirements.push({ key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] });
    } else if ((m = part.match(/^!\s*(\S+)$/))) {
      if (!key.test(m[1]!)) fail();
      requirements.push({ key: m[1]!, op: '!exists' });
    } else if (key.test(part)) {
      requirements.push({ key: part, op: 'exists' });
    } else fail();
  }
  return requirements;
}
