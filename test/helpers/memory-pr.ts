// A pull request over in-memory file trees, for stage tests that need no git repository.
import type { ChangedPath, PullRequestSnapshot } from '../../src/core/types.js';
import { MemorySnapshot } from '../../src/git/memory.js';

export const BASE_SHA = '1'.repeat(40);
export const HEAD_SHA = '2'.repeat(40);

/** `changed` defaults to every path whose content differs; the target branch is the base. */
export function memoryPr(
  baseFiles: Record<string, string>,
  headFiles: Record<string, string>,
  options: Partial<Omit<PullRequestSnapshot, 'base' | 'head' | 'target'>> & { baseSha?: string; headSha?: string } = {},
): PullRequestSnapshot {
  const { baseSha = BASE_SHA, headSha = HEAD_SHA, ...rest } = options;
  const base = MemorySnapshot.fromRecord(baseSha, baseFiles);
  const changedPaths: ChangedPath[] =
    rest.changedPaths ??
    [...new Set([...Object.keys(baseFiles), ...Object.keys(headFiles)])]
      .filter((path) => baseFiles[path] !== headFiles[path])
      .map((path) => ({
        path,
        status: baseFiles[path] === undefined ? 'added' : headFiles[path] === undefined ? 'deleted' : 'modified',
      }));
  return {
    platform: 'local',
    id: 'test',
    title: 'test',
    author: { id: 'a', login: 'dana', isBot: false },
    sourceBranch: 'pr',
    targetBranch: 'main',
    labels: [],
    ...rest,
    base,
    target: base,
    head: MemorySnapshot.fromRecord(headSha, headFiles),
    changedPaths,
  };
}
