// `envgate validate PATH...`: the validate stage for files on disk — YAML as Kubernetes reads it, strict schemas
// (built-in kinds, bundled CRDs and the CRDs among the files), and the secret rules. For pre-commit hooks and CI.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { defaultClass, defaultConfig, type LoadedConfig } from '../config/config.js';
import { matchesAny } from '../core/glob.js';
import type { Finding } from '../core/types.js';
import { applyAllowances, checkDocument, problemFindings, resourceOf } from '../validate/document.js';
import { isKustomizationPath, KUSTOMIZATION_NAMES, KustomizeIndex } from '../validate/kustomize-refs.js';
import { SchemaRegistry } from '../validate/schema/registry.js';
import { unknownKindSeverity } from '../validate/stage.js';
import { describeValue, parseYaml, type ParsedYaml } from '../validate/yaml.js';
import { readConfigFile } from './check.js';
import { EXIT, InputError, oneOf, parseCommandArgs, UsageError, type Command } from './command.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check manifests on disk: YAML, strict schemas (built-ins, CRDs) and secret rules',
  usage: `envgate validate [--config FILE] [--format json] PATH...

  PATH             files, or directories searched recursively for *.yaml and *.yml
  --config FILE    .envgate.yml to read environments and secrets.allow from (default: the defaults)
  --format FORMAT  text (one line per finding: file:line:col severity rule message, default) or json
                   ({"findings":[…]})

CustomResourceDefinitions among the files add schemas for their kinds. A kind without a schema is a warning,
and an error in critical environments (prod). Exit codes: 0 no errors, 1 errors found, 2 usage or input error.`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      { config: { type: 'string' }, format: { type: 'string' } },
      true,
    );
    const format = oneOf(values.format, ['text', 'json'] as const, 'format', 'text');
    if (positionals.length === 0) throw new UsageError('give at least one PATH to validate');
    const config: LoadedConfig = values.config
      ? readConfigFile(resolve(io.cwd, values.config), io.cwd)
      : { config: defaultConfig(), valid: true, findings: [] };
    if (!config.valid) {
      const first = config.findings.find((f) => f.severity === 'error');
      throw new InputError(`invalid config ${config.source}${first ? `: ${first.message}` : ''}`);
    }
    const files = collectFiles(positionals, io.cwd);
    const findings = validateFiles(files, io.cwd, config);
    if (format === 'json') {
      io.stdout.write(`${JSON.stringify({ findings }, null, 2)}\n`);
    } else {
      for (const f of findings) {
        io.stdout.write(`${f.file ?? '-'}:${f.line ?? 0}:${f.column ?? 0} ${f.severity} ${f.rule} ${f.message}\n`);
      }
    }
    return findings.some((f) => f.severity === 'error') ? EXIT.gateFailed : EXIT.passed;
  },
};

const YAML_FILE = /\.ya?ml$/i;
const SKIP_DIRS = new Set(['.git', 'node_modules']);

/** Repository-style paths (POSIX, relative to the working directory) of every YAML file the PATHs name. */
function collectFiles(paths: string[], cwd: string): string[] {
  const files = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (SKIP_DIRS.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && (YAML_FILE.test(entry.name) || entry.name === 'Kustomization')) files.add(path);
    }
  };
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    if (!existsSync(absolute)) throw new InputError(`${path}: no such file or directory`);
    if (statSync(absolute).isDirectory()) walk(absolute);
    else files.add(absolute);
  }
  return [...files].map((f) => toPosix(relative(cwd, f) || f)).sort();
}

const toPosix = (path: string) => path.split(sep).join('/');

/** The kustomization files beside each file and in its parent directories: they say what the file is. */
function kustomizations(files: string[], cwd: string): [string, string][] {
  const found = new Map<string, string>();
  const visited = new Set<string>();
  for (const file of files) {
    let dir = dirname(resolve(cwd, file));
    while (!visited.has(dir)) {
      visited.add(dir);
      for (const name of KUSTOMIZATION_NAMES) {
        const absolute = join(dir, name);
        if (existsSync(absolute) && statSync(absolute).isFile()) {
          found.set(toPosix(relative(cwd, absolute)), readFileSync(absolute, 'utf8'));
        }
      }
      const parent = dirname(dir);
      if (parent === dir || existsSync(join(dir, '.git'))) break; // the repository (or filesystem) root
      dir = parent;
    }
  }
  for (const file of files) {
    if (isKustomizationPath(file) && !found.has(file)) found.set(file, readFileSync(resolve(cwd, file), 'utf8'));
  }
  return [...found];
}

/** The environment a path belongs to: the config's globs, or `environments/<name>/` anywhere in the path. */
function environmentOf(path: string, config: LoadedConfig) {
  const envs = config.config.environments;
  if (envs) {
    const env = envs.find((e) => matchesAny(path, e.paths));
    return env ? { name: env.name, class: env.class } : undefined;
  }
  const match = /(?:^|\/)environments\/([^/]+)\//.exec(path);
  return match ? { name: match[1]!, class: defaultClass(match[1]!) } : undefined;
}

export function validateFiles(files: string[], cwd: string, config: LoadedConfig): Finding[] {
  const registry = new SchemaRegistry();
  const findings: Finding[] = [];
  const parsedFiles: ParsedYaml[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(resolve(cwd, file), 'utf8');
    } catch (error) {
      findings.push({
        rule: 'yaml/unreadable',
        severity: 'error',
        message: `cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
        file,
      });
      continue;
    }
    const parsed = parseYaml(file, text);
    const env = environmentOf(file, config)?.name;
    findings.push(...parsed.findings.map((f) => ({ ...f, ...(env ? { env } : {}) })));
    parsedFiles.push(parsed);
    for (const doc of parsed.documents) {
      const value = doc.value as { kind?: unknown };
      if (value?.kind === 'CustomResourceDefinition') registry.addCrd(value, file);
    }
  }
  const index = KustomizeIndex.build(kustomizations(files, cwd));
  for (const parsed of parsedFiles) {
    const env = environmentOf(parsed.path, config);
    for (const doc of parsed.documents) {
      const value = doc.value;
      if (value === null || typeof value !== 'object') {
        findings.push({
          rule: 'yaml/not-a-mapping',
          severity: 'error',
          message: `document ${doc.index + 1} is ${describeValue(value)}; a manifest or kustomization must be a mapping`,
          file: parsed.path,
          line: doc.line,
          ...(env ? { env: env.name } : {}),
        });
        continue;
      }
      const problems = checkDocument(value, {
        registry,
        role: index.roleOf(parsed.path),
        file: parsed.path,
        unknownKindSeverity: unknownKindSeverity(env?.class),
      });
      findings.push(...problemFindings(problems, parsed, doc, { env: env?.name, resource: resourceOf(value) }));
    }
  }
  return applyAllowances(findings, config.config.secrets.allow);
}
