// A local stand-in for the Kubernetes API server on 127.0.0.1: discovery documents, objects, lists and the
// Status bodies the real server sends for 404, 403 and 401, with switches for slowness. Only GET is served;
// anything else is recorded and refused, so a test can prove the source never writes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeObject } from '../../src/render/types.js';

const TLS = new URL('../fixtures/drift/tls/', import.meta.url);
const CERT = readFileSync(new URL('server.crt', TLS));
const KEY = readFileSync(new URL('server.key', TLS));

interface ResourceType {
  plural: string;
  kind: string;
  namespaced: boolean;
}

const DISCOVERY: Record<string, ResourceType[]> = {
  v1: [
    { plural: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { plural: 'namespaces', kind: 'Namespace', namespaced: false },
    { plural: 'secrets', kind: 'Secret', namespaced: true },
    { plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
    { plural: 'services', kind: 'Service', namespaced: true },
  ],
  'apps/v1': [
    { plural: 'deployments', kind: 'Deployment', namespaced: true },
    { plural: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  ],
  'policy/v1': [{ plural: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true }],
  'bitnami.com/v1alpha1': [{ plural: 'sealedsecrets', kind: 'SealedSecret', namespaced: true }],
  'external-secrets.io/v1': [{ plural: 'externalsecrets', kind: 'ExternalSecret', namespaced: true }],
  'kustomize.toolkit.fluxcd.io/v1': [{ plural: 'kustomizations', kind: 'Kustomization', namespaced: true }],
};

export interface FakeKube {
  url: string;
  kubeconfig: string;
  requests: { method: string; path: string; authorization?: string }[];
  /** Most requests in flight at once. */
  maxInFlight: number;
  /** Paths (exact, without query) answered 403 Forbidden. */
  forbidden: Set<string>;
  /** Delay every answer by this many milliseconds. */
  delayMs: number;
  /** Answer everything 401. */
  unauthorized: boolean;
  close(): Promise<void>;
}

function status(code: number, reason: string, message: string, details: Record<string, unknown> = {}) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, details, code };
}

export async function startFakeKube(objects: KubeObject[]): Promise<FakeKube> {
  const byPath = new Map<string, KubeObject>();
  const lists = new Map<string, KubeObject[]>();
  for (const object of objects) {
    const apiVersion = String(object.apiVersion);
    const type = DISCOVERY[apiVersion]?.find((t) => t.kind === object.kind);
    if (!type) throw new Error(`fake server: no discovery for ${apiVersion} ${object.kind}`);
    const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
    const ns = type.namespaced ? `/namespaces/${object.metadata!.namespace}` : '';
    byPath.set(`${prefix}${ns}/${type.plural}/${object.metadata!.name}`, object);
    lists.set(`${prefix}/${type.plural}`, [...(lists.get(`${prefix}/${type.plural}`) ?? []), object]);
  }
  let inFlight = 0;
  const fake: FakeKube = {
    url: '',
    kubeconfig: '',
    requests: [],
    maxInFlight: 0,
    forbidden: new Set(),
    delayMs: 0,
    unauthorized: false,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections(); // kept-alive connections of the source under test
      }),
  };
  const send = (res: ServerResponse, code: number, body: unknown) => {
    res.writeHead(code, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    fake.requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization });
    if (req.method !== 'GET') return send(res, 405, status(405, 'MethodNotAllowed', 'read-only fake'));
    if (fake.unauthorized) return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const discovery = /^\/apis?\/(.+)$/.exec(path)?.[1];
    if (discovery && DISCOVERY[discovery]) {
      const resources = DISCOVERY[discovery].flatMap((t) => [
        {
          name: t.plural,
          singularName: t.kind.toLowerCase(),
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: ['get', 'list', 'watch'],
        },
        // Real discovery lists subresources too, with the parent's kind for /status.
        {
          name: `${t.plural}/status`,
          singularName: '',
          namespaced: t.namespaced,
          kind: t.kind,
          verbs: ['get', 'patch', 'update'],
        },
      ]);
      return send(res, 200, { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: discovery, resources });
    }
    if (fake.forbidden.has(path)) {
      const [plural, name] = path.split('/').slice(-2);
      return send(
        res,
        403,
        status(
          403,
          'Forbidden',
          `${plural} "${name}" is forbidden: User "system:serviceaccount:envgate:drift-reader" cannot get resource "${plural}"`,
          { name, kind: plural },
        ),
      );
    }
    const object = byPath.get(path);
    if (object) return send(res, 200, object);
    const list = lists.get(path);
    if (
      list ||
      DISCOVERY[
        path
          .replace(/^\/apis?\//, '')
          .split('/')
          .slice(0, -1)
          .join('/')
      ]
    ) {
      return send(res, 200, {
        apiVersion: 'v1',
        kind: 'List',
        metadata: { resourceVersion: '48212000' },
        items: list ?? [],
      });
    }
    const name = path.split('/').pop();
    if (Object.keys(DISCOVERY).some((gv) => path.startsWith(gv.includes('/') ? `/apis/${gv}/` : `/api/${gv}/`))) {
      return send(res, 404, status(404, 'NotFound', `"${name}" not found`, { name }));
    }
    return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
  };
  const server: Server = createServer({ cert: CERT, key: KEY }, (req, res) => {
    inFlight++;
    fake.maxInFlight = Math.max(fake.maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    if (fake.delayMs > 0) setTimeout(() => handle(req, res), fake.delayMs);
    else handle(req, res);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  fake.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.kubeconfig = writeKubeconfig(fake.url);
  return fake;
}

export function writeKubeconfig(server: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'envgate-kube-'));
  const path = join(dir, 'config');
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: prod-eu1
  cluster:
    server: ${server}
    certificate-authority-data: ${CERT.toString('base64')}
contexts:
- name: prod-ro
  context:
    cluster: prod-eu1
    user: drift-reader
    namespace: shop-prod
current-context: prod-ro
users:
- name: drift-reader
  user:
    token: test-token-not-secret
`,
  );
  return path;
}
