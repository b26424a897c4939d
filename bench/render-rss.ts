// Child process for the render benchmark's memory row: renders every root of the generated 100-root repository at
// base and at head, then prints its own peak resident set size, so nothing else the bench process did counts.
import { MemorySnapshot } from '../src/git/memory.js';
import { renderKustomization } from '../src/render/kustomize/index.js';
import { generateManyRoots } from './many-roots.js';

const repo = generateManyRoots(Number(process.argv[2] ?? 100));
for (const files of [repo.base, repo.head]) {
  const snapshot = MemorySnapshot.fromRecord('rss', files);
  for (const root of repo.roots) renderKustomization(snapshot, root, { loadRestrictor: 'LoadRestrictionsRootOnly' });
}
process.stdout.write(JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
