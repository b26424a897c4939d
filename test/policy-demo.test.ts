// The sample PR of `envgate demo` through the policy stage. Until the render stage is part of the pipeline, a
// stand-in renders each touched environment's checkout Deployment from the real example files (the base
// Deployment with the environment's namespace, image and replica count applied), so the baseline pack sees what
// the cluster would receive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadRepoConfig } from '../src/config/config.js';
import { review, type Stage } from '../src/core/review.js';
import type { PullRequestSnapshot, RepoSnapshot } from '../src/core/types.js';
import { buildDemoRepo, type DemoRepo } from '../src/demo/build.js';
import { localPullRequest } from '../src/git/local-pr.js';
import { policyStage } from '../src/policy/stage.js';
import type { KubeObject, RenderSide } from '../src/render/types.js';
import { parseStage } from '../src/validate/parse-stage.js';

interface Kustomization {
  namespace: string;
  images?: { name: string; newTag?: string; digest?: string }[];
  replicas?: { name: string; count: number }[];
}

function renderCheckout(snapshot: RepoSnapshot, env: string): RenderSide {
  const kustomization = parse(snapshot.read(`environments/${env}/kustomization.yaml`)!) as Kustomization;
  const deployment = parse(snapshot.read('base/checkout/deployment.yaml')!) as KubeObject & {
    spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
  };
  deployment.metadata!.namespace = kustomization.namespace;
  for (const container of deployment.spec.template.spec.containers) {
    const name = container.image.replace(/[:@].*$/, '');
    const image = kustomization.images?.find((i) => i.name === name);
    if (image)
      container.image = `${name}${image.newTag ? `:${image.newTag}` : ''}${image.digest ? `@${image.digest}` : ''}`;
  }
  const replicas = kustomization.replicas?.find((r) => r.name === deployment.metadata!.name);
  if (replicas) deployment.spec.replicas = replicas.count;
  const namespace = parse(snapshot.read(`environments/${env}/namespace.yaml`)!) as KubeObject;
  return { status: 'ok', objects: [namespace, deployment], files: [`environments/${env}/kustomization.yaml`] };
}

const standInRender: Stage = {
  name: 'render',
  run(ctx) {
    for (const env of ctx.touched.keys()) {
      ctx.rendered.push({
        path: `environments/${env}`,
        type: 'kustomize',
        env,
        base: renderCheckout(ctx.pr.base, env),
        head: renderCheckout(ctx.pr.head, env),
      });
    }
  },
};

describe('the demo PR through the policy stage', () => {
  let demo: DemoRepo;
  let pr: PullRequestSnapshot;
  beforeAll(async () => {
    demo = await buildDemoRepo();
    pr = await localPullRequest({ repo: demo.dir, base: demo.base, head: demo.head });
  });
  afterAll(() => demo?.cleanup());

  it('catches the image digest the PR drops in prod, and nothing else', async () => {
    const result = await review({ pr, config: loadRepoConfig(pr.target) }, [parseStage, standInRender, policyStage]);
    expect(result.findings.filter((f) => f.rule.startsWith('policy/'))).toEqual([
      {
        rule: 'policy/envgate-baseline-image-digest',
        severity: 'error',
        message:
          'images must be pinned by digest (image@sha256:…) in staging and prod: api (ghcr.io/acme/checkout-api:1.8.2)',
        file: 'environments/prod/kustomization.yaml',
        resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop-prod', name: 'checkout-api' },
        env: 'prod',
      },
    ]);
  });
});
