// First check of every review: each changed YAML file in an environment must parse as Kubernetes reads it.
import type { Stage } from '../core/review.js';
import { describeValue, parseYaml } from './yaml.js';

const YAML_FILE = /\.ya?ml$/i;

/** A JSON 6902 patch file is a list of operations; every other YAML file in an environment is a mapping. */
function isJsonPatchList(value: unknown): boolean {
  return (
    Array.isArray(value) && value.every((op) => typeof op === 'object' && op !== null && 'op' in op && 'path' in op)
  );
}

export const parseStage: Stage = {
  name: 'parse',
  run(ctx) {
    for (const change of ctx.pr.changedPaths) {
      if (change.status === 'deleted' || !YAML_FILE.test(change.path)) continue;
      const env = ctx.environmentOf(change.path)?.name;
      if (!env) continue;
      const text = ctx.pr.head.read(change.path);
      if (text === undefined) continue; // unreadable files are reported by the pipeline, symlinks by render
      const parsed = parseYaml(change.path, text);
      for (const finding of parsed.findings) ctx.findings.push({ ...finding, env });
      for (const doc of parsed.documents) {
        const value = doc.value;
        if (value !== null && typeof value === 'object' && !Array.isArray(value)) continue;
        if (isJsonPatchList(value)) continue;
        ctx.findings.push({
          rule: 'yaml/not-a-mapping',
          severity: 'error',
          message: `document ${doc.index + 1} is ${describeValue(value)}; a manifest or kustomization must be a mapping`,
          file: change.path,
          line: doc.line,
          env,
        });
      }
      ctx.parsed.set(change.path, parsed);
    }
  },
};
