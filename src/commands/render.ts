// `envgate render PATH`: one root rendered and printed as `kustomize build PATH` prints it, from the working tree
// or from a commit. A drop-in for parity checks against real Kustomize (DESIGN.md's CLI contract).
import { execFileSync } from 'node:child_process';
import { relative, resolve, sep } from 'node:path';
import { loadRepoConfig } from '../config/config.js';
import { matchesAny } from '../core/glob.js';
import type { RepoSnapshot, RootType } from '../core/types.js';
import { readSnapshot, resolveCommit } from '../git/local.js';
import { WorktreeSnapshot } from '../git/worktree.js';
import { printObjects, renderRoot } from '../render/index.js';
import { kustomizationFileIn } from '../render/kustomization.js';
import { oneLine } from '../render/stage.js';
import { RenderError } from '../render/types.js';
import { EXIT, InputError, oneOf, parseCommandArgs, UsageError, type Command } from './command.js';

const RESTRICTORS = ['LoadRestrictionsRootOnly', 'LoadRestrictionsNone'] as const;

function gitTopLevel(dir: string): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, 'rev-parse', '--show-toplevel'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** The root's type: what the flag says, else what the repository's config says, else what the directory holds. */
function rootType(snapshot: RepoSnapshot, path: string, flag: RootType | undefined): RootType {
  if (flag) return flag;
  const loaded = loadRepoConfig(snapshot);
  const render = loaded.config.render;
  if (path !== '' && matchesAny(path, render.plainDirs)) return 'plain-dir';
  if (path !== '' && matchesAny(path, render.fluxDirs)) return 'flux-dir';
  if (kustomizationFileIn(snapshot, path)) return 'kustomize';
  throw new RenderError(
    `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${path || '.'}' (use --type flux-dir or --type plain-dir for a directory without one)`,
    'missing',
  );
}

export const renderCommand: Command = {
  name: 'render',
  summary: 'render one root (kustomization, Flux or plain directory) as `kustomize build` prints it',
  usage: `envgate render [--repo DIR --rev REV] [--load-restrictor LoadRestrictionsRootOnly|LoadRestrictionsNone] PATH

  PATH               the root directory: relative to the working directory, or to --repo with --rev
  --repo DIR         the repository (default: the git repository around the working directory)
  --rev REV          render the directory as committed at REV instead of the working tree
  --load-restrictor  as kustomize build: RootOnly (default) keeps file loads inside the kustomization's own
                     directory; None (Flux) allows the whole repository. Never outside the repository.
  --type TYPE        kustomize, flux-dir (Flux generates the kustomization) or plain-dir (Argo CD directory app);
                     default: from .envgate.yml's render.fluxDirs/plainDirs, else kustomize
  --engine ENGINE    builtin (default: in-process) or kustomize (the kustomize or kubectl binary)

Prints the multi-document YAML kustomize build prints. Exit codes: 0 rendered, 1 the root does not render
(Kustomize's reason on stderr, one line), 2 usage or input error.`,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        repo: { type: 'string' },
        rev: { type: 'string' },
        'load-restrictor': { type: 'string' },
        type: { type: 'string' },
        engine: { type: 'string' },
      },
      true,
    );
    if (positionals.length !== 1) throw new UsageError('give exactly one PATH to render');
    const loadRestrictor = oneOf(values['load-restrictor'], RESTRICTORS, 'load-restrictor', 'LoadRestrictionsRootOnly');
    const type = values.type
      ? oneOf(values.type, ['kustomize', 'flux-dir', 'plain-dir'] as const, 'type', 'kustomize')
      : undefined;
    const engine = oneOf(values.engine, ['builtin', 'kustomize'] as const, 'engine', 'builtin');

    let snapshot: RepoSnapshot;
    let repo: string;
    let target: string;
    if (values.rev !== undefined) {
      repo = resolve(io.cwd, values.repo ?? '.');
      snapshot = await readSnapshot(repo, await resolveCommit(repo, values.rev));
      target = resolve(repo, positionals[0]!);
    } else {
      const base = resolve(io.cwd, values.repo ?? '.');
      repo = gitTopLevel(base) ?? base;
      snapshot = new WorktreeSnapshot(repo);
      target = resolve(values.repo !== undefined ? repo : io.cwd, positionals[0]!);
    }
    const rel = relative(repo, target).split(sep).join('/');
    if (rel.startsWith('..') || resolve(repo, rel) !== target) {
      throw new InputError(`${positionals[0]} is outside the repository ${repo}`);
    }
    try {
      const root = { path: rel, type: rootType(snapshot, rel, type) };
      const output = await renderRoot(snapshot, root, { engine, loadRestrictor });
      io.stdout.write(printObjects(output.objects));
      return EXIT.passed;
    } catch (error) {
      if (!(error instanceof RenderError)) throw error;
      io.stderr.write(`envgate render: ${error.file ? `${error.file}: ` : ''}${oneLine(error.message)}\n`);
      return EXIT.gateFailed;
    }
  },
};
