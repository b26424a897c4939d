// The pure parts of the GitHub adapter: commands, signals, check runs, event decisions, API error text.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/types.js';
import { describeApiError } from '../../src/platforms/github/api-error.js';
import { CHECK_LIMITS, conclusionOf, planCheckRun } from '../../src/platforms/github/checks.js';
import { parseCommands } from '../../src/platforms/commands.js';
import {
  onCheckRerequested,
  onIssueComment,
  onPullRequest,
  onPullRequestReview,
} from '../../src/platforms/github/events.js';
import { HeadArrivals, latest } from '../../src/platforms/github/head-arrivals.js';
import { commentSignals, reviewSignals } from '../../src/platforms/github/signals.js';
import { ALICE, BOB, BOT, example, issueComment, review } from '../helpers/github.js';

describe('parseCommands', () => {
  it('reads commands on lines of their own, with scopes and reasons', () => {
    expect(parseCommands('Looks good.\n/approve\n')).toEqual([{ kind: 'approve' }]);
    expect(parseCommands('/approve prod, staging')).toEqual([{ kind: 'approve', scope: ['prod', 'staging'] }]);
    expect(parseCommands('  /REJECT prod')).toEqual([{ kind: 'reject', scope: ['prod'] }]);
    expect(parseCommands('/break-glass INC-1: checkout down')).toEqual([
      { kind: 'break-glass', reason: 'INC-1: checkout down' },
    ]);
    expect(parseCommands('/envgate rerun')).toEqual([{ kind: 'rerun' }]);
  });

  it('ignores quotes, code blocks, look-alike words and commands inside sentences', () => {
    expect(parseCommands('> /approve\nplease /approve this\n/approved\n/envgate approve')).toEqual([]);
    expect(parseCommands('```\n/approve\n```\n~~~sh\n/reject\n~~~')).toEqual([]);
    expect(parseCommands('```\n/approve\n```\n/reject')).toEqual([{ kind: 'reject' }]);
  });
});

describe('approval signals', () => {
  it("takes each reviewer's latest decisive review; dismissal withdraws it; comments only reviews never count", () => {
    const head = 'a'.repeat(40);
    const signals = reviewSignals([
      review({ id: 1, user: ALICE, state: 'APPROVED', commit: head, at: '2026-11-21T10:00:00Z' }),
      review({ id: 2, user: ALICE, state: 'COMMENTED', commit: head, at: '2026-11-21T10:05:00Z' }),
      review({ id: 3, user: BOB, state: 'APPROVED', commit: head, at: '2026-11-21T10:01:00Z' }),
      review({ id: 4, user: BOB, state: 'DISMISSED', commit: head, at: '2026-11-21T10:01:00Z' }),
      review({ id: 5, user: BOT, state: 'CHANGES_REQUESTED', commit: head, at: '2026-11-21T10:02:00Z' }),
    ]);
    expect(signals.map((s) => [s.who.login, s.verdict, s.commitSha, s.who.isBot])).toEqual([
      ['alice-senior', 'approve', head, false],
      ['envgate[bot]', 'reject', head, true],
    ]);
  });

  it('turns command comments into signals, marking edited ones as not counted', () => {
    const signals = commentSignals([
      issueComment({ id: 1, body: '/approve prod', user: ALICE, at: '2026-11-21T10:00:00Z' }),
      issueComment({
        id: 2,
        body: '/reject',
        user: BOB,
        at: '2026-11-21T10:00:00Z',
        updatedAt: '2026-11-21T10:03:00Z',
      }),
      issueComment({ id: 3, body: 'thanks!', user: BOB, at: '2026-11-21T10:04:00Z' }),
    ]);
    expect(signals).toEqual([
      expect.objectContaining({ kind: 'command', verdict: 'approve', scope: ['prod'], at: '2026-11-21T10:00:00Z' }),
      expect.objectContaining({ verdict: 'reject', notCounted: expect.stringContaining('edited') }),
    ]);
  });
});

describe('check runs', () => {
  const finding = (i: number, severity: Finding['severity'] = 'error'): Finding => ({
    rule: 'yaml/duplicate-key',
    severity,
    message: `duplicate key ${i}`,
    file: `environments/prod/f${i}.yaml`,
    line: i + 1,
  });

  it('never uses neutral or skipped for a blocked gate', () => {
    expect([conclusionOf('pass'), conclusionOf('fail'), conclusionOf('pending')]).toEqual([
      'success',
      'failure',
      'action_required',
    ]);
  });

  it('sends annotations 50 per call, maps severities, caps the total and says how many were left out', () => {
    const annotations = [
      finding(0, 'warning'),
      finding(1, 'info'),
      ...Array.from({ length: 298 }, (_, i) => finding(i + 2)),
    ];
    const plan = planCheckRun(
      {
        name: 'envgate/validate',
        gate: { state: 'fail', title: '298 errors', details: [] },
        summary: 'x'.repeat(70_000),
        annotations,
        headSha: 'b'.repeat(40),
      },
      { externalId: 'envgate:acme/deploy#7', startedAt: '2026-11-21T10:00:00Z', completedAt: '2026-11-21T10:00:05Z' },
    );
    expect(plan.create.output.annotations).toHaveLength(50);
    expect(plan.create.output.annotations!.slice(0, 3).map((a) => a.annotation_level)).toEqual([
      'warning',
      'notice',
      'failure',
    ]);
    expect(plan.updates.map((u) => u.annotations!.length)).toEqual([50, 50, 50, 50]);
    expect(plan.create.output.summary.length).toBeLessThanOrEqual(CHECK_LIMITS.summaryChars);
    expect(plan.create.output.summary).toMatch(
      /50 more findings are not annotated here; the PR comment lists them all\.$/,
    );
    expect(plan.create).toMatchObject({
      conclusion: 'failure',
      status: 'completed',
      external_id: 'envgate:acme/deploy#7',
    });
  });
});

describe('which deliveries are reviewed', () => {
  const repo = { full_name: 'acme/deploy', id: 42 };
  const pr = {
    number: 7,
    head: { sha: 'c'.repeat(40) },
    updated_at: '2026-11-21T10:00:00Z',
    base: { repo: { id: 42 } },
  };

  it('pull_request: head moves, ready for review, and base changes only', () => {
    expect(onPullRequest({ action: 'synchronize', repository: repo, pull_request: pr })).toEqual({
      kind: 'review',
      triggers: [
        {
          ref: { repo: 'acme/deploy', number: 7 },
          headSha: pr.head.sha,
          headMoved: { at: pr.updated_at },
          why: 'pull_request.synchronize',
        },
      ],
    });
    expect(onPullRequest({ action: 'ready_for_review', repository: repo, pull_request: pr }).kind).toBe('review');
    expect(
      onPullRequest({
        action: 'edited',
        repository: repo,
        pull_request: pr,
        changes: { base: { ref: { from: 'dev' } } },
      }).kind,
    ).toBe('review');
    expect(onPullRequest({ action: 'edited', repository: repo, pull_request: pr, changes: {} }).kind).toBe('ignore');
    expect(onPullRequest({ action: 'labeled', repository: repo, pull_request: pr }).kind).toBe('ignore');
  });

  it('issue comments: PRs only, commands only (also before an edit), never from bots', () => {
    const comment = (body: string, user = BOB, extra = {}) =>
      onIssueComment({
        action: 'created',
        repository: repo,
        issue: { number: 7, pull_request: {} },
        comment: { body, user },
        ...extra,
      }).kind;
    expect(comment('/approve')).toBe('review');
    expect(comment('nice')).toBe('ignore');
    expect(comment('/approve', BOT)).toBe('ignore');
    expect(comment('nice', BOB, { action: 'edited', changes: { body: { from: '/approve' } } })).toBe('review');
    const issue = example('issue_comment', 'created');
    expect(onIssueComment({ ...issue, comment: { ...issue.comment, body: '/approve' } }).kind).toBe('ignore'); // not a PR
  });

  it('reviews: submitted, edited and dismissed on open PRs', () => {
    const event = (action: string) =>
      onPullRequestReview({ action, repository: repo, pull_request: pr, review: { user: ALICE } });
    expect(['submitted', 'edited', 'dismissed'].map((a) => event(a).kind)).toEqual(['review', 'review', 'review']);
  });

  it("re-runs: envgate's own checks only; PRs of the repository itself, else a lookup by head", () => {
    const check = {
      action: 'rerequested',
      repository: repo,
      app: { id: 123 },
      name: 'envgate/validate',
      head_sha: pr.head.sha,
    };
    expect(onCheckRerequested({ ...check, pull_requests: [pr] }, 123)).toMatchObject({
      kind: 'review',
      triggers: [{ ref: { number: 7 } }],
    });
    expect(onCheckRerequested({ ...check, pull_requests: [] }, 123)).toMatchObject({
      kind: 'find-pulls',
      headSha: pr.head.sha,
    });
    expect(onCheckRerequested({ ...check, pull_requests: [pr] }, 124).kind).toBe('ignore');
    expect(onCheckRerequested({ ...check, name: 'lint', pull_requests: [pr] }, 123).kind).toBe('ignore');
  });
});

describe('head arrivals', () => {
  it('keeps the latest time per PR and answers only for the head it recorded', () => {
    const arrivals = new HeadArrivals();
    arrivals.record('acme/deploy#7', 'sha1', '2026-11-21T10:00:00Z', '2026-11-21T10:00:02Z');
    expect(arrivals.get('acme/deploy#7', 'sha1')).toBe('2026-11-21T10:00:02.000Z');
    expect(arrivals.get('acme/deploy#7', 'sha2')).toBeUndefined();
    expect(latest([undefined, 'not a date', null])).toBeUndefined();
  });
});

describe('GitHub API errors', () => {
  it('names the call and the status, never the URL', () => {
    const error = describeApiError('downloading the archive of acme/deploy@1a2b3c4', {
      status: 502,
      message: 'Bad Gateway',
      response: { headers: {}, data: { message: 'Bad Gateway' } },
    });
    expect(error.message).toBe(
      'GitHub API: downloading the archive of acme/deploy@1a2b3c4 failed (HTTP 502 Bad Gateway)',
    );
    const network = describeApiError(
      'reading pull request #7',
      new Error('connect ECONNREFUSED https://codeload.github.com/x?token=SECRET'),
    );
    expect(network.message).not.toContain('SECRET');
  });
});

describe('signals the adapter marks as not counted', () => {
  it('are listed with the reason, and never shadow a valid approval by the same person', async () => {
    const { evaluateEnvironment } = await import('../../src/core/approvals.js');
    const env = { name: 'prod', paths: [], class: 'critical' as const, approvals: { count: 1, from: [] } };
    const ctx = {
      author: { id: '1', login: 'dana', isBot: false },
      headSha: 'h',
      headAt: '2026-11-21T10:00:00Z',
      isMember: () => true,
    };
    const alice = { id: '2', login: 'alice', isBot: false };
    const valid = { who: alice, kind: 'command' as const, verdict: 'approve' as const, at: '2026-11-21T10:01:00Z' };
    const edited = { ...valid, at: '2026-11-21T10:02:00Z', notCounted: 'comment edited after posting does not count' };
    expect(evaluateEnvironment(env, [valid, edited], ctx)).toMatchObject({
      approvedBy: ['alice'],
      ignored: [],
      state: 'pass',
    });
    expect(evaluateEnvironment(env, [edited], ctx)).toMatchObject({
      approvedBy: [],
      ignored: ['@alice: comment edited after posting does not count'],
      state: 'pending',
    });
  });
});
