// The Azure DevOps route inside `envgate serve`: mounted from the environment through Probot's addHandler, next to
// GitHub's route, with the same authentication and Test-button handling as on its own.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { createNodeMiddleware } from 'probot';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { envgateApp } from '../../src/app.js';
import { InputError } from '../../src/commands/command.js';
import { extraHandlers } from '../../src/commands/serve.js';
import { basicAuth, HOOK_PASSWORD, HOOK_USER, PAT, send, testButtonHook } from '../helpers/azure.js';
import { APP_ID, bareProbot } from '../helpers/github.js';

const ENV = {
  AZURE_DEVOPS_ORG_URL: 'https://dev.azure.com/acme',
  AZURE_DEVOPS_PAT: PAT,
  AZURE_DEVOPS_WEBHOOK_USER: HOOK_USER,
  AZURE_DEVOPS_WEBHOOK_PASSWORD: HOOK_PASSWORD,
};

describe('extraHandlers', () => {
  it('mounts the Azure DevOps route only when it is configured, and refuses a half configuration', () => {
    expect(extraHandlers({})).toEqual([]);
    expect(extraHandlers(ENV)).toHaveLength(1);
    const half = { ...ENV, AZURE_DEVOPS_WEBHOOK_PASSWORD: undefined, AZURE_DEVOPS_WEBHOOK_USER: undefined };
    expect(() => extraHandlers(half)).toThrow(InputError);
    expect(() => extraHandlers(half)).toThrow(/must be authenticated/);
  });
});

describe('Azure DevOps route beside Probot', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const middleware = await createNodeMiddleware(envgateApp({ appId: APP_ID, handlers: extraHandlers(ENV) }), {
      probot: bareProbot(),
    });
    server = createServer((req, res) => void middleware(req, res, () => res.writeHead(404).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it('answers service hook deliveries at /api/azure-devops/webhooks', async () => {
    const test = await send(`${url}/api/azure-devops/webhooks`, testButtonHook(), { authorization: basicAuth() });
    expect(test.status).toBe(200);
    expect(JSON.parse(test.body)).toEqual({ ignored: 'test delivery (sample payload)' });
    const unauthenticated = await send(`${url}/api/azure-devops/webhooks`, testButtonHook());
    expect(unauthenticated.status).toBe(401);
  });
});
