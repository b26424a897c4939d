// The policy stage of a review: the repository's policies (read from the target branch, never the PR head) and
// the baseline pack, evaluated per environment for every object the PR adds, changes or removes. Findings name
// the policy, the resource, the environment and the policy's own message; a policy that cannot be compiled or
// evaluated fails the gate. A PR that changes policy files gets them reported as proposed: they take effect
// once merged.
import type { ReviewContext, Stage } from '../core/review.js';
import type { EnvironmentClass, Finding, RepoSnapshot, ResourceRef, Severity } from '../core/types.js';
import { matchesAny } from '../core/glob.js';
import type { KubeObject } from '../render/types.js';
import { parseYaml, type ParsedYaml } from '../validate/yaml.js';
import { oneLine, paramSource, type Decision, type PolicyEvaluation } from './evaluate.js';
import { baselinePack, PolicyEngine, type EnvironmentRef } from './engine.js';
import { loadPolicyText, mergePolicySets } from './load.js';
import type { LoadProblem, PolicySet } from './model.js';
import { admissionRequest, requestsFromFiles, requestsFromRendered, type PendingRequest } from './requests.js';
import { redactSecretValues } from './redact.js';
import { ResourceCatalog } from './resources.js';

const YAML_FILE = /\.ya?ml$/i;

/** The ConfigMap envgate provides per environment (`paramRef: {name: envgate-environment}`). */
export const ENVIRONMENT_PARAMS = 'envgate-environment';

/** Every policy file under `paths` in a snapshot, loaded. */
export function loadRepositoryPolicies(snapshot: RepoSnapshot, paths: readonly string[]): PolicySet {
  const sets: PolicySet[] = [];
  for (const file of [...snapshot.files()].sort()) {
    if (!YAML_FILE.test(file) || !matchesAny(file, paths)) continue;
    const text = snapshot.read(file);
    if (text === undefined) {
      const why = snapshot.unreadable?.get(file) ?? (snapshot.symlinkTarget?.(file) ? 'a symlink' : 'unreadable');
      sets.push({
        policies: [],
        bindings: [],
        params: [],
        problems: [{ message: `cannot be read: ${why}`, source: { file } }],
      });
      continue;
    }
    sets.push(loadPolicyText(file, text));
  }
  return mergePolicySets(sets);
}

const escapeRegex = (s: string) => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/**
 * `envgate-environment` for one environment: its name and class, and the baseline's namespace rule; a
 * repository ConfigMap of that name adds or overrides keys (`{env}` and `{class}` are replaced).
 */
export function environmentParams(env: EnvironmentRef, override: KubeObject | undefined): KubeObject {
  const data: Record<string, string> = {
    environment: env.name,
    class: env.class,
    namespacePattern: `(^|[-.])${escapeRegex(env.name)}([-.]|$)`,
    namespaceLabel: 'envgate.dev/environment',
  };
  const extra = (override as { data?: Record<string, unknown> } | undefined)?.data ?? {};
  for (const [key, value] of Object.entries(extra)) {
    if (typeof value === 'string') data[key] = value.replaceAll('{env}', env.name).replaceAll('{class}', env.class);
  }
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: ENVIRONMENT_PARAMS }, data };
}

/** How a denial is enforced: the annotation, else the actions; warnings block in critical environments. */
export function severityOf(decision: Decision, evaluation: PolicyEvaluation, envClass: EnvironmentClass): Severity {
  if (decision.type === 'error') return decision.ignored ? 'info' : 'error';
  const override = decision.binding.scope.action ?? evaluation.policy.definition.scope.action;
  const deny = override ? override === 'deny' : decision.actions.includes('Deny');
  if (deny) return 'error';
  return envClass === 'critical' ? 'error' : 'warning';
}

function problemFinding(problem: LoadProblem): Finding {
  return {
    rule: 'policy/invalid',
    severity: problem.severity ?? 'error',
    message: problem.message,
    ...(problem.source.file ? { file: problem.source.file } : {}),
    ...(problem.source.line ? { line: problem.source.line } : {}),
  };
}

function resourceRef(object: KubeObject): ResourceRef {
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
    name: object.metadata?.name ?? '',
  };
}

interface SourceDoc {
  kind: string;
  name: string;
  file: string;
  line: number;
}

/**
 * Where an object is written: a changed file's document of the same kind and name (or a name the object's
 * prefixed name contains), among the files its root was rendered from — never another environment's patch.
 */
class SourceLocator {
  private readonly docs: SourceDoc[] = [];

  constructor(parsed: ReadonlyMap<string, ParsedYaml>) {
    for (const [file, p] of parsed) {
      for (const doc of p.documents) {
        const v = doc.value as KubeObject | null;
        if (typeof v?.kind !== 'string' || typeof v.metadata?.name !== 'string') continue;
        this.docs.push({ kind: v.kind, name: v.metadata.name, file, line: doc.line });
      }
    }
  }

  locate(object: KubeObject, allowed: (file: string) => boolean): { file: string; line: number } | undefined {
    const name = object.metadata?.name ?? '';
    const candidates = this.docs.filter((d) => d.kind === object.kind && allowed(d.file));
    return (
      candidates.find((d) => d.name === name) ?? candidates.find((d) => d.name.length >= 3 && name.includes(d.name))
    );
  }
}

/** Namespace objects of an environment: rendered ones first, then any Namespace file under its paths. */
function namespaceIndex(
  ctx: ReviewContext,
  env: string,
  requests: readonly PendingRequest[],
): (name: string) => KubeObject | null {
  let index: Map<string, KubeObject> | undefined;
  return (name) => {
    if (!index) {
      index = new Map();
      const add = (o: unknown) => {
        const ns = o as KubeObject;
        if (ns?.kind === 'Namespace' && ns.apiVersion === 'v1' && typeof ns.metadata?.name === 'string') {
          if (!index!.has(ns.metadata.name)) index!.set(ns.metadata.name, ns);
        }
      };
      for (const root of ctx.rendered) {
        if (root.env === env && root.head.status === 'ok') root.head.objects.forEach(add);
      }
      for (const r of requests) if (r.env === env && r.object) add(r.object);
      const paths = ctx.environments.find((e) => e.name === env)?.paths ?? [];
      for (const file of ctx.pr.head.files()) {
        if (!YAML_FILE.test(file) || !matchesAny(file, paths)) continue;
        const text = ctx.pr.head.read(file);
        if (!text || !/^kind:\s*Namespace\s*$/m.test(text)) continue;
        parseYaml(file, text).documents.forEach((d) => add(d.value));
      }
    }
    return index.get(name) ?? null;
  };
}

/** A rendered object's change with no document of its own (an image tag, a replica count) is in its root's
 * kustomization file, when the PR changed it. */
function changedKustomization(ctx: ReviewContext, root: string): { file: string; line?: number } | undefined {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const file = `${root}/${name}`;
    if (ctx.parsed.has(file)) return { file };
  }
  return undefined;
}

function proposedChanges(ctx: ReviewContext): Finding[] {
  const paths = ctx.config.policies.paths;
  const findings: Finding[] = [];
  for (const change of ctx.pr.changedPaths) {
    const touched = [change.path, change.previousPath].filter((p): p is string => !!p && matchesAny(p, paths));
    if (touched.length === 0 || !YAML_FILE.test(touched[0]!)) continue;
    const verb = change.status === 'deleted' ? 'deletes' : change.status === 'added' ? 'adds' : 'changes';
    findings.push({
      rule: 'policy/proposed',
      severity: 'info',
      message: `this PR ${verb} ${change.path}; the gate used ${ctx.pr.targetBranch}'s policies (proposed policy changes apply once merged)`,
      file: change.path,
    });
    if (change.status === 'deleted') continue;
    const text = ctx.pr.head.read(change.path);
    if (text === undefined) continue;
    const proposed = new PolicyEngine(loadPolicyText(change.path, text));
    const problems = [
      ...proposed.problems.filter((p) => (p.severity ?? 'error') === 'error').map((p) => p.message),
      ...proposed.compileErrors.map((e) => `${e.policy.name}: ${e.field}: ${e.reason}`),
    ];
    if (problems.length > 0) {
      findings.push({
        rule: 'policy/proposed-invalid',
        severity: 'warning',
        message: `the proposed ${change.path} would not load: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
        file: change.path,
      });
    }
  }
  return findings;
}

export function runPolicyReview(ctx: ReviewContext): Finding[] {
  const findings: Finding[] = proposedChanges(ctx);
  const repository = loadRepositoryPolicies(ctx.pr.target, ctx.config.policies.paths);
  const sets = [repository];
  if (ctx.config.policies.builtin === 'baseline') sets.push(baselinePack());
  const engine = PolicyEngine.fromSets(sets);
  findings.push(...engine.problems.map(problemFinding));
  for (const e of engine.compileErrors) {
    findings.push({
      rule: 'policy/invalid',
      severity: 'error',
      message: `${e.policy.kind} ${e.policy.name}: ${e.field} \`${oneLine(e.expression)}\`: ${e.reason}`,
      ...(e.policy.source.file ? { file: e.policy.source.file } : {}),
      ...(e.policy.source.line ? { line: e.policy.source.line } : {}),
    });
  }

  const pending =
    ctx.rendered.length > 0
      ? requestsFromRendered(ctx.rendered)
      : requestsFromFiles(ctx.pr.changedPaths, ctx.parsed, ctx.pr, (p) => ctx.environmentOf(p)?.name);
  if (pending.length === 0 || engine.policies.length === 0) return findings;

  const catalog = new ResourceCatalog();
  for (const root of ctx.rendered) if (root.head.status === 'ok') root.head.objects.forEach((o) => catalog.addCrd(o));
  for (const parsed of ctx.parsed.values()) parsed.documents.forEach((d) => catalog.addCrd(d.value));
  const locator = new SourceLocator(ctx.parsed);
  const overrides = engine.params.find((p) => p.kind === 'ConfigMap' && p.metadata?.name === ENVIRONMENT_PARAMS);
  const otherParams = engine.params.filter((p) => p !== overrides);
  const seen = new Set<string>();

  for (const envConfig of ctx.environments) {
    const mine = pending.filter((r) => r.env === envConfig.name);
    if (mine.length === 0) continue;
    const env: EnvironmentRef = { name: envConfig.name, class: envConfig.class };
    const params = paramSource([...otherParams, environmentParams(env, overrides)]);
    const namespaceOf = namespaceIndex(ctx, env.name, pending);
    for (const request of mine) {
      const req = admissionRequest(request, catalog, namespaceOf);
      const subject = (request.object ?? request.oldObject)!;
      const allowed = request.files
        ? (file: string) => request.files!.includes(file)
        : (file: string) => ctx.environmentOf(file)?.name === env.name;
      const where = request.originIsFile
        ? (locator.locate(subject, (file) => file === request.origin) ?? { file: request.origin })
        : request.object
          ? (locator.locate(request.object, allowed) ?? changedKustomization(ctx, request.origin))
          : undefined;
      for (const evaluation of engine.evaluate(req, env, params)) {
        for (const decision of evaluation.decisions) {
          const severity = severityOf(decision, evaluation, env.class);
          let message = redactSecretValues(
            decision.type === 'error' ? `could not be evaluated: ${decision.message}` : decision.message,
            request.object,
            request.oldObject,
          );
          if (decision.ignored) message += ' (ignored: failurePolicy Ignore)';
          if (request.operation === 'DELETE') message += ' (on deleting the object)';
          if (!where) message += ` (rendered from ${request.origin})`;
          const finding: Finding = {
            rule: `policy/${evaluation.policy.definition.name}`,
            severity,
            message,
            ...(where ? { file: where.file, ...(where.line ? { line: where.line } : {}) } : {}),
            resource: resourceRef(subject),
            env: env.name,
          };
          const key = `${finding.rule}|${finding.env}|${JSON.stringify(finding.resource)}|${finding.message}`;
          if (seen.has(key)) continue;
          seen.add(key);
          findings.push(finding);
        }
      }
    }
  }
  return findings;
}

export const policyStage: Stage = {
  name: 'policy',
  run(ctx) {
    ctx.findings.push(...runPolicyReview(ctx));
  },
};
