// Operator settings for the drift preview: which live source answers for which environment. They come from a
// YAML file named by ENVGATE_SETTINGS beside the deployment, never from a pull request (a PR must not point
// the bot at another cluster or switch its own checks off). Every mistake is an error that names the key.
//
//   drift:
//     prod:    { source: kubernetes, context: prod-admin-ro, timeoutMs: 5000, failGate: false }
//     staging: { source: argocd, server: https://argocd.acme.example, applications: [shop-staging] }
//     dev:     { source: snapshot, dir: live/dev }
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseYaml } from '../validate/yaml.js';
import { argoIgnoreRules, fluxIgnoreRules } from './controllers.js';
import type { IgnoreRule } from './ignore.js';

export class SettingsError extends Error {
  override name = 'SettingsError';
}

interface Common {
  env: string;
  failGate: boolean;
  timeoutMs: number;
  ignore: IgnoreRule[];
}

export type DriftSettings =
  | (Common & { source: 'snapshot'; dir: string })
  | (Common & {
      source: 'kubernetes';
      context: string;
      kubeconfig?: string;
      concurrency: number;
      /** `namespace/name` of Flux Kustomizations to read; default: those whose spec.path is an affected root. */
      fluxKustomizations?: string[];
      /** `namespace/name` of Argo CD Applications to read; default: those whose source path is an affected root. */
      argocdApplications?: string[];
    })
  | (Common & {
      source: 'argocd';
      server: string;
      applications: string[];
      /** Name of the environment variable holding the API token. */
      tokenEnv: string;
      /** Argo CD `appNamespace` for apps outside the control plane's namespace. */
      appNamespace?: string;
    });

export interface Settings {
  /** The file, for messages. */
  path: string;
  drift: Map<string, DriftSettings>;
}

const COMMON_KEYS = ['source', 'failGate', 'timeoutMs', 'ignoreDifferences', 'ignore'];
const KEYS: Record<DriftSettings['source'], string[]> = {
  snapshot: [...COMMON_KEYS, 'dir'],
  kubernetes: [...COMMON_KEYS, 'context', 'kubeconfig', 'concurrency', 'flux', 'argocd'],
  argocd: [...COMMON_KEYS, 'server', 'applications', 'tokenEnv', 'appNamespace'],
};

export const DEFAULT_TIMEOUT_MS = 5000;

export function loadSettings(path: string): Settings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SettingsError(`cannot read settings ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return parseSettings(path, text);
}

export function parseSettings(path: string, text: string): Settings {
  const parsed = parseYaml(path, text, { requireMapping: true });
  const problem = parsed.findings[0];
  if (problem) throw new SettingsError(`${path}${problem.line ? `:${problem.line}` : ''}: ${problem.message}`);
  const root = (parsed.documents[0]?.value ?? {}) as Record<string, unknown>;
  if (parsed.documents.length > 1) throw new SettingsError(`${path}: one YAML document expected`);
  const fail = (key: string, message: string): never => {
    throw new SettingsError(`${path}: ${key} ${message}`);
  };
  for (const key of Object.keys(root)) {
    if (key !== 'drift') fail(key, 'is not a setting envgate knows (expected: drift)');
  }
  const drift = new Map<string, DriftSettings>();
  const envs = root.drift ?? {};
  if (!isMap(envs)) fail('drift', 'must be a mapping of environment names to live sources');
  const baseDir = dirname(resolve(path));
  for (const [env, raw] of Object.entries(envs as Record<string, unknown>)) {
    drift.set(env, parseEnvironment(env, raw, baseDir, fail));
  }
  return { path, drift };
}

function parseEnvironment(
  env: string,
  raw: unknown,
  baseDir: string,
  fail: (key: string, message: string) => never,
): DriftSettings {
  const at = `drift.${env}`;
  if (!isMap(raw)) fail(at, 'must be a mapping with a source');
  const r = raw as Record<string, unknown>;
  const source = r.source;
  if (source !== 'snapshot' && source !== 'kubernetes' && source !== 'argocd') {
    fail(`${at}.source`, `must be snapshot, kubernetes or argocd (got ${JSON.stringify(source ?? null)})`);
  }
  const kind = source as DriftSettings['source'];
  for (const key of Object.keys(r)) {
    if (!KEYS[kind].includes(key))
      fail(`${at}.${key}`, `is not a setting of a ${kind} source (expected one of: ${KEYS[kind].join(', ')})`);
  }
  const str = (key: string, required: boolean): string | undefined => {
    const v = r[key];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v.trim() === '')
      fail(`${at}.${key}`, `must be a non-empty string${v === undefined ? ' (required)' : ''}`);
    return v as string;
  };
  const int = (key: string, min: number, max: number, fallback: number): number => {
    const v = r[key];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      fail(`${at}.${key}`, `must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`);
    }
    return v as number;
  };
  const names = (value: unknown, key: string, required: boolean): string[] | undefined => {
    if (value === undefined && !required) return undefined;
    if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string' && v.trim())) {
      fail(key, `must be a non-empty list of names${value === undefined ? ' (required)' : ''}`);
    }
    return value as string[];
  };
  const failGate = r.failGate ?? false;
  if (typeof failGate !== 'boolean') fail(`${at}.failGate`, `must be true or false (got ${JSON.stringify(failGate)})`);
  const ignore = ignoreRules(r, at, fail);
  const common: Common = {
    env,
    failGate: failGate as boolean,
    timeoutMs: int('timeoutMs', 100, 120_000, DEFAULT_TIMEOUT_MS),
    ignore,
  };
  if (kind === 'snapshot') return { ...common, source: 'snapshot', dir: resolve(baseDir, str('dir', true)!) };
  if (kind === 'kubernetes') {
    const flux = r.flux ?? {};
    const argocd = r.argocd ?? {};
    if (!isMap(flux) || Object.keys(flux).some((k) => k !== 'kustomizations'))
      fail(`${at}.flux`, 'must be { kustomizations: [namespace/name, …] }');
    if (!isMap(argocd) || Object.keys(argocd).some((k) => k !== 'applications'))
      fail(`${at}.argocd`, 'must be { applications: [namespace/name, …] }');
    const kubeconfig = str('kubeconfig', false);
    const fluxKustomizations = names(
      (flux as Record<string, unknown>).kustomizations,
      `${at}.flux.kustomizations`,
      false,
    );
    const argocdApplications = names(
      (argocd as Record<string, unknown>).applications,
      `${at}.argocd.applications`,
      false,
    );
    return {
      ...common,
      source: 'kubernetes',
      context: str('context', true)!,
      ...(kubeconfig ? { kubeconfig: resolve(baseDir, kubeconfig) } : {}),
      concurrency: int('concurrency', 1, 64, 8),
      ...(fluxKustomizations ? { fluxKustomizations } : {}),
      ...(argocdApplications ? { argocdApplications } : {}),
    };
  }
  const server = str('server', true)!;
  let url: URL | undefined;
  try {
    url = new URL(server);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    fail(`${at}.server`, `must be an http(s) URL (got ${JSON.stringify(server)})`);
  const appNamespace = str('appNamespace', false);
  const tokenEnv = str('tokenEnv', false) ?? 'ARGOCD_AUTH_TOKEN';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(tokenEnv))
    fail(`${at}.tokenEnv`, 'must name an environment variable (the token itself never goes in this file)');
  return {
    ...common,
    source: 'argocd',
    server: server.replace(/\/+$/, ''),
    applications: names(r.applications, `${at}.applications`, true)!,
    tokenEnv,
    ...(appNamespace ? { appNamespace } : {}),
  };
}

function ignoreRules(
  r: Record<string, unknown>,
  at: string,
  fail: (key: string, message: string) => never,
): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const [key, convert] of [
    ['ignoreDifferences', argoIgnoreRules],
    ['ignore', fluxIgnoreRules],
  ] as const) {
    const value = r[key];
    if (value === undefined) continue;
    if (!Array.isArray(value) || !value.every(isMap)) fail(`${at}.${key}`, 'must be a list of rules');
    const { rules: converted, problems } = convert(value, `settings ${at}.${key}`);
    // In the operator's own settings a rule envgate cannot apply is an error: it would silently compare fields.
    if (problems.length)
      fail(`${at}.${key}`, `has a rule envgate cannot apply: ${problems[0]!.replace(/^settings \S+ /, '')}`);
    rules.push(...converted);
  }
  return rules;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
