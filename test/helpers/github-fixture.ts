// The GitOps repository the GitHub tests serve: examples/env-repo on `main`, the demo's sample PR, and a few more
// branches, as real commits. Archives are what `git archive` writes, which is what GitHub's tarball endpoint serves.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDemoRepo } from '../../src/demo/build.js';

export interface FixtureRepo {
  dir: string;
  /** Tip of main (the target branch). */
  main: string;
  /** The demo's sample PR: staging + prod release and a duplicate-key mistake in test. */
  release: string;
  /** A clean change to prod and staging. */
  prodBump: string;
  /** A second push on top of prodBump. */
  prodBump2: string;
  /** Only README.md changes. */
  docs: string;
  /** `git archive` of a commit as GitHub serves it: gzipped, under `Codertocat-Hello-World-<sha7>/`. */
  archive(sha: string): Buffer;
  /** The PR files API's answer for base...head. */
  files(base: string, head: string): PullFile[];
  cleanup(): void;
}

export interface PullFile {
  sha: string;
  filename: string;
  status: string;
  additions: number;
  deletions: number;
  changes: number;
  blob_url: string;
  raw_url: string;
  contents_url: string;
  patch?: string;
  previous_filename?: string;
}

const GIT_ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Dana Developer',
  GIT_AUTHOR_EMAIL: 'dana@acme.example',
  GIT_COMMITTER_NAME: 'Dana Developer',
  GIT_COMMITTER_EMAIL: 'dana@acme.example',
  GIT_AUTHOR_DATE: '2026-11-21T09:00:00Z',
  GIT_COMMITTER_DATE: '2026-11-21T09:00:00Z',
};

const STATUS: Record<string, string> = { A: 'added', M: 'modified', D: 'removed', R: 'renamed', C: 'copied' };

export async function buildFixtureRepo(): Promise<FixtureRepo> {
  const demo = await buildDemoRepo();
  const dir = demo.dir;
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'commit.gpgsign=false', ...args], { env: GIT_ENV })
      .toString()
      .trim();
  const edit = (path: string, from: string, to: string) => {
    const file = join(dir, path);
    const text = readFileSync(file, 'utf8');
    if (!text.includes(from)) throw new Error(`fixture: ${path} has no ${from}`);
    writeFileSync(file, text.replace(from, to));
  };
  const main = git('rev-parse', 'main');
  const release = git('rev-parse', demo.head);

  git('checkout', '-q', '-b', 'prod-bump', 'main');
  edit('environments/prod/kustomization.yaml', 'count: 3', 'count: 4');
  edit('environments/staging/kustomization.yaml', 'newTag: 1.8.1', 'newTag: 1.8.2');
  git('commit', '-q', '-am', 'checkout: 1.8.2 in staging, 4 replicas in prod');
  const prodBump = git('rev-parse', 'HEAD');
  edit('environments/prod/kustomization.yaml', 'count: 4', 'count: 5');
  git('commit', '-q', '-am', 'prod: 5 replicas');
  const prodBump2 = git('rev-parse', 'HEAD');

  git('checkout', '-q', '-b', 'docs', 'main');
  writeFileSync(
    join(dir, 'README.md'),
    `${readFileSync(join(dir, 'README.md'), 'utf8')}\nHow to release: open a PR.\n`,
  );
  git('commit', '-q', '-am', 'docs: how to release');
  const docs = git('rev-parse', 'HEAD');

  const archives = new Map<string, Buffer>();
  return {
    dir,
    main,
    release,
    prodBump,
    prodBump2,
    docs,
    archive(sha) {
      let archive = archives.get(sha);
      if (!archive) {
        archive = execFileSync('git', [
          '-C',
          dir,
          'archive',
          '--format=tar.gz',
          `--prefix=Codertocat-Hello-World-${sha.slice(0, 7)}/`,
          sha,
        ]);
        archives.set(sha, archive);
      }
      return archive;
    },
    files(base, head) {
      const numstat = new Map<string, [number, number]>();
      for (const line of git('diff', '--numstat', '-M', `${base}...${head}`).split('\n').filter(Boolean)) {
        const [add, del, ...path] = line.split('\t');
        numstat.set(path.join('\t').replace(/^.* => /, ''), [Number(add), Number(del)]);
      }
      return git('diff', '--name-status', '-M', `${base}...${head}`)
        .split('\n')
        .filter(Boolean)
        .map((line) => {
          const [code, first, second] = line.split('\t') as [string, string, string | undefined];
          const filename = second ?? first;
          const [additions, deletions] = numstat.get(filename) ?? [0, 0];
          const file: PullFile = {
            sha: code === 'D' ? git('rev-parse', `${base}:${filename}`) : git('rev-parse', `${head}:${filename}`),
            filename,
            status: STATUS[code[0]!]!,
            additions,
            deletions,
            changes: additions + deletions,
            blob_url: `https://github.com/Codertocat/Hello-World/blob/${head}/${filename}`,
            raw_url: `https://github.com/Codertocat/Hello-World/raw/${head}/${filename}`,
            contents_url: `https://api.github.com/repos/Codertocat/Hello-World/contents/${filename}?ref=${head}`,
            patch: git('diff', `${base}...${head}`, '--', filename).split('\n').slice(4).join('\n'),
          };
          if (second) file.previous_filename = first;
          return file;
        });
    },
    cleanup: demo.cleanup,
  };
}
