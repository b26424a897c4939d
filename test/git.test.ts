import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { changedPaths, GitError, mergeBase, readSnapshot, resolveCommit } from '../src/git/local.js';
import { localPullRequest } from '../src/git/local-pr.js';
import { createRepo, type TestRepo } from './helpers/git-repo.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

describe('local git snapshots', () => {
  it('reads a commit tree into memory without a work tree, symlinks kept apart', () => {
    repo = createRepo(
      { 'a.yaml': 'a: 1\n', 'dir/b.yaml': 'b: 2\n', 'bin.dat': '\u0000\u0001' },
      { 'link.yaml': 'a.yaml' },
    );
    const first = repo.git('rev-parse', 'HEAD');
    repo.write({ 'a.yaml': 'a: changed in the work tree\n' }); // not committed: must not be seen
    return readSnapshot(repo.dir, first).then((snapshot) => {
      expect(snapshot.sha).toBe(first);
      expect([...snapshot.files()].sort()).toEqual(['a.yaml', 'bin.dat', 'dir/b.yaml', 'link.yaml']);
      expect(snapshot.read('a.yaml')).toBe('a: 1\n');
      expect(snapshot.read('link.yaml')).toBeUndefined();
      expect(snapshot.symlinkTarget('link.yaml')).toBe('a.yaml');
      expect([...snapshot.readBytes('bin.dat')!]).toEqual([0, 1]);
      expect(snapshot.read('missing.yaml')).toBeUndefined();
    });
  });

  it('reports a missing blob as unreadable instead of failing', async () => {
    repo = createRepo({ 'keep.yaml': 'k: 1\n', 'lost.yaml': 'this blob goes missing\n' });
    const blob = repo.git('rev-parse', 'HEAD:lost.yaml');
    rmSync(join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2)));
    const snapshot = await readSnapshot(repo.dir, 'HEAD');
    expect(snapshot.read('keep.yaml')).toBe('k: 1\n');
    expect(snapshot.read('lost.yaml')).toBeUndefined();
    expect(snapshot.unreadable.get('lost.yaml')).toMatch(/missing from the repository/);
    expect([...snapshot.files()]).toContain('lost.yaml');
  });

  it('lists changes from the merge-base with renames and deletions', async () => {
    repo = createRepo({
      'environments/staging/app.yaml':
        'kind: ConfigMap\napiVersion: v1\nmetadata: { name: app }\ndata: { a: "1", b: "2", c: "3" }\n',
      'environments/prod/gone.yaml': 'x: 1\n',
      'environments/prod/edit.yaml': 'x: 1\n',
    });
    repo.git('checkout', '-q', '-b', 'pr');
    repo.git('mv', 'environments/staging/app.yaml', 'environments/prod/app.yaml');
    repo.remove('environments/prod/gone.yaml');
    repo.write({ 'environments/prod/edit.yaml': 'x: 2\n', 'environments/dev/new.yaml': 'y: 1\n' });
    repo.commit('pr change');
    // main moves on after the branch: its changes must not show up as the PR's
    repo.git('checkout', '-q', 'main');
    repo.write({ 'environments/test/on-main.yaml': 'z: 1\n' });
    const mainTip = repo.commit('main moves');
    const base = await mergeBase(repo.dir, mainTip, await resolveCommit(repo.dir, 'pr'));
    const changes = await changedPaths(repo.dir, base, 'pr');
    expect(changes).toEqual(
      expect.arrayContaining([
        { path: 'environments/prod/app.yaml', previousPath: 'environments/staging/app.yaml', status: 'renamed' },
        { path: 'environments/prod/gone.yaml', status: 'deleted' },
        { path: 'environments/prod/edit.yaml', status: 'modified' },
        { path: 'environments/dev/new.yaml', status: 'added' },
      ]),
    );
    expect(changes).toHaveLength(4);

    const pr = await localPullRequest({ repo: repo.dir, base: 'main', head: 'pr' });
    expect(pr.target.sha).toBe(mainTip);
    expect(pr.base.sha).toBe(base);
    expect(pr.target.read('environments/test/on-main.yaml')).toBe('z: 1\n');
    expect(pr.base.read('environments/test/on-main.yaml')).toBeUndefined();
    expect(pr.head.read('environments/prod/edit.yaml')).toBe('x: 2\n');
    expect(pr.changedPaths).toEqual(changes);
  });

  it('says clearly when a revision or repository does not exist', async () => {
    repo = createRepo({ 'a.yaml': 'a: 1\n' });
    await expect(resolveCommit(repo.dir, 'no-such-branch')).rejects.toThrow(/no-such-branch does not name a commit/);
    await expect(resolveCommit(repo.dir, '--output=/tmp/x')).rejects.toBeInstanceOf(GitError);
    await expect(resolveCommit('/nonexistent-envgate-dir', 'HEAD')).rejects.toBeInstanceOf(GitError);
  });
});
