// Glob matching for config paths (`environments/prod/**`). One compiled matcher per pattern, kept for the process:
// the same few patterns are matched against every changed path of every event.
import picomatch from 'picomatch';

const cache = new Map<string, (path: string) => boolean>();

export function matchesGlob(path: string, pattern: string): boolean {
  let matcher = cache.get(pattern);
  if (!matcher) {
    // `environments/prod/` means everything in that directory.
    const normalized = pattern.endsWith('/') ? `${stripSlashes(pattern)}/**` : stripSlashes(pattern);
    matcher = picomatch(normalized, { dot: true });
    cache.set(pattern, matcher);
  }
  return matcher(stripSlashes(path));
}

export function matchesAny(path: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesGlob(path, pattern));
}

/** Config authors write `/environments/prod/**` (Azure DevOps style) or `./environments`; both mean the same path. */
function stripSlashes(path: string): string {
  return path.replace(/^\.\//, '').replace(/^\/+/, '').replace(/\/+$/, '');
}
