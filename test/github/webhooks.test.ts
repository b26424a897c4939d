// Webhook deliveries over real HTTP into Probot's middleware with envgate loaded: signatures are verified before
// any handler runs, and extra routes (the Azure DevOps service hook) are mounted beside GitHub's.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import type { Probot } from 'probot';
import { createNodeMiddleware } from 'probot';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envgateApp } from '../../src/app.js';
import { runCli } from '../helpers/cli.js';
import { buildFixtureRepo, type FixtureRepo } from '../helpers/github-fixture.js';
import { APP_ID, bareProbot, GitHubMock, pullRequestEvent, WEBHOOK_SECRET } from '../helpers/github.js';

let fixture: FixtureRepo;
let server: Server;
let url: string;
const azureDeliveries: string[] = [];

beforeAll(async () => {
  fixture = await buildFixtureRepo();
  const probot: Probot = bareProbot();
  const middleware = await createNodeMiddleware(
    envgateApp({
      appId: APP_ID,
      handlers: [
        (req, res) => {
          if (req.method !== 'POST' || req.url !== '/api/azure-devops/webhooks') return false;
          azureDeliveries.push(req.url);
          res.writeHead(202).end();
          return true;
        },
      ],
    }),
    { probot },
  );
  server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  fixture.cleanup();
});
beforeEach(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

function sign(body: string, secret = WEBHOOK_SECRET): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

async function post(path: string, event: string, payload: unknown, signature?: string) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-github-event': event,
    'x-github-delivery': `d-${Math.random()}`,
  };
  if (signature !== undefined) headers['x-hub-signature-256'] = signature;
  // node:http rather than fetch: nock's fetch passthrough to a real server fails on Node 20.
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(`${url}${path}`, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('webhook endpoint', () => {
  it('rejects an unsigned delivery before any handler runs', async () => {
    // Had the handler run, it would have called the GitHub API, which nock refuses.
    const payload = pullRequestEvent(fixture, 'opened', { head: fixture.prodBump, changedFiles: 2 });
    const response = await post('/api/github/webhooks', 'pull_request', payload);
    expect(response.status).toBe(400);
    expect(response.text).toContain('Required headers missing: x-hub-signature-256');
  });

  it('rejects a delivery signed with another secret, or whose body was changed after signing', async () => {
    const payload = pullRequestEvent(fixture, 'opened', { head: fixture.prodBump, changedFiles: 2 });
    const wrongSecret = await post(
      '/api/github/webhooks',
      'pull_request',
      payload,
      sign(JSON.stringify(payload), 'not-the-secret'),
    );
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.text).toContain('signature does not match event payload and secret');
    const tampered = await post(
      '/api/github/webhooks',
      'pull_request',
      { ...payload, number: 3 },
      sign(JSON.stringify(payload)),
    );
    expect(tampered.status).toBe(400);
  });

  it('accepts a signed delivery and runs the review', async () => {
    const pr = { head: fixture.docs, changedFiles: 1 };
    const github = new GitHubMock(fixture).installationToken().reviewReads(pr).createCheckRuns();
    const payload = pullRequestEvent(fixture, 'opened', pr);
    const response = await post('/api/github/webhooks', 'pull_request', payload, sign(JSON.stringify(payload)));
    expect(response).toEqual({ status: 200, text: 'ok\n' });
    expect(github.sent.checkRuns.map((run) => run.conclusion)).toEqual(['success', 'success']);
  });

  it('mounts extra handlers beside GitHub, such as the Azure DevOps service hook route', async () => {
    const response = await post('/api/azure-devops/webhooks', 'git.pullrequest.created', {});
    expect(response.status).toBe(202);
    expect(azureDeliveries).toEqual(['/api/azure-devops/webhooks']);
    expect((await post('/elsewhere', 'x', {})).status).toBe(404);
  });
});

describe('envgate serve', () => {
  it('refuses to start a configured app without a webhook secret', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'envgate-serve-'));
    try {
      const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
        type: 'pkcs1',
        format: 'pem',
      }) as string;
      const result = runCli(['serve'], {
        cwd,
        env: {
          APP_ID: '123',
          PRIVATE_KEY: privateKey,
          WEBHOOK_SECRET: '',
          LOG_FORMAT: 'json',
          LOG_LEVEL: 'fatal',
          PORT: '0',
        },
      });
      expect(result.stderr).toContain('envgate serve: WEBHOOK_SECRET is not set');
      expect(result.code).toBe(2);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
