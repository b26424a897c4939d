// ajv's errors, said the way a person fixing a manifest wants to read them:
// `spec.replicas: must be integer, got "3"`, `spec.template.spec.containres: unknown field (did you mean containers?)`.
import type { ErrorObject } from 'ajv';

export type Segment = string | number;

export interface SchemaProblem {
  rule: 'schema/unknown-field' | 'schema/required-field' | 'schema/invalid-value';
  /** Where the problem is: the field itself (unknown, invalid) or the object missing a field (required). */
  path: Segment[];
  /** Point at the key rather than the value (unknown fields). */
  atKey: boolean;
  message: string;
}

export interface DescribeOptions {
  /** Never echo values: the object holds secrets (Secret, SealedSecret) or a path that looks like one. */
  hideValues: boolean;
}

/** `spec.template.spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]` */
export function formatPath(path: readonly Segment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out || '(document)';
}

/** JSON pointer → path segments, with array indexes as numbers (read from the data, so `"0"` keys stay strings). */
export function pointerToPath(pointer: string, data: unknown): Segment[] {
  if (pointer === '') return [];
  const path: Segment[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) {
      const index = Number(key);
      path.push(index);
      node = node[index];
    } else {
      path.push(key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

const SENSITIVE_PATH = /pass(word|wd)?|secret|token|credential|private|api[-_]?key|auth/i;

export function describeProblems(
  errors: readonly ErrorObject[],
  data: unknown,
  options: DescribeOptions,
): SchemaProblem[] {
  // A failed anyOf/oneOf reports each branch's errors at the same place too; say it once, from the union.
  const unions = new Set(
    errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.instancePath),
  );
  const typed = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (unions.has(error.instancePath) && /\/(anyOf|oneOf)\/\d+\//.test(error.schemaPath)) continue;
    if (error.keyword === 'if') continue; // the `then`/`else` error that follows says what is wrong
    if (error.keyword === 'format' && typed.has(error.instancePath)) continue; // "must be integer" says it
    const problem = describe(error, data, options);
    const key = `${problem.rule}|${formatPath(problem.path)}|${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function describe(error: ErrorObject, data: unknown, options: DescribeOptions): SchemaProblem {
  const path = pointerToPath(error.instancePath, data);
  const params = error.params as Record<string, unknown>;
  const hide = options.hideValues || path.some((s) => typeof s === 'string' && SENSITIVE_PATH.test(s));
  const got = (value: unknown) => `, got ${describeValue(value, hide)}`;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const suggestion = closest(field, known);
      const fieldPath = [...path, field];
      return {
        rule: 'schema/unknown-field',
        path: fieldPath,
        atKey: true,
        message: `${formatPath(fieldPath)}: unknown field${suggestion ? ` (did you mean ${suggestion}?)` : ''}`,
      };
    }
    case 'required': {
      const field = String(params.missingProperty);
      return {
        rule: 'schema/required-field',
        path,
        atKey: true,
        message: `${formatPath([...path, field])}: required field is missing`,
      };
    }
    case 'type': {
      const types = String(params.type).split(',');
      return invalid(path, `must be ${types.map(typeName).join(' or ')}${got(error.data)}`);
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
      return invalid(path, `must be one of ${allowed.join(', ')}${got(error.data)}`);
    }
    case 'const':
      return invalid(path, `must be ${JSON.stringify(params.allowedValue)}${got(error.data)}`);
    case 'pattern':
      return invalid(path, `${patternMeaning(String(params.pattern))}${got(error.data)}`);
    case 'format':
      return invalid(
        path,
        params.format === 'int32'
          ? `must be a 32-bit integer${got(error.data)}`
          : params.format === 'int64'
            ? `must be a 64-bit integer${got(error.data)}`
            : `must be a valid ${String(params.format)}${got(error.data)}`,
      );
    case 'anyOf':
    case 'oneOf': {
      const branches = (error.schema as { type?: unknown }[] | undefined) ?? [];
      const types = branches.flatMap((b) => (Array.isArray(b.type) ? b.type : b.type ? [b.type] : []));
      return invalid(
        path,
        types.length === branches.length && types.length > 0
          ? `must be ${[...new Set(types.map((t) => typeName(String(t))))].join(' or ')}${got(error.data)}`
          : `does not match any of the allowed forms${got(error.data)}`,
      );
    }
    default:
      return invalid(path, `${error.message ?? error.keyword}${got(error.data)}`);
  }
}

function invalid(path: Segment[], problem: string): SchemaProblem {
  return { rule: 'schema/invalid-value', path, atKey: false, message: `${formatPath(path)}: ${problem}` };
}

function typeName(type: string): string {
  return type === 'object' ? 'a mapping' : type === 'array' ? 'a list' : type;
}

const QUANTITY_HINT = '[eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i';

function patternMeaning(pattern: string): string {
  if (pattern.includes(QUANTITY_HINT)) return 'must be a quantity such as 500m, 2, 128Mi or 1Gi';
  return `must match ${pattern}`;
}

/** A value in a message: short scalars as written, never anything from a secret. */
export function describeValue(value: unknown, hide: boolean): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (hide) return `a ${typeof value}`;
  if (typeof value === 'string') {
    return value.length > 40 || /[\r\n]/.test(value) ? `a string of ${value.length} characters` : JSON.stringify(value);
  }
  return String(value);
}

/** The known field a typo most likely meant: small edit distance, or the same letters in another case. */
export function closest(field: string, known: readonly string[]): string | undefined {
  const lower = field.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    if (name.toLowerCase() === lower) return name;
    const distance = editDistance(lower, name.toLowerCase());
    const limit = Math.max(1, Math.min(3, Math.floor(name.length / 4)));
    if (distance <= limit && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** Damerau–Levenshtein (optimal string alignment): a swapped pair of letters is one edit, as people type. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        value = Math.min(value, d[(i - 2) * cols + j - 2]! + 1);
      }
      d[i * cols + j] = value;
    }
  }
  return d[rows * cols - 1]!;
}
