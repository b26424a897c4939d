// The Azure DevOps route end to end: real HTTP deliveries shaped like the service hooks documentation, the real
// azure-devops-node-api client underneath, nock standing in for the organisation (every mock must be used).
import type { Server } from 'node:http';
import { CommentThreadStatus, GitStatusState } from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAzureDevOpsWebhookHandler, type AzureDevOpsWebhookHandler } from '../../src/platforms/azure/index.js';
import type { ReviewOutcome } from '../../src/platforms/azure/reviewer.js';
import { AzureSnapshotStore, gitBlobId } from '../../src/platforms/azure/snapshot.js';
import {
  ALICE,
  AzureMock,
  BOB,
  basicAuth,
  BOT,
  changeEntries,
  commentHook,
  commit,
  connectionData,
  DANA,
  ENV_REPO,
  gitLocations,
  groupIdentity,
  HOOK_PASSWORD,
  HOOK_USER,
  identitiesMock,
  iteration,
  listen,
  PAT,
  pullRequestHook,
  reviewer,
  send,
  SENIORS_DESCRIPTOR,
  statusEntry,
  testButtonHook,
  textThread,
  voteThread,
  type Json,
} from '../helpers/azure.js';

const STAGING = 'environments/staging/kustomization.yaml';
const SENIORS = '[Platform]\\platform-seniors';
const MAIN = commit('main', ENV_REPO);
const HEAD1 = commit('head1', { ...ENV_REPO, [STAGING]: ENV_REPO[STAGING]!.replace('newTag: 1.8.1', 'newTag: 1.8.2') });
const HEAD2 = commit('head2', {
  ...ENV_REPO,
  [STAGING]: ENV_REPO[STAGING]!.replace('newTag: 1.8.1', 'newTag: 1.8.2').replace('count: 2', 'count: 3'),
});
const ITERATION1 = iteration(1, HEAD1, MAIN, '2026-03-02T09:12:44.000Z');
const ITERATION2 = iteration(2, HEAD2, MAIN, '2026-03-02T11:00:00.000Z');

interface Harness {
  handler: AzureDevOpsWebhookHandler;
  url: string;
  server: Server;
  outcomes: ReviewOutcome[];
  logs: string[];
  snapshots: AzureSnapshotStore;
}

let harness: Harness;

function start(orgUrl = 'https://dev.azure.com/acme', snapshots = new AzureSnapshotStore()): Promise<Harness> {
  const outcomes: ReviewOutcome[] = [];
  const logs: string[] = [];
  const record = (level: string) => (obj: object, msg: string) => logs.push(`${level} ${msg} ${JSON.stringify(obj)}`);
  const handler = createAzureDevOpsWebhookHandler(
    { orgUrl, pat: PAT, webhookUser: HOOK_USER, webhookPassword: HOOK_PASSWORD },
    {
      transport: { maxRetries: 0 },
      snapshots,
      log: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
      onReview: (outcome) => outcomes.push(outcome),
      now: () => 0,
    },
  );
  return listen(handler).then(({ server, url }) => ({ handler, url, server, outcomes, logs, snapshots }));
}

async function deliver(payload: Json, headers: Record<string, string> = { authorization: basicAuth() }) {
  const sent = await send(`${harness.url}/api/azure-devops/webhooks`, payload, headers);
  await harness.handler.idle();
  return sent;
}

beforeEach(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  harness = await start();
});

afterEach(async () => {
  await new Promise((resolve) => harness.server.close(resolve));
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
  // The PAT never reaches a log line.
  expect(harness.logs.join('\n')).not.toContain(PAT);
});

/** The calls every review of iteration 1 makes before approvals: PR, identity, iteration, changes, trees. */
function firstReviewReads(ado: AzureMock) {
  return ado
    .pullRequest({ head: HEAD1, target: MAIN }, 2) // the review, then the "superseded?" check before publishing
    .connectionData()
    .iterations([ITERATION1])
    .changes(1, [changeEntries([[STAGING, 'edit']])])
    .commit(MAIN)
    .commit(HEAD1, [gitBlobId(HEAD1.files.get(STAGING)!)]); // the other blobs came with main
}

describe('Azure DevOps service hook route', () => {
  it('refuses a delivery with wrong or missing credentials with a bare 401, before reading anything', async () => {
    const payload = pullRequestHook('git.pullrequest.created', { head: HEAD1, target: MAIN });
    const attempts: Record<string, string>[] = [
      {},
      { authorization: basicAuth(HOOK_USER, 'wrong') },
      { authorization: basicAuth('root', HOOK_PASSWORD) },
    ];
    for (const headers of attempts) {
      const sent = await deliver(payload, headers);
      expect(sent).toEqual({ status: 401, body: '' });
    }
    expect(harness.outcomes).toEqual([]);
  });

  it('answers 400 to malformed JSON, 413 to oversized bodies, 405 to other methods, and leaves other paths to the next handler', async () => {
    expect((await deliver('{"eventType": "git.pullrequest.created", ')).status).toBe(400);
    const huge = await deliver({ eventType: 'git.pullrequest.created', padding: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    // Without a Content-Length (chunked), the cap holds while reading.
    const chunked = await send(`${harness.url}/api/azure-devops/webhooks`, 'x'.repeat(3 * 1024 * 1024), {
      authorization: basicAuth(),
      'transfer-encoding': 'chunked',
    });
    expect(chunked.status).toBe(413);
    const get = await send(`${harness.url}/api/azure-devops/webhooks`, '', { authorization: basicAuth() }, 'GET');
    expect(get.status).toBe(405);
    const other = await send(`${harness.url}/api/github/webhooks`, {}, { authorization: basicAuth() });
    expect(other).toEqual({ status: 404, body: 'not found' });
  });

  it('acknowledges the "Test" button sample without calling Azure DevOps', async () => {
    const sent = await deliver(testButtonHook());
    expect(sent.status).toBe(200);
    expect(JSON.parse(sent.body)).toEqual({ ignored: 'test delivery (sample payload)' });
  });

  it('refuses a delivery whose collection is another organisation', async () => {
    const payload = pullRequestHook('git.pullrequest.created', {
      head: HEAD1,
      target: MAIN,
      baseUrl: 'https://dev.azure.com/evil/',
    });
    const sent = await deliver(payload);
    expect(sent.status).toBe(403);
    expect(harness.outcomes).toEqual([]);
  });

  it('reviews a new pull request: a closed summary thread, validate succeeded, approval pending on the iteration', async () => {
    const ado = firstReviewReads(new AzureMock())
      .reviewers([])
      .threads([])
      .statusList([])
      .expectThreads(1)
      .expectStatuses(2)
      .expectCommentUpdate(500);
    const sent = await deliver(pullRequestHook('git.pullrequest.created', { head: HEAD1, target: MAIN }));
    expect(sent.status).toBe(202);
    expect(harness.outcomes).toEqual([
      { outcome: 'published', headSha: HEAD1.commitId, validate: 'pass', approval: 'pending' },
    ]);

    const [thread] = ado.recorded.threads;
    expect(thread.status).toBe(CommentThreadStatus.Closed);
    expect(thread.comments).toHaveLength(1);
    const content: string = thread.comments[0].content;
    expect(content.startsWith('[//]: # (envgate:v1)\n### envgate · 1 environment')).toBe(true);
    expect(content).not.toContain('<!-- envgate:v1 -->');
    expect(content).toContain('⏳ approval needed (staging: 0/1 @acme/platform-seniors)');
    // Then the approval gate's details are folded in, since a status has room for one line only.
    const [update] = ado.recorded.commentUpdates;
    expect(update!.body.content).toBe(
      `${content}\n\n<details><summary>approval: approval needed</summary>\n\n**approval needed**\n\n` +
        '- staging: 0 of 1 approvals from @acme/platform-seniors\n\n' +
        '| env | needed | from | approved by | not counted |\n|-----|--------|------|-------------|-------------|\n' +
        '| staging | 0/1 | @acme/platform-seniors | — | — |\n\n' +
        'Approve with a review, or comment `/approve` (or `/approve <env>`) after the latest push.\n\n</details>',
    );

    expect(ado.recorded.statuses).toEqual([
      {
        state: GitStatusState.Succeeded,
        description: 'passed',
        context: { genre: 'envgate', name: 'validate' },
        iterationId: 1,
        targetUrl: `https://dev.azure.com/acme/Platform/_git/gitops/pullrequest/42?discussionId=500`,
      },
      {
        state: GitStatusState.Pending,
        description: 'approval needed: staging: 0 of 1 approvals from @acme/platform-seniors',
        context: { genre: 'envgate', name: 'approval' },
        iterationId: 1,
        targetUrl: `https://dev.azure.com/acme/Platform/_git/gitops/pullrequest/42?discussionId=500`,
      },
    ]);
  });

  it('counts a senior’s vote cast after the latest push, and not a non-member’s; re-reads votes instead of trusting the payload', async () => {
    const ado = firstReviewReads(new AzureMock())
      .reviewers([reviewer(ALICE, 10), reviewer(BOB, 10), reviewer(DANA, 10)])
      .threads([
        textThread(BOT, '[//]: # (envgate:v1)\n### envgate · old', '2026-03-02T09:13:00.000Z', {
          id: 61,
          status: 'closed',
        }),
        voteThread(ALICE, 10, '2026-03-02T09:30:00.000Z'),
        voteThread(BOB, 10, '2026-03-02T09:31:00.000Z'),
        voteThread(DANA, 10, '2026-03-02T09:32:00.000Z'),
      ])
      .statusList([
        statusEntry(1, 'validate', 'succeeded', 'passed', 1),
        statusEntry(2, 'approval', 'pending', 'approval needed', 1),
      ])
      .expectCommentUpdate(61)
      .expectStatuses(1);
    identitiesMock()
      .group(SENIORS, [groupIdentity(SENIORS, SENIORS_DESCRIPTOR)])
      .group('[acme]\\platform-seniors', [])
      .member(ALICE, [SENIORS_DESCRIPTOR])
      .member(BOB, ['Microsoft.TeamFoundation.Identity;S-1-9-1551374245-3-1']);
    // The delivery says nobody voted; the API says otherwise, and the API wins.
    const sent = await deliver(
      pullRequestHook('git.pullrequest.updated', {
        head: HEAD1,
        target: MAIN,
        text: 'Alice Senior approved pull request 42',
      }),
    );
    expect(sent.status).toBe(202);
    expect(harness.outcomes).toEqual([
      { outcome: 'published', headSha: HEAD1.commitId, validate: 'pass', approval: 'pass' },
    ]);
    // Validate is unchanged on this iteration, so only the approval status is posted.
    expect(ado.recorded.statuses.map((s) => [s.context.name, s.state, s.description])).toEqual([
      ['approval', GitStatusState.Succeeded, 'approved: staging: approved by @alice@acme.example'],
    ]);
    const content: string = ado.recorded.commentUpdates[0]!.body.content;
    expect(content).toContain('✅ 1/1 (@alice@acme.example)');
    expect(content).toContain(
      '| staging | 1/1 | @acme/platform-seniors | @alice@acme.example | @bob@acme.example: not in @acme/platform-seniors; @dana@acme.example: PR author |',
    );
  });

  it('does not count a vote older than the latest push, and counts a later /approve comment', async () => {
    const ado = new AzureMock()
      .pullRequest({ head: HEAD2, target: MAIN }, 2)
      .connectionData()
      .iterations([ITERATION1, ITERATION2])
      .changes(2, [changeEntries([[STAGING, 'edit']])])
      .commit(MAIN)
      .commit(HEAD2, [gitBlobId(HEAD2.files.get(STAGING)!)])
      .reviewers([reviewer(ALICE, 10)])
      .threads([voteThread(ALICE, 10, '2026-03-02T09:30:00.000Z')])
      .statusList([])
      .expectThreads(1)
      .expectStatuses(2)
      .expectCommentUpdate(500);
    identitiesMock()
      .group(SENIORS, [groupIdentity(SENIORS, SENIORS_DESCRIPTOR)])
      .group('[acme]\\platform-seniors', [])
      .member(ALICE, [SENIORS_DESCRIPTOR]);
    await deliver(
      pullRequestHook('git.pullrequest.updated', {
        head: HEAD2,
        target: MAIN,
        text: 'Dana Developer updated the source branch',
      }),
    );
    expect(harness.outcomes.at(-1)).toMatchObject({ outcome: 'published', approval: 'pending' });
    expect(ado.recorded.statuses.map((s) => [s.context.name, s.iterationId, s.state])).toEqual([
      ['validate', 2, GitStatusState.Succeeded],
      ['approval', 2, GitStatusState.Pending],
    ]);
    expect(ado.recorded.commentUpdates[0]!.body.content).toContain(
      '| staging | 0/1 | @acme/platform-seniors | — | @alice@acme.example: approval predates the latest push |',
    );

    // Alice comments /approve after the push: the comment event triggers a review that passes.
    const ado2 = new AzureMock(undefined, null) // locations, identity and snapshots are already known
      .pullRequest({ head: HEAD2, target: MAIN }, 2)
      .iterations([ITERATION1, ITERATION2])
      .changes(2, [changeEntries([[STAGING, 'edit']])])
      .reviewers([reviewer(ALICE, 10)])
      .threads([
        textThread(BOT, ado.recorded.commentUpdates[0]!.body.content, '2026-03-02T11:01:00.000Z', {
          id: 500,
          status: 'closed',
        }),
        voteThread(ALICE, 10, '2026-03-02T09:30:00.000Z'),
        textThread(ALICE, 'Re-checked the new replica count.\n\n/approve', '2026-03-02T11:20:00.000Z'),
      ])
      .statusList([statusEntry(7, 'validate', 'succeeded', 'passed', 2), statusEntry(8, 'approval', 'pending', 'x', 2)])
      .expectCommentUpdate(500)
      .expectStatuses(1);
    identitiesMock()
      .group(SENIORS, [groupIdentity(SENIORS, SENIORS_DESCRIPTOR)])
      .group('[acme]\\platform-seniors', [])
      .member(ALICE, [SENIORS_DESCRIPTOR]);
    // A new handler process-wide state is not needed: the same handler keeps the snapshots and the bot identity.
    await deliver(commentHook(ALICE, 'Re-checked the new replica count.\n\n/approve', { head: HEAD2, target: MAIN }));
    expect(harness.outcomes.at(-1)).toEqual({
      outcome: 'published',
      headSha: HEAD2.commitId,
      validate: 'pass',
      approval: 'pass',
    });
    expect(ado2.recorded.statuses.map((s) => [s.context.name, s.state])).toEqual([
      ['approval', GitStatusState.Succeeded],
    ]);
  });

  it('reviews a duplicate delivery once, and an out-of-order one against the pull request as it is now', async () => {
    const ado = new AzureMock()
      .pullRequest({ head: HEAD2, target: MAIN }, 2)
      .connectionData()
      .iterations([ITERATION1, ITERATION2])
      .changes(2, [changeEntries([[STAGING, 'edit']])])
      .commit(MAIN)
      .commit(HEAD2, [gitBlobId(HEAD2.files.get(STAGING)!)])
      .reviewers([])
      .threads([])
      .statusList([])
      .expectThreads(1)
      .expectStatuses(2)
      .expectCommentUpdate(500);
    // The "created" delivery arrives late, after the push: its payload names HEAD1, the API says HEAD2.
    const late = pullRequestHook('git.pullrequest.created', { head: HEAD1, target: MAIN, id: 'e1' });
    expect((await deliver(late)).status).toBe(202);
    const again = await deliver(late);
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toEqual({ ignored: 'duplicate delivery' });
    expect(harness.outcomes).toEqual([
      { outcome: 'published', headSha: HEAD2.commitId, validate: 'pass', approval: 'pending' },
    ]);
    expect(ado.recorded.statuses.map((s) => s.iterationId)).toEqual([2, 2]);
  });

  it('publishes nothing when a newer push lands while the review runs, and skips completed pull requests', async () => {
    const ado = new AzureMock()
      .pullRequest({ head: HEAD1, target: MAIN }) // what the review reads
      .pullRequest({ head: HEAD2, target: MAIN }) // what the "superseded?" check sees
      .connectionData()
      .iterations([ITERATION1])
      .changes(1, [changeEntries([[STAGING, 'edit']])])
      .commit(MAIN)
      .commit(HEAD1, [gitBlobId(HEAD1.files.get(STAGING)!)])
      .reviewers([])
      .threads([]);
    await deliver(pullRequestHook('git.pullrequest.updated', { head: HEAD1, target: MAIN, id: 'u1' }));
    expect(harness.outcomes).toEqual([{ outcome: 'superseded', headSha: HEAD1.commitId }]);
    expect(ado.recorded.statuses).toEqual([]);

    // A vote on a pull request completed in the meantime: the API's status decides, not the payload's.
    new AzureMock(undefined, null).pullRequest({ head: HEAD2, target: MAIN, status: 'completed' });
    await deliver(pullRequestHook('git.pullrequest.updated', { head: HEAD2, target: MAIN, id: 'u2' }));
    expect(harness.outcomes.at(-1)).toEqual({ outcome: 'skipped', reason: 'pull request is Completed' });
  });

  it('ignores comments without a command and envgate’s own comments, without calling Azure DevOps', async () => {
    const deleted = commentHook(ALICE, '/approve', { head: HEAD1, target: MAIN });
    deleted.resource.comment.isDeleted = true;
    const hooks = [
      commentHook(ALICE, 'Looks fine, but please double-check the replica count.', { head: HEAD1, target: MAIN }),
      commentHook(BOB, '> /approve\n\nquoting someone is not approving', { head: HEAD1, target: MAIN }),
      // envgate's own summary mentions `/approve` in prose, never as a command line.
      commentHook(BOT, '[//]: # (envgate:v1)\nApprove with a review, or comment `/approve` after the latest push.', {
        head: HEAD1,
        target: MAIN,
      }),
      deleted,
    ];
    for (const hook of hooks) {
      const sent = await deliver(hook);
      expect(sent.status).toBe(200);
      expect(JSON.parse(sent.body).ignored).toMatch(/^comment (has no envgate command|deleted)$/);
    }
    expect(harness.outcomes).toEqual([]);
  });

  it('does not count an approval when the group lookup fails, and says why', async () => {
    const ado = firstReviewReads(new AzureMock())
      .reviewers([reviewer(ALICE, 10)])
      .threads([voteThread(ALICE, 10, '2026-03-02T09:30:00.000Z')])
      .statusList([])
      .expectThreads(1)
      .expectStatuses(2)
      .expectCommentUpdate(500);
    identitiesMock().failing(500);
    await deliver(pullRequestHook('git.pullrequest.updated', { head: HEAD1, target: MAIN }));
    expect(harness.outcomes).toEqual([
      { outcome: 'published', headSha: HEAD1.commitId, validate: 'pass', approval: 'pending' },
    ]);
    expect(ado.recorded.commentUpdates[0]!.body.content).toContain(
      '@alice@acme.example: membership in @acme/platform-seniors could not be checked',
    );
  });

  it('fails both statuses with the reason when Azure DevOps fails mid-review, and logs no secret', async () => {
    const ado = new AzureMock()
      .pullRequest({ head: HEAD1, target: MAIN })
      .connectionData()
      .statusList([])
      .expectStatuses(2);
    ado.scope
      .get(`${ado.prPath}/iterations`)
      .query(true)
      .reply(
        503,
        '<!DOCTYPE html><html><head><title>Azure DevOps Services | Unavailable</title></head><body>…</body></html>',
      );
    await deliver(pullRequestHook('git.pullrequest.created', { head: HEAD1, target: MAIN }));
    const reason =
      'GET pull request 42 iterations: HTTP 503: <!DOCTYPE html><html><head><title>Azure DevOps Services | Unavailable</title></head><body>…</body></html>';
    expect(harness.outcomes).toEqual([{ outcome: 'failed', reason }]);
    expect(ado.recorded.statuses).toEqual([
      {
        state: GitStatusState.Failed,
        description: `review did not complete: ${reason}`,
        context: { genre: 'envgate', name: 'validate' },
        targetUrl: 'https://dev.azure.com/acme/Platform/_git/gitops/pullrequest/42',
      },
      {
        state: GitStatusState.Failed,
        description: `review did not complete: ${reason}`,
        context: { genre: 'envgate', name: 'approval' },
        targetUrl: 'https://dev.azure.com/acme/Platform/_git/gitops/pullrequest/42',
      },
    ]);
    expect(harness.logs.some((line) => line.startsWith('error azure devops: review failed'))).toBe(true);
  });

  it('pages through the changes of a large pull request', async () => {
    const many = Array.from({ length: 2003 }, (_, i) => `docs/runbooks/page-${String(i).padStart(4, '0')}.md`);
    const entries = changeEntries([[STAGING, 'edit'], ...many.map((p) => [p, 'add'] as [string, string])]);
    const ado = new AzureMock()
      .pullRequest({ head: HEAD1, target: MAIN }, 2)
      .connectionData()
      .iterations([ITERATION1])
      .changes(1, [entries.slice(0, 2000), entries.slice(2000)])
      .commit(MAIN)
      .commit(HEAD1, [gitBlobId(HEAD1.files.get(STAGING)!)])
      .reviewers([])
      .threads([])
      .statusList([])
      .expectThreads(1)
      .expectStatuses(2)
      .expectCommentUpdate(500);
    await deliver(pullRequestHook('git.pullrequest.created', { head: HEAD1, target: MAIN }));
    expect(harness.outcomes).toEqual([
      { outcome: 'published', headSha: HEAD1.commitId, validate: 'pass', approval: 'pending' },
    ]);
    // Every changed path made it: 2,003 outside any environment are listed as not reviewed.
    const content: string = ado.recorded.threads[0].comments[0].content;
    expect(content).toContain('Not reviewed (outside every environment): `docs/runbooks/page-0000.md`');
    expect(content).toContain('… 1953 more'); // 50 shown + 1,953 = all 2,003 from both pages
  });

  it('works against Azure DevOps Server: collection URL, negotiated API version, identities on the collection', async () => {
    await new Promise((resolve) => harness.server.close(resolve));
    const collection = 'https://tfs.example.com/tfs/DefaultCollection';
    harness = await start(collection);
    const ado = new AzureMock(collection, gitLocations('7.0', '7.0')) // Azure DevOps Server 2022
      .pullRequest({ head: HEAD1, target: MAIN }, 2)
      .iterations([ITERATION1])
      .changes(1, [changeEntries([[STAGING, 'edit']])])
      .commit(MAIN)
      .commit(HEAD1, [gitBlobId(HEAD1.files.get(STAGING)!)])
      .reviewers([reviewer(ALICE, 5)])
      .threads([voteThread(ALICE, 5, '2026-03-02T09:40:00.000Z')])
      .statusList([])
      .expectThreads(1)
      .expectStatuses(2)
      .expectCommentUpdate(500);
    ado.scope.get('/tfs/DefaultCollection/_apis/connectionData').reply(200, connectionData());
    identitiesMock(collection)
      .group(SENIORS, [])
      .group('[DefaultCollection]\\platform-seniors', [
        groupIdentity('[DefaultCollection]\\platform-seniors', SENIORS_DESCRIPTOR),
      ])
      .member(ALICE, [SENIORS_DESCRIPTOR]);
    const hook = pullRequestHook('git.pullrequest.created', {
      head: HEAD1,
      target: MAIN,
      baseUrl: 'https://tfs.example.com/tfs/DefaultCollection/',
    });
    expect((await deliver(hook)).status).toBe(202);
    expect(harness.outcomes).toEqual([
      { outcome: 'published', headSha: HEAD1.commitId, validate: 'pass', approval: 'pass' },
    ]);
    expect(ado.recorded.statusAccept).toEqual(['application/json;api-version=7.0', 'application/json;api-version=7.0']);
    expect(ado.recorded.statuses[0].targetUrl).toBe(
      `${collection}/Platform/_git/gitops/pullrequest/42?discussionId=500`,
    );
  });

  it('opens a line thread for an error finding once, and resolves it when a push fixes the file', async () => {
    const PDB = 'environments/staging/pdb.yaml';
    const broken = ENV_REPO[PDB]!.replace('  minAvailable: 1\n', '  minAvailable: 1\n  minAvailable: 2\n');
    const headBroken = commit('broken', { ...ENV_REPO, [PDB]: broken });
    const ado = new AzureMock()
      .pullRequest({ head: headBroken, target: MAIN }, 2)
      .connectionData()
      .iterations([iteration(1, headBroken, MAIN, '2026-03-02T09:12:44.000Z')])
      .changes(1, [changeEntries([[PDB, 'edit']])])
      .commit(MAIN)
      .commit(headBroken, [gitBlobId(Buffer.from(broken))])
      .reviewers([])
      .threads([])
      .statusList([])
      .expectThreads(2)
      .expectStatuses(2)
      .expectCommentUpdate(500);
    await deliver(pullRequestHook('git.pullrequest.created', { head: headBroken, target: MAIN, id: 'c1' }));
    expect(harness.outcomes.at(-1)).toMatchObject({ outcome: 'published', validate: 'fail' });
    expect(ado.recorded.statuses[0]).toMatchObject({
      state: GitStatusState.Failed,
      // The duplicate key, then the staging root that cannot render because of it.
      description: expect.stringMatching(
        /^2 errors: environments\/staging\/pdb\.yaml:7 · yaml\/duplicate-key · duplicate key "minAvailable"; environments\/staging\/\S+ · render\/failed · /,
      ) as unknown,
    });
    const line = ado.recorded.threads[1];
    expect(line).toEqual({
      comments: [
        {
          parentCommentId: 0,
          content: expect.stringMatching(
            /^\[\/\/\]: # \(envgate:finding:[0-9a-f]{16}\)\n❌ \*\*yaml\/duplicate-key\*\* \(line 7\): duplicate key "minAvailable"/,
          ),
          commentType: 1,
        },
      ],
      status: CommentThreadStatus.Active,
      threadContext: {
        filePath: '/environments/staging/pdb.yaml',
        rightFileStart: { line: 7, offset: 1 },
        rightFileEnd: { line: 7, offset: 1 },
      },
      pullRequestThreadContext: {
        changeTrackingId: 1,
        iterationContext: { firstComparingIteration: 1, secondComparingIteration: 1 },
      },
    });

    // The same finding on the next event: no second thread. Then a push fixes it: the thread is resolved.
    const summary = textThread(BOT, ado.recorded.commentUpdates[0]!.body.content, '2026-03-02T09:13:00.000Z', {
      id: 500,
      status: 'closed',
    });
    const finding = textThread(BOT, line.comments[0].content, '2026-03-02T09:13:01.000Z', {
      id: 501,
      status: 'active',
    });
    const fixed = commit('fixed', ENV_REPO);
    const ado2 = new AzureMock(undefined, null)
      .pullRequest({ head: fixed, target: MAIN }, 2)
      .iterations([
        iteration(1, headBroken, MAIN, '2026-03-02T09:12:44.000Z'),
        iteration(2, fixed, MAIN, '2026-03-02T10:00:00.000Z'),
      ])
      .changes(2, [[]])
      .commit(fixed, [])
      .reviewers([])
      .threads([summary, finding])
      .statusList([
        statusEntry(1, 'validate', 'failed', 'x', 1),
        statusEntry(2, 'approval', 'succeeded', 'no approval required', 1),
      ])
      .expectStatuses(2)
      .expectThreadUpdate(501)
      .expectCommentUpdate(500);
    await deliver(pullRequestHook('git.pullrequest.updated', { head: fixed, target: MAIN, id: 'u9' }));
    expect(harness.outcomes.at(-1)).toMatchObject({ outcome: 'published', validate: 'pass' });
    expect(ado2.recorded.threadUpdates).toEqual([{ threadId: 501, body: { status: CommentThreadStatus.Fixed } }]);
  });

  it('follows a vote change: a senior who approved and then rejects blocks the gate', async () => {
    const ado = firstReviewReads(new AzureMock())
      .reviewers([reviewer(ALICE, -10)])
      .threads([voteThread(ALICE, 10, '2026-03-02T09:30:00.000Z'), voteThread(ALICE, -10, '2026-03-02T09:45:00.000Z')])
      .statusList([])
      .expectThreads(1)
      .expectStatuses(2)
      .expectCommentUpdate(500);
    identitiesMock()
      .group(SENIORS, [groupIdentity(SENIORS, SENIORS_DESCRIPTOR)])
      .group('[acme]\\platform-seniors', [])
      .member(ALICE, [SENIORS_DESCRIPTOR]);
    await deliver(
      pullRequestHook('git.pullrequest.updated', {
        head: HEAD1,
        target: MAIN,
        text: 'Alice Senior rejected pull request 42',
      }),
    );
    expect(harness.outcomes).toEqual([
      { outcome: 'published', headSha: HEAD1.commitId, validate: 'pass', approval: 'fail' },
    ]);
    expect(ado.recorded.statuses[1]).toMatchObject({
      state: GitStatusState.Failed,
      description: 'changes requested: staging: changes requested by @alice@acme.example',
      context: { genre: 'envgate', name: 'approval' },
    });
  });

  it('opens the gate on /break-glass from a senior, says who and why, and labels the pull request', async () => {
    const reason = 'INC-4711 checkout is down, rolling forward the fix';
    const ado = firstReviewReads(new AzureMock())
      .reviewers([])
      .threads([textThread(ALICE, `Paged in.\n/break-glass ${reason}`, '2026-03-02T09:50:00.000Z')])
      .statusList([])
      .expectLabel()
      .expectThreads(1)
      .expectStatuses(2)
      .expectCommentUpdate(500);
    identitiesMock()
      .group(SENIORS, [groupIdentity(SENIORS, SENIORS_DESCRIPTOR)])
      .group('[acme]\\platform-seniors', [])
      .member(ALICE, [SENIORS_DESCRIPTOR]);
    await deliver(commentHook(ALICE, `Paged in.\n/break-glass ${reason}`, { head: HEAD1, target: MAIN }));
    expect(harness.outcomes).toEqual([
      { outcome: 'published', headSha: HEAD1.commitId, validate: 'pass', approval: 'pass' },
    ]);
    expect(ado.recorded.labels).toEqual([{ name: 'break-glass' }]);
    expect(ado.recorded.statuses[1]).toMatchObject({
      state: GitStatusState.Succeeded,
      description: `break-glass by @alice@acme.example: @alice@acme.example used break-glass: ${reason}; staging: 0 of 1 approvals from @acme/platform-seniors`,
    });
    expect(ado.recorded.threads[0].comments[0].content).toContain('🚨 break-glass by @alice@acme.example');
  });
});
