// Auto-approval in the approvals core, and the platform approval a fully auto-approved Renovate PR gets.
import { describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../src/config/config.js';
import { evaluateApprovals } from '../src/core/approvals.js';
import type { ApprovalSignal, Identity } from '../src/core/types.js';
import { reviewPullRequest } from '../src/platforms/review-pull-request.js';
import type { GateReport, Platform, PlatformPullRequest, PrRef } from '../src/platforms/types.js';
import { DIGESTS, fixtureBody, renovatePr } from './helpers/renovate-repo.js';

const prod: EnvironmentConfig = {
  name: 'prod',
  paths: ['environments/prod/**'],
  class: 'critical',
  approvals: { count: 2, from: ['@acme/seniors'] },
};
const bot: Identity = { id: '29139614', login: 'renovate[bot]', isBot: true };
const alice: Identity = { id: '7', login: 'alice', isBot: false };

describe('auto-approval in the approvals core', () => {
  const context = { author: bot, headSha: 'b'.repeat(40), isMember: () => true };

  it('satisfies the requirement with a record, shown in the gate', () => {
    const outcome = evaluateApprovals([prod], [], {
      ...context,
      autoApproved: { prod: 'auto-approved by envgate: 1 digest update' },
    });
    expect(outcome.approvals[0]).toMatchObject({
      state: 'pass',
      approvedBy: [],
      autoApproved: 'auto-approved by envgate: 1 digest update',
    });
    expect(outcome.gate).toEqual({
      state: 'pass',
      title: 'auto-approved',
      details: ['prod: auto-approved by envgate: 1 digest update'],
    });
  });

  it('never overrides a senior who requested changes', () => {
    const reject: ApprovalSignal = { who: alice, kind: 'review', verdict: 'reject', commitSha: 'b'.repeat(40) };
    const outcome = evaluateApprovals([prod], [reject], {
      ...context,
      autoApproved: { prod: 'auto-approved by envgate: 1 digest update' },
    });
    expect(outcome.approvals[0]).toMatchObject({ state: 'fail', rejectedBy: ['alice'] });
    expect(outcome.approvals[0]!.autoApproved).toBeUndefined();
    expect(outcome.gate.state).toBe('fail');
  });

  it('is only for the environments named', () => {
    const outcome = evaluateApprovals([prod], [], { ...context, autoApproved: { staging: 'x' } });
    expect(outcome.approvals[0]!.state).toBe('pending');
  });
});

class FakePlatform implements Platform {
  readonly name = 'github' as const;
  readonly limits = { commentChars: 65_536, checkSummaryChars: 65_535 };
  gates: GateReport[] = [];
  approvals: { ref: PrRef; headSha: string; message: string }[] = [];
  approve?: Platform['approve'];
  constructor(
    private readonly pr: PlatformPullRequest,
    approve: 'works' | 'fails' | 'absent' = 'works',
  ) {
    if (approve === 'works') this.approve = async (ref, request) => void this.approvals.push({ ref, ...request });
    if (approve === 'fails')
      this.approve = async () => Promise.reject(new Error('Resource not accessible by integration\nstack'));
  }
  async getPullRequest() {
    return this.pr;
  }
  async listApprovalSignals() {
    return [];
  }
  async isMember() {
    return false;
  }
  async upsertComment() {}
  async setGate(_ref: PrRef, report: GateReport) {
    this.gates.push(report);
  }
}

function platformPr(head: Parameters<typeof renovatePr>[0]['head']): PlatformPullRequest {
  return {
    ...renovatePr({ head, body: fixtureBody('github-patch-grouped.md') }),
    ref: { repo: 'acme/shop-deploy', number: 42 },
    isDraft: false,
    state: 'open',
  };
}

const devPatch = { dev: { checkout: '1.8.2', backup: 'registry.acme.internal:5000/ops/db-backup:2.3.1' } };

describe('platform approval of an auto-approved Renovate PR', () => {
  it('approves on the platform once every environment it touches is auto-approved, after the gates', async () => {
    const pr = platformPr(devPatch);
    const platform = new FakePlatform(pr);
    const result = await reviewPullRequest(platform, pr.ref);
    expect(result.platformApproval).toEqual({ approved: true });
    expect(platform.approvals).toEqual([
      {
        ref: pr.ref,
        headSha: pr.head.sha,
        message:
          'envgate approves this Renovate update: every environment it changes allows these updates without review.\n\n- dev: auto-approved by envgate: 2 patch updates',
      },
    ]);
    expect(platform.gates.map((g) => [g.name, g.gate.state])).toEqual([
      ['envgate/validate', 'pass'],
      ['envgate/approval', 'pass'],
    ]);
  });

  it('does not approve while any environment waits for seniors', async () => {
    const pr = platformPr({
      ...devPatch,
      prod: {
        checkout: `1.8.2@${DIGESTS.checkout182}`,
        backup: `registry.acme.internal:5000/ops/db-backup:2.3.1@${DIGESTS.backup231}`,
      },
    });
    const platform = new FakePlatform(pr);
    const result = await reviewPullRequest(platform, pr.ref);
    expect(result.review.gate.approval.state).toBe('pending');
    expect(result.platformApproval).toBeUndefined();
    expect(platform.approvals).toEqual([]);
  });

  it('keeps the published gates when the platform refuses, and says why', async () => {
    const pr = platformPr(devPatch);
    const platform = new FakePlatform(pr, 'fails');
    const result = await reviewPullRequest(platform, pr.ref);
    expect(result.platformApproval).toEqual({ approved: false, error: 'Resource not accessible by integration' });
    expect(platform.gates.map((g) => g.gate.state)).toEqual(['pass', 'pass']);
  });

  it('works without the optional method', async () => {
    const pr = platformPr(devPatch);
    const result = await reviewPullRequest(new FakePlatform(pr, 'absent'), pr.ref);
    expect(result.published).toBe(true);
    expect(result.platformApproval).toBeUndefined();
    expect(result.review.gate.approval).toMatchObject({ state: 'pass', title: 'auto-approved' });
  });
});
