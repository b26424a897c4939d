// The validate stage of a review: every changed manifest (raw, as written) and every rendered object (whole, as
// the cluster will receive it) against its schema and the secret rules. Raw files catch types, unknown fields and
// secrets where the author wrote them; rendered objects catch what only a whole object shows (required fields,
// what generators and patches produced). A problem found in both is reported once, at the line that causes it.
import type { ReviewContext, Stage } from '../core/review.js';
import type { EnvironmentClass, Finding, RepoSnapshot, Severity } from '../core/types.js';
import type { KubeObject, RenderedRoot } from '../render/types.js';
import { applyAllowances, checkDocument, problemFindings, resourceOf } from './document.js';
import { isKustomizationPath, KustomizeIndex, type GeneratorRef } from './kustomize-refs.js';
import { valueAt, type DocumentRole, type Problem } from './schema/check.js';
import { SchemaRegistry } from './schema/registry.js';
import { parseYaml, positionOf, type ParsedDocument, type ParsedYaml } from './yaml.js';

const YAML_FILE = /\.ya?ml$/i;

/** A kind nobody can check must not pass silently; where a change cannot go unchecked it blocks. */
export function unknownKindSeverity(envClass: EnvironmentClass | undefined): Severity {
  return envClass === 'critical' ? 'error' : 'warning';
}

interface SourceDoc {
  parsed: ParsedYaml;
  doc: ParsedDocument;
  role: DocumentRole;
}

export const validateStage: Stage = {
  name: 'validate',
  run(ctx) {
    const findings = validateReview(ctx);
    ctx.findings.push(...applyAllowances(findings, ctx.config.secrets.allow));
  },
};

function validateReview(ctx: ReviewContext): Finding[] {
  const head = ctx.pr.head;
  const registry = new SchemaRegistry();
  const findings: Finding[] = [];
  const crdFindings = loadRepositoryCrds(head, registry, ctx.rendered);
  const index = KustomizeIndex.build(kustomizationFiles(head));
  const classOf = (env: string | undefined) => ctx.environments.find((e) => e.name === env)?.class;

  // Raw files: what the PR changed, plus changed files outside any environment that a rendered root read.
  const raw = new Map<string, { parsed: ParsedYaml; env?: string }>();
  for (const [path, parsed] of ctx.parsed) raw.set(path, { parsed, env: ctx.environmentOf(path)?.name });
  const changed = new Set(ctx.pr.changedPaths.filter((c) => c.status !== 'deleted').map((c) => c.path));
  for (const root of ctx.rendered) {
    if (root.head.status !== 'ok') continue;
    for (const file of root.head.files) {
      if (raw.has(file) || !changed.has(file) || !YAML_FILE.test(file)) continue;
      const text = head.read(file);
      if (text === undefined) continue;
      const parsed = parseYaml(file, text);
      // Parse problems in these files are the render stage's to report (it failed or read them as data).
      raw.set(file, { parsed, env: root.env });
    }
  }
  const reported = new Set<string>();
  /** `file|index` of secretGenerator entries whose literals were reported in the raw kustomization file. */
  const literalSecrets = new Set<string>();
  const sources = new Map<string, SourceDoc[]>();
  for (const [path, { parsed, env }] of raw) {
    const role = index.roleOf(path);
    for (const doc of parsed.documents) {
      const resource = resourceOf(doc.value);
      if (resource) {
        const key = `${resource.kind}/${resource.name}`;
        sources.set(key, [...(sources.get(key) ?? []), { parsed, doc, role }]);
      }
      const problems = checkDocument(doc.value, {
        registry,
        role,
        file: path,
        unknownKindSeverity: unknownKindSeverity(classOf(env)),
      });
      for (const finding of problemFindings(problems, parsed, doc, { env, resource })) {
        reported.add(dedupeKey(finding));
        findings.push(finding);
      }
      for (const p of problems) {
        if (p.rule.startsWith('secret/') && p.path[0] === 'secretGenerator') literalSecrets.add(`${path}|${p.path[1]}`);
      }
    }
  }
  for (const finding of crdFindings) {
    if (!reported.has(dedupeKey(finding))) findings.push(finding);
  }

  for (const root of ctx.rendered) {
    findings.push(
      ...validateRendered(
        root,
        registry,
        sources,
        index,
        { reported, literalSecrets },
        unknownKindSeverity(classOf(root.env)),
      ),
    );
  }
  return findings;
}

/** CustomResourceDefinitions in the head of the repository (and in rendered output) define schemas for this review. */
function loadRepositoryCrds(head: RepoSnapshot, registry: SchemaRegistry, rendered: RenderedRoot[]): Finding[] {
  const findings: Finding[] = [];
  for (const path of head.files()) {
    if (!YAML_FILE.test(path)) continue;
    const text = head.read(path);
    if (!text || !text.includes('CustomResourceDefinition')) continue;
    const parsed = parseYaml(path, text);
    for (const doc of parsed.documents) {
      const value = doc.value as { kind?: unknown; apiVersion?: unknown };
      if (value?.kind !== 'CustomResourceDefinition' || typeof value.apiVersion !== 'string') continue;
      if (!value.apiVersion.startsWith('apiextensions.k8s.io/')) continue;
      const added = registry.addCrd(value, path);
      if (added.problem) {
        findings.push({
          rule: 'schema/invalid-crd',
          severity: 'warning',
          message: `CustomResourceDefinition not usable as a schema: ${added.problem}`,
          file: path,
          line: doc.line,
        });
      }
    }
  }
  for (const root of rendered) {
    if (root.head.status !== 'ok') continue;
    for (const object of root.head.objects) {
      if (object.kind === 'CustomResourceDefinition') registry.addCrd(object);
    }
  }
  return findings;
}

function* kustomizationFiles(head: RepoSnapshot): Iterable<[string, string]> {
  for (const path of head.files()) {
    if (!isKustomizationPath(path)) continue;
    const text = head.read(path);
    if (text !== undefined) yield [path, text];
  }
}

/** Same rule, same place, same problem: one finding. The message's path prefix may differ (array indexes). */
function dedupeKey(f: Finding): string {
  const problem = f.message.slice(f.message.indexOf(': ') + 1);
  return `${f.env ?? ''}|${f.rule}|${f.file ?? ''}|${f.line ?? ''}|${problem}`;
}

function identity(object: KubeObject): string {
  return `${object.apiVersion}|${object.kind}|${object.metadata?.namespace ?? ''}|${object.metadata?.name ?? ''}`;
}

function validateRendered(
  root: RenderedRoot,
  registry: SchemaRegistry,
  sources: Map<string, SourceDoc[]>,
  index: KustomizeIndex,
  seen: { reported: Set<string>; literalSecrets: Set<string> },
  severity: Severity,
): Finding[] {
  const { reported, literalSecrets } = seen;
  if (root.head.status !== 'ok') return [];
  const options = { registry, role: 'object' as const, file: root.path, unknownKindSeverity: severity };
  const baseProblems = new Map<string, Set<string>>();
  if (root.base.status === 'ok') {
    for (const object of root.base.objects) {
      const messages = new Set(checkDocument(object, options).map((p) => `${p.rule}|${p.message}`));
      baseProblems.set(identity(object), messages);
    }
  }
  const findings: Finding[] = [];
  for (const object of root.head.objects) {
    const problems = checkDocument(object, options);
    if (problems.length === 0) continue;
    const resource = resourceOf(object);
    const atBase = baseProblems.get(identity(object));
    for (const p of problems) {
      const preExisting = atBase?.has(`${p.rule}|${p.message}`) ?? false;
      const finding = locate(p, object, root, sources, index);
      const { generator: _generator, ...where } = finding;
      const result: Finding = {
        ...where,
        severity: preExisting && p.severity === 'error' ? 'warning' : p.severity,
        message: preExisting ? `${finding.message} (already so before this change)` : finding.message,
        ...(resource ? { resource } : {}),
        ...(root.env ? { env: root.env } : {}),
      };
      const key = dedupeKey({ ...result, message: finding.message });
      if (reported.has(key)) continue;
      // A generated Secret whose generator literal was already reported in the changed kustomization file.
      if (finding.generator && p.rule.startsWith('secret/')) {
        if (literalSecrets.has(`${finding.file}|${finding.generator.index}`)) continue;
      }
      reported.add(key);
      findings.push(result);
    }
  }
  return findings;
}

/** Where a rendered object's problem is in the repository: the source document that holds the field, if any. */
function locate(
  problem: Problem,
  object: KubeObject,
  root: RenderedRoot,
  sources: Map<string, SourceDoc[]>,
  index: KustomizeIndex,
): Pick<Finding, 'rule' | 'severity' | 'message' | 'file' | 'line' | 'column'> & { generator?: GeneratorRef } {
  const name = object.metadata?.name ?? '';
  // Only files this root was rendered from can be the source: staging's patch of the same Deployment is not prod's.
  const readByRoot = new Set(root.head.status === 'ok' ? root.head.files : []);
  const fromRoot = (docs: SourceDoc[]) => docs.filter((d) => readByRoot.has(d.parsed.path));
  let candidates = fromRoot(sources.get(`${object.kind}/${name}`) ?? []);
  if (candidates.length === 0) {
    // namePrefix/nameSuffix: `prod-checkout-api` comes from a document named `checkout-api`.
    for (const [key, docs] of sources) {
      const [kind, sourceName] = [key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)];
      if (kind === object.kind && sourceName.length >= 3 && name.includes(sourceName)) candidates = fromRoot(docs);
    }
  }
  const base = { rule: problem.rule, severity: problem.severity, message: problem.message };
  // A patch holds the fields it sets, not the whole object: a missing field is never the patch's doing.
  const wholeObjects = candidates.filter((c) => c.role !== 'patch');
  const holding =
    problem.rule === 'schema/required-field'
      ? undefined
      : candidates.find((c) => valueAt(c.doc.value, problem.path) !== undefined);
  const source = holding ?? wholeObjects[0];
  if (source) {
    const at = positionOf(source.parsed, source.doc, problem.path, { key: problem.atKey });
    return { ...base, file: source.parsed.path, line: at.line, column: at.column };
  }
  const generator = index.generators.find(
    (g) =>
      readByRoot.has(g.file) &&
      g.kind === object.kind &&
      (name === g.name || name.startsWith(`${g.name}-`) || name.includes(g.name)),
  );
  if (generator) {
    return {
      ...base,
      file: generator.file,
      message: `${generator.field} "${generator.name}": ${problem.message}`,
      generator,
    };
  }
  return { ...base, message: `rendered from ${root.path}: ${problem.message}` };
}
