// Kubernetes YAML in and out exactly as `kustomize build` handles it. Kustomize reads each document with a
// yaml.v3 fork, turns it into Go maps and JSON, and prints the result with go-yaml v2 (sigs.k8s.io/yaml). So:
// scalars resolve by yaml.v3's rules (`012` is octal 10, `yes` stays a string, `2020-01-01` becomes a timestamp),
// comments and quoting styles are gone, keys come out in go-yaml v2's order, and strings are quoted, folded and
// escaped as libyaml's emitter decides. Both directions are ported here from those rules, not approximated, because
// envgate's output must match Kustomize's to the byte.
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node } from 'yaml';
import { RenderError, type KubeObject } from '../types.js';

// ───────────────────────────── reading ─────────────────────────────

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const TRUES = new Set(['true', 'True', 'TRUE']);
const FALSES = new Set(['false', 'False', 'FALSE']);
const NANS = new Set(['.nan', '.NaN', '.NAN']);
const POS_INFS = new Set(['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']);
const NEG_INFS = new Set(['-.inf', '-.Inf', '-.INF']);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt/ParseUint with base 0 (sign, then 0x/0o/0b or a leading-0 octal, or decimal). */
function parseGoInteger(text: string, signed: boolean): bigint | undefined {
  let s = text;
  let negative = false;
  if (s.startsWith('+') || s.startsWith('-')) {
    if (!signed) return undefined;
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  let digits: RegExp;
  let prefix = '';
  if (/^0[xX]/.test(s)) {
    digits = /^[0-9a-fA-F]+$/;
    prefix = '0x';
    s = s.slice(2);
  } else if (/^0[oO]/.test(s)) {
    digits = /^[0-7]+$/;
    prefix = '0o';
    s = s.slice(2);
  } else if (/^0[bB]/.test(s)) {
    digits = /^[01]+$/;
    prefix = '0b';
    s = s.slice(2);
  } else if (/^0[0-9]/.test(s)) {
    digits = /^[0-7]+$/;
    prefix = '0o';
    s = s.slice(1);
  } else digits = /^[0-9]+$/;
  if (!digits.test(s)) return undefined;
  const magnitude = BigInt(`${prefix}${s}`);
  const value = negative ? -magnitude : magnitude;
  if (signed ? value < INT64_MIN || value > INT64_MAX : value > UINT64_MAX) return undefined;
  return value;
}

/** yaml.v3's timestamp formats; the value as Go's JSON encoding of a time.Time (RFC 3339, nanoseconds trimmed). */
function parseTimestamp(s: string): string | undefined {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))?)?$/.exec(
      s,
    );
  if (!m) return undefined;
  // yaml.v3 tries exactly these layouts: the `T`/`t` forms need a zone, the space form has none.
  const hasTime = m[4] !== undefined;
  const separator = hasTime ? s.slice(m[1]!.length + m[2]!.length + m[3]!.length + 2).match(/^[Tt ]/)?.[0] : '';
  const hasZone = m[8] !== undefined || m[9] !== undefined;
  if (hasTime && (separator === 'T' || separator === 't') && !hasZone) return undefined;
  if (hasTime && separator === ' ' && hasZone) return undefined;
  if (hasTime && !/^[Tt ]/.test(s.slice(m[1]!.length + m[2]!.length + m[3]!.length + 2))) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const daysIn = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysIn) return undefined;
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const fraction = (m[7] ?? '').replace(/0+$/, '');
  // Go keeps a zero offset as UTC, which RFC 3339 writes as Z.
  const zone = m[9] && `${m[10]}${m[11]}` !== '0000' ? `${m[9]}${m[10]}:${m[11]}` : 'Z';
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction ? `.${fraction}` : ''}${zone}`;
}

class UnsupportedValue extends Error {}

/** A plain scalar as yaml.v3 resolves it, then as it survives Go's JSON encoding. */
function resolvePlain(s: string): unknown {
  if (NULLS.has(s)) return null;
  if (TRUES.has(s)) return true;
  if (FALSES.has(s)) return false;
  if (NANS.has(s)) throw new UnsupportedValue('json: unsupported value: NaN');
  if (POS_INFS.has(s)) throw new UnsupportedValue('json: unsupported value: +Inf');
  if (NEG_INFS.has(s)) throw new UnsupportedValue('json: unsupported value: -Inf');
  const first = s[0]!;
  if (first === '.') {
    const f = /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s) ? Number(s) : NaN;
    return Number.isNaN(f) ? s : f;
  }
  if (!/[-+0-9]/.test(first)) return s;
  const timestamp = parseTimestamp(s);
  if (timestamp !== undefined) return timestamp;
  const plain = s.replace(/_/g, '');
  const int = parseGoInteger(plain, true) ?? parseGoInteger(plain, false);
  if (int !== undefined) return Number(int);
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = Number(plain);
    if (!Number.isFinite(f)) throw new UnsupportedValue(`json: unsupported value: ${f > 0 ? '+Inf' : '-Inf'}`);
    return f;
  }
  return s;
}

/** A plain scalar's text as Kustomize resolves it (`false` → false, `012` → 10); unresolvable values stay text. */
export function resolvePlainScalar(text: string): unknown {
  try {
    return resolvePlain(text);
  } catch {
    return text;
  }
}

function scalarValue(node: Node & { value: unknown; type?: string; tag?: string }): unknown {
  const text = String(node.value ?? '');
  const tag = node.tag;
  if (tag === 'tag:yaml.org,2002:str' || tag === '!!str') return text;
  if (tag === 'tag:yaml.org,2002:null' || tag === '!!null') return null;
  if (tag === 'tag:yaml.org,2002:bool' || tag === '!!bool' || tag === 'tag:yaml.org,2002:int' || tag === '!!int') {
    return resolvePlain(text);
  }
  if (tag === 'tag:yaml.org,2002:float' || tag === '!!float') {
    const v = resolvePlain(text);
    return typeof v === 'number' ? v : text;
  }
  if (node.type !== 'PLAIN') return text;
  if (tag !== undefined && tag !== '!') return text;
  return resolvePlain(text);
}

interface Reader {
  doc: Document;
  file: string;
  seen: Map<Node, unknown>;
  /** A repeated key keeps its first value (Kustomize's node merge looks a field up by name: the first). */
  firstWins: boolean;
}

function plainKey(node: unknown): boolean {
  return isScalar(node) && node.type === 'PLAIN' && node.tag === undefined;
}

function toValue(node: unknown, reader: Reader, depth: number): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(reader.doc);
    if (!target) throw new RenderError(`${reader.file}: unknown anchor "${node.source}"`, 'invalid', reader.file);
    return structuredClone(toValue(target, reader, depth));
  }
  if (isScalar(node)) return scalarValue(node as never);
  if (isSeq(node)) return node.items.map((item) => toValue(item, reader, depth + 1));
  if (isMap(node)) {
    const result: Record<string, unknown> = {};
    const merged: Record<string, unknown>[] = [];
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key;
      if (plainKey(keyNode) && (keyNode as { value: unknown }).value === '<<') {
        const source = toValue(pair.value, reader, depth + 1);
        for (const m of Array.isArray(source) ? source : [source]) {
          if (m === null || typeof m !== 'object' || Array.isArray(m)) {
            throw new RenderError(
              `${reader.file}: map merge requires map or sequence of maps as the value`,
              'invalid',
              reader.file,
            );
          }
          merged.push(m as Record<string, unknown>);
        }
        continue;
      }
      const key = mapKey(keyNode, reader, depth);
      if (reader.firstWins && Object.prototype.hasOwnProperty.call(result, key)) continue;
      Object.defineProperty(result, key, {
        value: toValue(pair.value, reader, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    // Explicit keys win over merged ones; among merged maps, the first listed wins.
    for (const m of merged) {
      for (const [k, v] of Object.entries(m)) if (!Object.prototype.hasOwnProperty.call(result, k)) result[k] = v;
    }
    return merged.length > 0 ? { ...result } : result;
  }
  return null;
}

function mapKey(node: unknown, reader: Reader, depth: number): string {
  if (isScalar(node)) {
    const text = String(node.value ?? '');
    // The document's top level decodes into map[string]interface{}, which takes any scalar's text; nested
    // mappings decode into interface{}, where a key that is not a string makes a map JSON cannot encode.
    if (depth > 0 && plainKey(node)) {
      const resolved = (() => {
        try {
          return resolvePlain(text);
        } catch {
          return 0;
        }
      })();
      if (typeof resolved !== 'string') {
        throw new RenderError(
          `${reader.file}: key ${JSON.stringify(text)} is not a string: json: unsupported type: map[interface {}]interface {}`,
          'invalid',
          reader.file,
        );
      }
    }
    return text;
  }
  throw new RenderError(`${reader.file}: a mapping key must be a scalar`, 'invalid', reader.file);
}

// Characters Go's JSON encoding passes through raw and go-yaml then refuses to read: Kustomize fails on them.
const UNPRINTABLE = /[\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

/** The path of the first string (key or value) holding such a character; never the value itself. */
export function firstUnprintable(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return UNPRINTABLE.test(value) ? path || '(document)' : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstUnprintable(value[i], `${path}[${i}]`);
      if (found !== undefined) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (UNPRINTABLE.test(key)) return path || '(a key)';
      const found = firstUnprintable(item, here);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * The documents of a manifest file as plain JSON data, resolved as Kustomize resolves them. Empty documents are
 * skipped; syntax errors, duplicate keys and values JSON cannot hold fail with the file and line.
 */
export function parseResourceYaml(
  text: string,
  file: string,
  options: { duplicateKeys?: 'error' | 'first-wins' } = {},
): KubeObject[] {
  // Patches are read as YAML nodes and merged, never decoded: Kustomize takes a repeated key's first value there.
  const uniqueKeys = options.duplicateKeys !== 'first-wins';
  const docs = parseAllDocuments(text, { schema: 'failsafe', uniqueKeys, prettyErrors: true, merge: false });
  const objects: KubeObject[] = [];
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      // The first line only, without the parser's code frame: in a Secret manifest that frame would quote values.
      const where = error.linePos ? `:${error.linePos[0].line}:${error.linePos[0].col}` : '';
      const key = /^(?:"[^"\n]*"|'[^'\n]*'|[^:\n]*)/.exec(text.slice(error.pos[0]))![0].trim();
      const what =
        error.code === 'DUPLICATE_KEY'
          ? `mapping key ${JSON.stringify(key)} already defined`
          : error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new RenderError(`${file}${where}: ${what}`, 'invalid', file);
    }
    if (doc.contents === null) continue;
    let value: unknown;
    try {
      value = toValue(doc.contents, { doc, file, seen: new Map(), firstWins: !uniqueKeys }, 0);
    } catch (error) {
      if (error instanceof UnsupportedValue) throw new RenderError(`${file}: ${error.message}`, 'invalid', file);
      throw error;
    }
    if (value === null) continue;
    const unprintable = firstUnprintable(value);
    if (unprintable !== undefined) {
      throw new RenderError(
        `${file}: ${unprintable} holds a control character YAML output cannot carry (yaml: control characters are not allowed)`,
        'invalid',
        file,
      );
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new RenderError(
        `${file}: a document is ${Array.isArray(value) ? 'a list' : 'a scalar'}, not a mapping`,
        'invalid',
        file,
      );
    }
    objects.push(value as KubeObject);
  }
  return objects;
}

// ───────────────────────────── writing ─────────────────────────────

/** go-yaml v2's map key order: numbers inside keys compare as numbers, non-letters sort before letters. */
export function compareKeys(a: string, b: string): number {
  const ar = [...a];
  const br = [...b];
  const isLetter = (c: string) => /\p{L}/u.test(c);
  const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! - br[i]!.codePointAt(0)!;
    if (al || bl) return bl ? -1 : 1;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai]!.charCodeAt(0) - 48);
    let bi = i;
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai - bi;
    return ar[i]!.codePointAt(0)! - br[i]!.codePointAt(0)!;
  }
  return ar.length - br.length;
}

const V2_BOOLS_AND_NULLS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF',
  '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]); // prettier-ignore

/** Whether go-yaml v2 would read `s` back as something other than a string if it were written plain. */
function resolvesToNonString(s: string): boolean {
  if (V2_BOOLS_AND_NULLS.has(s)) return true;
  const first = s[0];
  if (first === '.') return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(s);
  if (first === undefined || !/[-+0-9]/.test(first)) return false;
  if (parseTimestamp(s) !== undefined) return true;
  const plain = s.replace(/_/g, '');
  if (parseGoInteger(plain, true) !== undefined || parseGoInteger(plain, false) !== undefined) return true;
  if (YAML_STYLE_FLOAT.test(plain)) return true;
  if (/^-?0b[01]+$/.test(plain)) return true;
  return false;
}

const isBase60Float = (s: string) => /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(s);

const isBreak = (c: string | undefined) =>
  c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
const isSpace = (c: string | undefined) => c === ' ';
const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
const isBlankz = (c: string | undefined) => c === undefined || isBlank(c) || isBreak(c) || c === '\0';

/** libyaml's is_printable on one code point (the emitter runs with unicode output on). */
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  if (cp === 0x0a) return true;
  if (cp >= 0x20 && cp <= 0x7e) return true;
  if (cp >= 0xa0 && cp <= 0xd7ff) return true;
  if (cp >= 0xe000 && cp <= 0xfffd) return cp !== 0xfeff;
  return false;
}

interface ScalarAnalysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

/** libyaml's yaml_emitter_analyze_scalar. */
function analyzeScalar(chars: string[]): ScalarAnalysis {
  if (chars.length === 0)
    return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  const text = chars.join('');
  if (text.startsWith('---') || text.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const followedByWhitespace = i + 1 >= chars.length || isBlank(chars[i + 1]) || isBreak(chars[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (c === '?' || c === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (c === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (',?[]{}'.includes(c)) {
      flowIndicators = true;
    } else if (c === ':') {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (c === '#' && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }
    if (!isPrintable(c)) specialCharacters = true;
    if (isSpace(c)) {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankz(c);
  }
  const result: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlain: true,
    blockPlain: true,
    singleQuoted: true,
    block: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    result.flowPlain = false;
    result.blockPlain = false;
  }
  if (trailingSpace) result.block = false;
  if (breakSpace) {
    result.flowPlain = false;
    result.blockPlain = false;
    result.singleQuoted = false;
  }
  if (spaceBreak || specialCharacters) {
    result.flowPlain = false;
    result.blockPlain = false;
    result.singleQuoted = false;
    result.block = false;
  }
  if (lineBreaks) {
    result.flowPlain = false;
    result.blockPlain = false;
  }
  if (flowIndicators) result.flowPlain = false;
  if (blockIndicators) result.blockPlain = false;
  return result;
}

const BEST_WIDTH = 80;
const BEST_INDENT = 2;
const ESCAPES: Record<number, string> = {
  0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r',
  0x1b: 'e', 0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
}; // prettier-ignore

type Style = 'plain' | 'single' | 'double' | 'literal';

/** The parts of libyaml's emitter state that decide where text goes. */
class Emitter {
  private out: string[] = [];
  column = 0;
  indent = -1;
  whitespace = true;
  indention = true;
  openEnded = false;
  private indents: number[] = [];

  text(): string {
    return this.out.join('');
  }

  put(s: string): void {
    this.out.push(s);
    this.column += [...s].length;
  }

  putBreak(): void {
    this.out.push('\n');
    this.column = 0;
  }

  /** libyaml's write_break: a line feed as a new line, any other break character as itself. */
  writeBreak(c: string): void {
    if (c === '\n') this.putBreak();
    else {
      this.out.push(c);
      this.column = 0;
    }
  }

  writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  indicator(s: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(s);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  // ── nodes ──

  node(value: unknown, context: { root?: boolean; mapping?: boolean; simpleKey?: boolean }): void {
    if (value === null || value === undefined) return this.scalar('null', 'plain', context.simpleKey === true);
    if (typeof value === 'boolean') return this.scalar(String(value), 'plain', context.simpleKey === true);
    if (typeof value === 'number') return this.scalar(formatNumber(value), 'plain', context.simpleKey === true);
    if (typeof value === 'bigint') return this.scalar(value.toString(), 'plain', context.simpleKey === true);
    if (typeof value === 'string') return this.stringScalar(value, context.simpleKey === true);
    if (Array.isArray(value)) return value.length === 0 ? this.emptyFlow('[', ']') : this.blockSequence(value, context);
    if (typeof value === 'object') {
      const entries = Object.keys(value).sort(compareKeys);
      return entries.length === 0
        ? this.emptyFlow('{', '}')
        : this.blockMapping(value as Record<string, unknown>, entries);
    }
    throw new Error(`cannot print a ${typeof value}`);
  }

  private emptyFlow(open: string, close: string): void {
    this.indicator(open, true, true, false);
    this.increaseIndent(true, false);
    this.popIndent();
    this.indicator(close, false, false, false);
  }

  private blockSequence(items: unknown[], context: { mapping?: boolean }): void {
    this.increaseIndent(false, context.mapping === true && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.indicator('-', true, false, true);
      this.node(item, {});
    }
    this.popIndent();
  }

  private blockMapping(map: Record<string, unknown>, keys: string[]): void {
    this.increaseIndent(false, false);
    for (const key of keys) {
      this.writeIndent();
      if (isSimpleKey(key)) {
        this.node(key, { simpleKey: true });
        this.indicator(':', false, false, false);
      } else {
        this.indicator('?', true, false, true);
        this.node(key, {});
        this.writeIndent();
        this.indicator(':', true, false, true);
      }
      this.node(map[key], { mapping: true });
    }
    this.popIndent();
  }

  private stringScalar(raw: string, simpleKey: boolean): void {
    // Go's JSON leaves U+0085 (NEL) unescaped, and go-yaml reads it back inside a quoted string as a line break,
    // which folds: one becomes a space, n of them n-1 newlines, with the blanks around them dropped.
    const value = raw.includes('\u0085')
      ? raw.replace(/[ \t]*(?:\u0085[ \t]*)+/g, (run) => {
          const count = [...run].filter((c) => c === '\u0085').length;
          return count === 1 ? ' ' : '\n'.repeat(count - 1);
        })
      : raw;
    const canUsePlain = !resolvesToNonString(value) && !isBase60Float(value);
    const style: Style = value.includes('\n') ? 'literal' : canUsePlain ? 'plain' : 'double';
    this.scalar(value, style, simpleKey);
  }

  /** yaml_emitter_select_scalar_style and yaml_emitter_process_scalar. */
  private scalar(value: string, requested: Style, simpleKey: boolean): void {
    const chars = [...value];
    const analysis = analyzeScalar(chars);
    let style = requested;
    if (simpleKey && analysis.multiline) style = 'double';
    if (style === 'plain') {
      if (!analysis.blockPlain) style = 'single';
      if (chars.length === 0 && simpleKey) style = 'single';
    }
    if (style === 'single' && !analysis.singleQuoted) style = 'double';
    if (style === 'literal' && (!analysis.block || simpleKey)) style = 'double';

    this.increaseIndent(true, false);
    const allowBreaks = !simpleKey;
    switch (style) {
      case 'plain':
        this.writePlain(chars, allowBreaks);
        break;
      case 'single':
        this.writeSingle(chars, allowBreaks);
        break;
      case 'double':
        this.writeDouble(chars, allowBreaks);
        break;
      case 'literal':
        this.writeLiteral(chars);
        break;
    }
    this.popIndent();
  }

  private writePlain(chars: string[], allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && !isSpace(chars[i + 1])) this.writeIndent();
        else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingle(chars: string[], allowBreaks: boolean): void {
    this.indicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (isSpace(c)) {
        if (
          allowBreaks &&
          !spaces &&
          this.column > BEST_WIDTH &&
          i > 0 &&
          i < chars.length - 1 &&
          !isSpace(chars[i + 1])
        ) {
          this.writeIndent();
        } else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === '\n') this.putBreak();
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        breaks = false;
        if (c === "'") this.put("'");
        this.put(c);
        this.indention = false;
        spaces = false;
      }
    }
    this.indicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDouble(chars: string[], allowBreaks: boolean): void {
    this.indicator('"', true, false, false);
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      const cp = c.codePointAt(0)!;
      if (!isPrintable(c) || cp === 0xfeff || isBreak(c) || c === '"' || c === '\\') {
        this.put('\\');
        const escape = ESCAPES[cp];
        if (escape !== undefined) this.put(escape);
        else if (cp <= 0xff) this.put(`x${cp.toString(16).toUpperCase().padStart(2, '0')}`);
        else if (cp <= 0xffff) this.put(`u${cp.toString(16).toUpperCase().padStart(4, '0')}`);
        else this.put(`U${cp.toString(16).toUpperCase().padStart(8, '0')}`);
        spaces = false;
      } else if (isSpace(c)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== chars.length - 1) {
          this.writeIndent();
          if (isSpace(chars[i + 1])) this.put('\\');
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.indicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(chars: string[]): void {
    this.indicator('|', true, false, false);
    if (isSpace(chars[0]) || isBreak(chars[0])) this.indicator(String(BEST_INDENT), false, false, false);
    this.openEnded = false;
    const last = chars.length - 1;
    if (chars.length === 0 || !isBreak(chars[last])) this.indicator('-', false, false, false);
    else if (last === 0 || isBreak(chars[last - 1])) {
      this.indicator('+', false, false, false);
      this.openEnded = true;
    }
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (isBreak(c)) {
        this.writeBreak(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/** libyaml's yaml_emitter_check_simple_key for a plain string key: short and on one line. */
function isSimpleKey(key: string): boolean {
  return Buffer.byteLength(key, 'utf8') <= 128 && !/[\n\r\u0085\u2028\u2029]/.test(key);
}

/**
 * A number as it comes out of Go's JSON encoding and back through go-yaml v2: integral values print as integers,
 * others in strconv's shortest 'g' form (with an exponent below 1e-4 and from 1e6).
 */
export function formatNumber(n: number): string {
  // An integral value within Go's int64/uint64 range reads back as an integer; beyond it, as a float.
  if (Number.isInteger(n) && n >= -(2 ** 63) && n < 2 ** 64) return BigInt(n).toString();
  const [mantissa, exponentText] = n.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  const digits = mantissa.replace('-', '').replace('.', '');
  const negative = n < 0 ? '-' : '';
  if (exponent < -4 || exponent >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exponent);
    return `${negative}${m}e${exponent < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  return String(n);
}

/** Objects as `kustomize build` prints them: one YAML document each, separated by `---`. */
export function printObjects(objects: readonly KubeObject[]): string {
  return objects
    .map((object) => {
      const emitter = new Emitter();
      emitter.node(object, { root: true });
      if (emitter.column > 0) emitter.putBreak();
      return emitter.text();
    })
    .join('---\n');
}
