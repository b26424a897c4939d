// Builds the example GitOps repository into a throwaway git repo: `main` from examples/env-repo, and a PR branch
// with examples/sample-pr written over it. Fixed author dates make the SHAs, and so the demo, reproducible.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';

const run = promisify(execFile);

export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));

export interface SamplePr {
  title: string;
  branch: string;
  author: { name: string; email: string };
  body?: string;
  delete?: string[];
}

export interface DemoRepo {
  dir: string;
  base: string;
  head: string;
  pr: SamplePr;
  cleanup(): void;
}

async function git(dir: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const { stdout } = await run(
    'git',
    ['-C', dir, '-c', 'commit.gpgsign=false', '-c', 'core.hooksPath=/dev/null', ...args],
    {
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...env },
    },
  );
  return stdout.trim();
}

function commitEnv(name: string, email: string, date: string): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
    GIT_COMMITTER_DATE: date,
  };
}

export async function buildDemoRepo(examples = EXAMPLES_DIR): Promise<DemoRepo> {
  const dir = mkdtempSync(join(tmpdir(), 'envgate-demo-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const pr = parse(readFileSync(join(examples, 'sample-pr', 'pr.yaml'), 'utf8')) as SamplePr;
    cpSync(join(examples, 'env-repo'), dir, { recursive: true });
    await git(dir, ['init', '-q', '-b', 'main']);
    await git(dir, ['add', '-A']);
    await git(
      dir,
      ['commit', '-q', '-m', 'checkout: 1.8.1 in staging and prod'],
      commitEnv('Acme Platform', 'platform@acme.example', '2026-11-02T09:00:00Z'),
    );
    await git(dir, ['checkout', '-q', '-b', pr.branch]);
    cpSync(join(examples, 'sample-pr', 'files'), dir, { recursive: true });
    for (const path of pr.delete ?? []) rmSync(join(dir, path), { force: true });
    await git(dir, ['add', '-A']);
    await git(
      dir,
      ['commit', '-q', '-m', pr.title, ...(pr.body ? ['-m', pr.body] : [])],
      commitEnv(pr.author.name, pr.author.email, '2026-11-20T14:30:00Z'),
    );
    return { dir, base: 'main', head: pr.branch, pr, cleanup };
  } catch (error) {
    cleanup();
    throw error;
  }
}
