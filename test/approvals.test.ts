import { describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '../src/config/config.js';
import { evaluateApprovals, type ApprovalContext } from '../src/core/approvals.js';
import type { ApprovalSignal, Identity } from '../src/core/types.js';

const HEAD = 'f'.repeat(40);
const OLD = 'e'.repeat(40);
const person = (login: string, isBot = false): Identity => ({ id: `id-${login}`, login, isBot });
const env = (name: string, count: number, from: string[] = ['@acme/seniors']): EnvironmentConfig => ({
  name,
  paths: [`environments/${name}/**`],
  class: count > 1 ? 'critical' : count === 1 ? 'high' : 'low',
  approvals: { count, from },
});
const SENIORS = new Set(['alice', 'bob', 'carol', 'dana']);
const ctx = (overrides: Partial<ApprovalContext> = {}): ApprovalContext => ({
  author: person('dana'),
  headSha: HEAD,
  headAt: '2026-11-20T10:00:00Z',
  isMember: (login, group) => group === '@acme/seniors' && SENIORS.has(login),
  ...overrides,
});
const review = (login: string, commitSha = HEAD, verdict: ApprovalSignal['verdict'] = 'approve'): ApprovalSignal => ({
  who: person(login),
  kind: 'review',
  verdict,
  commitSha,
});
const command = (
  login: string,
  at: string,
  verdict: ApprovalSignal['verdict'] = 'approve',
  scope?: string[],
  reason?: string,
): ApprovalSignal => ({
  who: person(login),
  kind: 'command',
  verdict,
  at,
  scope,
  reason,
});

describe('approval gate', () => {
  it('passes when every touched environment has its approvals; the strictest decides', () => {
    const envs = [env('dev', 0), env('staging', 1), env('prod', 2)];
    const once = evaluateApprovals(envs, [review('alice')], ctx());
    expect(once.approvals.map((a) => [a.env, a.state, a.approvedBy])).toEqual([
      ['dev', 'pass', ['alice']],
      ['staging', 'pass', ['alice']],
      ['prod', 'pending', ['alice']],
    ]);
    expect(once.gate).toEqual({
      state: 'pending',
      title: 'approval needed',
      details: ['prod: 1 of 2 approvals from @acme/seniors'],
    });
    const twice = evaluateApprovals(envs, [review('alice'), review('bob')], ctx());
    expect(twice.gate.state).toBe('pass');
    expect(twice.gate.details).toEqual(['staging: approved by @alice, @bob', 'prod: approved by @alice, @bob']);
  });

  it('never counts the author, bots, non-members, or approvals of an older commit', () => {
    const result = evaluateApprovals(
      [env('prod', 1)],
      [
        review('dana'),
        { ...review('renovate[bot]'), who: person('renovate[bot]', true) },
        review('mallory'),
        review('alice', OLD),
      ],
      ctx(),
    );
    expect(result.gate.state).toBe('pending');
    expect(result.approvals[0]!.ignored).toEqual([
      '@dana: PR author',
      '@renovate[bot]: bot',
      '@mallory: not in @acme/seniors',
      '@alice: approval predates the latest push',
    ]);
  });

  it('treats a failed membership lookup as not counted, and says so', () => {
    const result = evaluateApprovals([env('prod', 1)], [review('alice')], ctx({ isMember: () => 'unknown' }));
    expect(result.gate.state).toBe('pending');
    expect(result.approvals[0]!.ignored).toEqual(['@alice: membership in @acme/seniors could not be checked']);
  });

  it('accepts plain user logins in from, case-insensitively', () => {
    const result = evaluateApprovals([env('prod', 1, ['Carol'])], [review('carol'), review('alice')], ctx());
    expect(result.approvals[0]).toMatchObject({
      state: 'pass',
      approvedBy: ['carol'],
      ignored: ['@alice: not in Carol'],
    });
  });

  it('counts /approve comments after the head push only, and honours their scope', () => {
    const envs = [env('staging', 1), env('prod', 1)];
    const result = evaluateApprovals(
      envs,
      [command('alice', '2026-11-20T09:59:00Z'), command('bob', '2026-11-20T10:05:00Z', 'approve', ['prod'])],
      ctx(),
    );
    expect(result.approvals.map((a) => [a.env, a.state, a.approvedBy, a.ignored])).toEqual([
      ['staging', 'pending', [], ['@alice: approval predates the latest push']],
      ['prod', 'pass', ['bob'], ['@alice: approval predates the latest push']],
    ]);
  });

  it('lets a senior rejection block until the same senior approves again', () => {
    const envs = [env('prod', 1)];
    const rejected = evaluateApprovals(
      envs,
      [review('alice'), command('bob', '2026-11-20T10:01:00Z', 'reject')],
      ctx(),
    );
    expect(rejected.gate).toMatchObject({
      state: 'fail',
      title: 'changes requested',
      details: ['prod: changes requested by @bob'],
    });
    const cleared = evaluateApprovals(
      envs,
      [command('bob', '2026-11-20T10:01:00Z', 'reject'), command('bob', '2026-11-20T10:02:00Z', 'approve')],
      ctx(),
    );
    expect(cleared.gate.state).toBe('pass');
    // a rejection from someone who could not approve does not block
    const outsider = evaluateApprovals(
      envs,
      [review('alice'), command('mallory', '2026-11-20T10:01:00Z', 'reject')],
      ctx(),
    );
    expect(outsider.gate.state).toBe('pass');
  });

  it('passes the gate on /break-glass by a senior with a reason, and records who and why', () => {
    const envs = [env('staging', 1), env('prod', 2)];
    const result = evaluateApprovals(
      envs,
      [command('carol', '2026-11-20T10:03:00Z', 'break-glass', undefined, 'checkout down, rollback INC-4711')],
      ctx(),
    );
    expect(result.breakGlass).toEqual({
      by: 'carol',
      reason: 'checkout down, rollback INC-4711',
      at: '2026-11-20T10:03:00Z',
    });
    expect(result.gate.state).toBe('pass');
    expect(result.gate.details[0]).toBe('@carol used break-glass: checkout down, rollback INC-4711');
    // the author, a non-member, a stale one, or one without a reason cannot break the glass
    for (const signal of [
      command('dana', '2026-11-20T10:03:00Z', 'break-glass', undefined, 'mine'),
      command('mallory', '2026-11-20T10:03:00Z', 'break-glass', undefined, 'please'),
      command('carol', '2026-11-20T09:00:00Z', 'break-glass', undefined, 'before the push'),
      command('carol', '2026-11-20T10:03:00Z', 'break-glass', undefined, '  '),
    ]) {
      const denied = evaluateApprovals(envs, [signal], ctx());
      expect(denied.breakGlass).toBeUndefined();
      expect(denied.gate.state).toBe('pending');
    }
  });

  it('lets empty from mean anyone but the author and bots', () => {
    const result = evaluateApprovals([env('staging', 1, [])], [review('dana'), review('zed')], ctx());
    expect(result.approvals[0]).toMatchObject({ state: 'pass', approvedBy: ['zed'] });
    expect(result.gate.details).toEqual(['staging: approved by @zed']);
  });

  it('uses the adapter-marked stale flag (Azure DevOps votes reset by a push)', () => {
    const vote: ApprovalSignal = { who: person('alice'), kind: 'vote', verdict: 'approve', stale: true };
    expect(evaluateApprovals([env('prod', 1)], [vote], ctx()).gate.state).toBe('pending');
    expect(evaluateApprovals([env('prod', 1)], [{ ...vote, stale: false }], ctx()).gate.state).toBe('pass');
  });
});
