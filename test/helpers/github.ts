// GitHub test harness: webhook payloads from @octokit/webhooks-examples (patched in code where the examples lack a
// PR comment or an approved review), a Probot instance with the app loaded, and nock mocks of the REST API that
// record what envgate sends.
import { generateKeyPairSync } from 'node:crypto';
import { createRequire } from 'node:module';
import Bottleneck from 'bottleneck';
import nock from 'nock';
import { Probot, ProbotOctokit } from 'probot';
import { envgateApp } from '../../src/app.js';
import type { GitHubAppOptions } from '../../src/platforms/github/app.js';
import type { FixtureRepo, PullFile } from './github-fixture.js';

export const APP_ID = 123;
export const INSTALLATION_ID = 1;
export const REPO = 'Codertocat/Hello-World';
export const PR_NUMBER = 2;
export const API = 'https://api.github.com';
export const WEBHOOK_SECRET = 'test-webhook-secret';
export const TEAM = { org: 'acme', slug: 'platform-seniors' };

// ---- payloads -------------------------------------------------------------------------------------------------

interface ExampleEvent {
  name: string;
  examples: Record<string, unknown>[];
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const examples = createRequire(import.meta.url)(
  '@octokit/webhooks-examples/api.github.com/index.json',
) as ExampleEvent[];

/** A deep copy of the first example of `event` with `action` that belongs to an app installation. */
export function example(event: string, action: string): Json {
  const found = examples
    .find((e) => e.name === event)
    ?.examples.find((x) => x.action === action && (x as Json).installation?.id === INSTALLATION_ID);
  if (!found) throw new Error(`no ${event}.${action} example with an installation`);
  return structuredClone(found);
}

/** A user shaped like the examples' users (Codertocat), with another login and id. */
export function user(login: string, id: number, type: 'User' | 'Bot' = 'User'): Json {
  const base = structuredClone(example('pull_request', 'opened').pull_request.user);
  const json = JSON.stringify(base).replaceAll('Codertocat', login).replaceAll('21031067', String(id));
  return { ...JSON.parse(json), login, id, type };
}

export const AUTHOR = example('pull_request', 'opened').pull_request.user; // Codertocat
export const ALICE = user('alice-senior', 5001);
export const BOB = user('bob-senior', 5002);
export const EVE = user('eve-outsider', 5003);
export const RENOVATE = user('renovate[bot]', 29139614, 'Bot');
/** envgate's own bot user. */
export const BOT = user('envgate[bot]', 777, 'Bot');

export interface PullRequestState {
  head: string;
  changedFiles: number;
  labels?: string[];
  state?: 'open' | 'closed';
  updatedAt?: string;
}

/** The pull_request object of the `opened` example, moved onto the fixture repo's commits. */
export function pullRequestObject(fixture: FixtureRepo, pr: PullRequestState): Json {
  const object = example('pull_request', 'opened').pull_request;
  object.head.sha = pr.head;
  object.head.ref = 'prod-bump';
  object.base.ref = 'main';
  object.base.sha = fixture.main;
  object.changed_files = pr.changedFiles;
  object.state = pr.state ?? 'open';
  object.updated_at = pr.updatedAt ?? object.updated_at;
  object.labels = (pr.labels ?? []).map((name, i) => ({
    id: 1000 + i,
    node_id: `LA_${i}`,
    url: `${API}/repos/${REPO}/labels/${name}`,
    name,
    color: 'b60205',
    default: false,
    description: null,
  }));
  return object;
}

export function pullRequestEvent(fixture: FixtureRepo, action: string, pr: PullRequestState): Json {
  const payload = example('pull_request', action === 'synchronize' ? 'synchronize' : 'opened');
  payload.action = action;
  payload.pull_request = pullRequestObject(fixture, pr);
  return payload;
}

/** issue_comment.created on the PR: the examples only comment on an issue, so the issue becomes PR #2. */
export function commentEvent(
  fixture: FixtureRepo,
  pr: PullRequestState,
  comment: { id: number; body: string; user: Json; at: string },
): Json {
  const payload = example('issue_comment', 'created');
  payload.issue.number = PR_NUMBER;
  payload.issue.pull_request = {
    url: `${API}/repos/${REPO}/pulls/${PR_NUMBER}`,
    html_url: `https://github.com/${REPO}/pull/${PR_NUMBER}`,
    diff_url: `https://github.com/${REPO}/pull/${PR_NUMBER}.diff`,
    patch_url: `https://github.com/${REPO}/pull/${PR_NUMBER}.patch`,
  };
  payload.issue.title = pullRequestObject(fixture, pr).title;
  payload.comment = issueComment(comment);
  payload.sender = comment.user;
  return payload;
}

/** A REST issue comment shaped like the example's. */
export function issueComment(comment: { id: number; body: string; user: Json; at: string; updatedAt?: string }): Json {
  const base = example('issue_comment', 'created').comment;
  return {
    ...base,
    id: comment.id,
    url: `${API}/repos/${REPO}/issues/comments/${comment.id}`,
    html_url: `https://github.com/${REPO}/pull/${PR_NUMBER}#issuecomment-${comment.id}`,
    issue_url: `${API}/repos/${REPO}/issues/${PR_NUMBER}`,
    user: comment.user,
    body: comment.body,
    created_at: comment.at,
    updated_at: comment.updatedAt ?? comment.at,
    performed_via_github_app: comment.user.type === 'Bot' ? { id: APP_ID } : null,
  };
}

/** A REST review (UPPERCASE state) shaped like the example's; the examples have no APPROVED one. */
export function review(review: { id: number; user: Json; state: string; commit: string; at: string }): Json {
  const base = example('pull_request_review', 'submitted').review;
  return {
    ...base,
    id: review.id,
    user: review.user,
    state: review.state,
    commit_id: review.commit,
    submitted_at: review.at,
    html_url: `https://github.com/${REPO}/pull/${PR_NUMBER}#pullrequestreview-${review.id}`,
  };
}

export function reviewEvent(fixture: FixtureRepo, pr: PullRequestState, rest: Json): Json {
  const payload = example('pull_request_review', 'submitted');
  payload.pull_request = pullRequestObject(fixture, pr);
  payload.review = { ...rest, state: String(rest.state).toLowerCase() }; // webhooks say "approved"
  payload.sender = rest.user;
  return payload;
}

/** check_run.rerequested for one of envgate's checks; like the example, without pull_requests (a fork). */
export function rerequestEvent(fixture: FixtureRepo, head: string): Json {
  const payload = example('check_run', 'rerequested');
  const repo = example('pull_request', 'opened');
  payload.repository = repo.repository;
  payload.check_run.name = 'envgate/approval';
  payload.check_run.head_sha = head;
  payload.check_run.app.id = APP_ID;
  payload.check_run.pull_requests = [];
  return payload;
}

// ---- the app under test ---------------------------------------------------------------------------------------

const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
  type: 'pkcs1',
  format: 'pem',
}) as string;

// Probot's retry and throttling stay on, with the waits shortened: writes are otherwise spaced a second apart.
const fastGroup = () => new Bottleneck.Group({ maxConcurrent: 10, minTime: 0 });
const TestOctokit = ProbotOctokit.defaults((options: Json) => ({
  ...options,
  retry: { ...options.retry, retryAfterBaseValue: 1 },
  throttle: {
    ...options.throttle,
    retryAfterBaseValue: 1,
    global: fastGroup(),
    write: fastGroup(),
    notifications: fastGroup(),
    search: fastGroup(),
  },
}));

/** A Probot instance as `envgate serve` configures it, with nothing loaded. */
export function bareProbot(): Probot {
  return new Probot({
    appId: APP_ID,
    privateKey,
    secret: WEBHOOK_SECRET,
    Octokit: TestOctokit as typeof ProbotOctokit,
    logLevel: (process.env.TEST_LOG_LEVEL as 'fatal') ?? 'fatal',
  });
}

export async function createProbot(options: Partial<GitHubAppOptions> = {}): Promise<Probot> {
  const probot = bareProbot();
  await probot.load(envgateApp({ appId: APP_ID, ...options }));
  return probot;
}

export async function deliver(probot: Probot, name: string, payload: Json, id = `delivery-${Math.random()}`) {
  await probot.receive({ id, name, payload } as Parameters<Probot['receive']>[0]);
}

// ---- the GitHub API ------------------------------------------------------------------------------------------

export interface Sent {
  comments: { method: 'POST' | 'PATCH'; id?: number; body: string }[];
  checkRuns: Json[];
  checkRunUpdates: Json[];
  labels: string[][];
}

const repoPath = `/repos/${REPO}`;

/** nock mocks for one review of PR #2, recording the request bodies envgate sends. */
export class GitHubMock {
  readonly sent: Sent = { comments: [], checkRuns: [], checkRunUpdates: [], labels: [] };
  readonly api = nock(API);
  private readonly codeload = nock('https://codeload.github.com', { badheaders: ['authorization'] });
  private nextCheckRunId = 9000;

  constructor(readonly fixture: FixtureRepo) {}

  installationToken(): this {
    this.api.post(`/app/installations/${INSTALLATION_ID}/access_tokens`).reply(201, {
      token: 'ghs_test_installation_token',
      expires_at: '2099-01-01T00:00:00Z',
      permissions: { checks: 'write', pull_requests: 'write', issues: 'write', contents: 'read', members: 'read' },
      repository_selection: 'all',
    });
    return this;
  }

  pull(pr: PullRequestState, times = 1): this {
    this.api.get(`${repoPath}/pulls/${PR_NUMBER}`).times(times).reply(200, pullRequestObject(this.fixture, pr));
    return this;
  }

  compare(head: string, mergeBase = this.fixture.main): this {
    this.api
      .get(`${repoPath}/compare/main...${head}`)
      .query({ per_page: '1' })
      .reply(200, {
        status: 'ahead',
        ahead_by: 1,
        behind_by: 0,
        total_commits: 1,
        base_commit: { sha: this.fixture.main },
        merge_base_commit: { sha: mergeBase },
        commits: [],
        files: [],
      });
    return this;
  }

  /** The archive endpoint redirects to codeload, as GitHub does; codeload must not receive the token. */
  tarball(sha: string): this {
    const token = `AB${sha.slice(0, 6)}`;
    this.api.get(`${repoPath}/tarball/${sha}`).reply(302, '', {
      location: `https://codeload.github.com/${REPO}/legacy.tar.gz/${sha}?token=${token}`,
    });
    this.codeload
      .get(`/${REPO}/legacy.tar.gz/${sha}`)
      .query({ token })
      .reply(200, this.fixture.archive(sha), { 'content-type': 'application/x-gzip' });
    return this;
  }

  files(head: string, files: PullFile[] = this.fixture.files(this.fixture.main, head)): this {
    this.api.get(`${repoPath}/pulls/${PR_NUMBER}/files`).query({ per_page: '100' }).reply(200, files);
    return this;
  }

  /** envgate's earlier check runs on `head` (to find when the head arrived). */
  checkRuns(head: string, runs: Json[] = []): this {
    this.api
      .get(`${repoPath}/commits/${head}/check-runs`)
      .query({ check_name: 'envgate/approval', app_id: String(APP_ID), filter: 'all', per_page: '100' })
      .reply(200, { total_count: runs.length, check_runs: runs });
    return this;
  }

  reviews(reviews: Json[] = []): this {
    this.api.get(`${repoPath}/pulls/${PR_NUMBER}/reviews`).query({ per_page: '100' }).reply(200, reviews);
    return this;
  }

  /** The PR's comments: `comments`, then the one envgate posted through this mock (if any) when listed. */
  comments(comments: Json[] = []): this {
    this.api
      .get(`${repoPath}/issues/${PR_NUMBER}/comments`)
      .query({ per_page: '100' })
      .reply(200, () => [...comments, ...this.posted]);
    return this;
  }

  /** envgate's comments created or edited through this mock, as GitHub now holds them. */
  readonly posted: Json[] = [];

  member(login: string, answer: 'active' | 'pending' | 404 | 500): this {
    const scope = this.api.get(`/orgs/${TEAM.org}/teams/${TEAM.slug}/memberships/${login}`);
    if (typeof answer === 'number') scope.reply(answer, { message: answer === 404 ? 'Not Found' : 'Server Error' });
    else scope.reply(200, { url: `${API}/teams/1/memberships/${login}`, role: 'member', state: answer });
    return this;
  }

  // Request bodies are taken by nock's body matcher: with fetch, nock 15 hangs on reply functions that take the body.
  private last: Json;
  private readonly body = (body: Json) => {
    this.last = body;
    return true;
  };

  createComment(id = 7001): this {
    this.api.post(`${repoPath}/issues/${PR_NUMBER}/comments`, this.body).reply(201, () => {
      this.sent.comments.push({ method: 'POST', body: this.last.body });
      const comment = issueComment({ id, body: this.last.body, user: BOT, at: '2026-11-21T10:00:00Z' });
      this.posted.push(comment);
      return comment;
    });
    return this;
  }

  updateComment(id: number): this {
    this.api.patch(`${repoPath}/issues/comments/${id}`, this.body).reply(200, () => {
      this.sent.comments.push({ method: 'PATCH', id, body: this.last.body });
      return issueComment({ id, body: this.last.body, user: BOT, at: '2026-11-21T10:00:00Z' });
    });
    return this;
  }

  createCheckRuns(times = 2): this {
    this.api
      .post(`${repoPath}/check-runs`, this.body)
      .times(times)
      .reply(201, () => {
        this.sent.checkRuns.push(this.last);
        return { id: this.nextCheckRunId++, ...this.last };
      });
    return this;
  }

  updateCheckRun(id: number, times = 1): this {
    this.api
      .patch(`${repoPath}/check-runs/${id}`, this.body)
      .times(times)
      .reply(200, () => {
        this.sent.checkRunUpdates.push(this.last);
        return { id, ...this.last };
      });
    return this;
  }

  addLabels(): this {
    this.api.post(`${repoPath}/issues/${PR_NUMBER}/labels`, this.body).reply(200, () => {
      this.sent.labels.push(this.last.labels);
      return this.last.labels.map((name: string) => ({ name }));
    });
    return this;
  }

  /** Everything one review of `pr` reads, with the archives of main (target = merge-base) and the head. */
  reviewReads(pr: PullRequestState, options: { reviews?: Json[]; comments?: Json[]; runs?: Json[] } = {}): this {
    return this.pull(pr)
      .compare(pr.head)
      .tarball(this.fixture.main)
      .tarball(pr.head)
      .files(pr.head)
      .checkRuns(pr.head, options.runs)
      .reviews(options.reviews)
      .comments(options.comments)
      .pull(pr); // asked again before publishing: has the head moved?
  }

  /** The check run envgate posted under `name`. */
  checkRun(name: 'envgate/validate' | 'envgate/approval'): Json {
    const run = this.sent.checkRuns.find((r) => r.name === name);
    if (!run) throw new Error(`no ${name} check run was created`);
    return run;
  }
}

/** An earlier envgate check run on `head` for PR #2, started when the head arrived. */
export function earlierCheckRun(head: string, startedAt: string, id = 8000): Json {
  return {
    id,
    head_sha: head,
    name: 'envgate/approval',
    external_id: `envgate:${REPO.toLowerCase()}#${PR_NUMBER}`,
    status: 'completed',
    conclusion: 'action_required',
    started_at: startedAt,
    completed_at: startedAt,
    app: { id: APP_ID, slug: 'envgate' },
    pull_requests: [],
  };
}
