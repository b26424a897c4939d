// One YAML document through every check (schema, secrets), and the resulting problems as findings with file,
// line and column. Shared by the review stage and `envgate validate`.
import type { SecretAllowance } from '../config/config.js';
import { matchesGlob } from '../core/glob.js';
import type { Finding, ResourceRef, Severity } from '../core/types.js';
import { checkSchema, isKustomization, valueAt, type DocumentRole, type Problem } from './schema/check.js';
import { formatPath } from './schema/errors.js';
import type { SchemaRegistry } from './schema/registry.js';
import { isPlaceholder, mask } from './secrets/detectors.js';
import { literalCredential, scanSecrets } from './secrets/scan.js';
import { positionOf, type ParsedDocument, type ParsedYaml } from './yaml.js';

export interface DocumentCheckOptions {
  registry: SchemaRegistry;
  role: DocumentRole;
  file: string;
  unknownKindSeverity: Severity;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

export function checkDocument(value: unknown, options: DocumentCheckOptions): Problem[] {
  const problems = checkSchema(value, options);
  problems.push(...scanSecrets(value));
  if (isKustomization(value, options.file)) problems.push(...generatorLiterals(value as Record<string, unknown>));
  return problems;
}

/** `secretGenerator: [{literals: [password=…]}]` puts the value in Git as surely as a Secret does. */
function generatorLiterals(kustomization: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  for (const field of ['secretGenerator', 'configMapGenerator'] as const) {
    const entries = Array.isArray(kustomization[field]) ? (kustomization[field] as unknown[]) : [];
    entries.forEach((entry, index) => {
      if (!isMapping(entry) || !Array.isArray(entry.literals)) return;
      entry.literals.forEach((literal: unknown, i: number) => {
        if (typeof literal !== 'string' || !literal.includes('=')) return;
        const key = literal.slice(0, literal.indexOf('='));
        const value = literal.slice(literal.indexOf('=') + 1).replace(/^(["'])(.*)\1$/, '$2');
        const path = [field, index, 'literals', i];
        if (field === 'secretGenerator' && value !== '' && !isPlaceholder(value)) {
          problems.push({
            rule: 'secret/plain-secret',
            severity: 'error',
            path,
            atKey: false,
            message: `${formatPath(path)}: secretGenerator literal "${key}" puts a plain value in Git ${mask(value)}; use a SealedSecret, an ExternalSecret or SOPS`,
          });
        } else if (field === 'configMapGenerator' && literalCredential(key, value)) {
          problems.push({
            rule: 'secret/literal-credential',
            severity: 'error',
            path,
            atKey: false,
            message: `${formatPath(path)}: configMapGenerator literal "${key}" holds a credential ${mask(value)}; a ConfigMap is not a place for secrets`,
          });
        }
      });
    });
  }
  return problems;
}

/** apiVersion/kind/namespace/name of a document, when it is a Kubernetes object. */
export function resourceOf(value: unknown): ResourceRef | undefined {
  if (!isMapping(value)) return undefined;
  const { apiVersion, kind } = value;
  const metadata = isMapping(value.metadata) ? value.metadata : {};
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  return {
    apiVersion,
    kind,
    ...(typeof metadata.namespace === 'string' ? { namespace: metadata.namespace } : {}),
    name: typeof metadata.name === 'string' ? metadata.name : '',
  };
}

/** Problems of a parsed document → findings at the line and column of the field they are about. */
export function problemFindings(
  problems: readonly Problem[],
  parsed: ParsedYaml,
  doc: ParsedDocument,
  extra: { env?: string; resource?: ResourceRef },
): Finding[] {
  return problems.map((p) => {
    const at = positionOf(parsed, doc, p.path, { key: p.atKey });
    return {
      rule: p.rule,
      severity: p.severity,
      message: p.message,
      file: parsed.path,
      line: at.line,
      column: at.column,
      ...(extra.resource ? { resource: extra.resource } : {}),
      ...(extra.env ? { env: extra.env } : {}),
    };
  });
}

/**
 * `secrets.allow` exceptions: a matching secret finding stays in the review, as information that names the
 * reason, and no longer fails the gate. Exceptions never remove a rule, and never apply to other checks.
 */
export function applyAllowances(findings: Finding[], allow: readonly SecretAllowance[]): Finding[] {
  if (allow.length === 0) return findings;
  return findings.map((finding) => {
    if (!finding.rule.startsWith('secret/') || !finding.file) return finding;
    const entry = allow.find((a) => matchesGlob(finding.file!, a.path) && matchesGlob(finding.rule, a.rule));
    if (!entry) return finding;
    return { ...finding, severity: 'info', message: `allowed by secrets.allow (${entry.reason}): ${finding.message}` };
  });
}

export { valueAt };
