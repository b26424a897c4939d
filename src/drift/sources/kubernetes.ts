// Live state from the Kubernetes API, read-only: GET of exactly the objects rendered at main and at the PR head
// (through API discovery, so any kind the cluster serves), and the GitOps controllers' own records (Flux
// Kustomization `status.inventory`, Argo CD Application `status.resources`) so that what a merge prunes shows.
// Credentials come from a kubeconfig context (@kubernetes/client-node: tokens, client certificates, exec
// plugins, OIDC); every request has a timeout and at most `concurrency` are in flight.
import {
  ApiException,
  KubeConfig,
  KubernetesObjectApi,
  ServerConfiguration,
  createConfiguration,
  type KubernetesObject,
  type ResponseContext,
} from '@kubernetes/client-node';
import { Agent, type RequestOptions } from 'node:https';
import type { KubeObject } from '../../render/types.js';
import { argoRecord, forRoots, fluxRecord } from '../controllers.js';
import { describeId, idKey } from '../identity.js';
import { LiveSourceError, type ControllerRecord, type LiveLookup, type LiveSource, type ObjectId } from '../types.js';

export interface KubernetesSourceOptions {
  context: string;
  /** A kubeconfig file; default: $KUBECONFIG or ~/.kube/config, as kubectl. */
  kubeconfig?: string;
  timeoutMs: number;
  concurrency: number;
  /** `namespace/name`; default: every Kustomization whose spec.path is an affected root. */
  fluxKustomizations?: string[];
  /** `namespace/name`; default: every Application whose source path is an affected root. */
  argocdApplications?: string[];
  /** A loaded config instead of a file (tests, embedding). */
  kubeConfig?: KubeConfig;
}

/** KubernetesObjectApi, but objects come back as the JSON the server sent: the typed models drop and convert fields. */
class RawObjectApi extends KubernetesObjectApi {
  /** API discovery for one version (cached by the base class). */
  discover(apiVersion: string, kind: string) {
    return this.resource(apiVersion, kind);
  }

  protected override async processResponse<T extends KubernetesObject>(response: ResponseContext): Promise<T> {
    const body = await response.body.text();
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) return JSON.parse(body) as T;
    let parsed: unknown = body;
    try {
      parsed = JSON.parse(body);
    } catch {
      // not JSON: keep the text (a proxy's error page)
    }
    throw new ApiException(response.httpStatusCode, 'Unsuccessful HTTP Request', parsed, response.headers);
  }
}

export class KubernetesSource implements LiveSource {
  readonly kind = 'kubernetes';
  readonly description: string;
  private api?: RawObjectApi;
  private server = '';
  /** One keep-alive agent per few minutes, instead of the new agent (and TLS handshake) per request. */
  private agent?: { agent: Agent; since: number };
  private kubeConfig?: KubeConfig;
  private readonly notesList: string[] = [];

  constructor(private readonly options: KubernetesSourceOptions) {
    this.description = `kubernetes context ${options.context}`;
  }

  notes(): string[] {
    return this.notesList;
  }

  async controllers(roots: readonly string[]): Promise<ControllerRecord[]> {
    const records: ControllerRecord[] = [];
    const flux = await this.controllerObjects(
      'kustomize.toolkit.fluxcd.io/v1',
      'Kustomization',
      this.options.fluxKustomizations,
      'flux-system',
    );
    records.push(...flux.map(fluxRecord));
    const argo = await this.controllerObjects(
      'argoproj.io/v1alpha1',
      'Application',
      this.options.argocdApplications,
      'argocd',
    );
    for (const app of argo) {
      const { record, problems } = argoRecord(app);
      records.push(record);
      this.notesList.push(...problems);
    }
    // Named in the settings: used whatever their path. Found by listing: only those syncing an affected root.
    const names = new Set([
      ...(this.options.fluxKustomizations ?? []).map((n) => `Kustomization ${qualified(n, 'flux-system')}`),
      ...(this.options.argocdApplications ?? []).map((n) => `Application ${qualified(n, 'argocd')}`),
    ]);
    const named = (r: ControllerRecord) => names.has(r.owner);
    return [
      ...records.filter(named),
      ...forRoots(
        records.filter((r) => !named(r)),
        roots,
      ),
    ];
  }

  async get(ids: readonly ObjectId[]): Promise<Map<string, LiveLookup>> {
    const api = this.client();
    // Discovery first, one request per API version, so the reads do not all race to fill the same cache entry.
    await this.pool([...new Set(ids.map((id) => id.apiVersion))], async (apiVersion) => {
      try {
        await api.discover(apiVersion, ids.find((id) => id.apiVersion === apiVersion)!.kind);
      } catch (error) {
        // An API version the cluster does not serve is judged per object; an unreachable cluster ends here.
        if (!(error instanceof ApiException)) throw this.unreachable(error);
        if (error.code === 401) this.judge(error, 'the API');
      }
    });
    const out = new Map<string, LiveLookup>();
    await this.pool(ids, async (id) => {
      out.set(idKey(id), await this.read(id));
    });
    return out;
  }

  private async read(id: ObjectId): Promise<LiveLookup> {
    try {
      const object = await this.client().read({
        apiVersion: id.apiVersion,
        kind: id.kind,
        metadata: { name: id.name, ...(id.namespace ? { namespace: id.namespace } : {}) },
      });
      return { state: 'found', object: object as KubeObject };
    } catch (error) {
      return this.judge(error, describeId(id), id);
    }
  }

  /** What an error means for one object; errors that mean "the cluster cannot answer" are thrown. */
  private judge(error: unknown, what: string, id?: ObjectId): LiveLookup {
    if (error instanceof ApiException) {
      const message = statusMessage(error.body);
      if (error.code === 404) {
        // A 404 from discovery means the API version is not served at all (a CRD not installed yet).
        if (/resource metadata/i.test(error.message))
          return { state: 'absent', note: `${id?.apiVersion} is not served by the cluster` };
        return { state: 'absent' };
      }
      if (error.code === 401)
        throw new LiveSourceError(
          `${this.server} refused the credentials of context ${this.options.context} (401 Unauthorized)`,
        );
      if (error.code === 403) return { state: 'unknown', reason: `forbidden: ${message ?? `cannot read ${what}`}` };
      return { state: 'unknown', reason: `${this.server} answered ${error.code}${message ? `: ${message}` : ''}` };
    }
    if (error instanceof Error && /Unrecognized API version and kind/.test(error.message)) {
      return { state: 'absent', note: `the cluster does not serve ${id?.apiVersion} ${id?.kind}` };
    }
    throw this.unreachable(error);
  }

  private unreachable(error: unknown): LiveSourceError {
    if (error instanceof LiveSourceError) return error;
    const e = error as { name?: string; type?: string; code?: string; message?: string; cause?: { code?: string } };
    if (e?.name === 'AbortError' || e?.type === 'aborted' || e?.name === 'TimeoutError') {
      return new LiveSourceError(`no answer from ${this.server} within ${this.options.timeoutMs} ms`);
    }
    const code = e?.code ?? e?.cause?.code;
    return new LiveSourceError(`cannot reach ${this.server}: ${code ?? oneLine(e?.message ?? String(error))}`);
  }

  private async controllerObjects(
    apiVersion: string,
    kind: string,
    named: string[] | undefined,
    defaultNamespace: string,
  ): Promise<KubeObject[]> {
    const api = this.client();
    if (named?.length) {
      const found: KubeObject[] = [];
      for (const ref of named) {
        const [namespace, name] = qualified(ref, defaultNamespace).split('/', 2);
        const lookup = await this.read({
          apiVersion,
          kind,
          group: apiVersion.split('/')[0]!,
          namespace: namespace!,
          name: name!,
        });
        if (lookup.state === 'found') found.push(lookup.object);
        else this.notesList.push(`${kind} ${ref}: ${lookup.state === 'unknown' ? lookup.reason : 'not found'}`);
      }
      return found;
    }
    try {
      const list = await api.list(apiVersion, kind);
      return (list.items ?? []) as KubeObject[];
    } catch (error) {
      const lookup = this.judge(error, `${kind} objects`);
      // No such API (Flux or Argo CD not installed) is normal; anything else is worth a note.
      if (lookup.state === 'unknown') this.notesList.push(`cannot list ${kind} objects: ${lookup.reason}`);
      return [];
    }
  }

  private client(): RawObjectApi {
    if (this.api) return this.api;
    const kc = this.options.kubeConfig ?? new KubeConfig();
    if (!this.options.kubeConfig) {
      try {
        if (this.options.kubeconfig) kc.loadFromFile(this.options.kubeconfig);
        else kc.loadFromDefault();
      } catch (error) {
        throw new LiveSourceError(
          `cannot load the kubeconfig${this.options.kubeconfig ? ` ${this.options.kubeconfig}` : ''}: ${oneLine((error as Error).message)}`,
        );
      }
    }
    if (!kc.getContexts().some((c) => c.name === this.options.context)) {
      throw new LiveSourceError(`the kubeconfig has no context ${this.options.context}`);
    }
    kc.setCurrentContext(this.options.context);
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new LiveSourceError(`context ${this.options.context} names no cluster`);
    this.server = cluster.server;
    this.kubeConfig = kc;
    const timeoutMs = this.options.timeoutMs;
    const reuse = cluster.server.startsWith('https:') && !cluster.proxyUrl;
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      promiseMiddleware: [
        {
          pre: async (context) => {
            context.setSignal(AbortSignal.timeout(timeoutMs));
            // Credentials (headers) were applied per request just before; only the connection is shared.
            if (reuse) context.setAgent(await this.sharedAgent());
            return context;
          },
          post: async (response) => response,
        },
      ],
    });
    const api = new RawObjectApi(configuration);
    // As KubernetesObjectApi.makeApiClient does: a namespaced object without a namespace is read from the context's.
    (api as unknown as { setDefaultNamespace(kc: KubeConfig): void }).setDefaultNamespace(kc);
    this.api = api;
    return api;
  }

  private async sharedAgent(): Promise<Agent> {
    const now = Date.now();
    if (this.agent && now - this.agent.since < AGENT_TTL_MS) return this.agent.agent;
    const kc = this.kubeConfig!;
    const cluster = kc.getCurrentCluster()!;
    const tls: RequestOptions = {};
    await kc.applyToHTTPSOptions(tls); // CA, client certificate and key, as the library reads them
    this.agent?.agent.destroy();
    const agent = new Agent({
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      pfx: tls.pfx,
      passphrase: tls.passphrase,
      ...(cluster.skipTLSVerify ? { rejectUnauthorized: false } : {}),
      ...(cluster.tlsServerName ? { servername: cluster.tlsServerName } : {}),
      keepAlive: true,
      maxSockets: this.options.concurrency,
    });
    this.agent = { agent, since: now };
    return agent;
  }

  /** Closes kept-alive connections (tests, shutdown). */
  close(): void {
    this.agent?.agent.destroy();
    this.agent = undefined;
  }

  /** Runs `task` over `items` with at most `concurrency` at a time; the first thrown error wins. */
  private async pool<T>(items: readonly T[], task: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    let failed = false;
    const worker = async () => {
      while (next < items.length && !failed) {
        const item = items[next++]!;
        try {
          await task(item);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, items.length) }, worker));
  }
}

/** `name` → `defaultNamespace/name`; `namespace/name` as is. */
function qualified(ref: string, defaultNamespace: string): string {
  return ref.includes('/') ? ref : `${defaultNamespace}/${ref}`;
}

/** Client certificates from exec plugins rotate: a shared agent is rebuilt after this long. */
const AGENT_TTL_MS = 5 * 60_000;

/** The `message` of a Kubernetes Status object, when the body is one. */
function statusMessage(body: unknown): string | undefined {
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return oneLine((body as { message: string }).message);
  }
  return typeof body === 'string' && body.trim() ? oneLine(body).slice(0, 200) : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
