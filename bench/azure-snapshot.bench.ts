// How fast the Azure DevOps adapter builds a PR's three snapshots (merge-base, target tip, head) from trees and
// blob zips, against three separate whole-commit downloads, measured in one run. The API is in memory (zips built
// once up front, as Azure DevOps builds them server-side), so this measures envgate's side: zip reading, blob id
// checks, tree listing and the blob cache that lets the head reuse what the merge-base brought.
import type { GitTreeRef } from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import { ZipFile } from 'yazl';
import { AzureSnapshotStore, gitBlobId } from '../src/platforms/azure/snapshot.js';
import type { AzureDevOpsApi } from '../src/platforms/azure/transport.js';
import { timeMs, type Benchmark } from './harness.js';

const APPS = 60;
const ENVS = ['dev', 'test', 'staging', 'prod'];

/** A GitOps repo the size of a busy platform team's: 60 apps, a base and 4 overlays each (720 files). */
function repoFiles(tag: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const write = (path: string, text: string) => files.set(path, Buffer.from(text));
  for (let a = 0; a < APPS; a++) {
    const app = `app-${a}`;
    write(`base/${app}/kustomization.yaml`, 'resources: [deployment.yaml, service.yaml, configmap.yaml]\n');
    write(
      `base/${app}/deployment.yaml`,
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: ${app}\n          image: ghcr.io/acme/${app}:1.0.0\n${'          # padding\n'.repeat(40)}`,
    );
    write(`base/${app}/service.yaml`, `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\n`);
    write(`base/${app}/configmap.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${app}\n`);
    for (const env of ENVS) {
      write(`environments/${env}/${app}/kustomization.yaml`, `resources: [../../../base/${app}]\nnamespace: ${env}\n`);
      const tagged = env === 'prod' && a === 0 ? tag : '1.0.0';
      write(
        `environments/${env}/${app}/patch.yaml`,
        `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${app}\n          image: ghcr.io/acme/${app}:${tagged}\n`,
      );
    }
  }
  return files;
}

async function zip(entries: Iterable<[string, Buffer]>): Promise<Buffer> {
  const file = new ZipFile();
  for (const [name, content] of entries) file.addBuffer(content, name);
  file.end();
  const chunks: Buffer[] = [];
  for await (const chunk of file.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

interface Commit {
  sha: string;
  tree: GitTreeRef;
}

function commitOf(sha: string, files: Map<string, Buffer>): Commit {
  const treeEntries = [...files].map(([relativePath, content]) => ({
    relativePath,
    objectId: gitBlobId(content),
    gitObjectType: 3,
    mode: '100644',
    size: content.length,
  }));
  return { sha, tree: { objectId: sha.replace(/^./, 't'), treeEntries } };
}

/** An in-memory API that answers with zips prepared for each request it will get. */
async function fakeApi(commits: Commit[], blobs: Map<string, Buffer>) {
  const zips = new Map<string, Buffer>();
  const key = (ids: string[]) => [...ids].sort().join();
  const prepare = async (ids: string[]) => zips.set(key(ids), await zip(ids.map((id) => [id, blobs.get(id)!])));
  let downloaded = 0;
  const api = {
    getCommit: async (_p: string, _r: string, sha: string) => ({
      commitId: sha,
      treeId: commits.find((c) => c.sha === sha)!.tree.objectId,
    }),
    getTree: async (_p: string, _r: string, treeId: string) => commits.find((c) => c.tree.objectId === treeId)!.tree,
    getBlobsZip: async (_p: string, _r: string, ids: string[]) => {
      const found = zips.get(key(ids));
      if (!found) throw new Error(`no zip prepared for ${ids.length} blobs`);
      downloaded += found.byteLength;
      return found;
    },
  } as unknown as AzureDevOpsApi;
  return { api, prepare, downloaded: () => downloaded };
}

const benchmark: Benchmark = {
  title: 'Azure DevOps: PR snapshots from trees and blob zips',
  async run() {
    const baseFiles = repoFiles('1.0.0');
    const headFiles = repoFiles('1.0.1');
    const blobs = new Map<string, Buffer>();
    for (const content of [...baseFiles.values(), ...headFiles.values()]) blobs.set(gitBlobId(content), content);
    const base = commitOf('b'.repeat(40), baseFiles);
    const target = commitOf('c'.repeat(40), baseFiles); // the target tip moved on without touching files
    const head = commitOf('d'.repeat(40), headFiles);
    const { api, prepare, downloaded } = await fakeApi([base, target, head], blobs);
    const ids = (c: Commit) => [...new Set(c.tree.treeEntries!.map((e) => e.objectId!))];
    await prepare(ids(base));
    await prepare(ids(head));
    const baseIds = new Set(ids(base));
    await prepare(ids(head).filter((id) => !baseIds.has(id)));

    const pr = async () => {
      const store = new AzureSnapshotStore();
      for (const c of [base, target, head]) await store.snapshot(api, 'p', 'r', c.sha);
    };
    const separately = async () => {
      for (const c of [base, target, head]) await new AzureSnapshotStore().snapshot(api, 'p', 'r', c.sha);
    };
    const before = downloaded();
    await pr();
    const prBytes = downloaded() - before;
    await separately();
    const separateBytes = downloaded() - before - prBytes;

    const shared = await timeMs(pr, 9, 2);
    const cold = await timeMs(separately, 9, 2);
    const ratio = shared.median / cold.median;
    return [
      {
        name: `PR snapshots, blobs shared (${baseFiles.size} files; ${Math.round(prBytes / 1024)} KiB of zips)`,
        median: Math.round(shared.median * 10) / 10,
        unit: 'ms',
      },
      {
        name: `reference: each commit downloaded whole (${Math.round(separateBytes / 1024)} KiB of zips)`,
        median: Math.round(cold.median * 10) / 10,
        unit: 'ms',
      },
      {
        name: 'shared ÷ whole commits',
        median: Math.round(ratio * 100) / 100,
        unit: '×',
        target: '≤ 0.5× (the head and the target reuse the merge-base blobs)',
        met: ratio <= 0.5,
        note: `download volume ${Math.round((prBytes / separateBytes) * 100)}% of three whole-commit downloads; network time not included`,
      },
    ];
  },
};

export default benchmark;
