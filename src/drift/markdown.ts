// The drift preview in the PR comment: per environment a summary line first (and every out-of-band change the
// merge would revert, which is what a reviewer must not miss), then the details folded. Values are cut short
// and escaped; Secret values never reach this module (the comparison masks them).
import type { DriftItem, EnvDrift, FieldChange, OutOfBandChange, Review } from '../core/types.js';
import type { CommentSection } from '../report/budget.js';
import { escapeCell } from '../report/text.js';

const STATE_LABEL: Record<DriftItem['state'], string> = {
  'reverts-out-of-band': '⚠️ reverts an out-of-band change',
  drifted: '⚠️ drifted',
  'will-change': 'changes on sync',
  'will-create': 'created on sync',
  'will-prune': '🗑️ pruned on sync',
  orphaned: 'orphaned (kept)',
  unknown: '❔ unknown',
  'in-sync': 'in sync',
};

const MAX_ROWS = 60;
const MAX_VALUE = 100;

export function driftSections(review: Review): CommentSection[] {
  const drift = review.drift;
  if (!drift) return [];
  const sections: CommentSection[] = [];
  const notConfigured = drift.environments.filter((e) => e.status === 'not-configured');
  for (const env of drift.environments) {
    if (env.status === 'not-configured') continue;
    sections.push(envSection(env));
  }
  if (notConfigured.length > 0) {
    sections.push({
      label: 'drift preview · not configured',
      markdown: `<sub>Drift preview not configured for ${notConfigured
        .map((e) => `${e.env}${e.reason ? ` (${escapeCell(e.reason)})` : ''}`)
        .join(', ')}.</sub>`,
    });
  }
  return sections;
}

export function summarize(env: EnvDrift): string {
  if (env.status === 'unknown') return `❔ unknown: ${env.reason ?? 'no reason given'}`;
  if (env.status === 'not-configured') return 'not configured';
  const count = (pred: (i: DriftItem) => boolean) => env.items.filter(pred).length;
  const parts = [
    [count((i) => (i.drifted?.length ?? 0) > 0), 'drifted'],
    [count((i) => (i.fields?.length ?? 0) > 0), 'will change on sync'],
    [count((i) => i.state === 'will-create'), 'will be created'],
    [count((i) => i.state === 'will-prune'), 'will be pruned'],
    [count((i) => i.state === 'orphaned'), 'orphaned (kept)'],
    [count((i) => i.state === 'unknown'), 'unknown'],
    [count((i) => i.state === 'in-sync'), 'in sync'],
  ] as const;
  const text = parts
    .filter(([n]) => n > 0)
    .map(([n, label]) => `${n} ${label}`)
    .join(', ');
  return text || 'nothing to compare';
}

function envSection(env: EnvDrift): CommentSection {
  const label = `drift preview · ${env.env}`;
  const title = `**Drift preview · ${escapeCell(env.env)}**${env.source ? ` <sub>(${escapeCell(env.source)})</sub>` : ''}`;
  if (env.status === 'unknown') {
    const markdown = `${title}: ❔ drift unknown — ${escapeCell(env.reason ?? 'no reason given')}`;
    return { label, markdown };
  }
  const warnings = env.items.flatMap((item) => (item.reverts ?? []).map((r) => revertLine(item, r)));
  const headLines = [`${title}: ${escapeCell(summarize(env))}`, ...warnings];
  const details = detailsBlock(env);
  const compact = headLines.join('\n');
  return { label, markdown: details ? `${compact}\n\n${details}` : compact, compact };
}

function revertLine(item: DriftItem, change: OutOfBandChange): string {
  const values = change.masked
    ? 'a Secret value, masked'
    : `live ${value(change.live)} → main ${value(change.main)} → PR ${value(change.head)}`;
  const how = change.restoresMain ? '; sync restores main' : '';
  const by = change.changedBy ? `, changed by ${escapeCell(change.changedBy)}` : '';
  return `> ⚠️ this PR reverts an out-of-band change to ${escapeCell(resourceName(item))} \`${code(change.path)}\` (${values}${how})${by}`;
}

function detailsBlock(env: EnvDrift): string | undefined {
  const changed = env.items.filter((i) => i.state !== 'in-sync' || i.note);
  const inSync = env.items.filter((i) => i.state === 'in-sync' && !i.note);
  if (changed.length === 0 && inSync.length === 0 && !env.notes?.length) return undefined;
  const lines = [
    `<details><summary>drift details · ${escapeCell(env.env)} (${env.items.length} resources)</summary>`,
    '',
  ];
  if (changed.length > 0) {
    lines.push('| resource | state | live vs main | on sync (live → PR) |', '|---|---|---|---|');
    for (const item of changed.slice(0, MAX_ROWS)) {
      const note = item.note ? `<br><sub>${escapeCell(item.note)}</sub>` : '';
      lines.push(
        `| ${escapeCell(resourceName(item))} | ${STATE_LABEL[item.state]}${note} | ${fieldsCell(item.drifted)} | ${fieldsCell(item.fields)} |`,
      );
    }
    if (changed.length > MAX_ROWS) lines.push(`| … ${changed.length - MAX_ROWS} more in the JSON report | | | |`);
    lines.push('');
  }
  if (inSync.length > 0) {
    const names = inSync.slice(0, 40).map((i) => escapeCell(resourceName(i)));
    const more = inSync.length > names.length ? `, … ${inSync.length - names.length} more` : '';
    lines.push(`In sync: ${names.join(', ')}${more}`, '');
  }
  for (const note of env.notes ?? []) lines.push(`- ${escapeCell(note)}`);
  if (env.notes?.length) lines.push('');
  lines.push('</details>');
  return lines.join('\n');
}

function fieldsCell(fields: FieldChange[] | undefined): string {
  if (!fields?.length) return '';
  const shown = fields.slice(0, 8).map((f) => {
    if (f.masked) return `\`${code(f.path)}\` (Secret value changed, masked)`;
    return `\`${code(f.path)}\` ${value(f.before)} → ${value(f.after)}`;
  });
  if (fields.length > shown.length) shown.push(`… ${fields.length - shown.length} more`);
  return shown.join('<br>');
}

function resourceName(item: DriftItem): string {
  const r = item.resource;
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

function value(v: unknown): string {
  if (v === undefined) return '(absent)';
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  const cut = text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE)}…` : text;
  return `\`${code(cut)}\``;
}

/** Inside backticks in a table cell: no pipes, no newlines, no backticks. */
function code(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/`/g, "'").replace(/\r?\n/g, '⏎');
}
