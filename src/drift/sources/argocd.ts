// Live state from the Argo CD API: `GET /api/v1/applications/{name}/managed-resources` gives, per resource Argo
// CD manages, its live state and its live state normalised by Argo CD's own rules (ignoreDifferences, system
// customisations, known type fields); `GET /api/v1/applications/{name}` gives the sync policy (does it prune?),
// the ignore rules and `status.resources`. Secrets come back masked by Argo CD (`+` runs whose lengths differ
// when values differ), so only their keys, and whether a value differs from main, can be compared.
import type { KubeObject } from '../../render/types.js';
import { argoRecord } from '../controllers.js';
import { idKey, parseArgoResourceRef } from '../identity.js';
import { LiveIndex } from '../live-index.js';
import { LiveSourceError, type ControllerRecord, type LiveLookup, type LiveSource, type ObjectId } from '../types.js';

export interface ArgoCdSourceOptions {
  /** `https://argocd.acme.example`, from the operator's settings only. */
  server: string;
  /** Application names, `name` or `namespace/name` (apps in any namespace). */
  applications: string[];
  /** The bearer token, read from the environment by the caller; undefined when the variable is not set. */
  token: string | undefined;
  /** The variable's name, for messages (never the token). */
  tokenEnv: string;
  timeoutMs: number;
}

interface ManagedResource {
  live?: KubeObject;
  raw?: KubeObject;
  target?: KubeObject;
  app: string;
}

interface Loaded {
  records: ControllerRecord[];
  index: LiveIndex<ManagedResource>;
  notes: string[];
}

export class ArgoCdSource implements LiveSource {
  readonly kind = 'argocd';
  readonly description: string;
  private loading?: Promise<Loaded>;
  private loadedNotes: string[] = [];

  constructor(private readonly options: ArgoCdSourceOptions) {
    this.description = `argocd ${options.applications.map((a) => `app ${a}`).join(', ')}`;
  }

  async controllers(): Promise<ControllerRecord[]> {
    return (await this.load()).records;
  }

  async get(ids: readonly ObjectId[]): Promise<Map<string, LiveLookup>> {
    const { index } = await this.load();
    const out = new Map<string, LiveLookup>();
    for (const id of ids) {
      const entry = index.find(id);
      if (!entry) {
        out.set(idKey(id), {
          state: 'absent',
          note: `not managed by Argo CD app ${this.options.applications.join(', ')} yet`,
        });
      } else if (!entry.live) {
        out.set(idKey(id), { state: 'absent' });
      } else {
        const secret = entry.live.kind === 'Secret' && entry.live.apiVersion === 'v1';
        out.set(idKey(id), {
          state: 'found',
          object: entry.live,
          ...(entry.raw ? { unnormalized: entry.raw } : {}),
          ...(secret
            ? {
                secretValuesMasked: true,
                secretKeysDifferingFromMain: maskedDifferences(entry.target, entry.raw ?? entry.live),
              }
            : {}),
        });
      }
    }
    return out;
  }

  notes(): string[] {
    return this.loadedNotes;
  }

  private load(): Promise<Loaded> {
    this.loading ??= this.fetchAll().then((loaded) => {
      this.loadedNotes = loaded.notes;
      return loaded;
    });
    return this.loading;
  }

  private async fetchAll(): Promise<Loaded> {
    if (!this.options.token) throw new LiveSourceError(`${this.options.tokenEnv} is not set: no Argo CD API token`);
    const loaded: Loaded = { records: [], index: new LiveIndex(), notes: [] };
    for (const ref of this.options.applications) {
      const [appNamespace, name] = ref.includes('/') ? (ref.split('/', 2) as [string, string]) : [undefined, ref];
      const query = appNamespace ? `?appNamespace=${encodeURIComponent(appNamespace)}` : '';
      const path = `/api/v1/applications/${encodeURIComponent(name)}`;
      const [app, resources] = await Promise.all([
        this.request(`${path}${query}`, ref),
        this.request(`${path}/managed-resources${query}`, ref),
      ]);
      const { record, problems } = argoRecord(app as KubeObject);
      loaded.records.push(record);
      loaded.notes.push(...problems);
      const items = (resources as { items?: unknown }).items;
      for (const item of Array.isArray(items) ? items : []) {
        const id = parseArgoResourceRef(item);
        if (!id) continue;
        const i = item as Record<string, unknown>;
        const live = parseState(i.normalizedLiveState) ?? parseState(i.liveState);
        const raw = parseState(i.liveState);
        const target = parseState(i.targetState);
        loaded.index.add(id, {
          app: ref,
          ...(live ? { live } : {}),
          ...(raw ? { raw } : {}),
          ...(target ? { target } : {}),
        });
      }
    }
    return loaded;
  }

  private async request(path: string, app: string): Promise<unknown> {
    const url = `${this.options.server}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { Authorization: `Bearer ${this.options.token}`, Accept: 'application/json' },
        // The token goes to the configured server only, never to wherever a redirect points.
        redirect: 'error',
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const e = error as { name?: string; cause?: { code?: string; message?: string }; message?: string };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new LiveSourceError(`no answer from Argo CD ${this.options.server} within ${this.options.timeoutMs} ms`);
      }
      throw new LiveSourceError(
        `cannot reach Argo CD ${this.options.server}: ${e.cause?.code ?? e.cause?.message ?? e.message}`,
      );
    }
    let text: string;
    try {
      text = await response.text();
    } catch {
      throw new LiveSourceError(`no answer from Argo CD ${this.options.server} within ${this.options.timeoutMs} ms`);
    }
    if (!response.ok) {
      // Whatever the server (or a proxy in front of it) echoes, the token never goes into a message.
      const message = errorMessage(text)?.replaceAll(this.options.token!, '***');
      const what = `${response.status}${message ? `: ${message}` : ''}`;
      if (response.status === 401 || response.status === 403) {
        throw new LiveSourceError(
          `Argo CD refused the token in ${this.options.tokenEnv} for application ${app} (${what})`,
        );
      }
      if (response.status === 404) throw new LiveSourceError(`Argo CD has no application ${app} (${what})`);
      throw new LiveSourceError(`Argo CD answered ${what} for application ${app}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new LiveSourceError(`Argo CD ${this.options.server} did not answer with JSON for application ${app}`);
    }
  }
}

/** Argo CD serialises states as JSON strings; `"null"` (or nothing) means the side does not exist. */
function parseState(value: unknown): KubeObject | undefined {
  if (typeof value !== 'string' || value === '' || value === 'null') return undefined;
  try {
    const parsed = JSON.parse(value) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as KubeObject) : undefined;
  } catch {
    return undefined;
  }
}

/** Keys whose masked values differ between target (main) and live: Argo CD masks equal values with equal runs. */
function maskedDifferences(target: KubeObject | undefined, live: KubeObject): string[] {
  const t = (target as { data?: Record<string, unknown> } | undefined)?.data ?? {};
  const l = (live as { data?: Record<string, unknown> }).data ?? {};
  return Object.keys(t).filter((key) => key in l && t[key] !== l[key]);
}

/** grpc-gateway errors: `{"error": "...", "code": 7, "message": "permission denied"}`. */
function errorMessage(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    const message =
      typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : undefined;
    return message?.replace(/\s+/g, ' ').trim().slice(0, 200);
  } catch {
    return undefined;
  }
}
