// The rendered diff in the PR comment: per environment (riskiest first) a short summary — which roots, how many
// resources added / changed / removed, which images move, which roots could not be rendered — then one folded
// `<details>` per resource with its unified YAML diff. Summaries are packed before any diff, each diff has a
// field-list stand-in when it does not fit, and what is cut is named by the packer; the JSON report has it all.
import { classRank } from '../core/environments.js';
import type { EnvironmentClass, ResourceChange, Review, RootReview } from '../core/types.js';
import { formatFieldChange } from '../diff/fields.js';
import { describeIdentity } from '../diff/identity.js';
import type { CommentSection } from './budget.js';

const SYMBOL: Record<ResourceChange['change'], string> = { added: '+', modified: '~', removed: '−' };
/** Longer diffs go straight to the field list: nobody reviews 400 lines in a comment, the JSON report has them. */
const MAX_DIFF_LINES = 400;
const MAX_FIELDS = 25;

/** Text safe inside HTML and Markdown inline context (summary lines, list items). */
function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
}

/** An inline code span that holds any text, backticks included. */
function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced block that no line of `body` can close early. */
function fenced(lang: string, body: string): string {
  const longest = Math.max(2, ...(body.match(/`{3,}/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${body}\n${fence}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function rootName(path: string): string {
  return path === '' ? '(repository root)' : path;
}

export function resourceLabel(change: ResourceChange): string {
  const env = change.env ?? 'no environment';
  return `${env} · ${describeIdentity(change)} ${SYMBOL[change.change]} ${change.change}`;
}

function counts(changes: readonly ResourceChange[]): string {
  const by = (kind: ResourceChange['change']) => changes.filter((c) => c.change === kind).length;
  const parts = [
    by('added') && `${by('added')} added`,
    by('modified') && `${by('modified')} modified`,
    by('removed') && `${by('removed')} removed`,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join(' · ') : 'no change in the rendered output';
}

/** Why a root shows no diff, when it does not. */
function suppressed(root: RootReview): string | undefined {
  const error = root.error ?? 'unknown error';
  if (root.head === 'error') {
    return error.startsWith('not rendered: ')
      ? `⚠️ not rendered, its changes are not shown: ${escapeText(error.slice('not rendered: '.length))}`
      : `❌ diff suppressed: head failed to render — ${escapeText(error)}`;
  }
  if (root.base === 'error') {
    return `⚠️ diff suppressed: base failed to render — ${escapeText(error.replace(/^at base: /, ''))}`;
  }
  return undefined;
}

interface ImageMove {
  before: string;
  after: string;
  where: string[];
}

const IMAGE_FIELD = /(^|\.)(containers|initContainers|ephemeralContainers)\[[^\]]+\]\.image$/;

function imageMoves(changes: readonly ResourceChange[]): ImageMove[] {
  const moves = new Map<string, ImageMove>();
  for (const change of changes) {
    for (const field of change.fields ?? []) {
      if (!IMAGE_FIELD.test(field.path) || typeof field.before !== 'string' || typeof field.after !== 'string')
        continue;
      const key = `${field.before}\n${field.after}`;
      const move = moves.get(key) ?? { before: field.before, after: field.after, where: [] };
      const who = describeIdentity(change);
      if (!move.where.includes(who)) move.where.push(who);
      moves.set(key, move);
    }
  }
  return [...moves.values()];
}

/** `ghcr.io/acme/api:1.8.1@sha256:…` → name and the version part (tag and digest). */
function splitImage(ref: string): { name: string; version: string } {
  const at = ref.indexOf('@');
  const withoutDigest = at < 0 ? ref : ref.slice(0, at);
  const colon = withoutDigest.lastIndexOf(':');
  const cut = colon > withoutDigest.lastIndexOf('/') ? colon : at < 0 ? ref.length : at;
  return { name: ref.slice(0, cut), version: ref.slice(cut).replace(/^:/, '') };
}

function shortDigest(version: string): string {
  return version.replace(/(sha256:[0-9a-f]{12})[0-9a-f]{52}/, '$1…');
}

function formatMove(move: ImageMove): string {
  const [a, b] = [splitImage(move.before), splitImage(move.after)];
  const what =
    a.name === b.name
      ? `${code(a.name)} ${code(shortDigest(a.version) || 'latest')} → ${code(shortDigest(b.version) || 'latest')}`
      : `${code(shortDigest(move.before))} → ${code(shortDigest(move.after))}`;
  const where = move.where.slice(0, 3).map(escapeText).join(', ');
  const more = move.where.length > 3 ? ` and ${move.where.length - 3} more` : '';
  return `- 🖼️ ${what} in ${where}${more}`;
}

interface EnvGroup {
  env?: string;
  envClass?: EnvironmentClass;
  roots: RootReview[];
  changes: ResourceChange[];
  resources: number | null;
}

function groups(review: Review): EnvGroup[] {
  const byEnv = new Map<string, EnvGroup>();
  const groupOf = (env: string | undefined) => {
    const key = env ?? '';
    let group = byEnv.get(key);
    if (!group) {
      const envReview = review.environments.find((e) => e.name === env);
      group = { env, envClass: envReview?.class, roots: [], changes: [], resources: envReview?.resources ?? null };
      byEnv.set(key, group);
    }
    return group;
  };
  for (const root of review.roots) groupOf(root.env).roots.push(root);
  for (const change of review.diff) groupOf(change.env).changes.push(change);
  // Riskiest first: what prod will run matters most when the comment has to be cut.
  const rank = (g: EnvGroup) => (g.env === undefined ? -1 : g.envClass ? classRank(g.envClass) : 1);
  return [...byEnv.values()].sort((a, b) => rank(b) - rank(a) || (a.env ?? '').localeCompare(b.env ?? ''));
}

function summarySection(group: EnvGroup): CommentSection {
  const title = group.env ?? 'outside every environment';
  const total = group.resources === null ? '' : ` · ${plural(group.resources, 'resource')} rendered at head`;
  const failed = group.roots.filter((r) => suppressed(r) !== undefined).length;
  const headline =
    group.changes.length === 0 && failed > 0
      ? `no diff: ${plural(failed, 'root')} did not render`
      : `${counts(group.changes)}${failed > 0 ? ` · ${plural(failed, 'root')} not diffed` : ''}`;
  const lines = [`#### ${escapeText(title)} · rendered diff`, '', `${headline}${total}`, ''];
  for (const root of group.roots) {
    const changes = group.changes.filter((c) => c.root === root.path);
    const status = suppressed(root) ?? counts(changes);
    const lifecycle = root.base === 'absent' ? ' (new root)' : root.head === 'absent' ? ' (root removed)' : '';
    lines.push(`- ${code(rootName(root.path))} (${root.type})${lifecycle}: ${status}`);
  }
  lines.push(...imageMoves(group.changes).map(formatMove));
  return { label: `${title} · diff summary`, markdown: lines.join('\n').trimEnd() };
}

function fieldList(change: ResourceChange): string {
  const fields = change.fields ?? [];
  const shown = fields.slice(0, MAX_FIELDS).map((f) => `- ${code(formatFieldChange(f))}`);
  if (fields.length > shown.length) shown.push(`- … ${fields.length - shown.length} more fields in the JSON report`);
  return shown.join('\n');
}

function resourceSection(change: ResourceChange): CommentSection {
  const label = resourceLabel(change);
  const renamed = change.previousName ? ` (was ${change.previousName})` : '';
  const summary = `<summary>${escapeText(label)}${escapeText(renamed)}</summary>`;
  const details = (body: string) => `<details>${summary}\n\n${body}\n\n</details>`;
  const diff = change.diff ?? '';
  const lineCount = diff === '' ? 0 : diff.split('\n').length;
  const short =
    change.change === 'modified' && (change.fields?.length ?? 0) > 0
      ? `${fieldList(change)}\n\n<sub>Field list only; the full diff is in the JSON report.</sub>`
      : `<sub>${plural(lineCount, 'line')} of YAML; the full diff is in the JSON report.</sub>`;
  const compact = details(short);
  const markdown = lineCount > MAX_DIFF_LINES ? compact : details(fenced('diff', diff));
  return { label, markdown, ...(markdown === compact ? {} : { compact }), priority: 1 };
}

/** The comment's rendered-diff sections; nothing when no root was rendered. */
export function diffSections(review: Review): CommentSection[] {
  if (review.roots.length === 0) return [];
  return groups(review).flatMap((group) => [summarySection(group), ...group.changes.map(resourceSection)]);
}

/** `envgate diff --format markdown`: every section in full, no size limit (a terminal or a file, not a comment). */
export function renderDiffMarkdown(review: Review): string {
  const header = `### envgate diff · base ${review.base.slice(0, 7)} → head ${review.head.slice(0, 7)}`;
  if (review.roots.length === 0) return `${header}\n\nNo render root is affected by this change.`;
  return [header, ...diffSections(review).map((s) => s.markdown)].join('\n\n');
}
