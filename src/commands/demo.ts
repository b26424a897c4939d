// `envgate demo`: the whole review of the sample PR, offline, as a reviewer would see it.
import { loadRepoConfig } from '../config/config.js';
import { buildDemoRepo, EXAMPLES_DIR } from '../demo/build.js';
import { snapshotDirSources } from '../drift/sources/snapshot-dir.js';
import { localPullRequest } from '../git/local-pr.js';
import { renderJson } from '../report/json.js';
import { renderComment } from '../report/markdown.js';
import { reviewLocal } from './check.js';
import { EXIT, oneOf, parseCommandArgs, type Command } from './command.js';

export const demoCommand: Command = {
  name: 'demo',
  summary: 'review a sample PR against the example GitOps repo (offline, no credentials)',
  usage: `envgate demo [--format markdown|json]

Builds examples/env-repo into a temporary git repository with a main branch and the sample PR branch
(examples/sample-pr), runs the whole review with the live clusters of examples/live (a snapshot), prints the
comment a reviewer would see, and deletes the repository.`,
  async run(args, io) {
    const { values } = parseCommandArgs(args, { format: { type: 'string' } });
    const format = oneOf(values.format, ['markdown', 'json'] as const, 'format', 'markdown');
    const demo = await buildDemoRepo();
    try {
      const pr = await localPullRequest({ repo: demo.dir, base: demo.base, head: demo.head });
      const live = snapshotDirSources(`${EXAMPLES_DIR}live`, 'examples/live');
      const result = await reviewLocal(
        { ...pr, title: demo.pr.title, body: demo.pr.body },
        loadRepoConfig(pr.target),
        live,
      );
      if (format === 'json') {
        io.stdout.write(renderJson(result));
        return EXIT.passed;
      }
      const gate = result.gate;
      io.stdout.write(
        [
          `envgate demo: pull request "${demo.pr.title}"`,
          `  ${demo.pr.branch} → main, by ${demo.pr.author.name}; ${pr.changedPaths.length} files changed`,
          `  gates: validate ${gate.validate.state} (${gate.validate.title}), approval ${gate.approval.state} (${gate.approval.title})`,
          '',
          'The comment envgate posts on the pull request:',
          '─'.repeat(100),
          renderComment(result, {
            reproduce: `envgate check --repo . --base main --head ${demo.head} --live examples/live`,
          }),
          '─'.repeat(100),
          '',
        ].join('\n'),
      );
      return EXIT.passed;
    } finally {
      demo.cleanup();
    }
  },
};
