// The repository configuration (`.envgate.yml`): its shape, its defaults, and a loader that turns every problem
// into a finding that names the key. An invalid file never silently becomes the defaults: the review says so and
// the gate fails.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isScalar, type Document } from 'yaml';
import type { EnvironmentClass, Finding, RepoSnapshot } from '../core/types.js';
import { parseYaml, positionOf, type ParsedDocument, type ParsedYaml } from '../validate/yaml.js';

export const CONFIG_PATHS = ['.envgate.yml', '.envgate.yaml', '.github/envgate.yml', '.github/envgate.yaml'] as const;

export interface ApprovalRequirement {
  /** How many distinct eligible approvals are needed; 0 = none. */
  count: number;
  /** `@org/team` or user logins. Empty = anyone other than the author and bots. */
  from: string[];
}

export interface EnvironmentConfig {
  name: string;
  paths: string[];
  class: EnvironmentClass;
  approvals: ApprovalRequirement;
}

export interface RenderConfig {
  search: string[];
  fluxDirs: string[];
  plainDirs: string[];
  roots: string[];
  exclude: string[];
  engine: 'builtin' | 'kustomize';
  loadRestrictor: 'LoadRestrictionsRootOnly' | 'LoadRestrictionsNone';
}

export interface SecretAllowance {
  path: string;
  rule: string;
  reason: string;
}

export type UpdateType = 'major' | 'minor' | 'patch' | 'digest' | 'pin';

export interface RepoConfig {
  /** In match order. `undefined` = discover one environment per `environments/<name>/` directory. */
  environments?: EnvironmentConfig[];
  render: RenderConfig;
  policies: { paths: string[]; builtin: 'baseline' | 'none' };
  secrets: { allow: SecretAllowance[] };
  renovate: {
    authors: string[];
    branchPrefix: string;
    autoApprove: {
      environments: string[];
      updateTypes: UpdateType[];
      /**
       * Environments whose class needs senior approval (high, critical) are never auto-approved through
       * `environments`: each one must be named here with the update types allowed in it.
       */
      seniorEnvironments: Record<string, UpdateType[]>;
    };
  };
}

export interface LoadedConfig {
  config: RepoConfig;
  /** The file it came from; undefined = no file, defaults. */
  source?: string;
  /** false when the file was present but invalid: the review runs on defaults and the gate fails. */
  valid: boolean;
  findings: Finding[];
}

export function defaultConfig(): RepoConfig {
  return {
    render: {
      search: ['environments'],
      fluxDirs: [],
      plainDirs: [],
      roots: [],
      exclude: [],
      engine: 'builtin',
      loadRestrictor: 'LoadRestrictionsRootOnly',
    },
    policies: { paths: ['policies/**'], builtin: 'baseline' },
    secrets: { allow: [] },
    renovate: {
      authors: ['renovate[bot]'],
      branchPrefix: 'renovate/',
      autoApprove: { environments: [], updateTypes: [], seniorEnvironments: {} },
    },
  };
}

const CLASS_BY_NAME: Record<string, EnvironmentClass> = {
  dev: 'low',
  development: 'low',
  test: 'medium',
  staging: 'high',
  stage: 'high',
  stg: 'high',
  preprod: 'high',
  prod: 'critical',
  production: 'critical',
  prd: 'critical',
};

/** The change-management class an environment gets from its name when the config does not say. */
export function defaultClass(name: string): EnvironmentClass {
  return CLASS_BY_NAME[name.toLowerCase()] ?? 'medium';
}

/** high and critical environments need a senior's approval unless the config says otherwise. */
export function defaultApprovals(envClass: EnvironmentClass): ApprovalRequirement {
  return { count: envClass === 'high' || envClass === 'critical' ? 1 : 0, from: [] };
}

const schemaPath = fileURLToPath(new URL('../../schemas/envgate-config.schema.json', import.meta.url));
let validateSchema: ReturnType<Ajv['compile']> | undefined;

function schemaValidator() {
  if (!validateSchema) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    validateSchema = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
  }
  return validateSchema;
}

/** Reads the config from a snapshot of the target branch. */
export function loadRepoConfig(snapshot: RepoSnapshot): LoadedConfig {
  const found = CONFIG_PATHS.filter((path) => snapshot.read(path) !== undefined);
  if (found.length === 0) {
    const unreadable = CONFIG_PATHS.find((path) => snapshot.unreadable?.has(path));
    if (unreadable) {
      return invalid(unreadable, [configError(unreadable, `cannot be read: ${snapshot.unreadable!.get(unreadable)}`)]);
    }
    return { config: defaultConfig(), valid: true, findings: [] };
  }
  const source = found[0]!;
  const loaded = parseRepoConfig(source, snapshot.read(source)!);
  for (const ignored of found.slice(1)) {
    loaded.findings.push({
      rule: 'config/ignored-file',
      severity: 'warning',
      message: `${ignored} is ignored because ${source} exists; keep one config file`,
      file: ignored,
    });
  }
  return loaded;
}

export function parseRepoConfig(path: string, text: string): LoadedConfig {
  const parsed = parseYaml(path, text, { requireMapping: true });
  if (parsed.findings.length > 0) {
    return invalid(
      path,
      parsed.findings.map((f) => ({ ...f, rule: 'config/invalid', message: `invalid YAML: ${f.message}` })),
    );
  }
  if (parsed.documents.length > 1) {
    return invalid(path, [configError(path, 'holds several YAML documents; write one', parsed.documents[1]!.line)]);
  }
  const doc = parsed.documents[0];
  if (!doc) return { config: defaultConfig(), source: path, valid: true, findings: [] }; // empty file = defaults
  const validate = schemaValidator();
  if (!validate(doc.value)) {
    return invalid(
      path,
      (validate.errors ?? []).map((error) => schemaError(path, parsed, doc, error)),
    );
  }
  const raw = doc.value as RawConfig;
  const config = applyDefaults(raw, environmentOrder(doc.node));
  const findings = semanticChecks(path, parsed, doc, config);
  return findings.some((f) => f.severity === 'error')
    ? invalid(path, findings)
    : { config, source: path, valid: true, findings };
}

interface RawConfig {
  environments?: Record<
    string,
    { paths: string[]; class?: EnvironmentClass; approvals?: Partial<ApprovalRequirement> }
  >;
  render?: Partial<RenderConfig>;
  policies?: Partial<RepoConfig['policies']>;
  secrets?: Partial<RepoConfig['secrets']>;
  renovate?: Partial<Omit<RepoConfig['renovate'], 'autoApprove'>> & {
    autoApprove?: Partial<RepoConfig['renovate']['autoApprove']>;
  };
}

function applyDefaults(raw: RawConfig, order: string[]): RepoConfig {
  const defaults = defaultConfig();
  const config: RepoConfig = {
    render: { ...defaults.render, ...raw.render },
    policies: { ...defaults.policies, ...raw.policies },
    secrets: { ...defaults.secrets, ...raw.secrets },
    renovate: {
      ...defaults.renovate,
      ...raw.renovate,
      autoApprove: { ...defaults.renovate.autoApprove, ...raw.renovate?.autoApprove },
    },
  };
  if (raw.environments) {
    config.environments = order.map((name) => {
      const env = raw.environments![name]!;
      const envClass = env.class ?? defaultClass(name);
      const fallback = defaultApprovals(envClass);
      return {
        name,
        paths: env.paths,
        class: envClass,
        approvals: { count: env.approvals?.count ?? fallback.count, from: env.approvals?.from ?? fallback.from },
      };
    });
  }
  return config;
}

/** Environment names in the order written: first match wins, and JS objects reorder integer-like keys. */
function environmentOrder(doc: Document): string[] {
  const envs = doc.get('environments', true);
  if (!isMap(envs)) return [];
  return envs.items.map((pair) => String(isScalar(pair.key) ? pair.key.value : pair.key));
}

function semanticChecks(path: string, parsed: ParsedYaml, doc: ParsedDocument, config: RepoConfig): Finding[] {
  const findings: Finding[] = [];
  const known = new Set(config.environments?.map((e) => e.name) ?? []);
  findings.push(...seniorAutoApprovalChecks(path, parsed, doc, config));
  if (config.environments) {
    config.renovate.autoApprove.environments.forEach((name, index) => {
      if (!known.has(name)) {
        const at = positionOf(parsed, doc, ['renovate', 'autoApprove', 'environments', index], { key: true });
        findings.push(
          configError(path, `renovate.autoApprove.environments[${index}]: no environment named "${name}"`, at.line),
        );
      }
    });
    for (const env of config.environments) {
      if (env.approvals.count > 0 && env.approvals.from.length === 0) {
        findings.push({
          rule: 'config/approvers-unset',
          severity: 'info',
          message: `environments.${env.name}.approvals.from is empty: any reviewer other than the author counts`,
          file: path,
          line: positionOf(parsed, doc, ['environments', env.name], { key: true }).line,
        });
      }
    }
  }
  return findings;
}

/** A high or critical environment listed for auto-approval the ordinary way is not auto-approved: say so. */
function seniorAutoApprovalChecks(
  path: string,
  parsed: ParsedYaml,
  doc: ParsedDocument,
  config: RepoConfig,
): Finding[] {
  const findings: Finding[] = [];
  const { autoApprove } = config.renovate;
  const classOf = (name: string) => config.environments?.find((e) => e.name === name)?.class ?? defaultClass(name);
  autoApprove.environments.forEach((name, index) => {
    const envClass = classOf(name);
    if (envClass !== 'high' && envClass !== 'critical') return;
    if (config.environments && !config.environments.some((e) => e.name === name)) return; // reported as unknown
    findings.push({
      rule: 'config/renovate-senior-environment',
      severity: 'warning',
      message:
        `renovate.autoApprove.environments[${index}]: ${name} is a ${envClass} environment (senior approval), so it is ` +
        `not auto-approved from this list; name it under renovate.autoApprove.seniorEnvironments.${name} with the update types to allow`,
      file: path,
      line: positionOf(parsed, doc, ['renovate', 'autoApprove', 'environments', index], { key: true }).line,
    });
  });
  if (config.environments) {
    const known = new Set(config.environments.map((e) => e.name));
    for (const name of Object.keys(autoApprove.seniorEnvironments)) {
      if (known.has(name)) continue;
      const at = positionOf(parsed, doc, ['renovate', 'autoApprove', 'seniorEnvironments', name], { key: true });
      findings.push(
        configError(path, `renovate.autoApprove.seniorEnvironments.${name}: no environment named "${name}"`, at.line),
      );
    }
  }
  return findings;
}

function schemaError(path: string, parsed: ParsedYaml, doc: ParsedDocument, error: ErrorObject): Finding {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let key = dotted(segments);
  let problem: string;
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      segments.push(String(params.additionalProperty));
      key = dotted(segments);
      problem = 'unknown key';
      break;
    case 'required':
      key = dotted([...segments, String(params.missingProperty)]);
      problem = 'is required';
      break;
    case 'enum':
      problem = `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
      break;
    case 'type':
      problem = `must be ${params.type === 'array' ? 'a list' : params.type === 'object' ? 'a mapping' : `a ${String(params.type)}`}`;
      break;
    case 'propertyNames':
      key = dotted([...segments, String(params.propertyName)]);
      problem = 'is not a valid name (letters, digits, ".", "_", "-")';
      break;
    case 'pattern':
      problem = 'must not be empty or start or end with a space';
      break;
    default:
      problem = error.message ?? error.keyword;
  }
  const keyPath = error.keyword === 'propertyNames' ? [...segments, String(params.propertyName)] : segments;
  const at = positionOf(parsed, doc, keyPath, { key: true });
  return configError(path, `${key || '(top level)'}: ${problem}`, at.line, at.column);
}

function dotted(segments: string[]): string {
  return segments.map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function configError(path: string, message: string, line?: number, column?: number): Finding {
  return { rule: 'config/invalid', severity: 'error', message, file: path, line, column };
}

function invalid(path: string, findings: Finding[]): LoadedConfig {
  return { config: defaultConfig(), source: path, valid: false, findings };
}
