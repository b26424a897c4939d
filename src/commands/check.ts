// `envgate check`: the whole review of two revisions of a local git repository.
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { loadRepoConfig, parseRepoConfig, type LoadedConfig } from '../config/config.js';
import { review } from '../core/review.js';
import type { PullRequestSnapshot, Review } from '../core/types.js';
import { localPullRequest } from '../git/local-pr.js';
import { liveSources } from '../drift/cli.js';
import type { LiveSources } from '../drift/types.js';
import { renderJson } from '../report/json.js';
import { renderComment } from '../report/markdown.js';
import { EXIT, InputError, oneOf, parseCommandArgs, requireOption, type CliIO, type Command } from './command.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'review the changes between two revisions of a local git repository',
  usage: `envgate check --repo DIR --base REV --head REV [--config FILE] [--format markdown|json] [--live DIR]

  --repo DIR       the git repository (default: the current directory)
  --base REV       the target branch or commit the PR merges into
  --head REV       the PR's head branch or commit
  --config FILE    use this config instead of .envgate.yml from --base
  --format FORMAT  markdown (the PR comment, default) or json (the Review)
  --live DIR       drift preview against a snapshot of the live clusters: DIR/<environment>/**/*.yaml as
                   \`kubectl get -o yaml\` writes them (without it, the sources in ENVGATE_SETTINGS, if set)

Exit codes: 0 passed, 1 the gate fails (findings, missing approvals), 2 usage, config or internal error.`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, {
      repo: { type: 'string' },
      base: { type: 'string' },
      head: { type: 'string' },
      config: { type: 'string' },
      format: { type: 'string' },
      live: { type: 'string' },
    });
    const format = oneOf(values.format, ['markdown', 'json'] as const, 'format', 'markdown');
    const { pr, config } = await localPrAndConfig(values, io);
    const result = await reviewLocal(pr, config, liveSources(values.live, io));
    io.stdout.write(
      format === 'json' ? renderJson(result) : `${renderComment(result, { reproduce: reproduceCommand(values) })}\n`,
    );
    return exitCode(result, io);
  },
};

/** The PR `--head` makes against `--base` in `--repo`, and the config from `--config` or the target branch. */
export async function localPrAndConfig(
  values: { repo?: string; base?: string; head?: string; config?: string },
  io: CliIO,
): Promise<{ pr: PullRequestSnapshot; config: LoadedConfig }> {
  const pr = await localPullRequest({
    repo: resolve(io.cwd, values.repo ?? '.'),
    base: requireOption(values.base, 'base'),
    head: requireOption(values.head, 'head'),
  });
  const config = values.config ? readConfigFile(resolve(io.cwd, values.config), io.cwd) : loadRepoConfig(pr.target);
  return { pr, config };
}

export async function reviewLocal(pr: PullRequestSnapshot, config: LoadedConfig, live?: LiveSources): Promise<Review> {
  return review({ pr, config, live, now: () => performance.now() });
}

export function readConfigFile(path: string, cwd: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`cannot read config ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  return parseRepoConfig(relative(cwd, path) || path, text);
}

export function exitCode(result: Review, io: CliIO): number {
  if (!result.config.valid) {
    const first = result.findings.find((f) => f.rule === 'config/invalid');
    io.stderr.write(`envgate: invalid config ${result.config.source}${first ? `: ${first.message}` : ''}\n`);
    return EXIT.error;
  }
  const { validate, approval } = result.gate;
  return validate.state === 'pass' && approval.state === 'pass' ? EXIT.passed : EXIT.gateFailed;
}

function reproduceCommand(values: { base?: string; head?: string }): string {
  return `envgate check --repo . --base ${values.base} --head ${values.head}`;
}
