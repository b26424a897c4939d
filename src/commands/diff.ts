// `envgate diff`: the rendered per-resource diff between two revisions of a local git repository, for scripts
// (JSON, DESIGN.md's contract) and people (the comment's diff sections, uncut).
import type { LoadedConfig } from '../config/config.js';
import { review } from '../core/review.js';
import type { PullRequestSnapshot, Review } from '../core/types.js';
import { diffStage } from '../diff/stage.js';
import { createRenderStage, type RenderRootFn } from '../render/stage.js';
import { renderDiffMarkdown } from '../report/diff-section.js';
import { localPrAndConfig } from './check.js';
import { EXIT, InputError, oneOf, parseCommandArgs, type Command } from './command.js';

/** The JSON `envgate diff --format json` prints: stable, scripts depend on it. */
export interface DiffReport {
  base: string;
  head: string;
  roots: { path: string; type: string; base: string; head: string; error?: string }[];
  changes: { root: string; apiVersion: string; kind: string; namespace: string; name: string; change: string }[];
}

export function diffReport(result: Review): DiffReport {
  return {
    base: result.base,
    head: result.head,
    roots: result.roots.map((r) => ({
      path: r.path,
      type: r.type,
      base: r.base,
      head: r.head,
      ...(r.error !== undefined ? { error: r.error } : {}),
    })),
    changes: result.diff.map((c) => ({
      root: c.root,
      apiVersion: c.apiVersion,
      kind: c.kind,
      namespace: c.namespace,
      name: c.name,
      change: c.change,
    })),
  };
}

/** Render and diff only: no validation, policy or approvals. */
export async function diffPullRequest(
  pr: PullRequestSnapshot,
  config: LoadedConfig,
  render: RenderRootFn,
): Promise<Review> {
  return review({ pr, config, now: () => performance.now() }, [createRenderStage(render), diffStage]);
}

export function createDiffCommand(render: RenderRootFn): Command {
  return {
    name: 'diff',
    summary: 'render the affected roots at two revisions and print the per-resource diff',
    usage: `envgate diff --repo DIR --base REV --head REV [--config FILE] [--format json|markdown]

  --repo DIR       the git repository (default: the current directory)
  --base REV       the target branch or commit the PR merges into (compared at its merge-base with --head)
  --head REV       the PR's head branch or commit
  --config FILE    use this config instead of .envgate.yml from --base
  --format FORMAT  json (default): {"base","head","roots":[…],"changes":[…]}, only the roots the change affects;
                   markdown: the comment's rendered-diff sections, uncut

Secret values are never printed: Secrets show keys and sizes only.
Exit codes: 0 diffed, 1 a root failed to render on either side (its diff is left out; see "roots"),
2 usage, config or internal error.`,
    async run(args, io) {
      const { values } = parseCommandArgs(args, {
        repo: { type: 'string' },
        base: { type: 'string' },
        head: { type: 'string' },
        config: { type: 'string' },
        format: { type: 'string' },
      });
      const format = oneOf(values.format, ['json', 'markdown'] as const, 'format', 'json');
      const { pr, config } = await localPrAndConfig(values, io);
      if (!config.valid) {
        const first = config.findings.find((f) => f.severity === 'error');
        throw new InputError(`invalid config ${config.source}${first ? `: ${first.message}` : ''}`);
      }
      const result = await diffPullRequest(pr, config, render);
      io.stdout.write(
        format === 'json' ? `${JSON.stringify(diffReport(result), null, 2)}\n` : `${renderDiffMarkdown(result)}\n`,
      );
      const failed = result.roots.filter((r) => r.base === 'error' || r.head === 'error');
      for (const root of failed) io.stderr.write(`envgate diff: ${root.path || '.'}: ${root.error ?? 'failed'}\n`);
      return failed.length > 0 ? EXIT.gateFailed : EXIT.passed;
    },
  };
}
