import { describe, expect, it } from 'vitest';
import type { ApprovalSignal, Identity } from '../src/core/types.js';
import { MemorySnapshot } from '../src/git/memory.js';
import { reviewPullRequest } from '../src/platforms/review-pull-request.js';
import type { GateReport, Platform, PlatformPullRequest, PrRef } from '../src/platforms/types.js';

const CONFIG =
  'environments:\n  prod: { paths: ["environments/prod/**"], class: critical, approvals: { count: 1, from: ["@acme/seniors"] } }\n';
const person = (login: string): Identity => ({ id: login, login, isBot: false });

class FakePlatform implements Platform {
  readonly name = 'github' as const;
  readonly limits = { commentChars: 65_536, checkSummaryChars: 65_535 };
  comments: { body: string; create: boolean }[] = [];
  gates: GateReport[] = [];
  memberChecks: string[] = [];
  constructor(
    private readonly pr: PlatformPullRequest,
    private readonly signals: ApprovalSignal[] = [],
    private readonly members: Record<string, boolean | Error> = {},
  ) {}
  async getPullRequest() {
    return this.pr;
  }
  async listApprovalSignals() {
    return this.signals;
  }
  async isMember(who: Identity, group: string) {
    this.memberChecks.push(`${who.login} in ${group}`);
    const answer = this.members[who.login];
    if (answer instanceof Error) throw answer;
    return answer ?? false;
  }
  async upsertComment(_ref: PrRef, _marker: string, body: string, options: { create: boolean }) {
    this.comments.push({ body, create: options.create });
  }
  async setGate(_ref: PrRef, report: GateReport) {
    this.gates.push(report);
  }
}

function pullRequest(headFiles: Record<string, string>, changed: string[]): PlatformPullRequest {
  const base = MemorySnapshot.fromRecord('1'.repeat(40), {
    '.envgate.yml': CONFIG,
    'environments/prod/a.yaml': 'a: 1\n',
  });
  return {
    ref: { repo: 'acme/deploy', number: 7 },
    platform: 'github',
    id: '7',
    title: 'bump',
    author: person('dana'),
    sourceBranch: 'bump',
    targetBranch: 'main',
    labels: [],
    isDraft: false,
    state: 'open',
    base,
    target: base,
    head: MemorySnapshot.fromRecord('2'.repeat(40), { '.envgate.yml': CONFIG, ...headFiles }),
    changedPaths: changed.map((path) => ({ path, status: 'modified' as const })),
    headAt: '2026-11-20T10:00:00Z',
  };
}

describe('reviewPullRequest', () => {
  it('reviews, asks membership once per signer and group, and publishes the comment and both gates', async () => {
    const pr = pullRequest({ 'environments/prod/a.yaml': 'a: 2\n' }, ['environments/prod/a.yaml']);
    const platform = new FakePlatform(
      pr,
      [
        { who: person('alice'), kind: 'review', verdict: 'approve', commitSha: '2'.repeat(40) },
        { who: person('alice'), kind: 'command', verdict: 'approve', at: '2026-11-20T11:00:00Z' },
        { who: person('dana'), kind: 'review', verdict: 'approve', commitSha: '2'.repeat(40) },
      ],
      { alice: true },
    );
    const result = await reviewPullRequest(platform, pr.ref);
    expect(platform.memberChecks).toEqual(['alice in @acme/seniors']);
    expect(result.published).toBe(true);
    expect(platform.comments).toHaveLength(1);
    expect(platform.comments[0]!.create).toBe(true);
    expect(platform.comments[0]!.body).toContain('✅ 1/1 (@alice)');
    expect(platform.gates.map((g) => [g.name, g.gate.state, g.headSha])).toEqual([
      ['envgate/validate', 'pass', '2'.repeat(40)],
      ['envgate/approval', 'pass', '2'.repeat(40)],
    ]);
    expect(platform.gates[1]!.summary).toContain('| prod | 1/1 | @acme/seniors | @alice | @dana: PR author |');
  });

  it('does not create a comment for a PR that touches no environment, but still passes the gates', async () => {
    const pr = pullRequest({ 'README.md': 'x' }, ['README.md']);
    const platform = new FakePlatform(pr);
    await reviewPullRequest(platform, pr.ref);
    expect(platform.comments).toEqual([expect.objectContaining({ create: false })]);
    expect(platform.gates.map((g) => [g.name, g.gate.state, g.gate.title])).toEqual([
      ['envgate/validate', 'pass', 'no environment changed'],
      ['envgate/approval', 'pass', 'no approval required'],
    ]);
  });

  it('does not count an approval whose membership lookup failed, and says so', async () => {
    const pr = pullRequest({ 'environments/prod/a.yaml': 'a: 2\n' }, ['environments/prod/a.yaml']);
    const platform = new FakePlatform(
      pr,
      [{ who: person('alice'), kind: 'review', verdict: 'approve', commitSha: '2'.repeat(40) }],
      {
        alice: new Error('HTTP 502'),
      },
    );
    const { review } = await reviewPullRequest(platform, pr.ref);
    expect(review.gate.approval.state).toBe('pending');
    expect(review.approvals[0]!.ignored).toEqual(['@alice: membership in @acme/seniors could not be checked']);
  });

  it('drops a result that a newer push superseded', async () => {
    const pr = pullRequest({ 'environments/prod/a.yaml': 'a: 2\n' }, ['environments/prod/a.yaml']);
    const platform = new FakePlatform(pr);
    const result = await reviewPullRequest(platform, pr.ref, { isSuperseded: () => true });
    expect(result.published).toBe(false);
    expect(platform.comments).toEqual([]);
    expect(platform.gates).toEqual([]);
  });

  it('fails both gates with the reason when the platform fails mid-review', async () => {
    const pr = pullRequest({ 'environments/prod/a.yaml': 'a: 2\n' }, ['environments/prod/a.yaml']);
    const platform = new FakePlatform(pr);
    platform.listApprovalSignals = async () => {
      throw new Error('GET /pulls/7/reviews: 500 Internal Server Error');
    };
    await expect(reviewPullRequest(platform, pr.ref)).rejects.toThrow(/500/);
    expect(platform.gates.map((g) => [g.name, g.gate.state, g.gate.details[0]])).toEqual([
      ['envgate/validate', 'fail', 'GET /pulls/7/reviews: 500 Internal Server Error'],
      ['envgate/approval', 'fail', 'GET /pulls/7/reviews: 500 Internal Server Error'],
    ]);
  });
});
