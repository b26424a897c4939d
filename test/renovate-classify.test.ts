import { describe, expect, it } from 'vitest';
import { canonicalImageName, parseImageRef, shortDigest } from '../src/renovate/image.js';
import { classifyRefs, classifyVersions, parseTag } from '../src/renovate/version.js';

const D1 = `sha256:${'3ab8e5ad213f77f6354504666fa08f7227a7c2ad77f4e380058f03747d73c2d5'}`;
const D2 = `sha256:${'40111dfd0a42e5e1589ba3a83911a7be1779b50c24dd9cdd659082dae84f59c2'}`;

describe('parseImageRef', () => {
  it.each([
    ['nginx', { name: 'nginx', registry: undefined, tag: undefined, digest: undefined }],
    ['nginx:1.25.3-alpine', { name: 'nginx', tag: '1.25.3-alpine' }],
    ['docker.io/library/nginx:1.25', { name: 'docker.io/library/nginx', registry: 'docker.io', tag: '1.25' }],
    ['ghcr.io/acme/checkout-api:1.8.2@' + D2, { name: 'ghcr.io/acme/checkout-api', tag: '1.8.2', digest: D2 }],
    // A registry port is not a tag.
    [
      'registry.acme.internal:5000/ops/db-backup',
      { name: 'registry.acme.internal:5000/ops/db-backup', registry: 'registry.acme.internal:5000', tag: undefined },
    ],
    ['registry.acme.internal:5000/ops/db-backup:2.3.0', { registry: 'registry.acme.internal:5000', tag: '2.3.0' }],
    [
      'localhost:5000/app@' + D1,
      { name: 'localhost:5000/app', registry: 'localhost:5000', tag: undefined, digest: D1 },
    ],
    ['localhost/app:v1', { registry: 'localhost', tag: 'v1' }],
    ['[::1]:5000/app:v1', { registry: '[::1]:5000', tag: 'v1' }],
    ['quay.io/prometheus/node-exporter:v1.8.2', { name: 'quay.io/prometheus/node-exporter', tag: 'v1.8.2' }],
    ['public.ecr.aws/eks-distro/kubernetes/pause:3.9', { registry: 'public.ecr.aws', tag: '3.9' }],
    ['bitnami/redis:7.2.4-debian-12-r9', { name: 'bitnami/redis', registry: undefined, tag: '7.2.4-debian-12-r9' }],
    ['busybox:latest', { tag: 'latest' }],
  ])('%s', (input, expected) => {
    expect(parseImageRef(input)).toMatchObject({ raw: input, ...expected });
  });

  it.each([
    ['${IMAGE}'],
    ['{{ .Values.image.repository }}:{{ .Values.image.tag }}'],
    ['Nginx:1.25'],
    ['nginx:1.25 '.repeat(2)],
    ['nginx@sha256:abc123'],
    ['nginx:-bad'],
    ['registry:port/app:1'],
    [''],
  ])('%j is not an image reference', (input) => {
    expect(parseImageRef(input)).toBeUndefined();
  });

  it('compares Docker Hub names the way the registry resolves them', () => {
    expect(canonicalImageName('docker.io/library/nginx')).toBe('nginx');
    expect(canonicalImageName('index.docker.io/bitnami/redis')).toBe('bitnami/redis');
    expect(canonicalImageName('library/nginx')).toBe('nginx');
    expect(canonicalImageName('ghcr.io/library/nginx')).toBe('ghcr.io/library/nginx');
    expect(shortDigest(D1)).toBe('3ab8e5a');
  });
});

describe('classifyVersions', () => {
  it.each([
    ['1.2.3', '1.2.4', 'patch'],
    ['1.2.3', '1.3.0', 'minor'],
    ['1.2.3', '2.0.0', 'major'],
    ['v2', 'v3', 'major'],
    ['v1.27.3', 'v1.28.0', 'minor'],
    ['1.2', '1.3', 'minor'],
    ['1.2', '1.2.1', 'patch'],
    ['1.2.3.4', '1.2.3.5', 'patch'],
    ['1.2.3-alpine', '1.2.4-alpine', 'patch'],
    ['1.25-alpine3.19', '1.26-alpine3.19', 'minor'],
    ['7.2.4-debian-12-r9', '8.0.0-debian-12-r9', 'major'],
    ['1.9.0-rc.1', '1.9.0-rc.2', 'patch'],
    ['1.9.0-rc.2', '1.9.0', 'patch'],
    ['1.8.2', '1.9.0-rc.1', 'minor'],
    ['1.2.4', '1.2.3', 'rollback'],
    ['2.0.0', '1.9.9', 'rollback'],
    ['20240101', '20240201', 'major'],
  ] as const)('%s → %s is %s', (from, to, type) => {
    expect(classifyVersions(from, to).type).toBe(type);
  });

  it.each([
    ['latest', '1.2.3', 'not a version: latest'],
    ['1.2.3', 'latest', 'not a version: latest'],
    ['stable', 'mainline', 'not a version: stable'],
    ['a1b2c3d', 'e4f5a6b', 'not a version: a1b2c3d'],
    ['1.2.3-alpine', '1.2.4-bookworm', 'tag variant changed: -alpine → -bookworm'],
    ['1.2.3-alpine', '1.2.4', 'tag variant changed: -alpine → (none)'],
    ['v1.2.3', '1.2.3', 'same version written differently'],
  ])('%s → %s is other (%s)', (from, to, note) => {
    expect(classifyVersions(from, to)).toEqual({ type: 'other', note });
  });

  it('reads v-prefixed and partial versions', () => {
    expect(parseTag('v1.2.3-alpine')).toEqual({ prefix: 'v', release: [1, 2, 3], suffix: '-alpine' });
    expect(parseTag('3.9')).toEqual({ prefix: '', release: [3, 9], suffix: '' });
    expect(parseTag('main')).toBeUndefined();
  });
});

describe('classifyRefs', () => {
  it.each([
    [{ value: '1.8.1' }, { value: '1.8.1', digest: D1 }, 'pin'],
    [{ value: '1.8.1', digest: D1 }, { value: '1.8.1', digest: D2 }, 'digest'],
    [{ digest: D1 }, { digest: D2 }, 'digest'],
    [{ value: 'latest', digest: D1 }, { value: 'latest', digest: D2 }, 'digest'],
    [{ value: '1.8.1', digest: D1 }, { value: '1.8.2', digest: D2 }, 'patch'],
    [{ value: '1.8.1', digest: D1 }, { value: '2.0.0', digest: D2 }, 'major'],
    [{ value: '1.8.1' }, { value: '1.9.0', digest: D2 }, 'minor'],
  ] as const)('%j → %j is %s', (from, to, type) => {
    expect(classifyRefs(from, to).type).toBe(type);
  });

  it('treats a removed digest or tag as other, with why', () => {
    expect(classifyRefs({ value: '1.8.1', digest: D1 }, { value: '1.8.1' })).toEqual({
      type: 'other',
      note: 'digest removed: the tag is no longer pinned',
    });
    expect(classifyRefs({ value: '1.8.1', digest: D1 }, { digest: D1 })).toEqual({
      type: 'other',
      note: 'tag removed',
    });
  });
});
