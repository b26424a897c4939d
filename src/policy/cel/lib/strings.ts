// cel-go's strings extension as Kubernetes enables it (version 2): what the CEL library lacks — `charAt`,
// `replace`, `format`, `strings.quote`, `reverse` — on top of the split/join/trim/indexOf/substring/lowerAscii/
// upperAscii it already has.
import type { Environment } from '@marcbachmann/cel-js';
import { EvaluationError } from '@marcbachmann/cel-js';
import { typeName } from '../compare.js';

class StringsNamespace {}

const codePoints = (s: string) => Array.from(s);

/** Go's strings.Replace(s, old, new, n): n < 0 replaces all; an empty `old` matches between every code point. */
export function replace(s: string, from: string, to: string, n = -1): string {
  if (n === 0) return s;
  if (from === '') {
    const chars = codePoints(s);
    let out = '';
    let done = 0;
    for (let i = 0; i <= chars.length; i++) {
      if (n < 0 || done < n) {
        out += to;
        done++;
      }
      if (i < chars.length) out += chars[i];
    }
    return out;
  }
  if (n < 0) return s.split(from).join(to);
  let out = '';
  let rest = s;
  for (let done = 0; done < n; done++) {
    const at = rest.indexOf(from);
    if (at === -1) break;
    out += rest.slice(0, at) + to;
    rest = rest.slice(at + from.length);
  }
  return out + rest;
}

/** A value as `%s` prints it, the way cel-go's strings.format does. */
export function formatString(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return value;
    case 'bigint':
    case 'boolean':
      return String(value);
    case 'number':
      return formatDouble(value);
    case 'object':
      if (Array.isArray(value)) return `[${value.map(formatNested).join(', ')}]`;
      if (value instanceof Uint8Array) return new TextDecoder().decode(value);
      if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
      if (value.constructor === Object || value.constructor === undefined) {
        const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
        return `{${entries.map(([k, v]) => `${formatNested(k)}: ${formatNested(v)}`).join(', ')}}`;
      }
      return String(value);
    default:
      return String(value);
  }
}

const formatNested = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : formatString(v));

function formatDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return String(value);
}

function toInteger(value: unknown, verb: string): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean' && verb === 'b') return value ? 1n : 0n;
  throw new EvaluationError(`format: %${verb} needs an int, got ${typeName(value)}`);
}

function toDouble(value: unknown, verb: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new EvaluationError(`format: %${verb} needs a number, got ${typeName(value)}`);
}

function hex(value: unknown): string {
  if (typeof value === 'bigint') return value < 0n ? `-${(-value).toString(16)}` : value.toString(16);
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('hex');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex');
  throw new EvaluationError(`format: %x needs an int, string or bytes, got ${typeName(value)}`);
}

/** cel-go's `"…".format([args])`: %s %d %f %e %b %o %x %X and %%, with an optional `.precision`. */
export function format(template: string, args: unknown[]): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (c !== '%') {
      out += c;
      continue;
    }
    let j = i + 1;
    let precision: number | undefined;
    if (template[j] === '.') {
      let digits = '';
      for (j++; /[0-9]/.test(template[j] ?? ''); j++) digits += template[j];
      precision = Number(digits || '0');
    }
    const verb = template[j];
    if (verb === undefined) throw new EvaluationError('format: unterminated % clause');
    i = j;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (next >= args.length) throw new EvaluationError(`format: index ${next} out of range: too few arguments`);
    const arg = args[next++];
    switch (verb) {
      case 's':
        out += formatString(arg);
        break;
      case 'd':
        out += String(toInteger(arg, 'd'));
        break;
      case 'f': {
        const d = toDouble(arg, 'f');
        out += Number.isFinite(d) ? d.toFixed(precision ?? 6) : formatDouble(d);
        break;
      }
      case 'e': {
        const d = toDouble(arg, 'e');
        out += Number.isFinite(d) ? d.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2') : formatDouble(d);
        break;
      }
      case 'b':
        out += toInteger(arg, 'b').toString(2);
        break;
      case 'o':
        out += toInteger(arg, 'o').toString(8);
        break;
      case 'x':
        out += hex(arg);
        break;
      case 'X':
        out += hex(arg).toUpperCase();
        break;
      default:
        throw new EvaluationError(`format: unrecognized formatting clause %${verb}`);
    }
  }
  if (next < args.length) throw new EvaluationError(`format: too many arguments (${args.length} for ${next})`);
  return out;
}

/** strings.quote: the string as a double-quoted CEL literal. */
export function quote(s: string): string {
  const escapes: Record<string, string> = {
    '\x07': '\\a',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
    '\\': '\\\\',
    '"': '\\"',
  };
  return `"${Array.from(s, (ch) => escapes[ch] ?? ch).join('')}"`;
}

export function registerStrings(env: Environment): void {
  env
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => replace(s, a, b))
    .registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) =>
      replace(s, a, b, Number(n)),
    )
    .registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
      const chars = codePoints(s);
      const at = Number(i);
      if (at < 0 || at > chars.length) throw new EvaluationError(`charAt: index ${at} out of range`);
      return chars[at] ?? '';
    })
    .registerFunction('string.reverse(): string', (s: string) => codePoints(s).reverse().join(''))
    .registerFunction('string.format(list): string', (s: string, args: unknown[]) => format(s, args))
    .registerType('StringsNamespace', StringsNamespace)
    .registerConstant('strings', 'StringsNamespace', new StringsNamespace())
    .registerFunction('StringsNamespace.quote(string): string', (_ns: unknown, s: string) => quote(s));
}
