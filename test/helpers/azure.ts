// Azure DevOps test harness: a fake Azure Repos repository (commits, trees, blob zips built with yazl), REST
// responses shaped like the Azure DevOps REST reference, service hook payloads shaped like the service hooks
// documentation (events.md), and nock mocks under the real azure-devops-node-api, recording what envgate sends.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import nock from 'nock';
import { ZipFile } from 'yazl';
import { gitBlobId } from '../../src/platforms/azure/snapshot.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const PROJECT = { id: '3b2e9a9c-6c1f-4f0e-9d7a-2f1c5b8e4a10', name: 'Platform' };
export const REPO = { id: '9f8d7c6b-5a4e-4d3c-8b2a-1e0f9d8c7b6a', name: 'gitops' };
export const PR_ID = 42;
export const PAT = 'pat-5up3r-s3cr3t-t0k3n-value';
export const HOOK_USER = 'envgate-hook';
export const HOOK_PASSWORD = 'hook-password-4f9c';

export interface Person {
  id: string;
  displayName: string;
  uniqueName: string;
  descriptor: string;
}

function person(id: string, displayName: string, uniqueName: string): Person {
  const descriptor = `aad.${Buffer.from(id).toString('base64url')}`;
  return { id, displayName, uniqueName, descriptor };
}

export const DANA = person('54d125f7-69f7-4191-904f-c5b96b6261c8', 'Dana Developer', 'dana@acme.example');
export const ALICE = person('d6245f20-2af8-44f4-9451-8107cb2767db', 'Alice Senior', 'alice@acme.example');
export const BOB = person('1b7c40a2-3e0d-4f44-9a2e-6c8f1d2b3a4c', 'Bob Builder', 'bob@acme.example');
export const BOT = person('e0c1a2b3-c4d5-4e6f-8a9b-0c1d2e3f4a5b', 'envgate', 'envgate@acme.example');
/** The identity descriptor of `[Platform]\platform-seniors`. */
export const SENIORS_DESCRIPTOR =
  'Microsoft.TeamFoundation.Identity;S-1-9-1551374245-1204400969-2402986413-2179408616-3-2416543751';

// ---- a fake repository ------------------------------------------------------------------------------------------

export interface Commit {
  commitId: string;
  treeId: string;
  files: Map<string, Buffer>;
  symlinks: Map<string, string>;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

export function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else files[relative(dir, path).split('\\').join('/')] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

/** The example GitOps repository (Flux/Kustomize layout with staging and prod gated by @acme/platform-seniors). */
export const ENV_REPO = readTree(new URL('../../examples/env-repo/', import.meta.url).pathname);

export function commit(label: string, files: Record<string, string>, symlinks: Record<string, string> = {}): Commit {
  const commitId = sha1(`commit ${label}`);
  return {
    commitId,
    treeId: sha1(`tree ${label}`),
    files: new Map(Object.entries(files).map(([p, c]) => [p, Buffer.from(c)])),
    symlinks: new Map(Object.entries(symlinks)),
  };
}

/** `GET …/trees/{id}?recursive=true` as Azure DevOps answers it: folders listed too, blobs with mode and size. */
export function treeResponse(c: Commit): Json {
  const entries: Json[] = [];
  const folders = new Set<string>();
  const blob = (path: string, content: Buffer, mode: string) => {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
    const objectId = gitBlobId(content);
    entries.push({
      objectId,
      relativePath: path,
      mode,
      gitObjectType: 'blob',
      url: `https://dev.azure.com/acme/${PROJECT.id}/_apis/git/repositories/${REPO.id}/blobs/${objectId}`,
      size: content.length,
    });
  };
  for (const [path, content] of c.files) blob(path, content, '100644');
  for (const [path, target] of c.symlinks) blob(path, Buffer.from(target), '120000');
  for (const folder of folders) {
    entries.push({
      objectId: sha1(`folder ${folder}`),
      relativePath: folder,
      mode: '40000',
      gitObjectType: 'tree',
      size: 0,
    });
  }
  return {
    objectId: c.treeId,
    url: `https://dev.azure.com/acme/_apis/git/repositories/${REPO.id}/trees/${c.treeId}`,
    treeEntries: entries,
  };
}

export function blobsOf(c: Commit): Map<string, Buffer> {
  const blobs = new Map<string, Buffer>();
  for (const content of c.files.values()) blobs.set(gitBlobId(content), content);
  for (const target of c.symlinks.values()) blobs.set(gitBlobId(Buffer.from(target)), Buffer.from(target));
  return blobs;
}

/** A zip as `POST …/blobs` returns it: one entry per blob, named by its id. */
export async function zipOf(entries: Iterable<[string, Buffer]>): Promise<Buffer> {
  const zip = new ZipFile();
  for (const [name, content] of entries) zip.addBuffer(content, name);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// ---- REST responses ---------------------------------------------------------------------------------------------

/** The Git area's resource locations (`OPTIONS _apis/git`), reduced to the calls envgate makes. */
export function gitLocations(maxVersion = '7.2', releasedVersion = '7.1'): Json {
  const pr = '{project}/_apis/{area}/repositories/{repositoryId}/pullRequests/{pullRequestId}';
  const loc = (id: string, resourceName: string, routeTemplate: string) => ({
    id,
    area: 'git',
    resourceName,
    routeTemplate,
    resourceVersion: 2,
    minVersion: '1.0',
    maxVersion,
    releasedVersion,
  });
  const value = [
    loc('9946fd70-0d40-406e-b686-b4744cbbcc37', 'pullRequests', pr),
    loc('d43911ee-6958-46b0-a42b-8445b8a0d004', 'pullRequestIterations', `${pr}/iterations/{iterationId}`),
    loc(
      '4216bdcf-b6b1-4d59-8b82-c34cc183fc8b',
      'pullRequestIterationChanges',
      `${pr}/iterations/{iterationId}/changes`,
    ),
    loc('4b6702c7-aa35-4b89-9c96-b9abf6d3e540', 'pullRequestReviewers', `${pr}/reviewers/{reviewerId}`),
    loc('b5f6bb4f-8d1e-4d79-8d11-4c9172c99c35', 'pullRequestStatuses', `${pr}/statuses/{statusId}`),
    loc('ab6e2e5d-a0b7-4153-b64a-a4efe0d49449', 'pullRequestThreads', `${pr}/threads/{threadId}`),
    loc(
      '965a3ec7-5ed8-455a-bdcb-835a5ea7fe7b',
      'pullRequestThreadComments',
      `${pr}/threads/{threadId}/comments/{commentId}`,
    ),
    loc('f22387e3-984e-4c52-9c6d-fbb8f14c812d', 'pullRequestLabels', `${pr}/labels/{labelIdOrName}`),
    loc(
      'c2570c3b-5b3f-41b8-98bf-5407bfde8d58',
      'commits',
      '{project}/_apis/{area}/repositories/{repositoryId}/commits/{commitId}',
    ),
    loc(
      '729f6437-6f92-44ec-8bee-273a7111063c',
      'trees',
      '{project}/_apis/{area}/repositories/{repositoryId}/trees/{sha1}',
    ),
    loc(
      '7b28e929-2c99-405d-9c5c-6167a06e6816',
      'blobs',
      '{project}/_apis/{area}/repositories/{repositoryId}/blobs/{sha1}',
    ),
  ];
  return { count: value.length, value };
}

export function identityRef(p: Person, org = 'https://dev.azure.com/acme'): Json {
  return {
    displayName: p.displayName,
    url: `https://spsprodweu5.vssps.visualstudio.com/A1a2b3c4d/_apis/Identities/${p.id}`,
    _links: { avatar: { href: `${org}/_apis/GraphProfile/MemberAvatars/${p.descriptor}` } },
    id: p.id,
    uniqueName: p.uniqueName,
    imageUrl: `${org}/_api/_common/identityImage?id=${p.id}`,
    descriptor: p.descriptor,
  };
}

export interface PrState {
  head: Commit;
  target: Commit;
  status?: 'active' | 'completed' | 'abandoned';
  title?: string;
  author?: Person;
  org?: string;
}

/** `GET …/pullRequests/{id}` (Pull Requests - Get Pull Request). */
export function pullRequest(state: PrState): Json {
  const org = state.org ?? 'https://dev.azure.com/acme';
  const api = `${org}/${PROJECT.id}/_apis/git/repositories/${REPO.id}`;
  return {
    repository: {
      id: REPO.id,
      name: REPO.name,
      url: api,
      project: { id: PROJECT.id, name: PROJECT.name, state: 'wellFormed', visibility: 'private' },
      webUrl: `${org}/${PROJECT.name}/_git/${REPO.name}`,
    },
    pullRequestId: PR_ID,
    codeReviewId: PR_ID,
    status: state.status ?? 'active',
    createdBy: identityRef(state.author ?? DANA, org),
    creationDate: '2026-03-02T09:12:44.1234567Z',
    title: state.title ?? 'checkout: release 1.8.2 to staging',
    description: 'Rolls checkout-api 1.8.2 (payment retries) out to staging.',
    sourceRefName: 'refs/heads/release/checkout-1.8.2',
    targetRefName: 'refs/heads/main',
    mergeStatus: 'succeeded',
    isDraft: false,
    mergeId: 'f5fc8381-3fb2-49fe-8a0d-27dcc2d6ef82',
    lastMergeSourceCommit: { commitId: state.head.commitId, url: `${api}/commits/${state.head.commitId}` },
    lastMergeTargetCommit: { commitId: state.target.commitId, url: `${api}/commits/${state.target.commitId}` },
    lastMergeCommit: { commitId: sha1(`merge ${state.head.commitId}`), url: `${api}/commits/merge` },
    reviewers: [],
    labels: [{ id: '0f8c8b6e-5f8f-4c1e-9a43-2d6f0a1b7c11', name: 'release', active: true }],
    url: `${api}/pullRequests/${PR_ID}`,
    supportsIterations: true,
    artifactId: `vstfs:///Git/PullRequestId/${PROJECT.id}%2f${REPO.id}%2f${PR_ID}`,
  };
}

/** One entry of `GET …/iterations`. */
export function iteration(id: number, head: Commit, base: Commit, createdDate: string): Json {
  return {
    id,
    description: id === 1 ? 'checkout: release 1.8.2 to staging' : `Update ${id}`,
    author: identityRef(DANA),
    createdDate,
    updatedDate: createdDate,
    sourceRefCommit: { commitId: head.commitId },
    targetRefCommit: { commitId: base.commitId },
    commonRefCommit: { commitId: base.commitId },
    hasMoreCommits: false,
    reason: id === 1 ? 'create' : 'push',
    push: { pushId: 100 + id, date: createdDate },
  };
}

/** `GET …/iterations/{id}/changes` entries for the given paths. */
export function changeEntries(changes: [path: string, changeType: string, originalPath?: string][]): Json[] {
  return changes.map(([path, changeType, originalPath], i) => ({
    changeTrackingId: i + 1,
    changeId: i + 1,
    item: { objectId: sha1(`item ${path}`), originalObjectId: sha1(`orig ${path}`), path: `/${path}` },
    changeType,
    ...(originalPath ? { originalPath: `/${originalPath}` } : {}),
  }));
}

export function reviewer(p: Person, vote: number, extra: Json = {}): Json {
  return {
    reviewerUrl: `https://dev.azure.com/acme/${PROJECT.id}/_apis/git/repositories/${REPO.id}/pullRequests/${PR_ID}/reviewers/${p.id}`,
    vote,
    hasDeclined: false,
    isFlagged: false,
    ...identityRef(p),
    ...extra,
  };
}

let threadIds = 100;

/** A system thread recording a vote, as the PR timeline writes it. */
export function voteThread(p: Person, vote: number, publishedDate: string): Json {
  const id = threadIds++;
  return {
    pullRequestThreadContext: null,
    id,
    publishedDate,
    lastUpdatedDate: publishedDate,
    comments: [
      {
        id: 1,
        parentCommentId: 0,
        author: identityRef(p),
        content: `${p.displayName} voted ${vote}`,
        publishedDate,
        lastUpdatedDate: publishedDate,
        lastContentUpdatedDate: publishedDate,
        commentType: 'system',
        usersLiked: [],
      },
    ],
    threadContext: null,
    properties: {
      CodeReviewThreadType: { $type: 'System.String', $value: 'VoteUpdate' },
      CodeReviewVotedByInitiatorIdentity: { $type: 'System.String', $value: '1' },
      CodeReviewVoteResult: { $type: 'System.String', $value: String(vote) },
      CodeReviewVotedByIdentity: { $type: 'System.String', $value: '1' },
    },
    identities: { '1': identityRef(p) },
    isDeleted: false,
  };
}

/** A person's (or envgate's) comment thread. */
export function textThread(p: Person, content: string, publishedDate: string, extra: Json = {}): Json {
  const id = extra.id ?? threadIds++;
  return {
    pullRequestThreadContext: null,
    id,
    publishedDate,
    lastUpdatedDate: publishedDate,
    comments: [
      {
        id: 1,
        parentCommentId: 0,
        author: identityRef(p),
        content,
        publishedDate,
        lastUpdatedDate: publishedDate,
        lastContentUpdatedDate: publishedDate,
        commentType: 'text',
        usersLiked: [],
      },
    ],
    status: 'active',
    threadContext: null,
    properties: { 'Microsoft.TeamFoundation.Discussion.SupportsMarkdown': { $type: 'System.Int32', $value: 1 } },
    identities: null,
    isDeleted: false,
    ...extra,
  };
}

export function statusEntry(id: number, name: string, state: string, description: string, iterationId: number): Json {
  return {
    id,
    state,
    description,
    context: { name, genre: 'envgate' },
    creationDate: '2026-03-02T09:13:10Z',
    updatedDate: '2026-03-02T09:13:10Z',
    createdBy: identityRef(BOT),
    iterationId,
  };
}

export function connectionData(): Json {
  return {
    authenticatedUser: {
      id: BOT.id,
      descriptor:
        'Microsoft.IdentityModel.Claims.ClaimsIdentity;72f988bf-86f1-41af-91ab-2d7cd011db47\\envgate@acme.example',
      subjectDescriptor: BOT.descriptor,
      providerDisplayName: BOT.displayName,
      isActive: true,
      properties: { Account: { $type: 'System.String', $value: BOT.uniqueName } },
      resourceVersion: 2,
      metaTypeId: 0,
    },
    authorizedUser: { id: BOT.id, providerDisplayName: BOT.displayName },
    instanceId: 'a56cba4a-dc80-4dd2-91fa-6fe7047fea7c',
    deploymentId: '9b0d4c6a-4d2e-4b5c-8f1a-2e3d4c5b6a79',
    deploymentType: 'hosted',
    locationServiceData: {
      serviceOwner: '00025394-6065-48ca-87d9-7f5672854ef7',
      defaultAccessMappingMoniker: 'PublicAccessMapping',
    },
  };
}

/** `GET _apis/identities?searchFilter=General&filterValue=[Platform]\platform-seniors`. */
export function groupIdentity(account: string, descriptor: string): Json {
  return {
    id: '7e4b9a10-2c3d-4e5f-8a9b-1c2d3e4f5a6b',
    descriptor,
    subjectDescriptor: 'vssgp.Uy0xLTktMTU1MTM3NDI0NS0xMjA0NDAwOTY5',
    providerDisplayName: account,
    isActive: true,
    isContainer: true,
    members: [],
    memberOf: [],
    memberIds: [],
    properties: {
      SchemaClassName: { $type: 'System.String', $value: 'Group' },
      Description: { $type: 'System.String', $value: 'Approve staging and prod changes' },
      Domain: { $type: 'System.String', $value: `vstfs:///Classification/TeamProject/${PROJECT.id}` },
      Account: { $type: 'System.String', $value: account },
      SecurityGroup: { $type: 'System.String', $value: 'SecurityGroup' },
      SpecialType: { $type: 'System.String', $value: 'Generic' },
      ScopeId: { $type: 'System.Guid', $value: PROJECT.id },
      LocalScopeId: { $type: 'System.Guid', $value: PROJECT.id },
    },
    resourceVersion: 2,
    metaTypeId: 255,
  };
}

/** `GET _apis/identities?identityIds={id}&queryMembership=ExpandedUp`. */
export function userIdentity(p: Person, memberOf: string[]): Json {
  return {
    id: p.id,
    descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;72f988bf-86f1-41af-91ab-2d7cd011db47\\${p.uniqueName}`,
    subjectDescriptor: p.descriptor,
    providerDisplayName: p.displayName,
    isActive: true,
    members: [],
    memberOf,
    memberIds: [],
    properties: { Account: { $type: 'System.String', $value: p.uniqueName } },
    resourceVersion: 2,
    metaTypeId: 0,
  };
}

// ---- service hook payloads (events.md shapes) ----------------------------------------------------------------

export interface HookOptions {
  id?: string;
  head: Commit;
  target: Commit;
  text?: string;
  baseUrl?: string;
  status?: string;
}

function containers(baseUrl: string): Json {
  return {
    collection: { id: 'ad9e1dcf-6055-4fc7-a146-5511ab5ab1e8', baseUrl },
    account: { id: 'a56cba4a-dc80-4dd2-91fa-6fe7047fea7c', baseUrl },
    project: { id: PROJECT.id, baseUrl },
  };
}

/** `git.pullrequest.created` / `git.pullrequest.updated` with `resourceDetailsToSend: all`. */
export function pullRequestHook(
  eventType: 'git.pullrequest.created' | 'git.pullrequest.updated',
  o: HookOptions,
): Json {
  const baseUrl = o.baseUrl ?? 'https://dev.azure.com/acme/';
  const text = o.text ?? 'Dana Developer created a new pull request';
  const resource = pullRequest({ head: o.head, target: o.target, org: baseUrl.replace(/\/$/, '') });
  if (o.status) resource.status = o.status;
  resource.repository.remoteUrl = `https://acme@dev.azure.com/acme/${PROJECT.name}/_git/${REPO.name}`;
  resource._links = {
    web: { href: `${resource.repository.webUrl}/pullrequest/${PR_ID}` },
    statuses: { href: `${resource.url}/statuses` },
  };
  return {
    subscriptionId: 'd21a27a6-3b89-45fb-9af9-0fe220348c1d',
    notificationId: 3,
    id: o.id ?? 'b1f2c3d4-0000-4000-8000-000000000001',
    eventType,
    publisherId: 'tfs',
    message: { text, html: text, markdown: text },
    detailedMessage: { text, html: text, markdown: text },
    resource,
    resourceVersion: '1.0',
    resourceContainers: containers(baseUrl),
    createdDate: '2026-03-02T09:12:46.8812346Z',
  };
}

/** `ms.vss-code.git-pullrequest-comment-event` (resource version 2.0). */
export function commentHook(author: Person, content: string, o: HookOptions & { threadId?: number }): Json {
  const baseUrl = o.baseUrl ?? 'https://dev.azure.com/acme/';
  const threadId = o.threadId ?? 77;
  const pr = pullRequest({ head: o.head, target: o.target });
  const text = `${author.displayName} has commented on a pull request`;
  return {
    subscriptionId: '0c4d2b8e-3b89-45fb-9af9-0fe220348c1d',
    notificationId: 9,
    id: o.id ?? 'c1f2c3d4-0000-4000-8000-000000000009',
    eventType: 'ms.vss-code.git-pullrequest-comment-event',
    publisherId: 'tfs',
    message: { text, html: text, markdown: text },
    detailedMessage: { text: `${text}\r\n${content}\r\n`, html: text, markdown: text },
    resource: {
      comment: {
        id: 1,
        parentCommentId: 0,
        author: identityRef(author),
        content,
        publishedDate: '2026-03-02T10:05:00.000Z',
        lastUpdatedDate: '2026-03-02T10:05:00.000Z',
        lastContentUpdatedDate: '2026-03-02T10:05:00.000Z',
        commentType: 'text',
        _links: {
          self: { href: `${pr.url}/threads/${threadId}/comments/1` },
          repository: { href: pr.repository.url },
          threads: { href: `${pr.url}/threads/${threadId}` },
          pullRequests: { href: pr.url },
        },
      },
      pullRequest: pr,
    },
    resourceVersion: '2.0',
    resourceContainers: containers(baseUrl),
    createdDate: '2026-03-02T10:05:01.1234567Z',
  };
}

/** What the subscription's "Test" button sends for `git.pullrequest.created`: the documentation's Fabrikam sample. */
export function testButtonHook(): Json {
  return JSON.parse(
    readFileSync(new URL('../fixtures/azure/test-git.pullrequest.created.json', import.meta.url), 'utf8'),
  );
}

// ---- the server under test --------------------------------------------------------------------------------------

export function basicAuth(user = HOOK_USER, password = HOOK_PASSWORD): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export interface Sent {
  status: number;
  body: string;
}

export async function listen(
  handler: (req: Json, res: Json) => Promise<boolean>,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) {
        res.statusCode = 404;
        res.end('not found');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

export function send(
  url: string,
  body: string | object,
  headers: Record<string, string> = {},
  method = 'POST',
): Promise<Sent> {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

// ---- the API under nock ---------------------------------------------------------------------------------------

export interface Recorded {
  statuses: Json[];
  threads: Json[];
  commentUpdates: { threadId: number; commentId: number; body: Json }[];
  threadUpdates: { threadId: number; body: Json }[];
  blobRequests: string[][];
  labels: Json[];
  /** Accept headers of the status posts: node-api puts the negotiated api-version there. */
  statusAccept: string[];
}

/**
 * nock mocks of one organisation's REST API under the real node-api client. `base` is the organisation (or
 * collection) URL; paths are what node-api builds from `gitLocations()`. Requests are recorded in the reply
 * functions (nock 15 hands them the fetch Request), not in body matchers, which nock also runs for other routes.
 */
export class AzureMock {
  readonly scope: nock.Scope;
  readonly recorded: Recorded = {
    statuses: [],
    threads: [],
    commentUpdates: [],
    threadUpdates: [],
    blobRequests: [],
    labels: [],
    statusAccept: [],
  };
  private readonly origin: string;
  private readonly path: string;

  constructor(
    readonly base = 'https://dev.azure.com/acme',
    /** The Git area's locations; null when the client under test has already asked for them. */
    locations: Json | null = gitLocations(),
  ) {
    const url = new URL(base);
    this.origin = url.origin;
    this.path = url.pathname.replace(/\/$/, '');
    this.scope = nock(this.origin);
    if (locations) this.scope.options(`${this.path}/_apis/git`).reply(200, locations);
  }

  get prPath(): string {
    return `${this.path}/${PROJECT.id}/_apis/git/repositories/${REPO.id}/pullRequests/${PR_ID}`;
  }

  private repoPath(): string {
    return `${this.path}/${PROJECT.id}/_apis/git/repositories/${REPO.id}`;
  }

  connectionData(): this {
    this.scope.get(`${this.path}/_apis/connectionData`).reply(200, connectionData());
    return this;
  }

  pullRequest(state: PrState, times = 1): this {
    this.scope
      .get(this.prPath)
      .query(true)
      .times(times)
      .reply(200, pullRequest({ org: this.base, ...state }));
    return this;
  }

  iterations(list: Json[]): this {
    this.scope.get(`${this.prPath}/iterations`).query(true).reply(200, { value: list, count: list.length });
    return this;
  }

  /** Iteration changes in pages: each page answers one `$skip`. */
  changes(iterationId: number, pages: Json[][], top = 2000): this {
    let skip = 0;
    pages.forEach((entries, index) => {
      const last = index === pages.length - 1;
      const body: Json = { changeEntries: entries };
      if (!last) {
        body.nextSkip = skip + entries.length;
        body.nextTop = top;
      }
      this.scope
        .get(`${this.prPath}/iterations/${iterationId}/changes`)
        .query({ $top: String(top), $skip: String(skip), $compareTo: '0' })
        .reply(200, body);
      skip += entries.length;
    });
    return this;
  }

  /** getCommit + getTree for a commit, and the blob zip for the blobs envgate does not have yet. */
  commit(c: Commit, expectBlobs?: Iterable<string>): this {
    this.scope
      .get(`${this.repoPath()}/commits/${c.commitId}`)
      .query(true)
      .reply(200, {
        commitId: c.commitId,
        treeId: c.treeId,
        comment: 'commit',
        url: `${this.base}/commits/${c.commitId}`,
      });
    this.scope.get(`${this.repoPath()}/trees/${c.treeId}`).query({ recursive: 'true' }).reply(200, treeResponse(c));
    const blobs = blobsOf(c);
    const expected = expectBlobs ? [...expectBlobs] : [...blobs.keys()];
    if (expected.length === 0) return this;
    // The zip is built now and streamed when asked for: nock answers with the stream as Azure DevOps would.
    const zip = new ZipFile();
    for (const id of expected) zip.addBuffer(blobs.get(id)!, id);
    zip.end();
    this.scope
      .post(`${this.repoPath()}/blobs`, (body: string[]) => [...body].sort().join() === [...expected].sort().join())
      .reply(
        200,
        async (req: Request) => {
          this.recorded.blobRequests.push((await req.json()) as string[]);
          return zip.outputStream;
        },
        { 'content-type': 'application/zip' },
      );
    return this;
  }

  reviewers(list: Json[]): this {
    this.scope.get(`${this.prPath}/reviewers`).reply(200, { value: list, count: list.length });
    return this;
  }

  threads(list: Json[]): this {
    this.scope.get(`${this.prPath}/threads`).query(true).reply(200, { value: list, count: list.length });
    return this;
  }

  statusList(list: Json[]): this {
    this.scope.get(`${this.prPath}/statuses`).reply(200, { value: list, count: list.length });
    return this;
  }

  expectStatuses(count: number): this {
    this.scope
      .post(`${this.prPath}/statuses`)
      .times(count)
      .reply(200, async (req: Request) => {
        const body = (await req.json()) as Json;
        this.recorded.statuses.push(body);
        this.recorded.statusAccept.push(req.headers.get('accept') ?? '');
        return { id: 1000 + this.recorded.statuses.length, ...body };
      });
    return this;
  }

  expectThreads(count: number, firstId = 500): this {
    this.scope
      .post(`${this.prPath}/threads`)
      .times(count)
      .reply(200, async (req: Request) => {
        const body = (await req.json()) as Json;
        this.recorded.threads.push(body);
        return { id: firstId + this.recorded.threads.length - 1, ...body };
      });
    return this;
  }

  expectCommentUpdate(threadId: number, commentId = 1): this {
    this.scope.patch(`${this.prPath}/threads/${threadId}/comments/${commentId}`).reply(200, async (req: Request) => {
      const body = (await req.json()) as Json;
      this.recorded.commentUpdates.push({ threadId, commentId, body });
      return { id: commentId, ...body };
    });
    return this;
  }

  expectLabel(): this {
    this.scope.post(`${this.prPath}/labels`).reply(200, async (req: Request) => {
      const body = (await req.json()) as Json;
      this.recorded.labels.push(body);
      return { id: 'a8f1e9c2-5b7d-4e3f-9a1b-2c3d4e5f6a7b', name: body.name, active: true };
    });
    return this;
  }

  expectThreadUpdate(threadId: number): this {
    this.scope.patch(`${this.prPath}/threads/${threadId}`).reply(200, async (req: Request) => {
      const body = (await req.json()) as Json;
      this.recorded.threadUpdates.push({ threadId, body });
      return { id: threadId, ...body };
    });
    return this;
  }
}

/** The identities API of the organisation (vssps on Services, the collection on Server). */
export function identitiesMock(base = 'https://vssps.dev.azure.com/acme') {
  const url = new URL(base);
  const scope = nock(url.origin);
  const path = `${url.pathname.replace(/\/$/, '')}/_apis/identities`;
  return {
    scope,
    group(account: string, found: Json[]) {
      scope
        .get(path)
        .query({ searchFilter: 'General', filterValue: account, queryMembership: 'None', 'api-version': '6.0' })
        .reply(200, { count: found.length, value: found });
      return this;
    },
    member(p: Person, memberOf: string[]) {
      scope
        .get(path)
        .query({ identityIds: p.id, queryMembership: 'ExpandedUp', 'api-version': '6.0' })
        .reply(200, { count: 1, value: [userIdentity(p, memberOf)] });
      return this;
    },
    failing(status: number) {
      scope.get(path).query(true).reply(status, {
        message: 'TF400898: An Internal Error Occurred. Activity Id: 4f1b2c3d-0000-0000-0000-000000000000.',
        typeKey: 'InternalServerErrorException',
      });
      return this;
    },
  };
}
