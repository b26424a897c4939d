// The text of the two gates (GitHub check runs, Azure DevOps statuses): what passed, or exactly what is missing.
import type { GateState, Review } from '../core/types.js';
import { escapeCell } from './text.js';

function detailsList(gate: GateState): string[] {
  return gate.details.map((line) => `- ${line}`);
}

export function validateSummary(review: Review): string {
  const gate = review.gate.validate;
  const lines = [`**${gate.title}**`, '', ...detailsList(gate)];
  if (review.environments.length > 0) {
    lines.push('', '| env | errors | warnings |', '|-----|--------|----------|');
    for (const env of review.environments) lines.push(`| ${escapeCell(env.name)} | ${env.errors} | ${env.warnings} |`);
  }
  return lines.join('\n');
}

export function approvalSummary(review: Review): string {
  const gate = review.gate.approval;
  const lines = [`**${gate.title}**`, '', ...detailsList(gate)];
  const needed = review.approvals.filter((a) => a.required > 0);
  if (needed.length > 0) {
    lines.push(
      '',
      '| env | needed | from | approved by | not counted |',
      '|-----|--------|------|-------------|-------------|',
    );
    for (const a of needed) {
      lines.push(
        `| ${escapeCell(a.env)} | ${a.approvedBy.length}/${a.required} | ${escapeCell(a.from.join(', ') || 'anyone but the author')} | ${escapeCell(a.approvedBy.map((l) => `@${l}`).join(', ') || (a.autoApproved ? '🤖 envgate (auto-approved)' : '—'))} | ${escapeCell(a.ignored.join('; ') || '—')} |`,
      );
    }
    lines.push('', 'Approve with a review, or comment `/approve` (or `/approve <env>`) after the latest push.');
  }
  return lines.join('\n');
}
