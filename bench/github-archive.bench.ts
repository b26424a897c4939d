// How fast the GitHub adapter turns a commit archive into a snapshot (gunzip + tar parse in memory, path checks),
// compared with reading the same commit from a local clone (git ls-tree + cat-file --batch), measured in one run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { readSnapshot } from '../src/git/local.js';
import { readTarball } from '../src/git/tarball.js';
import { timeMs, type Benchmark } from './harness.js';

const APPS = 60;
const ENVS = ['dev', 'test', 'staging', 'prod'];

/** A GitOps repo the size of a busy platform team's: 60 apps, a base and 4 overlays each (720 files). */
function buildRepo(): { dir: string; sha: string } {
  const dir = mkdtempSync(join(tmpdir(), 'envgate-bench-archive-'));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  for (let a = 0; a < APPS; a++) {
    const app = `app-${a}`;
    write(`base/${app}/kustomization.yaml`, 'resources: [deployment.yaml, service.yaml, configmap.yaml]\n');
    write(
      `base/${app}/deployment.yaml`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: 2\n  selector:\n    matchLabels: { app: ${app} }\n  template:\n    metadata:\n      labels: { app: ${app} }\n    spec:\n      containers:\n        - name: ${app}\n          image: ghcr.io/acme/${app}:1.0.0\n${'          # padding\n'.repeat(40)}`,
    );
    write(
      `base/${app}/service.yaml`,
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\nspec:\n  ports: [{ port: 80 }]\n`,
    );
    write(
      `base/${app}/configmap.yaml`,
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${app}\ndata:\n  LOG_LEVEL: info\n`,
    );
    for (const env of ENVS) {
      write(`environments/${env}/${app}/kustomization.yaml`, `resources: [../../../base/${app}]\nnamespace: ${env}\n`);
      write(
        `environments/${env}/${app}/patch.yaml`,
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: 3\n`,
      );
    }
  }
  const git = (...args: string[]) =>
    execFileSync('git', [
      '-C',
      dir,
      '-c',
      'commit.gpgsign=false',
      '-c',
      'user.name=bench',
      '-c',
      'user.email=b@b',
      ...args,
    ])
      .toString()
      .trim();
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'bench');
  return { dir, sha: git('rev-parse', 'HEAD') };
}

const benchmark: Benchmark = {
  title: 'GitHub: PR snapshots from archives',
  async run() {
    const { dir, sha } = buildRepo();
    try {
      const archive = execFileSync('git', [
        '-C',
        dir,
        'archive',
        '--format=tar.gz',
        `--prefix=acme-deploy-${sha.slice(0, 7)}/`,
        sha,
      ]);
      const files = execFileSync('git', ['-C', dir, 'ls-files']).toString().trim().split('\n').length;
      const fromArchive = await timeMs(() => readTarball(archive, sha, 'acme/deploy'), 9, 2);
      const fromGit = await timeMs(() => readSnapshot(dir, sha), 9, 2);
      const ratio = fromArchive.median / fromGit.median;
      return [
        {
          name: `snapshot from a tar.gz archive (${files} files, ${Math.round(archive.byteLength / 1024)} KiB gzipped)`,
          median: Math.round(fromArchive.median * 10) / 10,
          unit: 'ms',
        },
        {
          name: 'reference: the same commit from a local clone (git ls-tree + cat-file)',
          median: Math.round(fromGit.median * 10) / 10,
          unit: 'ms',
        },
        {
          name: 'archive ÷ local clone',
          median: Math.round(ratio * 100) / 100,
          unit: '×',
          target: '≤ 1× (no slower than reading a clone, which the app does not have)',
          met: ratio <= 1,
          note: 'download time not included: GitHub serves the archive in one request per commit',
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default benchmark;
