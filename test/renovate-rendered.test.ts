// The Renovate stage on rendered output, as the render stage hands it over (RenderedRoot per affected root, base and
// head objects, the files each render read). A small stand-in renders the fixture repository's overlays the way
// Kustomize would for these files (resources, namespace, images), so the stage is tested against the contract.
import { posix } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadRepoConfig } from '../src/config/config.js';
import { STAGES, review, type Stage } from '../src/core/review.js';
import type { PullRequestSnapshot, RepoSnapshot } from '../src/core/types.js';
import type { KubeObject, RenderedRoot, RenderSide } from '../src/render/types.js';
import { DIGESTS, fixtureBody, renovatePr } from './helpers/renovate-repo.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** `kustomize build environments/<env>` for the fixture's overlays: resources, namespace, images. */
function build(snapshot: RepoSnapshot, dir: string, files: string[]): KubeObject[] {
  const kustomizationPath = `${dir}/kustomization.yaml`;
  const kustomization = parseAllDocuments(snapshot.read(kustomizationPath)!)[0]!.toJS() as Obj;
  files.push(kustomizationPath);
  const objects: Obj[] = [];
  for (const resource of kustomization.resources ?? []) {
    const path = posix.normalize(posix.join(dir, resource));
    if (snapshot.read(`${path}/kustomization.yaml`) !== undefined) objects.push(...build(snapshot, path, files));
    else {
      files.push(path);
      for (const doc of parseAllDocuments(snapshot.read(path)!)) objects.push(doc.toJS() as Obj);
    }
  }
  for (const obj of objects) {
    if (kustomization.namespace && obj.kind !== 'Namespace') obj.metadata.namespace = kustomization.namespace;
    const spec = obj.spec?.jobTemplate?.spec?.template?.spec ?? obj.spec?.template?.spec;
    for (const container of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
      const image = (kustomization.images ?? []).find((i: Obj) => String(container.image).split(/[:@]/)[0] === i.name);
      if (image) container.image = `${image.newName ?? image.name}:${image.newTag}`; // `newTag: 1.8.2@sha256:…` keeps both
    }
  }
  return objects;
}

function side(snapshot: RepoSnapshot, dir: string): RenderSide {
  const files: string[] = [];
  return { status: 'ok', objects: build(snapshot, dir, files), files: [...new Set(files)] };
}

/** Renders every environment at base and head, and marks the ones whose output changed as touched. */
const renderStage: Stage = {
  name: 'render',
  run(ctx) {
    for (const env of ctx.environments) {
      const dir = `environments/${env.name}`;
      const root: RenderedRoot = {
        path: dir,
        type: 'kustomize',
        env: env.name,
        base: side(ctx.pr.base, dir),
        head: side(ctx.pr.head, dir),
      };
      if (JSON.stringify(root.base) === JSON.stringify(root.head)) continue;
      ctx.rendered.push(root);
      if (!ctx.touched.has(env.name)) ctx.touched.set(env.name, []);
      const read = root.head.status === 'ok' ? root.head.files : [];
      ctx.notReviewed = ctx.notReviewed.filter((path) => !read.includes(path));
    }
  },
};

async function run(pr: PullRequestSnapshot) {
  return review({ pr, config: loadRepoConfig(pr.target) }, [renderStage, ...STAGES]);
}

describe('Renovate on rendered output', () => {
  it('finds the image in the rendered Deployment and its kustomization entry as one update', async () => {
    const pr = renovatePr({
      head: { dev: { checkout: '1.8.2' }, prod: { checkout: `1.8.2@${DIGESTS.checkout182}` } },
      body: fixtureBody('github-patch-grouped.md').replace(/\n\| registry\.acme[^\n]*/, ''),
    });
    const result = await run(pr);
    expect(result.gate.validate.state).toBe('pass');
    const prod = result.renovate!.updates.find((u) => u.env === 'prod')!;
    expect(prod).toMatchObject({
      package: 'ghcr.io/acme/checkout-api',
      type: 'patch',
      from: { value: '1.8.1', digest: DIGESTS.checkout181 },
      to: { value: '1.8.2', digest: DIGESTS.checkout182 },
    });
    expect(prod.locations).toEqual([
      {
        resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop-prod', name: 'checkout-api' },
        field: 'containers[api].image',
      },
      { file: 'environments/prod/kustomization.yaml', field: 'images[ghcr.io/acme/checkout-api]' },
    ]);
    expect(result.renovate!.environments.every((e) => e.unexplained.length === 0)).toBe(true);
    expect(result.renovate!.body.disagreements).toEqual([]);
    expect(result.approvals.find((a) => a.env === 'dev')!.autoApproved).toBe(
      'auto-approved by envgate: 1 patch update',
    );
    expect(result.approvals.find((a) => a.env === 'prod')!.state).toBe('pending');
  });

  it('sees a change in a shared base that the changed files alone would not show, and does not auto-approve', async () => {
    const pr = renovatePr({ head: { dev: { checkout: '1.8.2' } } });
    const base = pr.head.read('base/checkout/deployment.yaml')!.replace('replicas: 1', 'replicas: 2');
    const sneaky = renovatePr({
      head: { dev: { checkout: '1.8.2' } },
      extraHead: { 'base/checkout/deployment.yaml': base },
    });
    const result = await run(sneaky);
    const dev = result.renovate!.environments.find((e) => e.env === 'dev')!;
    expect(dev.unexplained).toEqual(['Deployment shop-dev/checkout-api changed beyond its versions']);
    expect(dev.autoApproval.approved).toBe(false);
    // Every environment renders the base: each one shows the change, and none is auto-approved.
    expect(result.renovate!.environments.map((e) => [e.env, e.unexplained.length])).toEqual([
      ['dev', 1],
      ['test', 1],
      ['staging', 1],
      ['prod', 1],
    ]);
    expect(result.approvals.some((a) => a.autoApproved)).toBe(false);
  });
});
