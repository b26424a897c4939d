// Field paths inside an object: map keys, list positions, and list elements matched by a merge key
// (`containers[name=api]`), printed the way kubectl and people write them.

/** A list element found by its merge key, e.g. `{ key: 'name', value: 'api' }` for `containers[name=api]`. */
export interface KeyedSegment {
  key: string;
  value: string;
}

export type Segment = string | number | KeyedSegment;

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/** `spec.template.spec.containers[name=api].resources.limits.memory`; odd keys quoted: `annotations["a.b/c"]`. */
export function formatPath(path: readonly Segment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'object') out += `[${segment.key}=${segment.value}]`;
    else if (PLAIN_KEY.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Keys only (list positions and element keys dropped), for rules that look at field names. */
export function keysOf(path: readonly Segment[]): string[] {
  return path.filter((s): s is string => typeof s === 'string');
}
