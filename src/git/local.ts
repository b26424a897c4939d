// Snapshots of a local git repository, read from the object database: no work tree, no checkout, so a bare
// repository or one with local edits reads the same. One `ls-tree` and one `cat-file --batch` per commit.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { ChangedPath, ChangeStatus } from '../core/types.js';
import { MemorySnapshot } from './memory.js';

const run = promisify(execFile);

/** Blobs above this size are listed as unreadable instead of loaded: GitOps repos hold no legitimate 32 MiB YAML. */
export const MAX_BLOB_BYTES = 32 * 1024 * 1024;

export class GitError extends Error {
  override name = 'GitError';
}

async function git(repo: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', repo, ...args], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const err = error as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new GitError('git is not installed or not on PATH');
    const detail = (err.stderr ?? err.message).trim().split('\n').pop() ?? '';
    throw new GitError(`git ${args[0]} failed in ${repo}: ${detail.replace(/^fatal: /, '')}`);
  }
}

/** The full SHA of a commit-ish; a clear error when it does not name a commit. */
export async function resolveCommit(repo: string, rev: string): Promise<string> {
  if (rev.startsWith('-')) throw new GitError(`not a revision: ${rev}`);
  try {
    return (await git(repo, ['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`])).trim();
  } catch (error) {
    if (error instanceof GitError && /not a git repository/i.test(error.message)) throw error;
    throw new GitError(`${rev} does not name a commit in ${repo}`);
  }
}

export async function mergeBase(repo: string, a: string, b: string): Promise<string> {
  const out = await git(repo, ['merge-base', a, b]).catch(() => '');
  const sha = out.trim().split('\n')[0];
  if (!sha) throw new GitError(`${a.slice(0, 12)} and ${b.slice(0, 12)} have no common ancestor`);
  return sha;
}

export interface CommitInfo {
  sha: string;
  authorName: string;
  authorEmail: string;
  subject: string;
  /** Committer date, ISO 8601. */
  date: string;
}

export async function commitInfo(repo: string, sha: string): Promise<CommitInfo> {
  const out = await git(repo, ['show', '-s', '--format=%H%x00%an%x00%ae%x00%s%x00%cI', sha]);
  const [full, authorName, authorEmail, subject, date] = out.trimEnd().split('\0');
  return { sha: full!, authorName: authorName!, authorEmail: authorEmail!, subject: subject!, date: date! };
}

interface TreeEntry {
  mode: string;
  oid: string;
  size: number;
  path: string;
}

async function listTree(repo: string, sha: string): Promise<TreeEntry[]> {
  const out = await git(repo, ['ls-tree', '-r', '-z', '-l', '--full-tree', sha]);
  const entries: TreeEntry[] = [];
  for (const record of out.split('\0')) {
    if (!record) continue;
    const tab = record.indexOf('\t');
    const [mode, type, oid, size] = record.slice(0, tab).split(/\s+/);
    if (type !== 'blob') continue; // submodules (commit entries) carry no content here
    entries.push({ mode: mode!, oid: oid!, size: size === '-' ? 0 : Number(size), path: record.slice(tab + 1) });
  }
  return entries;
}

/** Reads blobs through one `git cat-file --batch` process; missing objects come back absent, not thrown. */
async function readBlobs(repo: string, oids: string[]): Promise<Map<string, Buffer>> {
  const blobs = new Map<string, Buffer>();
  if (oids.length === 0) return blobs;
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-C', repo, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => reject(new GitError(`git cat-file failed: ${error.message}`)));
    child.on('close', (code) => {
      if (code !== 0) return reject(new GitError(`git cat-file failed: ${stderr.trim() || `exit ${code}`}`));
      const out = Buffer.concat(chunks);
      let offset = 0;
      while (offset < out.length) {
        const newline = out.indexOf(0x0a, offset);
        if (newline < 0) break;
        const header = out.toString('utf8', offset, newline).split(' ');
        offset = newline + 1;
        if (header[1] === 'missing' || header.length < 3) continue;
        const size = Number(header[2]);
        blobs.set(header[0]!, out.subarray(offset, offset + size));
        offset += size + 1;
      }
      resolve(blobs);
    });
    child.stdin.on('error', () => undefined); // the close handler reports the failure
    child.stdin.end(`${oids.join('\n')}\n`);
  });
}

/** The whole tree of a commit in memory. Oversized or missing blobs are listed in `unreadable` with the reason. */
export async function readSnapshot(repo: string, rev: string): Promise<MemorySnapshot> {
  const sha = await resolveCommit(repo, rev);
  const entries = await listTree(repo, sha);
  const unreadable = new Map<string, string>();
  const wanted = new Set<string>();
  for (const entry of entries) {
    if (entry.size > MAX_BLOB_BYTES) unreadable.set(entry.path, `larger than ${MAX_BLOB_BYTES / 1024 / 1024} MiB`);
    else wanted.add(entry.oid);
  }
  const blobs = await readBlobs(repo, [...wanted]);
  const files = new Map<string, Uint8Array>();
  const symlinks = new Map<string, string>();
  for (const entry of entries) {
    if (unreadable.has(entry.path)) continue;
    const blob = blobs.get(entry.oid);
    if (!blob) unreadable.set(entry.path, `blob ${entry.oid.slice(0, 12)} is missing from the repository`);
    else if (entry.mode === '120000') symlinks.set(entry.path, blob.toString('utf8'));
    else files.set(entry.path, blob);
  }
  return new MemorySnapshot(sha, { files, symlinks, unreadable });
}

const STATUS: Record<string, ChangeStatus> = { A: 'added', M: 'modified', T: 'modified', D: 'deleted', R: 'renamed' };

/** Paths changed from `from` to `to`, renames detected (`-M`), copies reported as additions. */
export async function changedPaths(repo: string, from: string, to: string): Promise<ChangedPath[]> {
  const out = await git(repo, ['diff', '--no-ext-diff', '--no-textconv', '-z', '--name-status', '-M', from, to]);
  const fields = out.split('\0');
  const changes: ChangedPath[] = [];
  for (let i = 0; i < fields.length; ) {
    const code = fields[i++];
    if (!code) continue;
    const letter = code[0]!;
    if (letter === 'R' || letter === 'C') {
      const previousPath = fields[i++]!;
      const path = fields[i++]!;
      changes.push(letter === 'R' ? { path, previousPath, status: 'renamed' } : { path, status: 'added' });
    } else {
      changes.push({ path: fields[i++]!, status: STATUS[letter] ?? 'modified' });
    }
  }
  return changes;
}
