// A Flux-style GitOps repository for the Renovate tests: one overlay per environment pinning the checkout image
// through its kustomization `images:` entry, a backup CronJob, and a podinfo HelmRelease. `renovatePr` applies
// edits the way Renovate makes them and returns the PR snapshot the core reviews.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChangedPath, Identity, PullRequestSnapshot } from '../../src/core/types.js';
import { MemorySnapshot } from '../../src/git/memory.js';

/** A sha256 digest whose short form (first 7 hex digits) is `short`, as Renovate prints it. */
export function digest(short: string): string {
  return `sha256:${short}${createHash('sha256')
    .update(short)
    .digest('hex')
    .slice(0, 64 - short.length)}`;
}

export const DIGESTS = {
  checkout181: digest('5d0c4e1'),
  checkout181Rebuilt: digest('e77a0b9'),
  checkout182: digest('40111df'),
  backup230: digest('9c1d2e3'),
  backup231: digest('b7e4f10'),
  busybox: digest('6d9ac9e'),
};

export const RENOVATE_BOT: Identity = { id: '29139614', login: 'renovate[bot]', isBot: true };
export const DANA: Identity = { id: '5501', login: 'dana', isBot: false };

export const CONFIG = `# read from the target branch
environments:
  dev:     { paths: ["environments/dev/**"],     class: low }
  test:    { paths: ["environments/test/**"],    class: medium }
  staging: { paths: ["environments/staging/**"], class: high,     approvals: { count: 1, from: ["@acme/platform-seniors"] } }
  prod:    { paths: ["environments/prod/**"],    class: critical, approvals: { count: 2, from: ["@acme/platform-seniors"] } }
renovate:
  authors: ["renovate[bot]"]
  autoApprove: { environments: [dev, test], updateTypes: [patch, digest] }
`;

const ENVS = ['dev', 'test', 'staging', 'prod'] as const;
export type Env = (typeof ENVS)[number];

function kustomization(env: Env, checkoutTag: string): string {
  return `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop-${env}
resources:
  - namespace.yaml
  - ../../base/checkout
  - backup-cronjob.yaml
  - podinfo.yaml
images:
  - name: ghcr.io/acme/checkout-api
    newTag: ${checkoutTag}
`;
}

function cronJob(env: Env, image: string): string {
  return `apiVersion: batch/v1
kind: CronJob
metadata:
  name: db-backup
  namespace: shop-${env}
spec:
  schedule: "17 3 * * *"
  concurrencyPolicy: Forbid
  jobTemplate:
    spec:
      backoffLimit: 2
      template:
        spec:
          restartPolicy: OnFailure
          initContainers:
            - name: wait-for-db
              image: busybox:1.36.1@${DIGESTS.busybox}
              command: ["sh", "-c", "until nc -z checkout-db 5432; do sleep 2; done"]
              resources:
                requests: { cpu: 10m, memory: 16Mi }
                limits: { memory: 32Mi }
          containers:
            - name: backup
              image: ${image}
              args: ["--target", "s3://acme-backups/${env}"]
              resources:
                requests: { cpu: 250m, memory: 256Mi }
                limits: { memory: 512Mi }
`;
}

function helmRelease(env: Env, version: string, tag: string): string {
  return `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: podinfo
  namespace: shop-${env}
spec:
  interval: 1h
  url: https://stefanprodan.github.io/podinfo
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: shop-${env}
spec:
  interval: 10m
  chart:
    spec:
      chart: podinfo
      version: "${version}"
      sourceRef:
        kind: HelmRepository
        name: podinfo
  values:
    replicaCount: 2
    image:
      repository: ghcr.io/stefanprodan/podinfo
      tag: "${tag}"
`;
}

export interface EnvState {
  checkout: string;
  backup: string;
  chart: string;
  podinfoTag: string;
}

export const BASE_STATE: Record<Env, EnvState> = {
  dev: {
    checkout: '1.8.1',
    backup: 'registry.acme.internal:5000/ops/db-backup:2.3.0',
    chart: '6.5.4',
    podinfoTag: '6.5.4',
  },
  test: {
    checkout: '1.8.1',
    backup: 'registry.acme.internal:5000/ops/db-backup:2.3.0',
    chart: '6.5.4',
    podinfoTag: '6.5.4',
  },
  staging: {
    checkout: `1.8.1@${DIGESTS.checkout181}`,
    backup: `registry.acme.internal:5000/ops/db-backup:2.3.0@${DIGESTS.backup230}`,
    chart: '6.5.4',
    podinfoTag: '6.5.4',
  },
  prod: {
    checkout: `1.8.1@${DIGESTS.checkout181}`,
    backup: `registry.acme.internal:5000/ops/db-backup:2.3.0@${DIGESTS.backup230}`,
    chart: '6.5.4',
    podinfoTag: '6.5.4',
  },
};

const EXAMPLE_BASE = fileURLToPath(new URL('../../examples/env-repo/base/checkout/', import.meta.url));

/** The files of the repository with each environment at `state`. */
export function repoFiles(state: Record<Env, EnvState>, config = CONFIG): Record<string, string> {
  const files: Record<string, string> = { '.envgate.yml': config };
  // The whole example base (secrets, generator inputs): every environment renders it.
  for (const entry of readdirSync(EXAMPLE_BASE, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const rel = relative(EXAMPLE_BASE, join(entry.parentPath, entry.name)).split(sep).join('/');
    files[`base/checkout/${rel}`] = readFileSync(join(EXAMPLE_BASE, rel), 'utf8');
  }
  for (const env of ENVS) {
    const s = state[env];
    files[`environments/${env}/kustomization.yaml`] = kustomization(env, s.checkout);
    files[`environments/${env}/namespace.yaml`] = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop-${env}\n`;
    files[`environments/${env}/backup-cronjob.yaml`] = cronJob(env, s.backup);
    files[`environments/${env}/podinfo.yaml`] = helmRelease(env, s.chart, s.podinfoTag);
  }
  return files;
}

export interface RenovatePrOptions {
  /** Per environment, what changes. */
  head: Partial<Record<Env, Partial<EnvState>>>;
  body?: string;
  author?: Identity;
  branch?: string;
  platform?: PullRequestSnapshot['platform'];
  title?: string;
  config?: string;
  /** Extra head files (written over the generated ones). */
  extraHead?: Record<string, string>;
}

export function renovatePr(options: RenovatePrOptions): PullRequestSnapshot {
  const headState = Object.fromEntries(
    ENVS.map((env) => [env, { ...BASE_STATE[env], ...options.head[env] }]),
  ) as Record<Env, EnvState>;
  const baseFiles = repoFiles(BASE_STATE, options.config);
  const headFiles = { ...repoFiles(headState, options.config), ...options.extraHead };
  const changedPaths: ChangedPath[] = Object.keys(headFiles)
    .filter((path) => baseFiles[path] !== headFiles[path])
    .map((path) => ({ path, status: baseFiles[path] === undefined ? 'added' : 'modified' }));
  const base = MemorySnapshot.fromRecord('a'.repeat(40), baseFiles);
  return {
    platform: options.platform ?? 'github',
    id: '42',
    title: options.title ?? 'chore(deps): update dependencies',
    body: options.body,
    author: options.author ?? RENOVATE_BOT,
    sourceBranch: options.branch ?? 'renovate/patch-updates',
    targetBranch: 'main',
    labels: ['dependencies'],
    base,
    target: base,
    head: MemorySnapshot.fromRecord('b'.repeat(40), headFiles),
    changedPaths,
  };
}

const FIXTURES = fileURLToPath(new URL('../fixtures/renovate/', import.meta.url));

export function fixtureBody(name: string): string {
  return readFileSync(`${FIXTURES}${name}`, 'utf8');
}
