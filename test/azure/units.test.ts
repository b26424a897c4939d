// The Azure DevOps adapter's pure parts: settings, delivery authentication and classification, change types,
// vote and command signals, membership candidates, blob zips and tree snapshots, thread markers.
import { CommentThreadStatus } from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import { ZipFile } from 'yazl';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/types.js';
import { isAuthenticDelivery } from '../../src/platforms/azure/auth.js';
import { toChangedPaths } from '../../src/platforms/azure/changes.js';
import { parseCommands } from '../../src/platforms/commands.js';
import { classifyDelivery } from '../../src/platforms/azure/events.js';
import { groupCandidates } from '../../src/platforms/azure/membership.js';
import { AzureDevOpsPlatform, statusDescription } from '../../src/platforms/azure/platform.js';
import {
  azureDevOpsSettingsFromEnv,
  isSameOrganization,
  parseOrganizationUrl,
  SettingsError,
} from '../../src/platforms/azure/settings.js';
import { commandSignals, voteSignals } from '../../src/platforms/azure/signals.js';
import { AzureSnapshotStore, gitBlobId, readBlobsZip } from '../../src/platforms/azure/snapshot.js';
import {
  findFindingThreads,
  findingComment,
  findSummaryThread,
  toAzureMarkdown,
} from '../../src/platforms/azure/threads.js';
import type { AzureDevOpsApi } from '../../src/platforms/azure/transport.js';
import {
  ALICE,
  BOB,
  basicAuth,
  BOT,
  commentHook,
  commit,
  DANA,
  HOOK_PASSWORD,
  HOOK_USER,
  iteration,
  PROJECT,
  pullRequest,
  pullRequestHook,
  REPO,
  reviewer,
  testButtonHook,
  textThread,
  treeResponse,
  voteThread,
  zipOf,
  type Json,
} from '../helpers/azure.js';

const ORG = parseOrganizationUrl('https://dev.azure.com/acme');
const MAIN = commit('main', { 'environments/prod/app.yaml': 'a: 1\n' });
const HEAD = commit('head', { 'environments/prod/app.yaml': 'a: 2\n' });

describe('settings', () => {
  it('reads Services, legacy and Server URLs and knows where identities live', () => {
    expect(parseOrganizationUrl('https://dev.azure.com/acme/')).toMatchObject({
      url: 'https://dev.azure.com/acme',
      kind: 'services',
      collectionName: 'acme',
      identitiesUrl: 'https://vssps.dev.azure.com/acme',
    });
    expect(parseOrganizationUrl('https://acme.visualstudio.com')).toMatchObject({
      collectionName: 'acme',
      identitiesUrl: 'https://acme.vssps.visualstudio.com',
    });
    expect(parseOrganizationUrl('https://tfs.example.com/tfs/DefaultCollection')).toMatchObject({
      kind: 'server',
      collectionName: 'DefaultCollection',
      identitiesUrl: 'https://tfs.example.com/tfs/DefaultCollection',
    });
  });

  it('recognises the same organisation under its old and new URL, and nothing else', () => {
    expect(isSameOrganization(ORG, 'https://dev.azure.com/ACME/')).toBe(true);
    expect(isSameOrganization(ORG, 'https://acme.visualstudio.com/')).toBe(true);
    expect(isSameOrganization(ORG, 'https://dev.azure.com/acme-evil/')).toBe(false);
    expect(isSameOrganization(ORG, undefined)).toBe(false);
    expect(isSameOrganization(ORG, 'javascript:alert(1)')).toBe(false);
    const server = parseOrganizationUrl('https://tfs.example.com/tfs/DefaultCollection');
    expect(isSameOrganization(server, 'https://tfs.example.com/tfs/defaultcollection/')).toBe(true);
    expect(isSameOrganization(server, 'https://tfs.example.com/tfs/OtherCollection/')).toBe(false);
  });

  it('refuses settings that would accept unauthenticated deliveries, and says which variable', () => {
    expect(azureDevOpsSettingsFromEnv({})).toBeUndefined();
    const base = { AZURE_DEVOPS_ORG_URL: 'https://dev.azure.com/acme', AZURE_DEVOPS_PAT: 'x' };
    expect(() => azureDevOpsSettingsFromEnv(base)).toThrow(/must be authenticated/);
    expect(() => azureDevOpsSettingsFromEnv({ ...base, AZURE_DEVOPS_WEBHOOK_USER: 'u' })).toThrow(/set together/);
    expect(() => azureDevOpsSettingsFromEnv({ AZURE_DEVOPS_PAT: 'x' })).toThrow(SettingsError);
    expect(() =>
      azureDevOpsSettingsFromEnv({
        ...base,
        AZURE_DEVOPS_ORG_URL: 'https://u:p@dev.azure.com/acme',
        AZURE_DEVOPS_WEBHOOK_SECRET: 's',
      }),
    ).toThrow(/credentials/);
    expect(azureDevOpsSettingsFromEnv({ ...base, AZURE_DEVOPS_WEBHOOK_SECRET: 's' })).toMatchObject({
      webhookSecret: 's',
    });
  });
});

describe('delivery authentication', () => {
  const settings = {
    orgUrl: 'https://dev.azure.com/acme',
    pat: 'x',
    webhookUser: HOOK_USER,
    webhookPassword: HOOK_PASSWORD,
  };

  it('accepts the configured basic auth only', () => {
    expect(isAuthenticDelivery({ authorization: basicAuth() }, settings)).toBe(true);
    expect(isAuthenticDelivery({ authorization: basicAuth(HOOK_USER, `${HOOK_PASSWORD}x`) }, settings)).toBe(false);
    expect(isAuthenticDelivery({ authorization: basicAuth(HOOK_USER.toUpperCase(), HOOK_PASSWORD) }, settings)).toBe(
      false,
    );
    expect(isAuthenticDelivery({ authorization: `Bearer ${HOOK_PASSWORD}` }, settings)).toBe(false);
    expect(isAuthenticDelivery({}, settings)).toBe(false);
  });

  it('requires every configured credential: basic auth and the secret header', () => {
    const both = { ...settings, webhookSecret: 'hdr-secret' };
    expect(isAuthenticDelivery({ authorization: basicAuth() }, both)).toBe(false);
    expect(isAuthenticDelivery({ authorization: basicAuth(), 'x-envgate-webhook-secret': 'hdr-secret' }, both)).toBe(
      true,
    );
    const headerOnly = { orgUrl: settings.orgUrl, pat: 'x', webhookSecret: 'hdr-secret' };
    expect(isAuthenticDelivery({ 'x-envgate-webhook-secret': 'hdr-secret' }, headerOnly)).toBe(true);
    expect(isAuthenticDelivery({ 'x-envgate-webhook-secret': 'hdr-secre' }, headerOnly)).toBe(false);
  });
});

describe('classifyDelivery', () => {
  it('takes only identifiers from a pull request event', () => {
    const hook = pullRequestHook('git.pullrequest.updated', { head: HEAD, target: MAIN });
    expect(classifyDelivery(hook, ORG)).toEqual({
      action: 'review',
      ref: { repo: '3b2e9a9c-6c1f-4f0e-9d7a-2f1c5b8e4a10/9f8d7c6b-5a4e-4d3c-8b2a-1e0f9d8c7b6a', number: 42 },
      eventId: 'b1f2c3d4-0000-4000-8000-000000000001',
      eventType: 'git.pullrequest.updated',
      headSha: HEAD.commitId,
    });
  });

  it('ignores the Test button’s samples (old Fabrikam ids and new all-zero ids)', () => {
    expect(classifyDelivery(testButtonHook(), ORG)).toEqual({
      action: 'ignore',
      reason: 'test delivery (sample payload)',
    });
    const zeros = pullRequestHook('git.pullrequest.created', { head: HEAD, target: MAIN });
    zeros.resource.repository.id = '00000000-0000-0000-0000-000000000000';
    expect(classifyDelivery(zeros, ORG)).toMatchObject({ action: 'ignore' });
  });

  it('refuses foreign or unlabelled collections and payloads without usable ids', () => {
    const foreign = pullRequestHook('git.pullrequest.created', {
      head: HEAD,
      target: MAIN,
      baseUrl: 'https://dev.azure.com/other/',
    });
    expect(classifyDelivery(foreign, ORG)).toMatchObject({ action: 'refuse', status: 403 });
    const unlabelled = pullRequestHook('git.pullrequest.created', { head: HEAD, target: MAIN });
    unlabelled.resourceContainers = { collection: { id: 'ad9e1dcf-6055-4fc7-a146-5511ab5ab1e8' } };
    expect(classifyDelivery(unlabelled, ORG)).toMatchObject({ action: 'refuse', status: 403 });
    const badRepo = pullRequestHook('git.pullrequest.created', { head: HEAD, target: MAIN });
    badRepo.resource.repository.id = '../../_apis/projects';
    expect(classifyDelivery(badRepo, ORG)).toMatchObject({ action: 'refuse', status: 400 });
    expect(classifyDelivery([], ORG)).toMatchObject({ action: 'refuse', status: 400 });
  });

  it('ignores other event types, closed pull requests, and comments that are not commands', () => {
    const push = { ...pullRequestHook('git.pullrequest.created', { head: HEAD, target: MAIN }), eventType: 'git.push' };
    expect(classifyDelivery(push, ORG)).toEqual({ action: 'ignore', reason: 'event git.push is not used' });
    const completed = pullRequestHook('git.pullrequest.updated', { head: HEAD, target: MAIN, status: 'completed' });
    expect(classifyDelivery(completed, ORG)).toEqual({ action: 'ignore', reason: 'pull request is completed' });
    expect(classifyDelivery(commentHook(ALICE, 'lgtm', { head: HEAD, target: MAIN }), ORG)).toMatchObject({
      action: 'ignore',
    });
    expect(classifyDelivery(commentHook(ALICE, '/approve prod', { head: HEAD, target: MAIN }), ORG)).toMatchObject({
      action: 'review',
      eventType: 'ms.vss-code.git-pullrequest-comment-event',
    });
    expect(classifyDelivery(commentHook(BOB, '/envgate rerun', { head: HEAD, target: MAIN }), ORG)).toMatchObject({
      action: 'review',
    });
  });
});

describe('commands (the GitHub grammar, shared)', () => {
  it('reads commands on their own lines, never quoted or fenced', () => {
    expect(parseCommands('/approve\n/approve prod, staging\n/reject\n/break-glass  pager: INC-4711 ')).toEqual([
      { kind: 'approve' },
      { kind: 'approve', scope: ['prod', 'staging'] },
      { kind: 'reject' },
      { kind: 'break-glass', reason: 'pager: INC-4711' },
    ]);
    expect(parseCommands('> /approve\n```\n/approve\n```\nplease /approve\n/approved')).toEqual([]);
  });
});

describe('changed paths from iteration changes', () => {
  it('maps change-type flags, keeps rename sources, strips the leading slash and skips folders', () => {
    const { changedPaths, trackingIds } = toChangedPaths([
      { changeTrackingId: 1, changeType: 2, item: { path: '/environments/prod/app.yaml' } },
      { changeTrackingId: 2, changeType: 1, item: { path: '/environments/prod/new.yaml' } },
      { changeTrackingId: 3, changeType: 16, item: { path: '/environments/prod/old.yaml' } },
      {
        changeTrackingId: 4,
        changeType: 8 | 2,
        item: { path: '/environments/prod/b.yaml' },
        originalPath: '/environments/prod/a.yaml',
      },
      { changeTrackingId: 5, changeType: 1, item: { path: '/environments/prod/patches', isFolder: true } },
    ]);
    expect(changedPaths).toEqual([
      { path: 'environments/prod/app.yaml', status: 'modified' },
      { path: 'environments/prod/new.yaml', status: 'added' },
      { path: 'environments/prod/old.yaml', status: 'deleted' },
      { path: 'environments/prod/b.yaml', previousPath: 'environments/prod/a.yaml', status: 'renamed' },
    ]);
    expect(trackingIds.get('environments/prod/b.yaml')).toBe(4);
  });
});

/** Threads as node-api returns them (dates deserialised). */
function fromApi(thread: Json): Json {
  return JSON.parse(JSON.stringify(thread), (key, value) =>
    ['publishedDate', 'lastUpdatedDate', 'lastContentUpdatedDate'].includes(key) ? new Date(value) : value,
  );
}

describe('vote signals', () => {
  it('dates each current vote by its latest VoteUpdate thread; undated approvals are stale', () => {
    const threads = [
      voteThread(ALICE, 10, '2026-03-02T09:00:00Z'),
      voteThread(ALICE, 0, '2026-03-02T09:05:00Z'),
      voteThread(ALICE, 10, '2026-03-02T09:30:00Z'),
      voteThread(BOB, -5, '2026-03-02T09:31:00Z'),
    ].map(fromApi);
    // An older thread format names the voter by TfId without dashes.
    const legacy = fromApi(voteThread(DANA, 5, '2026-03-02T09:40:00Z'));
    delete legacy.properties.CodeReviewVotedByIdentity;
    legacy.properties.CodeReviewVotedByTfId = { $type: 'System.String', $value: DANA.id.replace(/-/g, '') };
    const signals = voteSignals(
      [
        reviewer(ALICE, 10),
        reviewer(BOB, -5),
        reviewer(DANA, 5),
        reviewer({ ...ALICE, id: 'aaaaaaaa-1111-4111-8111-111111111111', uniqueName: 'carol@acme.example' }, 10),
        reviewer({ ...BOB, id: 'bbbbbbbb-2222-4222-8222-222222222222', uniqueName: '[Platform]\\Platform Team' }, 10, {
          isContainer: true,
        }),
        reviewer({ ...BOB, id: 'cccccccc-3333-4333-8333-333333333333', uniqueName: 'erin@acme.example' }, 0),
      ],
      [...threads, legacy],
      BOT.id,
    );
    expect(signals.map((s) => [s.who.login, s.verdict, s.at, s.stale])).toEqual([
      ['alice@acme.example', 'approve', '2026-03-02T09:30:00.000Z', undefined],
      ['bob@acme.example', 'reject', '2026-03-02T09:31:00.000Z', undefined],
      ['dana@acme.example', 'approve', '2026-03-02T09:40:00.000Z', undefined],
      ['carol@acme.example', 'approve', undefined, true],
    ]);
  });
});

describe('command signals', () => {
  it('reads commands from people, dated by their last edit, and never from envgate itself', () => {
    const edited = fromApi(textThread(ALICE, '/approve staging', '2026-03-02T09:00:00Z'));
    edited.comments[0].lastContentUpdatedDate = new Date('2026-03-02T11:00:00Z');
    const system = fromApi(textThread(BOB, '/approve', '2026-03-02T09:00:00Z'));
    system.comments[0].commentType = 3;
    const deleted = fromApi(textThread(BOB, '/approve', '2026-03-02T09:00:00Z'));
    deleted.comments[0].isDeleted = true;
    const signals = commandSignals(
      [
        edited,
        fromApi(textThread(BOB, 'Paged by the on-call.\n/break-glass INC-4711 checkout down', '2026-03-02T10:00:00Z')),
        fromApi(textThread(BOT, '/approve', '2026-03-02T10:00:00Z')),
        system,
        deleted,
      ],
      BOT.id,
    );
    expect(signals.map((s) => [s.who.login, s.verdict, s.scope, s.reason, s.at])).toEqual([
      ['alice@acme.example', 'approve', ['staging'], undefined, '2026-03-02T11:00:00.000Z'],
      ['bob@acme.example', 'break-glass', undefined, 'INC-4711 checkout down', '2026-03-02T10:00:00.000Z'],
    ]);
  });
});

describe('group candidates', () => {
  it('looks for a project group or team first, then a collection group; scoped names as written', () => {
    expect(groupCandidates('@acme/platform-seniors', 'Platform', 'acme')).toEqual([
      '[Platform]\\platform-seniors',
      '[acme]\\platform-seniors',
    ]);
    expect(groupCandidates('[Platform]\\Release Approvers', 'Platform', 'acme')).toEqual([
      '[Platform]\\Release Approvers',
    ]);
  });
});

describe('status description', () => {
  it('is one line with what is missing, capped', () => {
    expect(
      statusDescription({ state: 'pending', title: 'approval needed', details: ['prod: 0 of 2', 'staging: 0 of 1'] }),
    ).toBe('approval needed: prod: 0 of 2; staging: 0 of 1');
    const long = statusDescription({ state: 'fail', title: 'x', details: ['y'.repeat(1000)] });
    expect(long).toHaveLength(400);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('threads', () => {
  it('swaps the HTML-comment marker for one Azure DevOps keeps invisible', () => {
    expect(toAzureMarkdown('<!-- envgate:v1 -->\n### envgate')).toBe('[//]: # (envgate:v1)\n### envgate');
  });

  it('finds only envgate’s own summary and finding threads, whoever pasted the marker', () => {
    const finding: Finding = { rule: 'yaml/syntax', severity: 'error', message: 'bad', file: 'a.yaml', line: 3 };
    const threads = [
      fromApi(textThread(ALICE, '[//]: # (envgate:v1)\nfake', '2026-03-02T09:00:00Z', { id: 3 })),
      fromApi(textThread(BOT, '[//]: # (envgate:v1)\nreal', '2026-03-02T09:01:00Z', { id: 4, status: 'closed' })),
      fromApi(textThread(ALICE, findingComment(finding), '2026-03-02T09:02:00Z', { id: 5 })),
      fromApi(textThread(BOT, findingComment(finding), '2026-03-02T09:03:00Z', { id: 6 })),
    ].map((t) => ({ ...t, status: t.id === 4 ? CommentThreadStatus.Closed : CommentThreadStatus.Active }));
    expect(findSummaryThread(threads, BOT.id)).toEqual({
      threadId: 4,
      commentId: 1,
      content: '[//]: # (envgate:v1)\nreal',
    });
    expect([...findFindingThreads(threads, BOT.id).values()]).toEqual([
      { threadId: 6, status: CommentThreadStatus.Active },
    ]);
  });
});

async function zipWith(entries: [string, Buffer][]): Promise<Buffer> {
  return zipOf(entries);
}

describe('blob zips', () => {
  const content = Buffer.from('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop-prod\n');
  const id = gitBlobId(content);

  it('reads blobs named by id and checks each against its id', async () => {
    const blobs = await readBlobsZip(await zipWith([[id, content]]), new Map([[id, content.length]]), 'commit 1a2b');
    expect(Buffer.from(blobs.get(id)!).toString()).toBe(content.toString());
  });

  it('refuses entries that were not asked for, lie about their size or content, or hostile names', async () => {
    const other = Buffer.from('kind: Secret\n');
    const expected = new Map([[id, content.length]]);
    await expect(readBlobsZip(await zipWith([[gitBlobId(other), other]]), expected, 'c')).rejects.toThrow(
      /not requested/,
    );
    await expect(readBlobsZip(await zipWith([[id, other]]), expected, 'c')).rejects.toThrow(/declares 13 bytes/);
    const sameSize = Buffer.from(content.toString().replace('prod', 'evil'));
    await expect(readBlobsZip(await zipWith([[id, sameSize]]), expected, 'c')).rejects.toThrow(/does not match its id/);
    await expect(readBlobsZip(Buffer.from('<html>Service Unavailable</html>'), expected, 'c')).rejects.toThrow(
      /not a readable zip/,
    );
    // yazl refuses to write `../` names, so build the hostile entry by patching a valid archive's name bytes.
    const zip = new ZipFile();
    const name = 'zz/' + 'a'.repeat(37);
    zip.addBuffer(content, name);
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    const hostile = Buffer.from(
      Buffer.concat(chunks)
        .toString('latin1')
        .replaceAll(name, '../' + 'a'.repeat(37)),
      'latin1',
    );
    await expect(readBlobsZip(hostile, expected, 'c')).rejects.toThrow(/invalid relative path/);
  });
});

describe('tree snapshots', () => {
  function fakeApi(c: ReturnType<typeof commit>, tree: Json = treeResponse(c)): AzureDevOpsApi & { zips: number } {
    const api = {
      zips: 0,
      getCommit: async () => ({ commitId: c.commitId, treeId: c.treeId }),
      getTree: async () => tree,
      getBlobsZip: async (_p: string, _r: string, ids: string[]) => {
        api.zips += 1;
        const all = new Map<string, Buffer>();
        for (const b of [...c.files.values(), ...[...c.symlinks.values()].map((t) => Buffer.from(t))])
          all.set(gitBlobId(b), b);
        return zipOf(ids.map((i) => [i, all.get(i)!]));
      },
    };
    return api as unknown as AzureDevOpsApi & { zips: number };
  }

  it('keeps symlinks as links, lists oversized files as unreadable, and downloads each commit once', async () => {
    const c = commit(
      'links',
      { 'environments/prod/app.yaml': 'a: 1\n', 'docs/big.bin': 'x'.repeat(2048) },
      { 'environments/prod/base': '../../base' },
    );
    const store = new AzureSnapshotStore({
      maxTotalBytes: 1 << 20,
      maxFiles: 100,
      maxFileBytes: 1024,
      blobsPerRequest: 2000,
    });
    const api = fakeApi(c);
    const snapshot = await store.snapshot(api, 'p', 'r', c.commitId);
    expect(snapshot.read('environments/prod/app.yaml')).toBe('a: 1\n');
    expect(snapshot.symlinkTarget('environments/prod/base')).toBe('../../base');
    expect(snapshot.unreadable.get('docs/big.bin')).toBe('larger than 1024 bytes (2048 bytes)');
    await store.snapshot(api, 'p', 'r', c.commitId);
    expect(api.zips).toBe(1);
  });

  it('refuses a tree with a path that leaves the repository, and one over the size limit', async () => {
    const c = commit('evil', { 'a.yaml': 'a: 1\n' });
    const tree = treeResponse(c);
    tree.treeEntries.push({ ...tree.treeEntries[0], relativePath: '../outside.yaml' });
    await expect(new AzureSnapshotStore().snapshot(fakeApi(c, tree), 'p', 'r', c.commitId)).rejects.toThrow(/refuses/);
    const store = new AzureSnapshotStore({
      maxTotalBytes: 3,
      maxFiles: 100,
      maxFileBytes: 1024,
      blobsPerRequest: 2000,
    });
    await expect(store.snapshot(fakeApi(c), 'p', 'r', c.commitId)).rejects.toThrow(/more than 3 bytes of files/);
  });
});

describe('pull request snapshot', () => {
  it('exposes the author as Azure DevOps identifies them (GUID and unique name), for Renovate detection', async () => {
    const renovate = {
      ...DANA,
      id: '0d5a2c1e-7f3b-4a6d-9e8c-1b2a3c4d5e6f',
      displayName: 'Renovate Bot',
      uniqueName: 'renovate@acme.example',
    };
    const json = pullRequest({ head: HEAD, target: MAIN, author: renovate });
    const blobs = new Map([...HEAD.files.values(), ...MAIN.files.values()].map((b) => [gitBlobId(b), b]));
    const api = {
      getIterations: async () => [iteration(1, HEAD, MAIN, '2026-03-02T09:00:00Z')],
      getIterationChanges: async () => ({
        changeEntries: [{ changeTrackingId: 1, changeType: 2, item: { path: '/environments/prod/app.yaml' } }],
      }),
      getCommit: async (_p: string, _r: string, sha: string) => ({
        treeId: sha === HEAD.commitId ? HEAD.treeId : MAIN.treeId,
      }),
      getTree: async (_p: string, _r: string, tree: string) => treeResponse(tree === HEAD.treeId ? HEAD : MAIN),
      getBlobsZip: async (_p: string, _r: string, ids: string[]) => zipOf(ids.map((i) => [i, blobs.get(i)!])),
    } as unknown as AzureDevOpsApi;
    const platform = new AzureDevOpsPlatform({
      api,
      org: ORG,
      snapshots: new AzureSnapshotStore(),
      bot: async () => ({ id: BOT.id }),
      pullRequest: { ...json, status: 1, creationDate: new Date(json.creationDate) },
      log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    const pr = await platform.getPullRequest({ repo: `${PROJECT.id}/${REPO.id}`, number: 42 });
    expect(pr.author).toEqual({
      id: renovate.id,
      login: 'renovate@acme.example',
      displayName: 'Renovate Bot',
      isBot: false,
    });
    expect(pr).toMatchObject({
      sourceBranch: 'release/checkout-1.8.2',
      targetBranch: 'main',
      labels: ['release'],
      state: 'open',
      headAt: '2026-03-02T09:00:00.000Z',
      changedPaths: [{ path: 'environments/prod/app.yaml', status: 'modified' }],
    });
    expect(pr.head.read('environments/prod/app.yaml')).toBe('a: 2\n');
    expect(pr.base.read('environments/prod/app.yaml')).toBe('a: 1\n');
  });
});
