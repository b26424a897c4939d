// Renovate's update table, read back from a PR body: "This PR contains the following updates:" followed by
// `| Package | Type | Update | Change |` (columns vary: Renovate drops empty ones, users configure prBodyColumns).
// The body is a hint, never the source of truth: Azure DevOps keeps only 4,000 characters of it, and anyone with
// write access can edit it. The diff decides; the body is only checked against it.
import type { BodyRow } from './types.js';

export interface ParsedBody {
  table: boolean;
  rows: BodyRow[];
  truncated: boolean;
}

/** Azure DevOps stores at most 4,000 characters of a PR description; Renovate cuts its body to fit. */
export const AZURE_BODY_LIMIT = 4000;

/** What Renovate writes when it cut a body to a platform limit (lib/modules/platform/utils/pr-body.ts). */
const TRUNCATION_MARKERS = ['This PR body was truncated due to platform limits', 'PR body was truncated to here'];

/** Splits a table row on unescaped pipes and unescapes `\|` inside cells. */
export function splitRow(line: string): string[] | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('|')) return undefined;
  const cells: string[] = [];
  let cell = '';
  for (let i = 1; i < trimmed.length; i++) {
    const ch = trimmed[i]!;
    if (ch === '\\' && trimmed[i + 1] === '|') {
      cell += '|';
      i++;
    } else if (ch === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += ch;
    }
  }
  // A row that does not end with a pipe was cut off mid-way.
  if (cell.trim() !== '') return undefined;
  return cells;
}

function isSeparator(cells: readonly string[]): boolean {
  return cells.length > 0 && cells.every((c) => /^:?-{3,}:?$/.test(c));
}

function plain(text: string): string {
  return text
    .replace(/&#8203;|\u200b/g, '')
    .replace(/`/g, '')
    .trim();
}

/** `[nginx](https://…) ([source](https://…))` → `nginx`; `[a](…) → [b](…)` (a replacement) → `a`. */
export function packageName(cell: string): string {
  const cleaned = cell.replace(/&#8203;|\u200b/g, '');
  const link = /^\s*\[([^\]]+)\]\([^)]*\)/.exec(cleaned);
  const name = link ? link[1]! : cleaned.split(/\s+(?:→|->)\s+/)[0]!.replace(/\s*\(\[source\]\([^)]*\)\)/, '');
  return plain(name);
}

/** `` `1.2.3` → `1.2.4` `` (or `->`), `` → `3cbaa47` `` for a first pin; links around the whole change are dropped. */
export function parseChange(cell: string): { from?: string; to?: string } | undefined {
  let text = cell.trim();
  const link = /^\[(.*)\]\([^)]*\)$/s.exec(text);
  if (link) text = link[1]!;
  const parts = text.split(/\s*(?:→|->)\s*/);
  if (parts.length !== 2) return undefined;
  const from = plain(parts[0]!);
  const to = plain(parts[1]!);
  return { ...(from ? { from } : {}), ...(to ? { to } : {}) };
}

export function isTruncated(body: string, platform?: string): boolean {
  if (TRUNCATION_MARKERS.some((marker) => body.includes(marker))) return true;
  return platform === 'azure' && body.length >= AZURE_BODY_LIMIT - 1;
}

/** Every Renovate update table in the body (grouped PRs may have one per package file). */
export function parseBody(body: string | undefined, platform?: string): ParsedBody {
  const result: ParsedBody = { table: false, rows: [], truncated: false };
  if (!body) return result;
  result.truncated = isTruncated(body, platform);
  const lines = body.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const header = splitRow(lines[i]!);
    if (!header) continue;
    const columns = header.map((h) => h.toLowerCase());
    const packageCol = columns.indexOf('package');
    const changeCol = columns.indexOf('change');
    if (packageCol < 0 || changeCol < 0) continue;
    const separator = lines[i + 1] === undefined ? undefined : splitRow(lines[i + 1]!);
    if (!separator || !isSeparator(separator)) continue;
    result.table = true;
    const typeCol = columns.indexOf('type');
    const updateCol = columns.indexOf('update');
    let j = i + 2;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (!line.trim().startsWith('|')) break;
      const cells = splitRow(line);
      if (!cells || cells.length < header.length) {
        result.truncated = true; // the cut went through the table
        continue;
      }
      const change = parseChange(cells[changeCol]!);
      const row: BodyRow = { package: packageName(cells[packageCol]!) };
      const depType = typeCol >= 0 ? plain(cells[typeCol]!) : '';
      if (depType) row.depType = depType;
      const update = updateCol >= 0 ? plain(cells[updateCol]!) : '';
      if (update) row.update = update;
      if (change?.from) row.from = change.from;
      if (change?.to) row.to = change.to;
      if (row.package) result.rows.push(row);
    }
    i = j - 1;
  }
  return result;
}
