// The built-in Kustomize engine against `kubectl kustomize` on the same roots in the same run (the target:
// at least 20× less wall time per root), the 100-root repository rendered at base and head (under 1 s), and that
// render's peak memory in a child process of its own (under 300 MB). kubectl's time includes starting the
// process: that is what the external engine pays per root.
import { defaultConfig, type LoadedConfig } from '../src/config/config.js';
import { review } from '../src/core/review.js';
import type { PullRequestSnapshot } from '../src/core/types.js';
import { diffStage } from '../src/diff/stage.js';
import { renderRoot } from '../src/render/index.js';
import { createRenderStage } from '../src/render/stage.js';
import { parseStage } from '../src/validate/parse-stage.js';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { MemorySnapshot } from '../src/git/memory.js';
import { renderKustomization } from '../src/render/kustomize/index.js';
import { ARGO_REPO } from '../test/render/kustomize/fixtures/argo.js';
import { exampleLayouts } from '../test/render/kustomize/fixtures/index.js';
import { cleanupKubectlTrees, hasKubectl, kubectlBuildText } from '../test/helpers/kubectl-renderer.js';
import { timeMs, type Benchmark, type BenchRow } from './harness.js';
import { generateManyRoots } from './many-roots.js';

const run = promisify(execFile);
const ROOT_ONLY = { loadRestrictor: 'LoadRestrictionsRootOnly' } as const;

const PER_ROOT = [
  {
    name: 'Argo CD overlay (base, component, generators, replacements)',
    files: ARGO_REPO,
    root: 'workloads/storefront/overlays/prod',
  },
  { name: 'examples/env-repo prod', files: exampleLayouts()[0]!.files, root: 'environments/prod' },
];

const benchmark: Benchmark = {
  title: 'render: built-in Kustomize engine',
  async run() {
    const rows: BenchRow[] = [];
    for (const { name, files, root } of PER_ROOT) {
      const snapshot = MemorySnapshot.fromRecord('bench', files);
      const builtin = await timeMs(() => renderKustomization(snapshot, root, ROOT_ONLY), 25, 5);
      rows.push({ name: `built-in, 1 root: ${name}`, median: builtin.median, unit: 'ms' });
      if (!hasKubectl) {
        rows.push({ name: `kubectl kustomize, 1 root: ${name}`, median: NaN, unit: 'ms', note: 'kubectl not on PATH' });
        continue;
      }
      const kubectl = await timeMs(() => kubectlBuildText(snapshot, root, 'LoadRestrictionsRootOnly'), 7, 1);
      const ratio = kubectl.median / builtin.median;
      rows.push({ name: `kubectl kustomize, 1 root: ${name}`, median: kubectl.median, unit: 'ms' });
      rows.push({
        name: `speed-up over kubectl: ${name}`,
        median: ratio,
        unit: '×',
        target: '≥ 20× faster than kubectl kustomize',
        met: ratio >= 20,
      });
    }
    cleanupKubectlTrees();

    const repo = generateManyRoots(100);
    const base = MemorySnapshot.fromRecord('base', repo.base);
    const head = MemorySnapshot.fromRecord('head', repo.head);
    const all = await timeMs(
      () => {
        for (const snapshot of [base, head]) {
          for (const root of repo.roots) renderKustomization(snapshot, root, ROOT_ONLY);
        }
      },
      7,
      2,
    );
    rows.push({
      name: `100 roots at base and head (${repo.roots.length * 2} renders)`,
      median: all.median,
      unit: 'ms',
      target: '< 1 s',
      met: all.median < 1000,
    });

    // The whole PR diff as a review runs it: roots discovered at both sides, the shared component's change traced to
    // every root, all rendered at base and head, and the per-resource diff.
    const pr: PullRequestSnapshot = {
      platform: 'local',
      id: 'bench',
      title: 'bump the shared sidecar',
      author: { id: 'a', login: 'dana', isBot: false },
      sourceBranch: 'pr',
      targetBranch: 'main',
      labels: [],
      base,
      target: base,
      head,
      changedPaths: repo.changedPaths,
    };
    const config: LoadedConfig = { config: defaultConfig(), valid: true, findings: [] };
    let affected = 0;
    const prDiff = await timeMs(
      async () => {
        const result = await review({ pr, config }, [parseStage, createRenderStage(renderRoot), diffStage]);
        affected = result.roots.length;
      },
      7,
      2,
    );
    rows.push({
      name: `100-root PR diff: discovery, closure, render at base and head, diff (${affected} roots affected)`,
      median: prDiff.median,
      unit: 'ms',
      target: '< 1 s',
      met: prDiff.median < 1000 && affected === repo.roots.length,
    });

    const script = fileURLToPath(new URL('./render-rss.ts', import.meta.url));
    const runner = fileURLToPath(new URL('../bin/run-ts.js', import.meta.url));
    const samples: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { stdout } = await run(process.execPath, [runner, script, '100'], { maxBuffer: 1 << 20 });
      samples.push((JSON.parse(stdout) as { maxRssKiB: number }).maxRssKiB / 1024);
    }
    samples.sort((a, b) => a - b);
    const rss = samples[1]!;
    // The same child doing nothing but start up: how much of the peak is Node and the TypeScript loader.
    const idle = spawnSync(process.execPath, [runner, script, '0'], { encoding: 'utf8' });
    const idleMiB = idle.status === 0 ? (JSON.parse(idle.stdout) as { maxRssKiB: number }).maxRssKiB / 1024 : NaN;
    rows.push({
      name: 'peak RSS, 100 roots at base and head (child process)',
      median: rss,
      unit: 'MB',
      target: '< 300 MB',
      met: rss < 300,
      note: `the same child rendering nothing: ${idleMiB.toFixed(0)} MB`,
    });
    return rows;
  },
};

export default benchmark;
