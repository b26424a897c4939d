// `render.engine: kustomize`: the same render through a Kustomize binary (`kustomize build`, or `kubectl
// kustomize` when only kubectl is installed), for teams that want the reference implementation. The snapshot is
// written to a private temporary directory once per snapshot (regular files only: symlinks never reach the disk,
// so nothing can point outside the repository), and the binary runs without network access to speak of: proxies
// point nowhere and git may use no protocol, so a remote base fails instead of being fetched.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RepoSnapshot } from '../core/types.js';
import { parseResourceYaml } from './kustomize/yaml-io.js';
import { RenderError, type RenderEngine, type RenderOptions, type RenderOutput } from './types.js';

const TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 256 * 1024 * 1024;

/** The first binary that answers: `kustomize`, then `kubectl kustomize`. Undefined when neither is installed. */
export function findKustomizeBinary(): { command: string; args: string[] } | undefined {
  if (spawnSync('kustomize', ['version'], { encoding: 'utf8' }).status === 0)
    return { command: 'kustomize', args: ['build'] };
  if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0)
    return { command: 'kubectl', args: ['kustomize'] };
  return undefined;
}

const trees = new WeakMap<RepoSnapshot, string>();
const made = new Set<string>();
let cleanupRegistered = false;

/**
 * The snapshot's regular files, as bytes, in a new temporary directory (symlinks and unreadable files are left
 * out, so nothing in it points outside). The caller removes it.
 */
export function writeSnapshotTree(snapshot: RepoSnapshot, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  for (const path of snapshot.files()) {
    const bytes = snapshot.readBytes?.(path) ?? snapshot.read(path);
    if (bytes === undefined) continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), bytes);
  }
  return dir;
}

function materialise(snapshot: RepoSnapshot): string {
  const existing = trees.get(snapshot);
  if (existing) return existing;
  const dir = writeSnapshotTree(snapshot, 'envgate-render-');
  trees.set(snapshot, dir);
  made.add(dir);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.once('exit', removeRenderTrees);
  }
  return dir;
}

/** Deletes every temporary tree this process wrote (also run at exit). */
export function removeRenderTrees(): void {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
}

function run(command: string, args: string[], cwd: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(
      command,
      args,
      {
        cwd,
        timeout: TIMEOUT_MS,
        maxBuffer: MAX_OUTPUT,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: cwd,
          HTTP_PROXY: 'http://127.0.0.1:9',
          HTTPS_PROXY: 'http://127.0.0.1:9',
          NO_PROXY: '',
          GIT_ALLOW_PROTOCOL: 'none',
          GIT_TERMINAL_PROMPT: '0',
        },
      },
      (error, stdout, stderr) => {
        if (!error) resolvePromise(stdout);
        else if ((error as { killed?: boolean }).killed)
          reject(new RenderError(`timed out after ${TIMEOUT_MS / 1000} s`, 'timeout'));
        else reject(Object.assign(new Error('kustomize failed'), { stderr: String(stderr) }));
      },
    );
  });
}

/** Kustomize's message without the temporary directory and the `Error:` prefix, on one line. */
function cleanMessage(stderr: string, tree: string): string {
  const text = stderr
    .split(`${tree}/`)
    .join('')
    .split(tree)
    .join('.')
    .replace(/^E\d{4} [\d:.]+\s+\d+ \S+\] "command failed" err=/m, '')
    .replace(/^(error|Error): /, '')
    .trim();
  // kubectl logs a multi-line error as a block between `<` and `>`.
  const block = /^<\n([\s\S]*?)\n\s*>/.exec(text);
  if (block) return block[1]!.replace(/\s*\n\s*/g, ' ').trim();
  const first = text.split('\n')[0] ?? 'kustomize failed';
  // kubectl logs the error as a Go-quoted string.
  if (/^".*"$/.test(first)) {
    try {
      return JSON.parse(first) as string;
    } catch {
      return first.slice(1, -1);
    }
  }
  return first;
}

function reasonOf(message: string): RenderError['reason'] {
  if (/remote|git|http|github\.com/i.test(message)) return 'unsupported';
  if (/cycle/i.test(message)) return 'cycle';
  if (/not in or below|security;/i.test(message)) return 'escape';
  if (/no such file|does not exist|must resolve to|unable to find|not found/i.test(message)) return 'missing';
  return 'invalid';
}

export function createExternalEngine(binary = findKustomizeBinary()): RenderEngine {
  return {
    name: 'kustomize',
    async build(snapshot: RepoSnapshot, dir: string, options: RenderOptions): Promise<RenderOutput> {
      if (!binary) {
        throw new RenderError(
          'render.engine is "kustomize" but neither kustomize nor kubectl is installed',
          'unsupported',
        );
      }
      const tree = materialise(snapshot);
      const target = dir === '' ? '.' : dir;
      let stdout: string;
      try {
        stdout = await run(
          binary.command,
          [...binary.args, target, `--load-restrictor=${options.loadRestrictor}`],
          tree,
        );
      } catch (error) {
        if (error instanceof RenderError) throw error;
        const message = cleanMessage((error as { stderr?: string }).stderr ?? '', tree);
        throw new RenderError(message, reasonOf(message));
      }
      // The binary cannot say which files it read; the render stage falls back to the root's closure.
      return { objects: parseResourceYaml(stdout, `${target} (kustomize output)`), files: [] };
    },
  };
}
