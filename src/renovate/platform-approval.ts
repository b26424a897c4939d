// Whether envgate should also approve the PR on the platform (a GitHub review, an Azure DevOps vote), for branch
// protection that wants an approval of its own. Only when every environment the PR touches was auto-approved and
// both gates pass: a platform approval covers the whole PR, so one senior environment left to people rules it out.
import type { Review } from '../core/types.js';

/** The approval message, or undefined when envgate must not approve this PR on the platform. */
export function platformApprovalMessage(review: Review): string | undefined {
  if (!review.renovate?.recognised) return undefined;
  if (review.gate.validate.state !== 'pass' || review.gate.approval.state !== 'pass') return undefined;
  if (review.breakGlass || review.environments.length === 0) return undefined;
  const records = review.environments.map((env) => review.approvals.find((a) => a.env === env.name)?.autoApproved);
  if (records.some((record) => record === undefined)) return undefined;
  return [
    'envgate approves this Renovate update: every environment it changes allows these updates without review.',
    '',
    ...review.environments.map((env, i) => `- ${env.name}: ${records[i]}`),
  ].join('\n');
}
