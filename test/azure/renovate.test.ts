// A Renovate pull request through the Azure DevOps route: the bot's identity matched by GUID, the body Renovate
// stored (cut to 4,000 characters), the patch in test auto-approved with envgate's own vote, prod held for seniors.
import type { Server } from 'node:http';
import { GitStatusState } from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAzureDevOpsWebhookHandler, type AzureDevOpsWebhookHandler } from '../../src/platforms/azure/index.js';
import type { ReviewOutcome } from '../../src/platforms/azure/reviewer.js';
import { AzureSnapshotStore, gitBlobId } from '../../src/platforms/azure/snapshot.js';
import {
  AzureMock,
  basicAuth,
  BOT,
  changeEntries,
  commit,
  ENV_REPO,
  identityRef,
  iteration,
  listen,
  PAT,
  pullRequest,
  pullRequestHook,
  reviewer,
  send,
  type Commit,
  type Json,
  type Person,
} from '../helpers/azure.js';

/** Renovate's PAT identity in this organisation. */
const RENOVATE: Person = {
  id: '7a1c9e0b-2d3f-4a5b-8c6d-9e0f1a2b3c4d',
  displayName: 'Renovate Bot',
  uniqueName: 'renovate@acme.example',
  descriptor: 'aad.N2ExYzllMGItMmQzZi00YTViLThjNmQtOWUwZjFhMmIzYzRk',
};

const CONFIG = '.envgate.yml';
const TEST_ENV = 'environments/test/kustomization.yaml';
const PROD_ENV = 'environments/prod/kustomization.yaml';
const MAIN = commit('renovate-main', {
  ...ENV_REPO,
  [CONFIG]: ENV_REPO[CONFIG]!.replace('authors: ["renovate[bot]"]', `authors: ["${RENOVATE.id.toUpperCase()}"]`),
});
const edit = (path: string, from: string, to: string): Commit =>
  commit(`renovate ${path}`, {
    ...Object.fromEntries(readFiles(MAIN)),
    [path]: readFiles(MAIN).get(path)!.replace(from, to),
  });

function readFiles(c: Commit): Map<string, string> {
  return new Map([...c.files].map(([path, buffer]) => [path, buffer.toString('utf8')]));
}

const TEST_PATCH = edit(TEST_ENV, 'newTag: 1.8.2', 'newTag: 1.8.3');
const PROD_PATCH = edit(
  PROD_ENV,
  'newTag: 1.8.1\n    digest: sha256:3ab8e5ad213f77f6354504666fa08f7227a7c2ad77f4e380058f03747d73c2d5',
  'newTag: 1.8.2\n    digest: sha256:40111dfd0a42e5e1589ba3a83911a7be1779b50c24dd9cdd659082dae84f59c2',
);

/** What Renovate's Azure DevOps platform stores: the body, cut to 4,000 characters with its notice. */
function renovateBody(from: string, to: string): string {
  const notes = Array.from(
    { length: 80 },
    (_, i) => `- fix ${i}: retry payment capture on 502 from the PSP (!${400 + i})`,
  );
  const body = [
    '> ℹ️ **Note**\n> \n> This PR body was truncated due to platform limits.\n',
    'This PR contains the following updates:',
    '',
    '| Package | Type | Update | Change |',
    '|---|---|---|---|',
    `| ghcr.io/acme/checkout-api | Kustomization | patch | \`${from}\` → \`${to}\` |`,
    '',
    '---',
    '',
    '### Release Notes',
    '',
    ...notes,
  ].join('\n');
  const notice = '\n\n> ✂️ **Note**\n> \n> PR body was truncated to here.\n';
  return body.slice(0, 4000 - notice.length) + notice;
}

let handler: AzureDevOpsWebhookHandler;
let server: Server;
let url: string;
let outcomes: ReviewOutcome[];
let logs: string[];

beforeEach(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  outcomes = [];
  logs = [];
  const record = (level: string) => (obj: object, msg: string) => logs.push(`${level} ${msg} ${JSON.stringify(obj)}`);
  handler = createAzureDevOpsWebhookHandler(
    {
      orgUrl: 'https://dev.azure.com/acme',
      pat: PAT,
      webhookUser: 'envgate-hook',
      webhookPassword: 'hook-password-4f9c',
    },
    {
      transport: { maxRetries: 0 },
      snapshots: new AzureSnapshotStore(),
      log: { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') },
      onReview: (outcome) => outcomes.push(outcome),
      now: () => 0,
    },
  );
  ({ server, url } = await listen(handler));
});

afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
  expect(logs.join('\n')).not.toContain(PAT);
});

function renovatePullRequest(head: Commit, branch: string, body: string): Json {
  return {
    ...pullRequest({ head, target: MAIN, author: RENOVATE, title: 'chore(deps): update ghcr.io/acme/checkout-api' }),
    createdBy: identityRef(RENOVATE),
    sourceRefName: `refs/heads/${branch}`,
    description: body,
    labels: [],
  };
}

/** Every read of one review of `head`, by Renovate, on `branch`. */
function reviewReads(ado: AzureMock, head: Commit, path: string, branch: string, body: string, reviewers: Json[] = []) {
  ado.scope
    .get(ado.prPath)
    .query(true)
    .times(2)
    .reply(200, renovatePullRequest(head, branch, body));
  return ado
    .connectionData()
    .iterations([iteration(1, head, MAIN, '2026-03-02T09:12:44.000Z')])
    .changes(1, [changeEntries([[path, 'edit']])])
    .commit(MAIN)
    .commit(head, [gitBlobId(head.files.get(path)!)])
    .reviewers(reviewers)
    .threads([])
    .statusList([])
    .expectThreads(1)
    .expectStatuses(2)
    .expectCommentUpdate(500);
}

async function deliver(head: Commit) {
  const sent = await send(
    `${url}/api/azure-devops/webhooks`,
    pullRequestHook('git.pullrequest.created', { head, target: MAIN }),
    {
      authorization: basicAuth(),
    },
  );
  await handler.idle();
  return sent;
}

describe('Azure DevOps: Renovate pull requests', () => {
  it('auto-approves a patch in test: approval succeeded, and envgate votes 10 as itself', async () => {
    const ado = reviewReads(
      new AzureMock(),
      TEST_PATCH,
      TEST_ENV,
      'renovate/checkout-api-1.x',
      renovateBody('1.8.2', '1.8.3'),
    );
    const votes: Json[] = [];
    ado.scope.put(`${ado.prPath}/reviewers/${BOT.id}`).reply(200, async (req: Request) => {
      const body = (await req.json()) as Json;
      votes.push(body);
      return { ...reviewer(BOT, body.vote) };
    });

    expect((await deliver(TEST_PATCH)).status).toBe(202);

    expect(outcomes).toEqual([
      { outcome: 'published', headSha: TEST_PATCH.commitId, validate: 'pass', approval: 'pass' },
    ]);
    expect(ado.recorded.statuses[1]).toMatchObject({
      state: GitStatusState.Succeeded,
      description: 'auto-approved: test: auto-approved by envgate: 1 patch update',
      context: { genre: 'envgate', name: 'approval' },
    });
    const summary: string = ado.recorded.threads[0].comments[0].content;
    expect(summary).toContain('| test | `ghcr.io/acme/checkout-api` | `1.8.2` → `1.8.3` | patch |');
    expect(summary).toContain('the PR body was truncated by the platform');
    expect(votes).toEqual([{ vote: 10 }]);
  });

  it('does not vote again when its vote is already there', async () => {
    reviewReads(new AzureMock(), TEST_PATCH, TEST_ENV, 'renovate/checkout-api-1.x', renovateBody('1.8.2', '1.8.3'), [
      reviewer(BOT, 10),
    ]);
    const unmatched: string[] = [];
    const noMatch = (req: Json) => {
      // A fetch Request (node-api, Octokit) or an http request; the webhook deliveries to the local server pass.
      const where = String(req.url ?? `${req.hostname ?? req.options?.hostname ?? ''}${req.path ?? ''}`);
      if (!where.includes('127.0.0.1')) unmatched.push(`${req.method} ${where}`);
    };
    nock.emitter.on('no match', noMatch);
    try {
      await deliver(TEST_PATCH);
    } finally {
      nock.emitter.removeListener('no match', noMatch);
    }
    expect(outcomes).toMatchObject([{ outcome: 'published', approval: 'pass' }]);
    expect(unmatched).toEqual([]);
    expect(logs.filter((l) => l.startsWith('warn'))).toEqual([]);
  });

  it('holds a prod patch for seniors: approval pending, no vote from envgate', async () => {
    const ado = reviewReads(
      new AzureMock(),
      PROD_PATCH,
      PROD_ENV,
      'renovate/checkout-api-1.x',
      renovateBody('1.8.1', '1.8.2'),
    );
    const unmatched: string[] = [];
    const noMatch = (req: Json) => {
      // A fetch Request (node-api, Octokit) or an http request; the webhook deliveries to the local server pass.
      const where = String(req.url ?? `${req.hostname ?? req.options?.hostname ?? ''}${req.path ?? ''}`);
      if (!where.includes('127.0.0.1')) unmatched.push(`${req.method} ${where}`);
    };
    nock.emitter.on('no match', noMatch);
    try {
      await deliver(PROD_PATCH);
    } finally {
      nock.emitter.removeListener('no match', noMatch);
    }
    expect(unmatched).toEqual([]);
    expect(outcomes).toEqual([
      { outcome: 'published', headSha: PROD_PATCH.commitId, validate: 'pass', approval: 'pending' },
    ]);
    expect(ado.recorded.statuses[1]).toMatchObject({
      state: GitStatusState.Pending,
      description: 'approval needed: prod: 0 of 2 approvals from @acme/platform-seniors',
    });
  });

  it('logs, and keeps the published statuses, when Azure DevOps refuses the vote', async () => {
    const ado = reviewReads(
      new AzureMock(),
      TEST_PATCH,
      TEST_ENV,
      'renovate/checkout-api-1.x',
      renovateBody('1.8.2', '1.8.3'),
    );
    ado.scope.put(`${ado.prPath}/reviewers/${BOT.id}`).reply(403, {
      message: "TF401027: You need the Git 'ContributeToPullRequests' permission to perform this action.",
      typeKey: 'GitNeedsPermissionException',
    });
    await deliver(TEST_PATCH);
    expect(outcomes).toMatchObject([{ outcome: 'published', approval: 'pass' }]);
    expect(
      logs.some((l) => l.startsWith('warn azure devops: could not vote to approve the Renovate pull request')),
    ).toBe(true);
  });
});
