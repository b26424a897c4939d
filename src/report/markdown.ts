// The review as the one PR comment a reviewer reads: a headline, a table per environment, then folded details.
// Later stages add their sections (rendered diff, drift, Renovate) through SECTION_BUILDERS.
import type { ApprovalState, EnvReview, Finding, Review } from '../core/types.js';
import { packComment, truncate, type CommentSection } from './budget.js';
import { escapeCell } from './text.js';
import { driftSections } from '../drift/markdown.js';
import { renovateSections } from '../renovate/section.js';
import { diffSections } from './diff-section.js';

export const COMMENT_MARKER = '<!-- envgate:v1 -->';

export interface CommentOptions {
  /** Maximum characters the platform accepts (GitHub 65,536; Azure DevOps 150,000). */
  limit?: number;
  /** How a reader reproduces the review locally; defaults to the `envgate check` command for the two SHAs. */
  reproduce?: string;
}

export type SectionBuilder = (review: Review) => CommentSection[];

/** Optional sections after the findings, in the order they are packed. */
export const SECTION_BUILDERS: SectionBuilder[] = [renovateSections, diffSections, (review) => driftSections(review)];

const SEVERITY_ICON = { error: '❌', warning: '⚠️', info: 'ℹ️' } as const;

export function renderComment(review: Review, options: CommentOptions = {}): string {
  const limit = options.limit ?? 65_536;
  const head = [
    COMMENT_MARKER,
    headline(review),
    '',
    ...summaryTable(review),
    ...configBanner(review),
    ...breakGlassBanner(review),
  ].join('\n');
  const sections = [...findingsSections(review), ...SECTION_BUILDERS.flatMap((build) => build(review))];
  const notReviewed = notReviewedSection(review);
  if (notReviewed) sections.push(notReviewed);
  const packed = packComment(
    head,
    sections,
    footer(review, options),
    limit,
    (labels) =>
      `> ✂️ Left out to fit the comment size limit: ${listSome(labels.map(escapeCell), 8)}. ` +
      'The JSON report (`envgate check --format json`) has everything.',
  );
  return packed.markdown;
}

/** The first `max` items, then how many more: the note must fit its own reserve. */
function listSome(items: string[], max: number): string {
  const more = items.length > max ? `, and ${items.length - max} more` : '';
  return `${items.slice(0, max).join(', ')}${more}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function headline(review: Review): string {
  const parts = ['### envgate'];
  if (review.environments.length === 0) {
    parts.push('no environment changed');
  } else {
    parts.push(plural(review.environments.length, 'environment'));
  }
  const errors = review.findings.filter((f) => f.severity === 'error').length;
  const warnings = review.findings.filter((f) => f.severity === 'warning').length;
  if (!review.config.valid) parts.push('❌ invalid config');
  if (errors > 0) parts.push(`❌ ${plural(errors, 'error')}`);
  if (warnings > 0) parts.push(`⚠️ ${plural(warnings, 'warning')}`);
  if (errors === 0 && warnings === 0 && review.config.valid) parts.push('✅ valid');
  const approval = review.gate.approval;
  if (review.breakGlass) parts.push(`🚨 break-glass by @${review.breakGlass.by}`);
  else if (approval.state === 'pending') parts.push(`⏳ approval needed (${shortApprovals(review.approvals)})`);
  else if (approval.state === 'fail') parts.push(`⛔ ${approval.title}`);
  else if (review.approvals.some((a) => a.required > 0)) parts.push('✅ approved');
  return parts.join(' · ');
}

function shortApprovals(approvals: readonly ApprovalState[]): string {
  return approvals
    .filter((a) => a.state === 'pending')
    .map((a) => `${a.env}: ${a.approvedBy.length}/${a.required}${a.from.length ? ` ${a.from.join(', ')}` : ''}`)
    .join(', ');
}

function summaryTable(review: Review): string[] {
  if (review.environments.length === 0) return [];
  const rows = review.environments.map((env) => {
    const approval = review.approvals.find((a) => a.env === env.name);
    return [
      `${env.name}`,
      env.resources === null ? '—' : String(env.resources),
      String(env.added),
      String(env.modified),
      String(env.removed),
      findingsCell(env),
      driftCell(review, env.name),
      approvalCell(approval),
    ];
  });
  return [
    '| env | resources | + | ~ | − | findings | drift | approval |',
    '|-----|-----------|---|---|---|----------|-------|----------|',
    ...rows.map((cells) => `| ${cells.map(escapeCell).join(' | ')} |`),
  ];
}

function findingsCell(env: EnvReview): string {
  if (env.errors > 0) return `❌ ${env.errors}${env.warnings ? ` · ⚠️ ${env.warnings}` : ''}`;
  if (env.warnings > 0) return `⚠️ ${env.warnings}`;
  return '✅';
}

function driftCell(review: Review, env: string): string {
  const drift = review.drift?.environments.find((d) => d.env === env);
  if (!drift || drift.status === 'not-configured') return '—';
  if (drift.status === 'unknown') return '❔ unknown';
  const drifted = drift.items.filter((i) => i.state === 'drifted' || i.state === 'reverts-out-of-band').length;
  return drifted === 0 ? 'in sync' : `⚠️ ${drifted} drifted`;
}

function approvalCell(approval: ApprovalState | undefined): string {
  if (approval?.autoApproved) return '🤖 auto-approved';
  if (!approval || approval.required === 0) return 'not required';
  const who = approval.approvedBy.length ? ` (${approval.approvedBy.map((l) => `@${l}`).join(', ')})` : '';
  if (approval.state === 'fail') return `⛔ rejected by ${approval.rejectedBy.map((l) => `@${l}`).join(', ')}`;
  const icon = approval.state === 'pass' ? '✅' : '⏳';
  return `${icon} ${approval.approvedBy.length}/${approval.required}${who}`;
}

function configBanner(review: Review): string[] {
  if (review.config.valid) return [];
  return [
    '',
    `> ❌ **${review.config.source} is invalid.** This review used the defaults and the gate stays closed until the config on the target branch is fixed.`,
  ];
}

/** Always in the head, never cut for size: an emergency bypass must stay on the record with who and why. */
function breakGlassBanner(review: Review): string[] {
  if (!review.breakGlass) return [];
  const { by, reason, at } = review.breakGlass;
  return [
    '',
    `> 🚨 **Break-glass** by @${escapeCell(by)}${at ? ` at ${escapeCell(at)}` : ''}: ${escapeCell(truncate(reason, 500))}`,
    '> The approval gate was opened without the required approvals. Follow up after the incident.',
  ];
}

function findingsSections(review: Review): CommentSection[] {
  const findings = [...review.findings].sort(bySeverityThenPlace);
  if (findings.length === 0) return [];
  const errors = findings.filter((f) => f.severity === 'error').length;
  const icon = errors > 0 ? '❌' : findings.some((f) => f.severity === 'warning') ? '⚠️' : 'ℹ️';
  const rows = findings.map(
    (f) => `| ${SEVERITY_ICON[f.severity]} | ${escapeCell(where(f))} | \`${f.rule}\` | ${escapeCell(f.message)} |`,
  );
  const table = (lines: string[]) =>
    [
      `<details${errors > 0 ? ' open' : ''}><summary>${icon} findings (${findings.length})</summary>`,
      '',
      '| | where | rule | message |',
      '|-|-------|------|---------|',
      ...lines,
      '',
      '</details>',
    ].join('\n');
  const compactRows = rows.slice(0, 30);
  return [
    {
      label: 'findings',
      markdown: table(rows),
      compact: table([...compactRows, `| | | | … ${findings.length - compactRows.length} more in the JSON report |`]),
    },
  ];
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function bySeverityThenPlace(a: Finding, b: Finding): number {
  return (
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0)
  );
}

function where(f: Finding): string {
  const place = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '';
  const resource = f.resource
    ? `${f.resource.kind} ${f.resource.namespace ? `${f.resource.namespace}/` : ''}${f.resource.name}`
    : '';
  return [place, resource].filter(Boolean).join(' · ') || (f.env ?? '');
}

function notReviewedSection(review: Review): CommentSection | undefined {
  if (review.notReviewed.length === 0) return undefined;
  const list = review.notReviewed.map((p) => `\`${p}\``);
  const shown = list.slice(0, 50);
  const more = list.length > shown.length ? `, … ${list.length - shown.length} more` : '';
  return {
    label: 'not reviewed',
    markdown: `<sub>Not reviewed (outside every environment): ${shown.join(', ')}${more}</sub>`,
  };
}

/**
 * The comment without its timings: two reviews of the same head differ only there, and a platform edit (a
 * notification to every subscriber) is not worth a changed millisecond count.
 */
export function withoutTimings(body: string): string {
  return body
    .replace(/ in \d+(?:\.\d+)? ms( · reproduce)/g, ' in … ms$1')
    .replace(/(rendered \d+ roots?) in \d+(?:\.\d+)? ms/g, '$1 in … ms');
}

function footer(review: Review, options: CommentOptions): string {
  const base = review.base.slice(0, 7);
  const head = review.head.slice(0, 7);
  const total = Object.values(review.timings).reduce((a, b) => a + b, 0);
  const rendered =
    review.roots.length > 0
      ? ` · rendered ${plural(review.roots.length, 'root')} in ${Math.round(review.timings.render ?? 0)} ms`
      : '';
  const reproduce = options.reproduce ?? `envgate check --repo . --base ${base} --head ${head}`;
  return `<sub>base ${base} → head ${head}${rendered} · reviewed in ${Math.round(total)} ms · reproduce: \`${reproduce}\`</sub>`;
}
