// How big a version change is: major / minor / patch where the versions parse, digest and pin for changes that keep
// the tag, rollback for downgrades, other for anything that cannot be ordered (`latest` → `stable`, a variant
// change). Tags are read as Docker tags usually are: `v1.2.3`, `1.2`, `1.2.3.4`, and a suffix such as `-alpine`
// that marks a compatible build variant and must stay the same; semver pre-releases (`-rc.1`) are ordered by semver.
import semver from 'semver';
import type { UpdateType, VersionRef } from './types.js';

export interface Classification {
  type: UpdateType;
  /** Why, when the type alone does not say (`tag variant changed: -alpine → -bookworm`). */
  note?: string;
}

interface ParsedTag {
  prefix: string;
  release: number[];
  suffix: string;
}

/** `v1.2.3-alpine` → { prefix: 'v', release: [1, 2, 3], suffix: '-alpine' }; undefined for `latest`, `main`, SHAs. */
export function parseTag(tag: string): ParsedTag | undefined {
  const match = /^(v?)(\d{1,9}(?:\.\d{1,9}){0,3})((?:[-+_].*)?)$/i.exec(tag.trim());
  if (!match) return undefined;
  return { prefix: match[1]!.toLowerCase(), release: match[2]!.split('.').map(Number), suffix: match[3]! };
}

const PRERELEASE_WORD = /^[-.]?(?:alpha|beta|rc|pre|preview|dev|snapshot|canary|next|nightly|m)?[.-]?\d*(?:\.\d+)*$/i;

/** A suffix semver orders (`-rc.1`, `-beta`, `-alpha.3`), as opposed to a build variant (`-alpine`, `-debian-12`). */
function isPrerelease(suffix: string): boolean {
  if (suffix === '') return true;
  if (!suffix.startsWith('-')) return false;
  return suffix
    .slice(1)
    .split('.')
    .every((part) => PRERELEASE_WORD.test(part));
}

function compareRelease(a: readonly number[], b: readonly number[]): { index: number; order: number } {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return { index: i, order: x < y ? -1 : 1 };
  }
  return { index: -1, order: 0 };
}

function byPosition(index: number): UpdateType {
  return index === 0 ? 'major' : index === 1 ? 'minor' : 'patch';
}

/** Classifies a change of version strings (tags, chart versions, Git refs). */
export function classifyVersions(from: string, to: string): Classification {
  if (from === to) return { type: 'other', note: 'unchanged' };
  const a = parseTag(from);
  const b = parseTag(to);
  if (!a || !b) {
    return { type: 'other', note: `not a version: ${!a ? from : to}` };
  }
  if (a.suffix.toLowerCase() === b.suffix.toLowerCase()) {
    const { index, order } = compareRelease(a.release, b.release);
    if (order === 0) return { type: 'other', note: 'same version written differently' };
    return order > 0 ? { type: 'rollback' } : { type: byPosition(index) };
  }
  if (isPrerelease(a.suffix) && isPrerelease(b.suffix)) {
    const x = semver.coerce(from, { includePrerelease: true, loose: true });
    const y = semver.coerce(to, { includePrerelease: true, loose: true });
    if (x && y) {
      const order = semver.compare(x, y);
      if (order === 0) return { type: 'other', note: 'same version written differently' };
      if (order > 0) return { type: 'rollback' };
      // As Renovate counts it: the first release number that differs; a pre-release change alone is a patch.
      const { index } = compareRelease([x.major, x.minor, x.patch], [y.major, y.minor, y.patch]);
      return { type: index < 0 ? 'patch' : byPosition(index) };
    }
  }
  return { type: 'other', note: `tag variant changed: ${a.suffix || '(none)'} → ${b.suffix || '(none)'}` };
}

/**
 * Classifies a change of a pinned reference: a tag (or chart version) with an optional digest. The tag decides
 * when it changed; otherwise the digest does (`digest`; `pin` when one is added to a tag that had none).
 */
export function classifyRefs(from: VersionRef, to: VersionRef): Classification {
  if (from.value !== to.value) {
    if (from.value === undefined || to.value === undefined) {
      return { type: 'other', note: to.value === undefined ? 'tag removed' : 'tag added' };
    }
    return classifyVersions(from.value, to.value);
  }
  if (from.digest === to.digest) return { type: 'other', note: 'unchanged' };
  if (from.digest === undefined) return { type: 'pin' };
  if (to.digest === undefined) return { type: 'other', note: 'digest removed: the tag is no longer pinned' };
  return { type: 'digest' };
}
