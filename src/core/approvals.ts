// Who has approved what: the senior-approval gate, shared by every platform. Adapters turn reviews, votes and
// `/approve` comments into ApprovalSignals and resolve group membership up front; this module only decides.
// State is recomputed from all signals on every event, so redelivered or reordered events cannot corrupt it.
import type { EnvironmentConfig } from '../config/config.js';
import type { ApprovalSignal, ApprovalState, BreakGlass, GateState, GateStatus, Identity } from './types.js';

export interface ApprovalContext {
  author: Identity;
  headSha: string;
  /** When the head commit arrived (ISO 8601). Commands and votes dated before it are stale. */
  headAt?: string;
  /** Resolved membership of `login` in an `@org/team` / group entry of `from`; 'unknown' = the lookup failed. */
  isMember(login: string, group: string): boolean | 'unknown';
  /**
   * Environments envgate approves on its own (Renovate auto-approval) → the record to show. They count as satisfied
   * unless an eligible reviewer requested changes.
   */
  autoApproved?: Readonly<Record<string, string>>;
}

export interface ApprovalOutcome {
  approvals: ApprovalState[];
  breakGlass?: BreakGlass;
  gate: GateState;
}

type Eligibility = { ok: true } | { ok: false; why: string };

export function isGroupEntry(entry: string): boolean {
  return entry.startsWith('@') ? entry.includes('/') : /[\\/]/.test(entry);
}

function sameLogin(a: string, b: string): boolean {
  return a.replace(/^@/, '').toLowerCase() === b.replace(/^@/, '').toLowerCase();
}

function eligibility(who: Identity, from: readonly string[], ctx: ApprovalContext): Eligibility {
  if (sameLogin(who.login, ctx.author.login) || (who.id !== '' && who.id === ctx.author.id)) {
    return { ok: false, why: 'PR author' };
  }
  if (who.isBot) return { ok: false, why: 'bot' };
  if (from.length === 0) return { ok: true };
  let unknown: string | undefined;
  for (const entry of from) {
    if (sameLogin(who.login, entry)) return { ok: true };
    if (!isGroupEntry(entry)) continue;
    const member = ctx.isMember(who.login, entry);
    if (member === true) return { ok: true };
    if (member === 'unknown') unknown = entry;
  }
  if (unknown) return { ok: false, why: `membership in ${unknown} could not be checked` };
  return { ok: false, why: `not in ${from.join(', ')}` };
}

function isStale(signal: ApprovalSignal, ctx: ApprovalContext): boolean {
  if (signal.stale) return true;
  if (signal.commitSha) return signal.commitSha !== ctx.headSha;
  if (signal.at && ctx.headAt) return Date.parse(signal.at) < Date.parse(ctx.headAt);
  return false;
}

/** Latest first is what decides; signals without a date keep the order the adapter gave them. */
function chronological(signals: readonly ApprovalSignal[]): ApprovalSignal[] {
  return signals
    .map((signal, index) => ({ signal, index }))
    .sort((a, b) => {
      const ta = a.signal.at ? Date.parse(a.signal.at) : NaN;
      const tb = b.signal.at ? Date.parse(b.signal.at) : NaN;
      if (!Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb) return ta - tb;
      return a.index - b.index;
    })
    .map((x) => x.signal);
}

function appliesTo(signal: ApprovalSignal, env: string): boolean {
  return !signal.scope || signal.scope.some((s) => s.toLowerCase() === env.toLowerCase());
}

export function evaluateEnvironment(
  env: EnvironmentConfig,
  signals: readonly ApprovalSignal[],
  ctx: ApprovalContext,
): ApprovalState {
  const state: ApprovalState = {
    env: env.name,
    required: env.approvals.count,
    from: env.approvals.from,
    approvedBy: [],
    rejectedBy: [],
    ignored: [],
    state: 'pass',
  };
  // Per person, their latest approve/reject for this environment decides.
  const latest = new Map<string, ApprovalSignal>();
  const uncounted = new Map<string, ApprovalSignal>();
  for (const signal of chronological(signals)) {
    if (signal.verdict === 'break-glass' || !appliesTo(signal, env.name)) continue;
    if (signal.notCounted) uncounted.set(signal.who.login.toLowerCase(), signal);
    else latest.set(signal.who.login.toLowerCase(), signal);
  }
  // Said only for people with nothing that counts, so an edited comment cannot shadow a valid approval.
  for (const [login, signal] of uncounted) {
    if (!latest.has(login)) state.ignored.push(`@${signal.who.login}: ${signal.notCounted}`);
  }
  for (const signal of latest.values()) {
    const who = `@${signal.who.login}`;
    const eligible = eligibility(signal.who, env.approvals.from, ctx);
    if (!eligible.ok) {
      state.ignored.push(`${who}: ${eligible.why}`);
      continue;
    }
    if (signal.verdict === 'reject') {
      // A senior's rejection holds until that senior approves again, even across pushes.
      if (state.required > 0) state.rejectedBy.push(signal.who.login);
    } else if (isStale(signal, ctx)) {
      state.ignored.push(`${who}: approval predates the latest push`);
    } else {
      state.approvedBy.push(signal.who.login);
    }
  }
  state.state = envStatus(state);
  const auto = ctx.autoApproved && Object.hasOwn(ctx.autoApproved, env.name) ? ctx.autoApproved[env.name] : undefined;
  if (auto && state.rejectedBy.length === 0) {
    state.autoApproved = auto;
    state.state = 'pass';
  }
  return state;
}

function envStatus(state: ApprovalState): GateStatus {
  if (state.rejectedBy.length > 0) return 'fail';
  return state.approvedBy.length >= state.required ? 'pass' : 'pending';
}

/** `/break-glass` counts when given after the head push by someone eligible to approve every blocked environment. */
function findBreakGlass(
  envs: readonly EnvironmentConfig[],
  states: readonly ApprovalState[],
  signals: readonly ApprovalSignal[],
  ctx: ApprovalContext,
): BreakGlass | undefined {
  const blocked = envs.filter((env) => states.find((s) => s.env === env.name)?.state !== 'pass');
  if (blocked.length === 0) return undefined;
  for (const signal of chronological(signals).reverse()) {
    if (signal.verdict !== 'break-glass' || signal.notCounted || !signal.reason?.trim() || isStale(signal, ctx))
      continue;
    if (blocked.every((env) => eligibility(signal.who, env.approvals.from, ctx).ok)) {
      return { by: signal.who.login, reason: signal.reason.trim(), at: signal.at };
    }
  }
  return undefined;
}

function describeAutoApproval(state: ApprovalState): string {
  return `${state.env}: ${state.autoApproved}`;
}

export function describeRequirement(state: ApprovalState): string {
  const from = state.from.length > 0 ? state.from.join(', ') : 'reviewers other than the author';
  if (state.rejectedBy.length > 0) return `${state.env}: changes requested by ${mentions(state.rejectedBy)}`;
  return `${state.env}: ${state.approvedBy.length} of ${state.required} approvals from ${from}`;
}

function mentions(logins: readonly string[]): string {
  return logins.map((l) => `@${l}`).join(', ');
}

/** The approval gate for the environments a PR touches: each one's requirement must hold; the strictest wins. */
export function evaluateApprovals(
  envs: readonly EnvironmentConfig[],
  signals: readonly ApprovalSignal[],
  ctx: ApprovalContext,
): ApprovalOutcome {
  const approvals = envs.map((env) => evaluateEnvironment(env, signals, ctx));
  const breakGlass = findBreakGlass(envs, approvals, signals, ctx);
  const open = approvals.filter((a) => a.state !== 'pass');
  const auto = approvals.filter((a) => a.autoApproved).map(describeAutoApproval);
  if (breakGlass) {
    return {
      approvals,
      breakGlass,
      gate: {
        state: 'pass',
        title: `break-glass by @${breakGlass.by}`,
        details: [`@${breakGlass.by} used break-glass: ${breakGlass.reason}`, ...open.map(describeRequirement)],
      },
    };
  }
  if (open.length === 0) {
    const needed = approvals.filter((a) => a.required > 0 && !a.autoApproved);
    return {
      approvals,
      gate: {
        state: 'pass',
        title: needed.length > 0 ? 'approved' : auto.length > 0 ? 'auto-approved' : 'no approval required',
        details: [...needed.map((a) => `${a.env}: approved by ${mentions(a.approvedBy)}`), ...auto],
      },
    };
  }
  const state: GateStatus = open.some((a) => a.state === 'fail') ? 'fail' : 'pending';
  return {
    approvals,
    gate: {
      state,
      title: state === 'fail' ? 'changes requested' : 'approval needed',
      details: [...open.map(describeRequirement), ...auto],
    },
  };
}
