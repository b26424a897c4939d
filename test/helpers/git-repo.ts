// Real git repositories for tests: a `main` commit and an optional PR branch, in a temp dir removed after the test.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TestRepo {
  dir: string;
  git(...args: string[]): string;
  write(files: Record<string, string>): void;
  remove(...paths: string[]): void;
  commit(message: string): string;
  cleanup(): void;
}

const ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.test',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.test',
};

export function createRepo(files: Record<string, string> = {}, symlinks: Record<string, string> = {}): TestRepo {
  const dir = mkdtempSync(join(tmpdir(), 'envgate-test-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', dir, '-c', 'commit.gpgsign=false', ...args], { env: ENV, encoding: 'utf8' }).trim();
  const write = (entries: Record<string, string>) => {
    for (const [path, content] of Object.entries(entries)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
  };
  git('init', '-q', '-b', 'main');
  write(files);
  for (const [path, target] of Object.entries(symlinks)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    symlinkSync(target, join(dir, path));
  }
  const repo: TestRepo = {
    dir,
    git,
    write,
    remove: (...paths) => paths.forEach((p) => rmSync(join(dir, p), { force: true, recursive: true })),
    commit: (message) => {
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
  if (Object.keys(files).length + Object.keys(symlinks).length > 0) repo.commit('initial');
  return repo;
}
