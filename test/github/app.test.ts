import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildFixtureRepo, type FixtureRepo } from '../helpers/github-fixture.js';
import { AUTHOR, createProbot, deliver, GitHubMock, pullRequestEvent } from '../helpers/github.js';

let fixture: FixtureRepo;
beforeAll(async () => {
  fixture = await buildFixtureRepo();
});
afterAll(() => fixture.cleanup());
beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  const pending = nock.pendingMocks();
  nock.cleanAll();
  nock.enableNetConnect();
  expect(pending).toEqual([]);
});

describe('GitHub App', () => {
  it('opened: posts one comment and both check runs', async () => {
    const probot = await createProbot();
    const pr = { head: fixture.release, changedFiles: 5 };
    const github = new GitHubMock(fixture).installationToken().reviewReads(pr).createComment().createCheckRuns();
    await deliver(probot, 'pull_request', pullRequestEvent(fixture, 'opened', pr));
    console.log(JSON.stringify(github.sent, null, 1).slice(0, 5000), AUTHOR.login);
  });
});
