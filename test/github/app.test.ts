// The GitHub App end to end: real-shaped webhook deliveries into Probot, the GitHub API mocked with nock (every
// mock must be used, nothing else may be called), archives served from a real git repository, and the request
// bodies envgate sends asserted.
import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildFixtureRepo, type FixtureRepo } from '../helpers/github-fixture.js';
import {
  ALICE,
  APP_ID,
  AUTHOR,
  BOB,
  BOT,
  commentEvent,
  createProbot,
  deliver,
  earlierCheckRun,
  EVE,
  GitHubMock,
  issueComment,
  PR_NUMBER,
  pullRequestEvent,
  rerequestEvent,
  review,
  reviewEvent,
  type PullRequestState,
} from '../helpers/github.js';

const NOW = '2026-11-21T10:00:00Z';
const now = () => new Date(NOW);
const minutes = (n: number) => new Date(Date.parse(NOW) + n * 60_000).toISOString().replace('.000Z', 'Z');

let fixture: FixtureRepo;
let prodPr: PullRequestState;
beforeAll(async () => {
  fixture = await buildFixtureRepo();
  prodPr = { head: fixture.prodBump, changedFiles: 2 };
});
afterAll(() => fixture.cleanup());
beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

const app = () => createProbot({ now });

describe('GitHub App: a pull request that changes environments', () => {
  it('opened: posts one comment and both check runs, with line annotations and what approvals are missing', async () => {
    const probot = await app();
    const pr = { head: fixture.release, changedFiles: 7 };
    const github = new GitHubMock(fixture).installationToken().reviewReads(pr).createComment().createCheckRuns();
    await deliver(probot, 'pull_request', pullRequestEvent(fixture, 'opened', pr));

    expect(github.sent.comments).toHaveLength(1);
    const comment = github.sent.comments[0]!;
    expect(comment.method).toBe('POST');
    // The sample PR's planted mistakes: a duplicate key, a misspelt field, a plain Secret, and prod's image losing its
    // digest (the baseline policy on the rendered Deployment: no line to annotate, so it is in the comment only).
    const errors = Number(
      /^<!-- envgate:v1 -->\n### envgate · 3 environments · ❌ (\d+) errors? · ⏳ approval needed/.exec(
        comment.body,
      )?.[1],
    );
    expect(errors).toBe(4);
    expect(comment.body).toContain('`policy/envgate-baseline-image-digest`');
    expect(comment.body).toContain('environments/test/patches/probes.yaml:13 | `yaml/duplicate-key`');

    const validate = github.checkRun('envgate/validate');
    expect(validate).toMatchObject({
      head_sha: fixture.release,
      status: 'completed',
      conclusion: 'failure',
      external_id: `envgate:codertocat/hello-world#${PR_NUMBER}`,
      started_at: NOW,
      output: { title: `${errors} errors` },
    });
    expect(
      validate.output.annotations.filter((a: { annotation_level: string }) => a.annotation_level === 'failure'),
    ).toHaveLength(errors - 1);
    expect(validate.output.annotations).toContainEqual({
      path: 'environments/test/patches/probes.yaml',
      start_line: 13,
      end_line: 13,
      start_column: 13,
      end_column: 13,
      annotation_level: 'failure',
      message: 'duplicate key "periodSeconds"',
      title: 'yaml/duplicate-key',
    });
    const approval = github.checkRun('envgate/approval');
    expect(approval).toMatchObject({ conclusion: 'action_required', output: { title: 'approval needed' } });
    expect(approval.output.summary).toContain('- staging: 0 of 1 approvals from @acme/platform-seniors');
    expect(approval.output.summary).toContain('- prod: 0 of 2 approvals from @acme/platform-seniors');
  });

  it('follows a prod PR from opened to approved through the comment and the checks', async () => {
    const probot = await app();
    const github = new GitHubMock(fixture).installationToken();

    // 1. opened: nothing approved yet
    github.reviewReads(prodPr).createComment(7001).createCheckRuns();
    await deliver(probot, 'pull_request', pullRequestEvent(fixture, 'opened', prodPr));
    expect(github.checkRun('envgate/validate').conclusion).toBe('success');
    expect(github.checkRun('envgate/approval').output.summary).toContain('prod: 0 of 2 approvals');

    // 2. alice approves with a review: staging is done, prod needs one more. The archives come from the cache.
    const aliceReview = review({ id: 301, user: ALICE, state: 'APPROVED', commit: prodPr.head, at: minutes(2) });
    github.sent.checkRuns.length = 0;
    github
      .pull(prodPr)
      .compare(prodPr.head)
      .files(prodPr.head)
      .checkRuns(prodPr.head, [earlierCheckRun(prodPr.head, NOW)])
      .reviews([aliceReview])
      .comments()
      .member('alice-senior', 'active')
      .pull(prodPr)
      .updateComment(7001)
      .createCheckRuns();
    await deliver(probot, 'pull_request_review', reviewEvent(fixture, prodPr, aliceReview));
    expect(github.sent.comments.map((c) => c.method)).toEqual(['POST', 'PATCH']);
    expect(github.sent.comments[1]!.body).toContain('| staging | 8 | 0 | 1 | 0 | ✅ | — | ✅ 1/1 (@alice-senior) |');
    const pending = github.checkRun('envgate/approval');
    expect(pending.conclusion).toBe('action_required');
    expect(pending.output.summary).toContain('- prod: 1 of 2 approvals from @acme/platform-seniors');
    expect(pending.output.summary).not.toContain('staging: 0');

    // 3. bob approves with a comment after the push: both environments are approved.
    const bobApproves = { id: 401, body: '/approve', user: BOB, at: minutes(5) };
    github.sent.checkRuns.length = 0;
    github
      .pull(prodPr)
      .compare(prodPr.head)
      .files(prodPr.head)
      .checkRuns(prodPr.head, [earlierCheckRun(prodPr.head, NOW)])
      .reviews([aliceReview])
      .comments([issueComment(bobApproves)])
      .member('alice-senior', 'active')
      .member('bob-senior', 'active')
      .pull(prodPr)
      .updateComment(7001)
      .createCheckRuns();
    await deliver(probot, 'issue_comment', commentEvent(fixture, prodPr, bobApproves));
    expect(github.sent.comments.map((c) => c.method)).toEqual(['POST', 'PATCH', 'PATCH']);
    expect(github.sent.comments[2]!.body).toMatch(
      /^<!-- envgate:v1 -->\n### envgate · 2 environments · ✅ valid · ✅ approved/,
    );
    expect(github.checkRun('envgate/approval')).toMatchObject({
      conclusion: 'success',
      output: { title: 'approved' },
    });
    expect(github.checkRun('envgate/approval').output.summary).toContain(
      '- prod: approved by @alice-senior, @bob-senior',
    );
  });

  it('counts no approval given before the latest push: reviews of the old commit, comments before it arrived', async () => {
    const probot = await app();
    const pr = { head: fixture.prodBump2, changedFiles: 2 };
    const oldReview = review({ id: 302, user: ALICE, state: 'APPROVED', commit: fixture.prodBump, at: minutes(-60) });
    const oldComment = issueComment({ id: 402, body: '/approve', user: BOB, at: minutes(-30) });
    const github = new GitHubMock(fixture)
      .installationToken()
      .reviewReads(pr, { reviews: [oldReview], comments: [oldComment] })
      .member('alice-senior', 'active')
      .member('bob-senior', 'active')
      .createComment()
      .createCheckRuns();
    await deliver(probot, 'pull_request', pullRequestEvent(fixture, 'synchronize', pr));
    const approval = github.checkRun('envgate/approval');
    expect(approval.conclusion).toBe('action_required');
    expect(approval.started_at).toBe(NOW); // when the push arrived, kept for later events
    expect(approval.output.summary).toContain(
      '@alice-senior: approval predates the latest push; @bob-senior: approval predates the latest push',
    );

    // Later, after a restart (no memory of the push): the check run's start still dates the head, so a comment
    // after it counts and the old review still does not.
    const restarted = await app();
    const newComment = { id: 403, body: '/approve prod', user: BOB, at: minutes(3) };
    github.sent.checkRuns.length = 0;
    github
      .installationToken()
      .pull(pr)
      .compare(pr.head)
      .tarball(fixture.main)
      .tarball(pr.head)
      .files(pr.head)
      .checkRuns(pr.head, [earlierCheckRun(pr.head, NOW)])
      .reviews([oldReview])
      .comments([oldComment, issueComment(newComment)])
      .member('alice-senior', 'active')
      .member('bob-senior', 'active')
      .pull(pr)
      .updateComment(7001)
      .createCheckRuns();
    await deliver(restarted, 'issue_comment', commentEvent(fixture, pr, newComment));
    const summary = github.checkRun('envgate/approval').output.summary;
    expect(summary).toContain(
      '| prod | 1/2 | @acme/platform-seniors | @bob-senior | @alice-senior: approval predates the latest push |',
    );
    expect(summary).toContain('- staging: 0 of 1 approvals'); // `/approve prod` is scoped to prod
  });

  it("never counts the author's own approval, and does not ask GitHub about the author's membership", async () => {
    const probot = await app();
    const selfApproval = { id: 404, body: 'LGTM\n/approve', user: AUTHOR, at: minutes(1) };
    const github = new GitHubMock(fixture)
      .installationToken()
      .reviewReads(prodPr, { comments: [issueComment(selfApproval)] })
      .createComment()
      .createCheckRuns();
    await deliver(probot, 'issue_comment', commentEvent(fixture, prodPr, selfApproval));
    const approval = github.checkRun('envgate/approval');
    expect(approval.conclusion).toBe('action_required');
    expect(approval.output.summary).toContain('| prod | 0/2 | @acme/platform-seniors | — | @Codertocat: PR author |');
  });

  it('does not count `/approve` from someone outside the team, nor from an invitee who has not accepted', async () => {
    const probot = await app();
    const outsider = { id: 405, body: '/approve', user: EVE, at: minutes(1) };
    const invitee = { id: 406, body: '/approve', user: BOB, at: minutes(2) };
    const github = new GitHubMock(fixture)
      .installationToken()
      .reviewReads(prodPr, { comments: [issueComment(outsider), issueComment(invitee)] })
      .member('eve-outsider', 404) // GitHub's answer for "not a member"
      .member('bob-senior', 'pending')
      .createComment()
      .createCheckRuns();
    await deliver(probot, 'issue_comment', commentEvent(fixture, prodPr, invitee));
    const summary = github.checkRun('envgate/approval').output.summary;
    expect(summary).toContain('@eve-outsider: not in @acme/platform-seniors');
    expect(summary).toContain('@bob-senior: not in @acme/platform-seniors');
    expect(github.checkRun('envgate/approval').conclusion).toBe('action_required');
  });

  it('says so when team membership cannot be checked, and does not count the approval', async () => {
    const probot = await app();
    const approval = { id: 407, body: '/approve', user: ALICE, at: minutes(1) };
    const github = new GitHubMock(fixture)
      .installationToken()
      .reviewReads(prodPr, { comments: [issueComment(approval)] })
      .createComment()
      .createCheckRuns();
    // Probot retries server errors (three times) before giving up.
    for (let i = 0; i < 4; i++) github.member('alice-senior', 500);
    await deliver(probot, 'issue_comment', commentEvent(fixture, prodPr, approval));
    const summary = github.checkRun('envgate/approval').output.summary;
    expect(summary).toContain('@alice-senior: membership in @acme/platform-seniors could not be checked');
    expect(github.checkRun('envgate/approval').conclusion).toBe('action_required');
  });

  it('blocks with a failure when a senior requests changes, whatever others approve', async () => {
    const probot = await app();
    const changes = review({ id: 304, user: ALICE, state: 'CHANGES_REQUESTED', commit: fixture.main, at: minutes(-5) });
    const approve = issueComment({ id: 415, body: '/approve', user: BOB, at: minutes(1) });
    const github = new GitHubMock(fixture)
      .installationToken()
      .reviewReads(prodPr, { reviews: [changes], comments: [approve] })
      .member('alice-senior', 'active')
      .member('bob-senior', 'active')
      .createComment()
      .createCheckRuns();
    await deliver(probot, 'pull_request_review', reviewEvent(fixture, prodPr, changes));
    const approval = github.checkRun('envgate/approval');
    expect(approval).toMatchObject({ conclusion: 'failure', output: { title: 'changes requested' } });
    expect(approval.output.summary).toContain('- prod: changes requested by @alice-senior');
    expect(github.sent.comments[0]!.body).toContain('⛔ changes requested');
  });

  it('does not count a command comment that was edited after posting', async () => {
    const probot = await app();
    const edited = { id: 408, body: '/approve', user: ALICE, at: minutes(1), updatedAt: minutes(2) };
    const github = new GitHubMock(fixture)
      .installationToken()
      .reviewReads(prodPr, { comments: [issueComment(edited)] })
      .createComment()
      .createCheckRuns();
    const event = commentEvent(fixture, prodPr, edited);
    event.action = 'edited';
    event.changes = { body: { from: 'looks fine' } };
    await deliver(probot, 'issue_comment', event);
    expect(github.checkRun('envgate/approval').output.summary).toContain(
      '@alice-senior: comment edited after posting does not count; post a new `/approve`',
    );
  });
});

describe('GitHub App: break-glass', () => {
  it('opens the approval gate for a senior, records who and why, and labels the PR', async () => {
    const probot = await app();
    const breakGlass = {
      id: 409,
      body: '/break-glass INC-4711 checkout is down, rolling forward the fix',
      user: ALICE,
      at: minutes(1),
    };
    const github = new GitHubMock(fixture)
      .installationToken()
      .reviewReads(prodPr, { comments: [issueComment(breakGlass)] })
      .member('alice-senior', 'active')
      .addLabels()
      .createComment()
      .createCheckRuns();
    await deliver(probot, 'issue_comment', commentEvent(fixture, prodPr, breakGlass));
    expect(github.sent.labels).toEqual([['break-glass']]);
    expect(github.sent.comments[0]!.body).toContain(
      '> 🚨 **Break-glass** by @alice-senior at 2026-11-21T10:01:00Z: INC-4711 checkout is down, rolling forward the fix',
    );
    const approval = github.checkRun('envgate/approval');
    expect(approval).toMatchObject({ conclusion: 'success', output: { title: 'break-glass by @alice-senior' } });
    expect(approval.output.summary).toContain(
      '- @alice-senior used break-glass: INC-4711 checkout is down, rolling forward the fix',
    );
  });

  it('ignores break-glass from someone outside the team', async () => {
    const probot = await app();
    const breakGlass = { id: 410, body: '/break-glass trust me', user: EVE, at: minutes(1) };
    const github = new GitHubMock(fixture)
      .installationToken()
      .reviewReads({ ...prodPr, labels: [] }, { comments: [issueComment(breakGlass)] })
      .member('eve-outsider', 404)
      .createComment()
      .createCheckRuns();
    await deliver(probot, 'issue_comment', commentEvent(fixture, prodPr, breakGlass));
    expect(github.sent.labels).toEqual([]);
    expect(github.checkRun('envgate/approval').conclusion).toBe('action_required');
  });

  it('fails both gates when the label cannot be added: the bypass must be on record first', async () => {
    const probot = await app();
    const breakGlass = { id: 411, body: '/break-glass INC-4712', user: ALICE, at: minutes(1) };
    const github = new GitHubMock(fixture)
      .installationToken()
      .reviewReads(prodPr, { comments: [issueComment(breakGlass)] })
      .member('alice-senior', 'active')
      .createCheckRuns();
    github.api
      .post('/repos/Codertocat/Hello-World/issues/2/labels')
      .reply(403, { message: 'Resource not accessible by integration' });
    await expect(deliver(probot, 'issue_comment', commentEvent(fixture, prodPr, breakGlass))).rejects.toThrow(/label/);
    expect(github.sent.comments).toEqual([]);
    for (const name of ['envgate/validate', 'envgate/approval'] as const) {
      expect(github.checkRun(name)).toMatchObject({
        conclusion: 'failure',
        output: { title: 'review did not complete' },
      });
      expect(github.checkRun(name).output.summary).toContain(
        'GitHub API: adding the break-glass label failed (HTTP 403 Resource not accessible by integration)',
      );
    }
  });
});

describe('GitHub App: reliability', () => {
  it('reviews a delivery GitHub sends twice only once', async () => {
    const probot = await app();
    const github = new GitHubMock(fixture).installationToken().reviewReads(prodPr).createComment().createCheckRuns();
    const event = pullRequestEvent(fixture, 'opened', prodPr);
    await Promise.all([
      deliver(probot, 'pull_request', event, 'same-delivery'),
      deliver(probot, 'pull_request', event, 'same-delivery'),
    ]);
    await deliver(probot, 'pull_request', event, 'same-delivery');
    expect(github.sent.comments).toHaveLength(1);
    expect(github.sent.checkRuns).toHaveLength(2);
  });

  it('serialises concurrent events on one PR: a push during a review drops the stale result, the latest head wins', async () => {
    const probot = await app();
    const first = prodPr;
    // GitHub's time for the push is a minute ahead of this server's clock: the later of the two dates the head.
    const second = { head: fixture.prodBump2, changedFiles: 2, updatedAt: minutes(1) };
    const github = new GitHubMock(fixture).installationToken();
    // The first review reads the first head; by the time it would publish, GitHub shows the second.
    github
      .pull(first)
      .compare(first.head)
      .tarball(fixture.main)
      .tarball(first.head)
      .files(first.head)
      .checkRuns(first.head)
      .reviews()
      .comments()
      .pull(second);
    // The synchronize delivery waits behind it and is replaced by the review delivery that came after it.
    github
      .pull(second)
      .compare(second.head)
      .tarball(second.head)
      .files(second.head)
      .checkRuns(second.head)
      .reviews([review({ id: 303, user: ALICE, state: 'APPROVED', commit: first.head, at: minutes(1) })])
      .comments()
      .member('alice-senior', 'active')
      .pull(second)
      .createComment()
      .createCheckRuns();
    const aliceReview = review({ id: 303, user: ALICE, state: 'APPROVED', commit: first.head, at: minutes(1) });
    const opened = deliver(probot, 'pull_request', pullRequestEvent(fixture, 'opened', first));
    const pushed = deliver(probot, 'pull_request', pullRequestEvent(fixture, 'synchronize', second));
    const reviewed = deliver(probot, 'pull_request_review', reviewEvent(fixture, first, aliceReview));
    await Promise.all([opened, pushed, reviewed]);

    expect(github.sent.comments).toHaveLength(1);
    expect(github.sent.checkRuns.map((run) => [run.name, run.head_sha])).toEqual([
      ['envgate/validate', second.head],
      ['envgate/approval', second.head],
    ]);
    // The dropped synchronize still dated the new head: alice's review of the first head is stale.
    expect(github.checkRun('envgate/approval').started_at).toBe(minutes(1));
    expect(github.checkRun('envgate/approval').output.summary).toContain(
      '@alice-senior: approval predates the latest push',
    );
  });

  it('ends both checks in failure, saying what went wrong, when the GitHub API keeps failing', async () => {
    const probot = await app();
    const github = new GitHubMock(fixture)
      .installationToken()
      .pull(prodPr)
      .compare(prodPr.head)
      .tarball(fixture.main)
      .tarball(prodPr.head)
      .createCheckRuns();
    github.api
      .get('/repos/Codertocat/Hello-World/pulls/2/files')
      .query(true)
      .times(4) // the first try and Probot's three retries
      .reply(500, { message: 'Server Error' });
    await expect(deliver(probot, 'pull_request', pullRequestEvent(fixture, 'opened', prodPr))).rejects.toThrow(/500/);
    expect(github.sent.comments).toEqual([]);
    for (const name of ['envgate/validate', 'envgate/approval'] as const) {
      const run = github.checkRun(name);
      expect(run).toMatchObject({
        head_sha: prodPr.head,
        conclusion: 'failure',
        output: { title: 'review did not complete' },
      });
      expect(run.output.summary).toBe(
        '**envgate could not complete the review**\n\nGitHub API: listing the changed files failed (HTTP 500 Server Error)',
      );
    }
  });

  it('waits out a rate limit (Probot throttling) and completes the review', async () => {
    const probot = await app();
    const github = new GitHubMock(fixture).installationToken();
    github.api
      .get('/repos/Codertocat/Hello-World/pulls/2')
      .reply(
        403,
        { message: 'API rate limit exceeded for installation ID 1.' },
        { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.floor(Date.now() / 1000)) },
      );
    github.reviewReads(prodPr).createComment().createCheckRuns();
    await deliver(probot, 'pull_request', pullRequestEvent(fixture, 'opened', prodPr));
    expect(github.sent.comments).toHaveLength(1);
    expect(github.checkRun('envgate/approval').conclusion).toBe('action_required');
  });

  it('fails the checks with the rate limit reset time when the limit does not lift', async () => {
    const probot = await app();
    const reset = Math.floor(Date.parse('2026-11-21T10:42:00Z') / 1000);
    const github = new GitHubMock(fixture)
      .installationToken()
      .pull(prodPr)
      .compare(prodPr.head)
      .tarball(fixture.main)
      .tarball(prodPr.head)
      .files(prodPr.head)
      .checkRuns(prodPr.head)
      .comments()
      .createCheckRuns();
    github.api
      .get('/repos/Codertocat/Hello-World/pulls/2/reviews')
      .query(true)
      .times(4) // the first try and Probot's retries
      .reply(
        403,
        { message: 'API rate limit exceeded for installation ID 1.' },
        {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(reset),
        },
      );
    await expect(deliver(probot, 'pull_request', pullRequestEvent(fixture, 'opened', prodPr))).rejects.toThrow(
      /rate limit/,
    );
    expect(github.checkRun('envgate/approval')).toMatchObject({
      conclusion: 'failure',
      output: { title: 'review did not complete' },
    });
    expect(github.checkRun('envgate/approval').output.summary).toContain(
      'GitHub API: listing the reviews failed (HTTP 403: the GitHub API rate limit is exhausted; it resets at 10:42 UTC)',
    );
  });
});

describe('GitHub App: other events', () => {
  it('passes a PR that touches no environment with a check that says so, and posts no comment', async () => {
    const probot = await app();
    const pr = { head: fixture.docs, changedFiles: 1 };
    const github = new GitHubMock(fixture).installationToken().reviewReads(pr).createCheckRuns();
    await deliver(probot, 'pull_request', pullRequestEvent(fixture, 'opened', pr));
    expect(github.sent.comments).toEqual([]);
    expect(github.sent.checkRuns.map((run) => [run.name, run.conclusion, run.output.title])).toEqual([
      ['envgate/validate', 'success', 'no environment changed'],
      ['envgate/approval', 'success', 'no approval required'],
    ]);
  });

  it('edits nothing when the comment would not change', async () => {
    const probot = await app();
    const github = new GitHubMock(fixture).installationToken().reviewReads(prodPr).createComment().createCheckRuns();
    await deliver(probot, 'pull_request', pullRequestEvent(fixture, 'opened', prodPr));
    github
      .pull(prodPr)
      .compare(prodPr.head)
      .files(prodPr.head)
      .checkRuns(prodPr.head, [earlierCheckRun(prodPr.head, NOW)])
      .reviews()
      .comments()
      .pull(prodPr)
      .createCheckRuns();
    await deliver(
      probot,
      'issue_comment',
      commentEvent(fixture, prodPr, { id: 412, body: '/envgate rerun', user: EVE, at: minutes(1) }),
    );
    expect(github.sent.comments.map((c) => c.method)).toEqual(['POST']);
    expect(github.sent.checkRuns).toHaveLength(4);
  });

  it('reviews again when one of its checks is re-run, finding the PR by its head when the payload has none', async () => {
    const probot = await app();
    const github = new GitHubMock(fixture).installationToken();
    const pulls = [
      { number: PR_NUMBER, state: 'open', head: { sha: prodPr.head } },
      { number: 1, state: 'closed', head: { sha: prodPr.head } },
    ];
    github.api.get(`/repos/Codertocat/Hello-World/commits/${prodPr.head}/pulls`).reply(200, pulls);
    github.reviewReads(prodPr).createComment().createCheckRuns();
    await deliver(probot, 'check_run', rerequestEvent(fixture, prodPr.head));
    expect(github.sent.checkRuns).toHaveLength(2);
  });

  it('ignores comments without a command, comments by bots and checks of other apps', async () => {
    const probot = await app();
    await deliver(
      probot,
      'issue_comment',
      commentEvent(fixture, prodPr, { id: 413, body: 'Nice!', user: BOB, at: minutes(1) }),
    );
    await deliver(
      probot,
      'issue_comment',
      commentEvent(fixture, prodPr, { id: 414, body: '/approve', user: BOT, at: minutes(1) }),
    );
    const other = rerequestEvent(fixture, prodPr.head);
    other.check_run.app.id = APP_ID + 1;
    await deliver(probot, 'check_run', other);
    // No mocks: any API call would have failed the delivery.
  });

  it('compares the two trees when the PR has more files than the files API lists', async () => {
    const probot = await app();
    const pr = { head: fixture.prodBump, changedFiles: 3001 };
    const github = new GitHubMock(fixture)
      .installationToken()
      .pull(pr)
      .compare(pr.head)
      .tarball(fixture.main)
      .tarball(pr.head)
      .checkRuns(pr.head)
      .reviews()
      .comments()
      .pull(pr)
      .createComment()
      .createCheckRuns();
    await deliver(probot, 'pull_request', pullRequestEvent(fixture, 'opened', pr));
    expect(github.sent.comments[0]!.body).toContain('### envgate · 2 environments');
    expect(github.checkRun('envgate/approval').output.summary).toContain('prod: 0 of 2 approvals');
  });
});
