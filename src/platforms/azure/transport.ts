// The thin layer over azure-devops-node-api: the dozen calls envgate makes, each with the configured organisation
// URL (never a payload URL), its errors turned into one-line messages that name the call, and the traps of the
// library handled here once: streaming calls resolve even on 4xx/5xx (the status is checked), GETs answer 404 with
// null (turned into undefined), and the PAT handler is pinned to its own host so a redirect never carries it away.
import type { IncomingMessage } from 'node:http';
import { getPersonalAccessTokenHandler, WebApi } from 'azure-devops-node-api';
import { GitApi } from 'azure-devops-node-api/GitApi.js';
import type {
  CommentThreadStatus,
  GitCommit,
  GitPullRequest,
  GitPullRequestCommentThread,
  GitPullRequestIteration,
  GitPullRequestIterationChanges,
  GitPullRequestStatus,
  GitTreeRef,
  IdentityRefWithVote,
} from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import type { IRequestOptions } from 'azure-devops-node-api/interfaces/common/VsoBaseInterfaces.js';
import type { Organization } from './settings.js';

/** One identity as the identities API returns it (the fields envgate reads). */
export interface IdentityRecord {
  id: string;
  descriptor?: string;
  providerDisplayName?: string;
  isActive?: boolean;
  memberOf?: string[];
  properties?: Record<string, { $value?: unknown } | undefined>;
}

export interface AuthenticatedUser {
  id: string;
  displayName?: string;
}

/** Everything envgate asks of Azure DevOps. Tests run the real implementation against nock. */
export interface AzureDevOpsApi {
  connectionData(): Promise<AuthenticatedUser>;
  getPullRequest(project: string, repositoryId: string, number: number): Promise<GitPullRequest | undefined>;
  getIterations(project: string, repositoryId: string, number: number): Promise<GitPullRequestIteration[]>;
  getIterationChanges(
    project: string,
    repositoryId: string,
    number: number,
    iterationId: number,
    top: number,
    skip: number,
  ): Promise<GitPullRequestIterationChanges>;
  getReviewers(project: string, repositoryId: string, number: number): Promise<IdentityRefWithVote[]>;
  getThreads(project: string, repositoryId: string, number: number): Promise<GitPullRequestCommentThread[]>;
  createThread(
    project: string,
    repositoryId: string,
    number: number,
    thread: GitPullRequestCommentThread,
  ): Promise<GitPullRequestCommentThread>;
  updateComment(
    project: string,
    repositoryId: string,
    number: number,
    threadId: number,
    commentId: number,
    content: string,
  ): Promise<void>;
  setThreadStatus(
    project: string,
    repositoryId: string,
    number: number,
    threadId: number,
    status: CommentThreadStatus,
  ): Promise<void>;
  addLabel(project: string, repositoryId: string, number: number, name: string): Promise<void>;
  /** Sets `reviewerId`'s vote (10 approved … -10 rejected), adding them as an optional reviewer if needed. */
  setVote(project: string, repositoryId: string, number: number, reviewerId: string, vote: number): Promise<void>;
  getStatuses(project: string, repositoryId: string, number: number): Promise<GitPullRequestStatus[]>;
  createStatus(project: string, repositoryId: string, number: number, status: GitPullRequestStatus): Promise<void>;
  getCommit(project: string, repositoryId: string, commitId: string): Promise<GitCommit>;
  getTree(project: string, repositoryId: string, treeId: string): Promise<GitTreeRef>;
  /** A zip of the blobs, entries named by blob id; rejects above `maxBytes`. */
  getBlobsZip(project: string, repositoryId: string, blobIds: string[], maxBytes: number): Promise<Buffer>;
  /** `GET _apis/identities` on the identities host, with the query given. */
  readIdentities(query: Record<string, string>): Promise<IdentityRecord[]>;
}

/** A failed call: names the operation and the HTTP status, never a credential. */
export class AzureDevOpsApiError extends Error {
  override name = 'AzureDevOpsApiError';
  constructor(
    message: string,
    readonly statusCode?: number,
  ) {
    super(message);
  }
}

export interface TransportOptions {
  /** Retries of idempotent calls on 502/503/504 (typed-rest-client's backoff). */
  maxRetries?: number;
  /** Socket timeout per request. */
  timeoutMs?: number;
}

const IDENTITIES_API_VERSION = '6.0';

function firstLine(text: string): string {
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

export class NodeApiTransport implements AzureDevOpsApi {
  private readonly git: GitApi;
  private readonly core: WebApi;
  private readonly identities: WebApi;

  constructor(
    private readonly org: Organization,
    private readonly pat: string,
    options: TransportOptions = {},
  ) {
    const requestOptions: IRequestOptions = {
      allowRetries: (options.maxRetries ?? 2) > 0,
      maxRetries: options.maxRetries ?? 2,
      socketTimeout: options.timeoutMs ?? 30_000,
    };
    // One handler per client: a handler remembers the first host it authenticated and, with cross-origin
    // authentication off, never sends the PAT anywhere else (node-api's default is on).
    const handler = () => getPersonalAccessTokenHandler(pat, false);
    this.core = new WebApi(org.url, handler(), requestOptions);
    // Constructed directly rather than through getGitApi(): Git lives at the organisation URL on Services and
    // Server alike, so the extra ResourceAreas lookup buys nothing.
    this.git = new GitApi(org.url, [handler()], requestOptions);
    this.identities =
      org.identitiesUrl === org.url ? this.core : new WebApi(org.identitiesUrl, handler(), requestOptions);
  }

  private async call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof AzureDevOpsApiError) throw error;
      const status = (error as { statusCode?: number }).statusCode;
      const raw = error instanceof Error ? error.message : String(error);
      const detail = firstLine(raw.split(this.pat).join('***'));
      const prefix = status ? `HTTP ${status}` : 'request failed';
      throw new AzureDevOpsApiError(`${operation}: ${prefix}${detail ? `: ${detail}` : ''}`, status);
    }
  }

  async connectionData(): Promise<AuthenticatedUser> {
    return this.call('GET connectionData', async () => {
      const response = await this.core.rest.get<{ authenticatedUser?: { id?: string; providerDisplayName?: string } }>(
        `${this.org.url}/_apis/connectionData`,
      );
      const user = response.result?.authenticatedUser;
      // A rejected PAT can come back as 203 with a sign-in page instead of 401.
      if (response.statusCode !== 200 || !user?.id) {
        throw new AzureDevOpsApiError(
          `GET connectionData: HTTP ${response.statusCode}: the PAT was not accepted (check AZURE_DEVOPS_PAT)`,
          response.statusCode,
        );
      }
      return { id: user.id, displayName: user.providerDisplayName };
    });
  }

  async getPullRequest(project: string, repositoryId: string, number: number) {
    const pr = await this.call(`GET pull request ${number}`, () =>
      this.git.getPullRequest(repositoryId, number, project),
    );
    return pr ?? undefined;
  }

  async getIterations(project: string, repositoryId: string, number: number) {
    const iterations = await this.call(`GET pull request ${number} iterations`, () =>
      this.git.getPullRequestIterations(repositoryId, number, project),
    );
    return iterations ?? [];
  }

  async getIterationChanges(
    project: string,
    repositoryId: string,
    number: number,
    iterationId: number,
    top: number,
    skip: number,
  ) {
    const changes = await this.call(`GET pull request ${number} iteration ${iterationId} changes`, () =>
      // compareTo 0: everything the iteration changes relative to the merge base, i.e. the whole PR.
      this.git.getPullRequestIterationChanges(repositoryId, number, iterationId, project, top, skip, 0),
    );
    if (!changes)
      throw new AzureDevOpsApiError(`GET pull request ${number} iteration ${iterationId} changes: HTTP 404`, 404);
    return changes;
  }

  async getReviewers(project: string, repositoryId: string, number: number) {
    const reviewers = await this.call(`GET pull request ${number} reviewers`, () =>
      this.git.getPullRequestReviewers(repositoryId, number, project),
    );
    return reviewers ?? [];
  }

  async getThreads(project: string, repositoryId: string, number: number) {
    const threads = await this.call(`GET pull request ${number} threads`, () =>
      this.git.getThreads(repositoryId, number, project),
    );
    return threads ?? [];
  }

  async createThread(project: string, repositoryId: string, number: number, thread: GitPullRequestCommentThread) {
    return this.call(`POST pull request ${number} thread`, () =>
      this.git.createThread(thread, repositoryId, number, project),
    );
  }

  async updateComment(
    project: string,
    repositoryId: string,
    number: number,
    threadId: number,
    commentId: number,
    content: string,
  ) {
    await this.call(`PATCH pull request ${number} thread ${threadId} comment ${commentId}`, () =>
      this.git.updateComment({ content }, repositoryId, number, threadId, commentId, project),
    );
  }

  async setThreadStatus(
    project: string,
    repositoryId: string,
    number: number,
    threadId: number,
    status: CommentThreadStatus,
  ) {
    await this.call(`PATCH pull request ${number} thread ${threadId}`, () =>
      this.git.updateThread({ status }, repositoryId, number, threadId, project),
    );
  }

  async addLabel(project: string, repositoryId: string, number: number, name: string) {
    await this.call(`POST pull request ${number} label ${name}`, () =>
      this.git.createPullRequestLabel({ name }, repositoryId, number, project),
    );
  }

  async setVote(project: string, repositoryId: string, number: number, reviewerId: string, vote: number) {
    await this.call(`PUT pull request ${number} reviewer vote`, () =>
      this.git.createPullRequestReviewer({ vote }, repositoryId, number, reviewerId, project),
    );
  }

  async getStatuses(project: string, repositoryId: string, number: number) {
    const statuses = await this.call(`GET pull request ${number} statuses`, () =>
      this.git.getPullRequestStatuses(repositoryId, number, project),
    );
    return statuses ?? [];
  }

  async createStatus(project: string, repositoryId: string, number: number, status: GitPullRequestStatus) {
    await this.call(`POST pull request ${number} status ${status.context?.genre}/${status.context?.name}`, () =>
      this.git.createPullRequestStatus(status, repositoryId, number, project),
    );
  }

  async getCommit(project: string, repositoryId: string, commitId: string) {
    const commit = await this.call(`GET commit ${commitId.slice(0, 12)}`, () =>
      this.git.getCommit(commitId, repositoryId, project),
    );
    if (!commit) throw new AzureDevOpsApiError(`GET commit ${commitId.slice(0, 12)}: HTTP 404`, 404);
    return commit;
  }

  async getTree(project: string, repositoryId: string, treeId: string) {
    const tree = await this.call(`GET tree ${treeId.slice(0, 12)}`, () =>
      this.git.getTree(repositoryId, treeId, project, undefined, true),
    );
    if (!tree) throw new AzureDevOpsApiError(`GET tree ${treeId.slice(0, 12)}: HTTP 404`, 404);
    return tree;
  }

  async getBlobsZip(project: string, repositoryId: string, blobIds: string[], maxBytes: number) {
    const operation = `POST blobs zip (${blobIds.length} blobs)`;
    return this.call(operation, async () => {
      // The stream resolves whatever the status: a 4xx/5xx body is an error page, not a zip.
      const stream = (await this.git.getBlobsZip(blobIds, repositoryId, project)) as IncomingMessage;
      const status = stream.statusCode ?? 0;
      const body = await readCapped(stream, status === 200 ? maxBytes : 64 * 1024, operation);
      if (status !== 200) {
        let detail = '';
        try {
          detail = (JSON.parse(body.toString('utf8')) as { message?: string }).message ?? '';
        } catch {
          detail = '';
        }
        throw new AzureDevOpsApiError(`${operation}: HTTP ${status}${detail ? `: ${firstLine(detail)}` : ''}`, status);
      }
      return body;
    });
  }

  async readIdentities(query: Record<string, string>) {
    const params = new URLSearchParams({ ...query, 'api-version': IDENTITIES_API_VERSION });
    return this.call(`GET identities`, async () => {
      const response = await this.identities.rest.get<{ value?: IdentityRecord[] }>(
        `${this.org.identitiesUrl}/_apis/identities?${params.toString()}`,
      );
      if (response.statusCode === 404) throw new AzureDevOpsApiError('GET identities: HTTP 404', 404);
      return response.result?.value ?? [];
    });
  }
}

async function readCapped(stream: IncomingMessage, maxBytes: number, operation: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    total += buffer.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new AzureDevOpsApiError(`${operation}: the download is larger than ${maxBytes} bytes`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
