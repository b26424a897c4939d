// Ignore rules: fields left out of the comparison on both sides, as Argo CD's `ignoreDifferences` and Flux's
// `driftDetection.ignore` do (both delete the fields before diffing). JSON Pointers are supported fully; jq path
// expressions in the subset people write for this: paths (`.a.b`, `."x/y"`, `[0]`, `[]`, `[]?`), pipes, and
// `select(.field == "value")` / `!=` / `startswith` / `endswith`. Anything else is reported, never guessed.
import type { KubeObject } from '../render/types.js';
import { groupOf } from './identity.js';
import { matchesRequirements, parseLabelSelector, type Selector } from '../render/kustomize/select.js';

export type PatternSegment =
  | { token: string } // a JSON Pointer token: a key, or an index when the value is a list
  | { key: string }
  | { any: true } // jq `[]`: every element (or every value of a map)
  | { fields: Record<string, unknown> } // managedFields `k:{"name":"api"}`: the list element with these fields
  | { select: Condition };

export interface Condition {
  path: string[];
  op: '==' | '!=' | 'startswith' | 'endswith';
  value: unknown;
}

export type PathPattern = PatternSegment[];

/** Which objects an ignore rule covers: Kustomize's selector shape, as in patch targets. */
export type IgnoreTarget = Selector;

export interface IgnoreRule {
  /** Where the rule comes from, for notes: `settings drift.prod.ignoreDifferences[0]`. */
  source: string;
  /** Argo CD matches group and kind as globs and name and namespace exactly; Flux matches regular expressions. */
  match: 'argocd' | 'flux';
  target: IgnoreTarget;
  paths: PathPattern[];
  /** Argo CD `managedFieldsManagers`: fields these managers own in the live object are ignored. */
  managers?: string[];
}

export class IgnoreRuleError extends Error {
  override name = 'IgnoreRuleError';
}

/** RFC 6901: `""` is the whole document; `~1` is `/`, `~0` is `~`. */
export function parseJsonPointer(pointer: string): PathPattern {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new IgnoreRuleError(`JSON Pointer "${pointer}" must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => ({ token: token.replace(/~1/g, '/').replace(/~0/g, '~') }));
}

/** Parses the jq subset above into a path pattern; throws IgnoreRuleError naming what is not supported. */
export function parseJqPath(expression: string): PathPattern {
  const stages = splitPipes(expression.trim());
  const pattern: PathPattern = [];
  for (const stage of stages) {
    const select = /^select\s*\((.*)\)$/s.exec(stage);
    if (select) pattern.push({ select: parseCondition(select[1]!.trim(), expression) });
    else pattern.push(...parsePathExpression(stage, expression));
  }
  return pattern;
}

function splitPipes(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      current += c;
      if (c === '\\') current += text[++i] ?? '';
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    if (c === '|' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current.trim());
  return parts;
}

const IDENT = /^[A-Za-z_][\w]*/;

function parsePathExpression(text: string, whole: string): PatternSegment[] {
  if (text === '.') return [];
  const out: PatternSegment[] = [];
  let rest = text;
  while (rest.length > 0) {
    if (rest.startsWith('.')) {
      rest = rest.slice(1);
      if (rest.startsWith('"')) {
        const [key, after] = readString(rest, whole);
        out.push({ key });
        rest = after;
        continue;
      }
      if (rest.startsWith('[')) continue;
      const ident = IDENT.exec(rest);
      if (!ident) throw unsupported(whole);
      out.push({ key: ident[0] });
      rest = rest.slice(ident[0].length);
    } else if (rest.startsWith('[')) {
      const close = rest.indexOf(']');
      if (close < 0) throw unsupported(whole);
      const inner = rest.slice(1, close).trim();
      if (inner === '') out.push({ any: true });
      else if (/^\d+$/.test(inner)) out.push({ token: inner });
      else if (inner.startsWith('"')) out.push({ key: readString(inner, whole)[0] });
      else throw unsupported(whole);
      rest = rest.slice(close + 1);
    } else {
      throw unsupported(whole);
    }
    if (rest.startsWith('?')) rest = rest.slice(1); // `[]?`: no error on non-lists, which is how we walk anyway
  }
  return out;
}

function readString(text: string, whole: string): [string, string] {
  const match = /^"((?:[^"\\]|\\.)*)"/.exec(text);
  if (!match) throw unsupported(whole);
  return [JSON.parse(match[0]) as string, text.slice(match[0].length)];
}

function parseCondition(text: string, whole: string): Condition {
  const fn = /^(\.[^|]*?)\s*\|\s*(startswith|endswith)\s*\(\s*("(?:[^"\\]|\\.)*")\s*\)$/.exec(text);
  if (fn) return { path: keysOnly(fn[1]!, whole), op: fn[2] as Condition['op'], value: JSON.parse(fn[3]!) };
  const cmp = /^(\.[^=!]*?)\s*(==|!=)\s*(.+)$/.exec(text);
  if (!cmp) throw unsupported(whole);
  let value: unknown;
  try {
    value = JSON.parse(cmp[3]!.trim());
  } catch {
    throw unsupported(whole);
  }
  return { path: keysOnly(cmp[1]!.trim(), whole), op: cmp[2] as Condition['op'], value };
}

function keysOnly(path: string, whole: string): string[] {
  return parsePathExpression(path, whole).map((s) => {
    if ('key' in s) return s.key;
    if ('token' in s) return s.token;
    throw unsupported(whole);
  });
}

function unsupported(expression: string): IgnoreRuleError {
  return new IgnoreRuleError(
    `jq expression "${expression}" is outside the supported subset (paths, [], [n], pipes, select with ==, !=, startswith, endswith)`,
  );
}

// ---- matching ----------------------------------------------------------------------------------------------

export function ruleApplies(rule: IgnoreRule, object: KubeObject): boolean {
  const apiVersion = typeof object.apiVersion === 'string' ? object.apiVersion : '';
  const group = groupOf(apiVersion);
  const version = apiVersion.includes('/') ? apiVersion.slice(apiVersion.indexOf('/') + 1) : apiVersion;
  const kind = typeof object.kind === 'string' ? object.kind : '';
  const name = object.metadata?.name ?? '';
  const namespace = object.metadata?.namespace ?? '';
  const t = rule.target;
  if (rule.match === 'argocd') {
    return (
      globMatch(t.group ?? '', group) &&
      globMatch(t.kind ?? '*', kind) &&
      (!t.name || t.name === name) &&
      (!t.namespace || t.namespace === namespace)
    );
  }
  return (
    regexMatch(t.group, group) &&
    regexMatch(t.version, version) &&
    regexMatch(t.kind, kind) &&
    regexMatch(t.name, name) &&
    regexMatch(t.namespace, namespace) &&
    selectorMatches(t.labelSelector, object.metadata?.labels) &&
    selectorMatches(t.annotationSelector, object.metadata?.annotations)
  );
}

function globMatch(glob: string, value: string): boolean {
  const re = new RegExp(`^${glob.split('*').map(escapeRegex).join('.*')}$`);
  return re.test(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function regexMatch(pattern: string | undefined, value: string): boolean {
  if (!pattern) return true;
  try {
    return new RegExp(`^(?:${pattern})$`).test(value);
  } catch {
    return false;
  }
}

/** Kubernetes label selector syntax (the render engine's parser); a selector that does not parse matches nothing. */
export function selectorMatches(selector: string | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || !selector.trim()) return true;
  try {
    return matchesRequirements(parseLabelSelector(selector, 'drift ignore rule'), labels);
  } catch {
    return false;
  }
}

// ---- deleting ----------------------------------------------------------------------------------------------

type Concrete = (string | number)[];

/** Every concrete location the pattern names in `root`. An empty pattern names the whole object. */
export function resolvePattern(root: unknown, pattern: PathPattern): Concrete[] {
  let current: { path: Concrete; value: unknown }[] = [{ path: [], value: root }];
  for (const segment of pattern) {
    const next: typeof current = [];
    for (const { path, value } of current) {
      if ('select' in segment) {
        if (conditionHolds(value, segment.select)) next.push({ path, value });
        continue;
      }
      if ('any' in segment) {
        if (Array.isArray(value)) value.forEach((v, i) => next.push({ path: [...path, i], value: v }));
        else if (isMap(value)) for (const [k, v] of Object.entries(value)) next.push({ path: [...path, k], value: v });
        continue;
      }
      if ('fields' in segment) {
        if (!Array.isArray(value)) continue;
        value.forEach((v, i) => {
          if (isMap(v) && Object.entries(segment.fields).every(([k, want]) => looselyEqual(v[k], want))) {
            next.push({ path: [...path, i], value: v });
          }
        });
        continue;
      }
      const key = 'key' in segment ? segment.key : segment.token;
      if (Array.isArray(value) && 'token' in segment && /^\d+$/.test(key)) {
        const index = Number(key);
        if (index < value.length) next.push({ path: [...path, index], value: value[index] });
      } else if (isMap(value) && key in value) {
        next.push({ path: [...path, key], value: value[key] });
      }
    }
    current = next;
  }
  return current.map((c) => c.path);
}

function conditionHolds(value: unknown, condition: Condition): boolean {
  let v: unknown = value;
  for (const key of condition.path) v = isMap(v) ? v[key] : undefined;
  switch (condition.op) {
    case '==':
      return looselyEqual(v, condition.value);
    case '!=':
      return !looselyEqual(v, condition.value);
    case 'startswith':
      return typeof v === 'string' && v.startsWith(String(condition.value));
    case 'endswith':
      return typeof v === 'string' && v.endsWith(String(condition.value));
  }
}

function looselyEqual(a: unknown, b: unknown): boolean {
  return a === b || (a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b));
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Deletes every location the patterns name, in place. Returns false when a pattern names the whole object
 * (JSON Pointer `""`): the object is left out of the comparison entirely.
 */
export function deletePatterns(root: Record<string, unknown>, patterns: readonly PathPattern[]): boolean {
  for (const pattern of patterns) {
    if (pattern.length === 0) return false;
    // Deepest and last first, so deleting list elements does not shift the positions still to delete.
    const paths = resolvePattern(root, pattern).sort(compareConcrete).reverse();
    for (const path of paths) deleteAt(root, path);
  }
  return true;
}

function compareConcrete(a: Concrete, b: Concrete): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x).localeCompare(String(y));
  }
  return a.length - b.length;
}

function deleteAt(root: unknown, path: Concrete): void {
  let parent: unknown = root;
  for (const segment of path.slice(0, -1)) {
    parent = (parent as Record<string | number, unknown> | undefined)?.[segment];
    if (parent === null || typeof parent !== 'object') return;
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
  else if (isMap(parent)) delete parent[last as string];
}
