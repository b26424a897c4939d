// The PR body's update table against the updates derived from the diff. A contradiction (the body says patch, the
// diff shows a major bump; the diff changes something the body does not list; the body names a version the diff
// does not contain) rules out auto-approval: either the body or the branch is not what Renovate made.
import type { ParsedBody } from './body.js';
import { canonicalImageName, shortDigest } from './image.js';
import type { BodyCheck, BodyRow, DependencyUpdate, UpdateType } from './types.js';

/** Renovate's updateType as written in the table → the type envgate derives for the same change. */
const BODY_TYPES: Record<string, UpdateType> = {
  major: 'major',
  minor: 'minor',
  patch: 'patch',
  digest: 'digest',
  pindigest: 'pin',
  rollback: 'rollback',
  replacement: 'replacement',
};

function normalise(name: string): string {
  return canonicalImageName(name.replace(/^oci:\/\//, '').replace(/\/+$/, ''));
}

function sameName(a: string, b: string, exact: boolean): boolean {
  return a === b || (!exact && (a.endsWith(`/${b}`) || b.endsWith(`/${a}`)));
}

/**
 * Renovate names an image as written (`ghcr.io/org/app`) and a chart by its name; either may carry a prefix.
 * `exact` compares whole names; otherwise one may end with `/` and the other.
 */
export function samePackageName(bodyName: string, derived: string, exact = false): boolean {
  return sameName(normalise(bodyName), normalise(derived), exact);
}

interface Named {
  update: DependencyUpdate;
  /** Normalised package name, and the previous one for a replacement. */
  names: string[];
}

/** The updates a body row is about: the exactly named ones when there are any, else those matching by suffix. */
function candidatesFor(row: BodyRow, changes: readonly Named[]): DependencyUpdate[] {
  const name = normalise(row.package);
  const exact = changes.filter((c) => c.names.some((n) => sameName(name, n, true)));
  const found = exact.length > 0 ? exact : changes.filter((c) => c.names.some((n) => sameName(name, n, false)));
  return found.map((c) => c.update);
}

function describe(update: DependencyUpdate): string {
  return `${update.package} ${show(update.from)} → ${show(update.to)}`;
}

function show(ref: DependencyUpdate['from']): string {
  if (ref.value && ref.digest) return `${ref.value}@${shortDigest(ref.digest)}`;
  return ref.value ?? (ref.digest ? shortDigest(ref.digest) : '(none)');
}

/** Does the body's `to` name this update's new version (the tag, or Renovate's 7-character digest)? */
function sameTarget(row: BodyRow, update: DependencyUpdate): boolean {
  if (row.to === undefined) return true;
  const to = row.to.toLowerCase();
  if (update.to.value !== undefined && update.to.value.toLowerCase() === to) return true;
  if (update.to.value !== undefined && to.startsWith(`${update.to.value.toLowerCase()}@`)) return true;
  if (update.to.digest !== undefined && /^[0-9a-f]{7,}$/.test(to)) {
    return update.to.digest
      .toLowerCase()
      .slice(update.to.digest.indexOf(':') + 1)
      .startsWith(to);
  }
  return false;
}

/** The same change seen in several environments is one row in Renovate's table. */
function distinct(updates: readonly DependencyUpdate[]): DependencyUpdate[] {
  const seen = new Map<string, DependencyUpdate>();
  for (const u of updates) {
    const key = [u.datasource, normalise(u.package), show(u.from), show(u.to)].join('\u0000');
    if (!seen.has(key)) seen.set(key, u);
  }
  return [...seen.values()];
}

export interface CrossCheckOptions {
  /** Changed paths outside every environment: body rows may be about them (CI workflows, Dockerfiles). */
  outsideEnvironments: readonly string[];
}

export function crossCheck(
  updates: readonly DependencyUpdate[],
  body: ParsedBody,
  options: CrossCheckOptions,
): BodyCheck {
  const check: BodyCheck = {
    table: body.table,
    rows: body.rows,
    truncated: body.truncated,
    disagreements: [],
    notes: [],
  };
  if (body.truncated) check.notes.push('the PR body was truncated by the platform: rows may be missing from its table');
  if (!body.table) {
    check.notes.push('the PR body has no Renovate update table: the updates come from the diff alone');
    return check;
  }
  const changes = distinct(updates);
  const named: Named[] = changes.map((update) => ({
    update,
    names: [update.package, ...(update.previousPackage ? [update.previousPackage] : [])].map(normalise),
  }));
  const matched = new Set<DependencyUpdate>();
  for (const row of body.rows) {
    const candidates = candidatesFor(row, named);
    if (candidates.length === 0) {
      const line = `the PR body lists ${row.package}${row.to ? ` → ${row.to}` : ''}, which changes in no environment`;
      if (options.outsideEnvironments.length > 0) check.notes.push(`${line} (it may be in a file outside them)`);
      else check.disagreements.push(line);
      continue;
    }
    const hits = candidates.filter((u) => sameTarget(row, u));
    if (hits.length === 0) {
      check.disagreements.push(
        `the PR body says ${row.package} → ${row.to}, the diff shows ${candidates.map(describe).join(', ')}`,
      );
      candidates.forEach((u) => matched.add(u));
      continue;
    }
    const expected = row.update ? BODY_TYPES[row.update.toLowerCase()] : undefined;
    for (const u of hits) {
      matched.add(u);
      if (expected && expected !== u.type) {
        check.disagreements.push(
          `the PR body says ${row.update} for ${row.package}, the diff shows ${u.type} (${describe(u)})`,
        );
      }
    }
  }
  for (const u of changes) {
    if (matched.has(u)) continue;
    if (body.truncated) check.notes.push(`${describe(u)} is not in the (truncated) PR body`);
    else check.disagreements.push(`the diff changes ${describe(u)}, which the PR body does not list`);
  }
  return check;
}
