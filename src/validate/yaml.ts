// Kubernetes-flavoured YAML: parse as the API server reads manifests (YAML 1.1 scalars via go-yaml v2 and
// sigs.k8s.io/yaml), keep positions for findings, and turn every parse problem into a finding instead of a throw.
import {
  LineCounter,
  isMap,
  isScalar,
  parseAllDocuments,
  type Document,
  type ParseOptions,
  type DocumentOptions,
} from 'yaml';
import type { SchemaOptions, ToJSOptions } from 'yaml';
import type { Finding } from '../core/types.js';

/** Larger files are reported, not parsed: nobody reviews a 4 MiB manifest, and parsing one costs seconds. */
export const MAX_YAML_BYTES = 4 * 1024 * 1024;

type Tags = Extract<NonNullable<SchemaOptions['customTags']>, unknown[]>;

/**
 * YAML 1.1 as Kubernetes reads it: `yes`/`on` are booleans and `0644` is octal, but timestamps stay strings
 * and `1:30` is not a base-60 number (sigs.k8s.io/yaml converts through JSON, go-yaml v2 has no sexagesimals).
 */
function kubernetesTags(tags: Tags): Tags {
  return tags.filter((tag) => {
    if (typeof tag !== 'object' || tag === null) return true;
    return tag.tag !== 'tag:yaml.org,2002:timestamp' && tag.format !== 'TIME';
  });
}

export const KUBERNETES_YAML_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  schema: 'yaml-1.1',
  customTags: kubernetesTags,
  uniqueKeys: true,
  merge: true,
  prettyErrors: true,
};

const TO_JS: ToJSOptions = { maxAliasCount: 100 };

export interface ParsedDocument {
  /** 0-based position of the document in its file, counting empty documents too. */
  index: number;
  /** 1-based line where the document's content starts. */
  line: number;
  value: unknown;
  /** Kept for position look-ups (`positionOf`). */
  node: Document;
}

export interface ParsedYaml {
  path: string;
  documents: ParsedDocument[];
  findings: Finding[];
  /** Maps a character offset to a 1-based line and column. */
  lineCounter: LineCounter;
}

export interface ParseYamlOptions {
  /** Every non-empty document must be a mapping (true for Kubernetes manifests, kustomization files, config). */
  requireMapping?: boolean;
}

const CODE_TO_RULE: Record<string, string> = {
  DUPLICATE_KEY: 'yaml/duplicate-key',
};

export function parseYaml(path: string, text: string, options: ParseYamlOptions = {}): ParsedYaml {
  const lineCounter = new LineCounter();
  const result: ParsedYaml = { path, documents: [], findings: [], lineCounter };
  const size = Buffer.byteLength(text, 'utf8');
  if (size > MAX_YAML_BYTES) {
    result.findings.push({
      rule: 'yaml/too-large',
      severity: 'error',
      message: `file is ${formatBytes(size)}; envgate parses YAML files up to ${formatBytes(MAX_YAML_BYTES)}`,
      file: path,
    });
    return result;
  }
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { ...KUBERNETES_YAML_OPTIONS, lineCounter }) as Document.Parsed[];
  } catch (error) {
    // parseAllDocuments reports problems on the documents; a throw here is a parser bug, still not the user's crash.
    result.findings.push({ rule: 'yaml/syntax', severity: 'error', message: oneLine(error), file: path });
    return result;
  }
  if (!Array.isArray(docs)) docs = [docs];
  docs.forEach((doc, index) => {
    const problems = [...doc.errors, ...doc.warnings.filter((w) => w.code === 'DUPLICATE_KEY')];
    for (const problem of problems) {
      const pos = problem.linePos?.[0] ?? lineCounter.linePos(problem.pos[0]);
      const duplicateKey = problem.code === 'DUPLICATE_KEY' ? keyAt(text, problem.pos[0]) : undefined;
      result.findings.push({
        rule: CODE_TO_RULE[problem.code] ?? 'yaml/syntax',
        severity: 'error',
        message: duplicateKey ? `duplicate key "${duplicateKey}"` : cleanYamlMessage(problem.message),
        file: path,
        line: pos.line,
        column: pos.col,
      });
    }
    if (doc.errors.length > 0) return;
    const contents = doc.contents;
    // Empty documents and explicit nulls (`--- ~`) are skipped, as kubectl and kustomize skip them.
    if (contents === null || isScalarNull(contents)) return;
    const line = lineCounter.linePos(contents.range?.[0] ?? 0).line;
    let value: unknown;
    try {
      value = doc.toJS(TO_JS);
    } catch (error) {
      result.findings.push({ rule: 'yaml/syntax', severity: 'error', message: oneLine(error), file: path, line });
      return;
    }
    if (options.requireMapping && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      result.findings.push({
        rule: 'yaml/not-a-mapping',
        severity: 'error',
        message: `document ${index + 1} is ${describeValue(value)}, expected a mapping`,
        file: path,
        line,
        column: lineCounter.linePos(contents.range?.[0] ?? 0).col,
      });
      return;
    }
    result.documents.push({ index, line, value, node: doc });
  });
  return result;
}

/**
 * 1-based line and column of the value at `path` in a parsed document, or of its nearest existing ancestor.
 * With `{ key: true }` the position of the mapping key naming the value (where a person looks for "which key").
 */
export function positionOf(
  parsed: Pick<ParsedYaml, 'lineCounter'>,
  doc: ParsedDocument,
  path: readonly (string | number)[],
  options: { key?: boolean } = {},
): { line: number; column: number } {
  const at = (offset: number) => {
    const pos = parsed.lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  for (let depth = path.length; depth >= 0; depth--) {
    if (options.key && depth > 0) {
      const parent = doc.node.getIn(path.slice(0, depth - 1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path[depth - 1]));
        const range = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
        if (range) return at(range[0]);
      }
    }
    const node = doc.node.getIn(path.slice(0, depth), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return at(node.range[0]);
  }
  return { line: doc.line, column: 1 };
}

function isScalarNull(node: unknown): boolean {
  return typeof node === 'object' && node !== null && 'value' in node && (node as { value: unknown }).value === null;
}

/** How a non-mapping document reads in a message: `a list`, `a string`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a string';
  return `a ${typeof value}`;
}

/** The yaml package appends the position and a code frame; findings carry the position separately. */
function cleanYamlMessage(message: string): string {
  return message
    .split('\n')[0]!
    .replace(/ at line \d+, column \d+:?$/, '')
    .trim();
}

/** The key text starting at `offset` (a duplicate key's position), for a message that names it. */
function keyAt(text: string, offset: number): string | undefined {
  const rest = text.slice(offset, offset + 256).split('\n')[0] ?? '';
  const match = /^(?:"((?:[^"\\]|\\.)*)"|'((?:[^']|'')*)'|([^:#]*?))\s*:(?:\s|$)/.exec(rest);
  const key = match?.[1] ?? match?.[2] ?? match?.[3];
  return key ? key.slice(0, 80) : undefined;
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.trim();
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}
