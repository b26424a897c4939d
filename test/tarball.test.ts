// Reading a repository from a gzipped tarball: real `git archive` output, hostile entries, size and count limits.
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySnapshot } from '../src/git/memory.js';
import { SnapshotCache } from '../src/git/snapshot-cache.js';
import { diffSnapshots } from '../src/git/snapshot-diff.js';
import { ArchiveError, DEFAULT_TARBALL_LIMITS, readTarball } from '../src/git/tarball.js';
import { createRepo, type TestRepo } from './helpers/git-repo.js';

type EntryHeader = Partial<Header> & { name: string };

async function tarGz(entries: { header: EntryHeader; content?: string }[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => chunks.push(chunk as Buffer));
  const done = new Promise<void>((resolve) => archive.on('end', () => resolve()));
  for (const { header, content } of entries) archive.entry(header, content ?? '');
  archive.finalize();
  await done;
  return gzipSync(Buffer.concat(chunks));
}

const file = (name: string, content: string) => ({
  header: { name, type: 'file' as const, size: Buffer.byteLength(content) },
  content,
});

describe('readTarball', () => {
  let repo: TestRepo;
  let sha: string;
  beforeAll(() => {
    repo = createRepo(
      {
        'environments/prod/kustomization.yaml': 'resources: [deploy.yaml]\n',
        'environments/prod/deploy.yaml': 'kind: Deployment\n',
      },
      { 'environments/prod/link.yaml': 'deploy.yaml', 'environments/prod/escape.yaml': '../../../etc/passwd' },
    );
    sha = repo.git('rev-parse', 'HEAD');
  });
  afterAll(() => repo.cleanup());

  it('reads what `git archive` writes: the top folder stripped, files and symlinks kept as such', async () => {
    const archive = execFileSync('git', [
      '-C',
      repo.dir,
      'archive',
      '--format=tar.gz',
      `--prefix=acme-deploy-${sha.slice(0, 7)}/`,
      sha,
    ]);
    const { snapshot, bytes } = await readTarball(archive, sha, 'acme/deploy@1234567');
    expect([...snapshot.files()].sort()).toEqual([
      'environments/prod/deploy.yaml',
      'environments/prod/escape.yaml',
      'environments/prod/kustomization.yaml',
      'environments/prod/link.yaml',
    ]);
    expect(snapshot.read('environments/prod/deploy.yaml')).toBe('kind: Deployment\n');
    expect(snapshot.symlinkTarget('environments/prod/escape.yaml')).toBe('../../../etc/passwd'); // kept, never followed
    expect(snapshot.read('environments/prod/link.yaml')).toBeUndefined();
    expect(bytes).toBeGreaterThan(0);
  });

  it('refuses an archive with an entry outside the repository', async () => {
    for (const name of ['top/../../etc/cron.d/x', '/etc/passwd']) {
      const archive = await tarGz([file('top/ok.yaml', 'a: 1\n'), file(name, 'x')]);
      await expect(readTarball(archive, 'x', 'acme/deploy@1234567')).rejects.toThrow(
        /the archive of acme\/deploy@1234567 has an entry outside the repository .*refusing it/,
      );
    }
  });

  it('lists an oversized file as unreadable and stops at the total size and file count limits', async () => {
    const archive = await tarGz([file('top/small.yaml', 'a: 1\n'), file('top/big.bin', 'x'.repeat(2000))]);
    const limits = { ...DEFAULT_TARBALL_LIMITS, maxFileBytes: 1000 };
    const { snapshot } = await readTarball(archive, 'x', 'acme/deploy@1234567', limits);
    expect(snapshot.unreadable.get('top/big.bin'.slice(4))).toBe('larger than 1000 bytes (2000 bytes)');
    expect(snapshot.read('small.yaml')).toBe('a: 1\n');
    await expect(readTarball(archive, 'x', 'acme/deploy@1234567', { ...limits, maxTotalBytes: 1500 })).rejects.toThrow(
      'the archive of acme/deploy@1234567 is larger than 1500 bytes unpacked',
    );
    await expect(readTarball(archive, 'x', 'acme/deploy@1234567', { ...limits, maxFiles: 1 })).rejects.toThrow(
      'the archive of acme/deploy@1234567 has more than 1 files',
    );
  });

  it('says which archive could not be read when it is not a gzipped tarball', async () => {
    const error = await readTarball(Buffer.from('<html>rate limited</html>'), 'x', 'acme/deploy@1234567').catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(ArchiveError);
    expect(error.message).toMatch(/^the archive of acme\/deploy@1234567 could not be read: /);
  });
});

describe('SnapshotCache', () => {
  it('downloads a commit once even when asked concurrently, and forgets a failed load', async () => {
    const cache = new SnapshotCache(1024);
    const load = async () => ({ snapshot: MemorySnapshot.fromRecord('a', { 'x.yaml': 'a: 1\n' }), bytes: 10 });
    const [a, b] = await Promise.all([cache.get('acme/deploy@a', load), cache.get('acme/deploy@a', load)]);
    expect(a).toBe(b);
    expect(cache.loads).toBe(1);
    await expect(cache.get('acme/deploy@b', () => Promise.reject(new Error('HTTP 502')))).rejects.toThrow('HTTP 502');
    await cache.get('acme/deploy@b', load);
    expect(cache.loads).toBe(3);
  });
});

describe('diffSnapshots', () => {
  it('lists added, modified and deleted paths by content, symlinks by target', () => {
    const base = MemorySnapshot.fromRecord(
      '1',
      { 'a.yaml': 'a', 'b.yaml': 'b', 'c.yaml': 'c' },
      { 'l.yaml': 'a.yaml' },
    );
    const head = MemorySnapshot.fromRecord(
      '2',
      { 'a.yaml': 'a', 'b.yaml': 'B', 'd.yaml': 'd' },
      { 'l.yaml': 'b.yaml' },
    );
    expect(diffSnapshots(base, head)).toEqual([
      { path: 'b.yaml', status: 'modified' },
      { path: 'c.yaml', status: 'deleted' },
      { path: 'd.yaml', status: 'added' },
      { path: 'l.yaml', status: 'modified' },
    ]);
  });
});
