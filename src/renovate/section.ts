// The Renovate part of the PR comment: the updates per environment (derived from the diff), what reaches senior
// environments flagged, the auto-approval decision per environment, and where the PR body disagrees with the diff.
import type { ApprovalState, Review } from '../core/types.js';
import type { CommentSection } from '../report/budget.js';
import { escapeCell } from '../report/text.js';
import { shortDigest } from './image.js';
import type {
  DependencyUpdate,
  RenovateEnvironment,
  RenovateReview,
  UpdateFlag,
  UpdateLocation,
  VersionRef,
} from './types.js';

const MAX_ROWS = 60;
const MAX_LOCATIONS = 2;
const MAX_BODY_LINES = 20;

const FLAG_TEXT: Record<UpdateFlag, string> = {
  major: '⚠️ major bump',
  mutable: '🔓 no digest',
  latest: '⚠️ latest',
};

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

export function showRef(ref: VersionRef): string {
  if (ref.value !== undefined && ref.digest !== undefined) return `${ref.value}@${shortDigest(ref.digest)}`;
  if (ref.value !== undefined) return ref.value;
  if (ref.digest !== undefined) return `@${shortDigest(ref.digest)}`;
  return '(none)';
}

function showLocation(location: UpdateLocation): string {
  const r = location.resource;
  const where = r ? `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}` : (location.file ?? '');
  return `${where} · ${location.field}`;
}

function row(update: DependencyUpdate): string {
  const pkg = update.previousPackage
    ? `${code(update.previousPackage)} → ${code(update.package)}`
    : code(update.package);
  const change = `${code(showRef(update.from))} → ${code(showRef(update.to))}`;
  const type =
    [update.type, ...update.flags.map((f) => FLAG_TEXT[f])].join(' · ') + (update.note ? ` (${update.note})` : '');
  const shown = update.locations.slice(0, MAX_LOCATIONS).map(showLocation);
  if (update.locations.length > MAX_LOCATIONS) shown.push(`+${update.locations.length - MAX_LOCATIONS} more`);
  // Package and versions are code spans; escapeCell only has pipes and angle brackets to neutralise there.
  return `| ${escapeCell(update.env)} | ${escapeCell(pkg)} | ${escapeCell(change)} | ${escapeCell(type)} | ${escapeCell(shown.join('; '))} |`;
}

function approvalIcon(env: RenovateEnvironment, approval: ApprovalState | undefined): string {
  if (env.autoApproval.approved && approval?.autoApproved) return '🤖';
  if (!approval) return '·';
  if (approval.state === 'fail') return '⛔';
  if (approval.state === 'pending') return '⏳';
  return approval.required > 0 ? '✅' : '·';
}

function approvalLine(env: RenovateEnvironment, approval: ApprovalState | undefined): string {
  const icon = approvalIcon(env, approval);
  let text = env.autoApproval.reason;
  if (!env.autoApproval.approved && approval && approval.required > 0) {
    const status =
      approval.state === 'pass'
        ? `approved by ${approval.approvedBy.map((l) => `@${l}`).join(', ')}`
        : approval.state === 'fail'
          ? `changes requested by ${approval.rejectedBy.map((l) => `@${l}`).join(', ')}`
          : `waiting for ${approval.required - approval.approvedBy.length} more approval${approval.required - approval.approvedBy.length === 1 ? '' : 's'}${approval.from.length ? ` from ${approval.from.join(', ')}` : ''}`;
    text = `${status} · ${text}`;
  }
  const unexplained = env.unexplained.length
    ? ` — beyond version updates: ${env.unexplained.slice(0, 3).join('; ')}${env.unexplained.length > 3 ? `; … ${env.unexplained.length - 3} more` : ''}`
    : '';
  return `- ${icon} **${escapeCell(env.env)}** (${env.class}): ${escapeCell(text + unexplained)}`;
}

function summary(renovate: RenovateReview, approvals: readonly ApprovalState[]): string {
  const parts = [`🤖 Renovate · ${renovate.updates.length} update${renovate.updates.length === 1 ? '' : 's'}`];
  const auto = renovate.environments.filter((e) => approvals.find((a) => a.env === e.env)?.autoApproved);
  if (auto.length) parts.push(`auto-approved: ${auto.map((e) => e.env).join(', ')}`);
  const held = renovate.environments.filter((e) => approvals.find((a) => a.env === e.env)?.state === 'pending');
  if (held.length) parts.push(`⏳ held for approval: ${held.map((e) => e.env).join(', ')}`);
  const flagged = renovate.updates.filter((u) => u.flags.length > 0).length;
  if (flagged) parts.push(`⚠️ ${flagged} flagged`);
  if (renovate.body.disagreements.length) parts.push('⚠️ body and diff disagree');
  if (!renovate.recognised) parts.push('not auto-approved (branch)');
  return parts.join(' · ');
}

/** The section for the PR comment (empty when the PR is not from a Renovate author). */
export function renovateSections(review: Review): CommentSection[] {
  const renovate = review.renovate;
  if (!renovate) return [];
  const lines: string[] = [];
  if (renovate.reason) lines.push(`> ${escapeCell(renovate.reason)}`, '');
  if (renovate.updates.length > 0) {
    const rows = renovate.updates.slice(0, MAX_ROWS).map(row);
    if (renovate.updates.length > MAX_ROWS)
      rows.push(`| | | | | … ${renovate.updates.length - MAX_ROWS} more in the JSON report |`);
    lines.push('| env | package | change | type | where |', '|-----|---------|--------|------|-------|', ...rows, '');
  } else {
    lines.push('No version update found in the diff.', '');
  }
  const approvalLines = renovate.environments.map((env) =>
    approvalLine(
      env,
      review.approvals.find((a) => a.env === env.env),
    ),
  );
  const bodyLines = [
    ...renovate.body.disagreements.map((line) => `- ⚠️ ${escapeCell(line)}`),
    ...renovate.body.notes.map((line) => `- ℹ️ ${escapeCell(line)}`),
  ];
  const body = bodyLines.slice(0, MAX_BODY_LINES);
  if (bodyLines.length > MAX_BODY_LINES) body.push(`- … ${bodyLines.length - MAX_BODY_LINES} more in the JSON report`);
  const tail = [
    ...approvalLines,
    ...(body.length
      ? [
          '',
          `**PR body vs diff** (${renovate.body.table ? `${renovate.body.rows.length} rows in the body` : 'no table'})`,
          ...body,
        ]
      : []),
  ];
  const head = `<details open><summary>${summary(renovate, review.approvals)}</summary>`;
  const markdown = [head, '', ...lines, ...tail, '', '</details>'].join('\n');
  const compact = [head, '', ...approvalLines, '', '</details>'].join('\n');
  return [{ label: 'Renovate updates', markdown, compact }];
}
