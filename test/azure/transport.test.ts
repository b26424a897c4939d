// The node-api transport's traps, against nock: streaming calls that "succeed" on 4xx/5xx, oversized downloads,
// the PAT on redirects, and error messages that must never carry it.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseOrganizationUrl } from '../../src/platforms/azure/settings.js';
import { AzureDevOpsApiError, NodeApiTransport } from '../../src/platforms/azure/transport.js';
import { gitLocations, PAT, PROJECT, REPO } from '../helpers/azure.js';

const ORG = parseOrganizationUrl('https://dev.azure.com/acme');
const REPO_PATH = `/acme/${PROJECT.id}/_apis/git/repositories/${REPO.id}`;
const BLOB = 'a'.repeat(40);

let scope: nock.Scope;
let transport: NodeApiTransport;

beforeEach(() => {
  nock.disableNetConnect();
  scope = nock('https://dev.azure.com').options('/acme/_apis/git').reply(200, gitLocations());
  transport = new NodeApiTransport(ORG, PAT, { maxRetries: 0 });
});

afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

describe('NodeApiTransport', () => {
  it('turns a blob download that answers 404 into an error instead of reading the error page as a zip', async () => {
    scope.post(`${REPO_PATH}/blobs`).reply(404, {
      $id: '1',
      message: `TF401174: The item '${BLOB}' could not be found in the repository.`,
      typeKey: 'GitItemNotFoundException',
    });
    const error = await transport.getBlobsZip(PROJECT.id, REPO.id, [BLOB], 1024).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AzureDevOpsApiError);
    expect((error as AzureDevOpsApiError).message).toBe(
      `POST blobs zip (1 blobs): HTTP 404: TF401174: The item '${BLOB}' could not be found in the repository.`,
    );
  });

  it('stops a download larger than the tree said', async () => {
    scope.post(`${REPO_PATH}/blobs`).reply(200, Buffer.alloc(4096), { 'content-type': 'application/zip' });
    await expect(transport.getBlobsZip(PROJECT.id, REPO.id, [BLOB], 1024)).rejects.toThrow(
      'POST blobs zip (1 blobs): the download is larger than 1024 bytes',
    );
  });

  it('sends the PAT to the organisation only, never to where a redirect points', async () => {
    scope
      .get(`${REPO_PATH}/trees/${BLOB}`)
      .query(true)
      .matchHeader('authorization', `Basic ${Buffer.from(`PAT:${PAT}`).toString('base64')}`)
      .reply(302, undefined, { location: 'https://cdn.example.net/trees/x' });
    nock('https://cdn.example.net', { badheaders: ['authorization'] })
      .get('/trees/x')
      .reply(200, { objectId: BLOB, treeEntries: [] });
    expect(await transport.getTree(PROJECT.id, REPO.id, BLOB)).toEqual({ objectId: BLOB, treeEntries: [] });
  });

  it('never repeats the PAT in an error message, and names the call', async () => {
    scope
      .get(`/acme/${PROJECT.id}/_apis/git/repositories/${REPO.id}/pullRequests/42`)
      .query(true)
      .reply(401, { message: `Access denied: token ${PAT} lacks scope vso.code` });
    const error = (await transport.getPullRequest(PROJECT.id, REPO.id, 42).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('GET pull request 42: HTTP 401: Access denied: token *** lacks scope vso.code');
    scope.get('/acme/_apis/connectionData').reply(203, '<html><body>Sign in to your account</body></html>');
    await expect(transport.connectionData()).rejects.toThrow('GET connectionData: HTTP 203: the PAT was not accepted');
  });
});
