import { describe, expect, it } from 'vitest';
import type { Identity } from '../src/core/types.js';
import { isTruncated, packageName, parseBody, parseChange, splitRow } from '../src/renovate/body.js';
import { crossCheck } from '../src/renovate/crosscheck.js';
import { authorMatches, detectRenovate } from '../src/renovate/detect.js';
import type { DependencyUpdate } from '../src/renovate/types.js';
import { DIGESTS, fixtureBody } from './helpers/renovate-repo.js';

describe('parseBody', () => {
  it('reads the grouped table with its Type column, links and an empty cell', () => {
    const body = parseBody(fixtureBody('github-patch-grouped.md'));
    expect(body).toEqual({
      table: true,
      truncated: false,
      rows: [
        { package: 'ghcr.io/acme/checkout-api', depType: 'Kustomization', update: 'patch', from: '1.8.1', to: '1.8.2' },
        { package: 'registry.acme.internal:5000/ops/db-backup', update: 'patch', from: '2.3.0', to: '2.3.1' },
      ],
    });
  });

  it('reads the older `->` arrow, digest rows and a first pin without a from', () => {
    expect(parseBody(fixtureBody('github-major.md')).rows).toEqual([
      { package: 'ghcr.io/acme/checkout-api', update: 'major', from: '1.8.1', to: '2.0.0' },
    ]);
    expect(parseBody(fixtureBody('github-digest-pin.md')).rows).toEqual([
      { package: 'registry.acme.internal:5000/ops/db-backup', update: 'pinDigest', to: '9c1d2e3' },
      { package: 'ghcr.io/acme/checkout-api', update: 'digest', from: '5d0c4e1', to: 'e77a0b9' },
    ]);
  });

  it('unescapes pipes, drops the zero-width space before @ and the "(source)" link', () => {
    expect(splitRow(String.raw`| a \| b | c |`)).toEqual(['a | b', 'c']);
    expect(packageName('[@&#8203;acme/ui-kit](https://example.test/ui) ([source](https://example.test/src))')).toBe(
      '@acme/ui-kit',
    );
    expect(
      packageName('[quay.io/jetstack/cert-manager-controller](https://cert-manager.io) ([source](https://x.test))'),
    ).toBe('quay.io/jetstack/cert-manager-controller');
    expect(packageName('bitnami/redis → [bitnamilegacy/redis](https://x.test)')).toBe('bitnami/redis');
    expect(
      parseChange(
        '[`v0.20.0` → `v0.21.0`](https://cs.opensource.google/go/x/net/+/refs/tags/v0.20.0...refs/tags/v0.21.0)',
      ),
    ).toEqual({
      from: 'v0.20.0',
      to: 'v0.21.0',
    });
    expect(parseChange('`^1.0.0` \\| `^2.0.0`')).toBeUndefined();
  });

  it('finds no table in a hand-written body, and ignores tables without Package and Change', () => {
    expect(parseBody('Bumps the checkout API.\n\n| env | tag |\n|---|---|\n| dev | 1.8.2 |\n')).toEqual({
      table: false,
      rows: [],
      truncated: false,
    });
    expect(parseBody(undefined).table).toBe(false);
  });

  it('knows a body Azure DevOps cut: the notice, the length, and a row cut in half', () => {
    const rows = Array.from(
      { length: 80 },
      (_, i) => `| [pkg-${i}](https://x.test/${i}) | patch | \`1.0.${i}\` → \`1.0.${i + 1}\` |`,
    );
    const full = [
      'This PR contains the following updates:',
      '',
      '| Package | Update | Change |',
      '|---|---|---|',
      ...rows,
    ].join('\n');
    // Renovate's older Azure platform code cut at 3,999 characters without a notice.
    const cut = full.slice(0, 3999);
    const parsed = parseBody(cut, 'azure');
    expect(parsed.truncated).toBe(true);
    expect(parsed.rows.length).toBeGreaterThan(30);
    expect(parsed.rows.every((r) => r.to !== undefined)).toBe(true);
    expect(parsed.rows.at(-1)!.package).toMatch(/^pkg-\d+$/);
    expect(isTruncated('short body', 'azure')).toBe(false);
    expect(isTruncated(`${'x'.repeat(3999)}`, 'github')).toBe(false);
    expect(isTruncated('> This PR body was truncated due to platform limits.\n', 'github')).toBe(true);
  });
});

const update = (partial: Partial<DependencyUpdate>): DependencyUpdate => ({
  env: 'dev',
  datasource: 'docker',
  package: 'ghcr.io/acme/checkout-api',
  from: { value: '1.8.1' },
  to: { value: '1.8.2' },
  type: 'patch',
  flags: [],
  locations: [],
  ...partial,
});

describe('crossCheck', () => {
  const body = parseBody(fixtureBody('github-patch-grouped.md'));
  const backup = update({
    package: 'registry.acme.internal:5000/ops/db-backup',
    from: { value: '2.3.0' },
    to: { value: '2.3.1' },
  });

  it('agrees when every row has its update and every update its row, across environments', () => {
    const updates = [update({}), update({ env: 'prod' }), backup];
    expect(crossCheck(updates, body, { outsideEnvironments: [] })).toMatchObject({ disagreements: [], notes: [] });
  });

  it('says when the body claims a different type or version than the diff shows', () => {
    const check = crossCheck(
      [update({ type: 'minor', to: { value: '1.9.0' } }), update({ env: 'prod', type: 'minor' }), backup],
      body,
      {
        outsideEnvironments: [],
      },
    );
    expect(check.disagreements).toEqual([
      'the PR body says patch for ghcr.io/acme/checkout-api, the diff shows minor (ghcr.io/acme/checkout-api 1.8.1 → 1.8.2)',
      'the diff changes ghcr.io/acme/checkout-api 1.8.1 → 1.9.0, which the PR body does not list',
    ]);
  });

  it('treats rows about files outside every environment as notes, and missing rows of a truncated body too', () => {
    const check = crossCheck(
      [update({})],
      { ...body, truncated: true },
      { outsideEnvironments: ['.github/workflows/ci.yaml'] },
    );
    expect(check.disagreements).toEqual([]);
    expect(check.notes).toEqual([
      'the PR body was truncated by the platform: rows may be missing from its table',
      'the PR body lists registry.acme.internal:5000/ops/db-backup → 2.3.1, which changes in no environment (it may be in a file outside them)',
    ]);
    const missing = crossCheck(
      [update({}), backup, update({ package: 'ghcr.io/acme/cart', to: { value: '3.1.0' } })],
      { ...body, truncated: true },
      {
        outsideEnvironments: [],
      },
    );
    expect(missing.disagreements).toEqual([]);
    expect(missing.notes).toContain('ghcr.io/acme/cart 1.8.1 → 3.1.0 is not in the (truncated) PR body');
  });

  it('matches digest rows by the short digest Renovate prints', () => {
    const digestBody = parseBody(fixtureBody('github-digest-pin.md'));
    const updates = [
      update({
        type: 'digest',
        from: { value: '1.8.1', digest: DIGESTS.checkout181 },
        to: { value: '1.8.1', digest: DIGESTS.checkout181Rebuilt },
      }),
      { ...backup, type: 'pin' as const, from: { value: '2.3.0' }, to: { value: '2.3.0', digest: DIGESTS.backup230 } },
    ];
    expect(crossCheck(updates, digestBody, { outsideEnvironments: [] }).disagreements).toEqual([]);
    const wrongDigest = [updates[0]!, { ...updates[1]!, to: { value: '2.3.0', digest: DIGESTS.checkout182 } }];
    expect(crossCheck(wrongDigest, digestBody, { outsideEnvironments: [] }).disagreements).toEqual([
      'the PR body says registry.acme.internal:5000/ops/db-backup → 9c1d2e3, the diff shows registry.acme.internal:5000/ops/db-backup 2.3.0 → 2.3.0@40111df',
    ]);
  });

  it('has nothing to disagree with when there is no table', () => {
    expect(crossCheck([update({})], parseBody('bump'), { outsideEnvironments: [] })).toMatchObject({
      table: false,
      disagreements: [],
      notes: ['the PR body has no Renovate update table: the updates come from the diff alone'],
    });
  });
});

describe('detectRenovate', () => {
  const config = {
    authors: ['renovate[bot]', 'renovate-bot', '8C5A1F2E-3B4D-4E6F-9A0B-1C2D3E4F5A6B'],
    branchPrefix: 'renovate/',
  };
  const who = (login: string, isBot = false, id = '1'): Identity => ({ id, login, isBot });

  it.each([
    [who('renovate[bot]', true), true],
    [who('Renovate[bot]', true), true],
    // Some GitHub APIs report an app's login without the [bot] suffix: accepted for a bot account only.
    [who('renovate', true), true],
    [who('renovate', false), false],
    [who('renovate-bot'), true],
    [who('forking-renovate[bot]', true), false],
    [who('dana'), false],
    // Azure DevOps: the bot's identity GUID, whatever its unique name.
    [who('svc-renovate@acme.onmicrosoft.com', false, '8c5a1f2e-3b4d-4e6f-9a0b-1c2d3e4f5a6b'), true],
    [who('svc-renovate@acme.onmicrosoft.com', false, '8c5a1f2e3b4d4e6f9a0b1c2d3e4f5a6b'), true],
    [who('svc-renovate@acme.onmicrosoft.com', false, '00000000-0000-0000-0000-000000000000'), false],
  ])('%j is a Renovate author: %s', (identity, expected) => {
    expect(config.authors.some((entry) => authorMatches(identity, entry))).toBe(expected);
  });

  it('needs the branch prefix too, with refs/heads/ stripped', () => {
    expect(
      detectRenovate({ author: who('renovate[bot]', true), sourceBranch: 'refs/heads/renovate/nginx-1.x' }, config),
    ).toEqual({
      authorMatches: true,
      branchMatches: true,
      branch: 'renovate/nginx-1.x',
    });
    expect(detectRenovate({ author: who('dana'), sourceBranch: 'renovate/nginx-1.x' }, config)).toMatchObject({
      authorMatches: false,
      branchMatches: true,
    });
    expect(
      detectRenovate({ author: who('renovate[bot]', true), sourceBranch: 'deps/nginx' }, config).branchMatches,
    ).toBe(false);
  });
});
