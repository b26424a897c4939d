// A Renovate PR through the GitHub App: the bot's patch bump in test is auto-approved, the app approves the PR on
// GitHub (once per head), and a prod bump is held for seniors with no approval from the app.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { APPROVAL_MARKER } from '../../src/platforms/github/platform.js';
import { buildFixtureRepo, type FixtureRepo } from '../helpers/github-fixture.js';
import {
  BOT,
  createProbot,
  deliver,
  GitHubMock,
  PR_NUMBER,
  pullRequestEvent,
  pullRequestObject,
  RENOVATE,
  REPO,
  review,
  type PullRequestState,
} from '../helpers/github.js';

const NOW = '2026-11-21T10:00:00Z';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let fixture: FixtureRepo;
let testPatch: string;
let prodPatch: string;

/** Commits a Renovate-style edit on a branch off main in the fixture repository. */
function renovateCommit(branch: string, path: string, from: string, to: string): string {
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'renovate[bot]',
    GIT_AUTHOR_EMAIL: '29139614+renovate[bot]@users.noreply.github.com',
    GIT_COMMITTER_NAME: 'renovate[bot]',
    GIT_COMMITTER_EMAIL: '29139614+renovate[bot]@users.noreply.github.com',
  };
  const git = (...args: string[]) =>
    execFileSync('git', ['-C', fixture.dir, '-c', 'commit.gpgsign=false', ...args], { env })
      .toString()
      .trim();
  git('checkout', '-q', '-b', branch, fixture.main);
  const file = join(fixture.dir, path);
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`fixture: ${path} has no ${from}`);
  writeFileSync(file, text.replace(from, to));
  git('commit', '-q', '-am', `chore(deps): update ghcr.io/acme/checkout-api`);
  return git('rev-parse', 'HEAD');
}

beforeAll(async () => {
  fixture = await buildFixtureRepo();
  testPatch = renovateCommit(
    'renovate/test-checkout',
    'environments/test/kustomization.yaml',
    'newTag: 1.8.2',
    'newTag: 1.8.3',
  );
  prodPatch = renovateCommit(
    'renovate/prod-checkout',
    'environments/prod/kustomization.yaml',
    'newTag: 1.8.1\n    digest: sha256:3ab8e5ad213f77f6354504666fa08f7227a7c2ad77f4e380058f03747d73c2d5',
    'newTag: 1.8.2\n    digest: sha256:40111dfd0a42e5e1589ba3a83911a7be1779b50c24dd9cdd659082dae84f59c2',
  );
});
afterAll(() => fixture.cleanup());
beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

function renovatePull(pr: PullRequestState, branch: string, body: string): Json {
  const object = pullRequestObject(fixture, pr);
  object.user = RENOVATE;
  object.head.ref = branch;
  object.title = 'chore(deps): update ghcr.io/acme/checkout-api';
  object.body = body;
  return object;
}

/** Everything one review reads, with the PR as Renovate opened it. */
function renovateReads(github: GitHubMock, pr: PullRequestState, branch: string, body: string, reviews: Json[] = []) {
  const pull = () => github.api.get(`/repos/${REPO}/pulls/${PR_NUMBER}`).reply(200, renovatePull(pr, branch, body));
  pull();
  github
    .compare(pr.head)
    .tarball(fixture.main)
    .tarball(pr.head)
    .files(pr.head)
    .checkRuns(pr.head)
    .reviews(reviews)
    .comments();
  pull();
}

const table = (from: string, to: string, type: string) =>
  `This PR contains the following updates:\n\n| Package | Type | Update | Change |\n|---|---|---|---|\n| [ghcr.io/acme/checkout-api](https://redirect.github.com/acme/checkout-api) | Kustomization | ${type} | \`${from}\` → \`${to}\` |\n\n---\n\n### Configuration\n\n🚦 **Automerge**: Enabled.\n`;

describe('GitHub App: Renovate pull requests', () => {
  it('auto-approves a patch in test: the approval check passes and the app approves the head on GitHub', async () => {
    const probot = await createProbot({ now: () => new Date(NOW) });
    const pr = { head: testPatch, changedFiles: 1 };
    const github = new GitHubMock(fixture).installationToken();
    renovateReads(github, pr, 'renovate/test-checkout', table('1.8.2', '1.8.3', 'patch'));
    github.createComment().createCheckRuns();
    let approval: Json | undefined;
    github.api
      .post(`/repos/${REPO}/pulls/${PR_NUMBER}/reviews`, (body: Json) => {
        approval = body;
        return true;
      })
      .reply(200, { id: 91, state: 'APPROVED', user: BOT, commit_id: testPatch });

    await deliver(probot, 'pull_request', pullRequestEvent(fixture, 'opened', pr));

    expect(github.checkRun('envgate/approval')).toMatchObject({
      conclusion: 'success',
      output: { title: 'auto-approved' },
    });
    expect(github.checkRun('envgate/approval').output.summary).toContain(
      'test: auto-approved by envgate: 1 patch update',
    );
    expect(github.sent.comments[0]!.body).toContain(
      '| test | `ghcr.io/acme/checkout-api` | `1.8.2` → `1.8.3` | patch |',
    );
    expect(approval).toEqual({
      commit_id: testPatch,
      event: 'APPROVE',
      body: `envgate approves this Renovate update: every environment it changes allows these updates without review.\n\n- test: auto-approved by envgate: 1 patch update\n\n${APPROVAL_MARKER}`,
    });
  });

  it('does not approve the same head twice', async () => {
    const probot = await createProbot({ now: () => new Date(NOW) });
    const pr = { head: testPatch, changedFiles: 1 };
    const github = new GitHubMock(fixture).installationToken();
    const earlier = {
      ...review({ id: 91, user: BOT, state: 'APPROVED', commit: testPatch, at: NOW }),
      body: `ok\n\n${APPROVAL_MARKER}`,
    };
    renovateReads(github, pr, 'renovate/test-checkout', table('1.8.2', '1.8.3', 'patch'), [earlier]);
    github.createComment().createCheckRuns();
    const unmatched: string[] = [];
    const noMatch = (req: Json) => {
      // A fetch Request (node-api, Octokit) or an http request; the webhook deliveries to the local server pass.
      const where = String(req.url ?? `${req.hostname ?? req.options?.hostname ?? ''}${req.path ?? ''}`);
      if (!where.includes('127.0.0.1')) unmatched.push(`${req.method} ${where}`);
    };
    nock.emitter.on('no match', noMatch);
    try {
      await deliver(probot, 'pull_request', pullRequestEvent(fixture, 'synchronize', pr));
    } finally {
      nock.emitter.removeListener('no match', noMatch);
    }
    expect(github.checkRun('envgate/approval').conclusion).toBe('success');
    expect(unmatched).toEqual([]); // no second APPROVE review
  });

  it('holds a prod patch for seniors: approval check waiting, no approval from the app', async () => {
    const probot = await createProbot({ now: () => new Date(NOW) });
    const pr = { head: prodPatch, changedFiles: 1 };
    const github = new GitHubMock(fixture).installationToken();
    renovateReads(github, pr, 'renovate/prod-checkout', table('1.8.1', '1.8.2', 'patch'));
    github.createComment().createCheckRuns();
    const unmatched: string[] = [];
    const noMatch = (req: Json) => {
      // A fetch Request (node-api, Octokit) or an http request; the webhook deliveries to the local server pass.
      const where = String(req.url ?? `${req.hostname ?? req.options?.hostname ?? ''}${req.path ?? ''}`);
      if (!where.includes('127.0.0.1')) unmatched.push(`${req.method} ${where}`);
    };
    nock.emitter.on('no match', noMatch);
    try {
      await deliver(probot, 'pull_request', pullRequestEvent(fixture, 'opened', pr));
    } finally {
      nock.emitter.removeListener('no match', noMatch);
    }
    expect(unmatched).toEqual([]); // no APPROVE review for a PR that waits for seniors
    expect(github.checkRun('envgate/approval')).toMatchObject({
      conclusion: 'action_required',
      output: { title: 'approval needed' },
    });
    expect(github.checkRun('envgate/validate').conclusion).toBe('success');
    expect(github.sent.comments[0]!.body).toMatch(
      /- ⏳ \*\*prod\*\* \(critical\): waiting for 2 more approvals from @acme\/platform-seniors/,
    );
  });
});
