// Kustomize's deprecated `vars` at v5.5 parity: a kustomization (resources, optional namePrefix, vars) built by
// `kubectl kustomize` and by namePrefix → bindVars → resolveVars must give deep-equal objects; refusals match.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { newResource } from '../../../src/render/kustomize/resource.js';
import { applyNamePrefixSuffix } from '../../../src/render/kustomize/transformers.js';
import { bindVars, resolveVars, VAR_REFERENCE_SPECS, type VarSet } from '../../../src/render/kustomize/vars.js';
import { parseResourceYaml } from '../../../src/render/kustomize/yaml-io.js';
import { RenderError, type KubeObject } from '../../../src/render/types.js';
import { hasKubectl } from '../../helpers/kubectl-renderer.js';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function kubectl(resources: string, vars: string, prefix: string): Promise<KubeObject[] | Error> {
  const dir = mkdtempSync(join(tmpdir(), 'envgate-vars-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'resources.yaml'), resources);
  writeFileSync(join(dir, 'kustomization.yaml'), `namePrefix: ${prefix}\nresources:\n- resources.yaml\nvars:\n${vars}`);
  try {
    const { stdout } = await run('kubectl', ['kustomize', dir], { timeout: 30_000 });
    return parseResourceYaml(stdout, 'kubectl');
  } catch (error) {
    return new Error(String((error as { stderr?: string }).stderr));
  }
}

function ours(resources: string, vars: string, prefix: string): KubeObject[] | RenderError {
  const list = parseResourceYaml(resources, 'resources.yaml').map((o) => newResource(o, 'resources.yaml'));
  const where = 'clusters/prod/kustomization.yaml';
  try {
    const set: VarSet = new Map();
    // Kustomize binds a level's vars after that level's transformers (kusttarget accumulateTarget).
    applyNamePrefixSuffix(list, prefix, '');
    bindVars(list, parse(`v:\n${vars}`).v as unknown[], where, set);
    resolveVars(list, set, where);
    return list.map((r) => r.object);
  } catch (error) {
    if (error instanceof RenderError) return error;
    throw error;
  }
}

const byId = (objects: KubeObject[]) => Object.fromEntries(objects.map((o) => [`${o.kind}/${o.metadata?.name}`, o]));

const APP = `apiVersion: v1
kind: Service
metadata:
  name: postgres
  labels: {app: postgres}
spec:
  selector: {app: postgres}
  ports:
  - name: sql
    port: 5432
    targetPort: 5432
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  domain: orders.example.com
  verbose: "true"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  labels: {app: orders}
spec:
  selector:
    matchLabels: {app: orders}
  template:
    metadata:
      labels: {app: orders}
      annotations:
        db-host: $(DB_HOST)
    spec:
      initContainers:
      - name: wait-for-db
        image: busybox:1.36
        command: ["sh", "-c", "until nc -z $(DB_HOST) $(DB_PORT); do sleep 2; done"]
      containers:
      - name: api
        image: registry.example.com/orders:2.1.0
        args: ["--db=postgres://$(DB_HOST):$(DB_PORT)/orders", "--price=$$(PRICE)", "--unknown=$(NOT_A_VAR)", "--broken=$(DB_HOST"]
        env:
        - name: DB_PORT
          value: $(DB_PORT)
        - name: PUBLIC_URL
          value: https://$(DOMAIN)/api
        - name: VERBOSE
          value: $(VERBOSE)
        volumeMounts:
        - name: data
          mountPath: /var/lib/$(DB_HOST)
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: orders
spec:
  rules:
  - host: $(DOMAIN)
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service: {name: orders, port: {number: 80}}
  tls:
  - hosts: [$(DOMAIN)]
    secretName: $(DOMAIN)-tls
`;

const VARS = `
- name: DB_HOST
  objref: {kind: Service, name: postgres, apiVersion: v1}
- name: DB_PORT
  objref: {kind: Service, name: postgres, apiVersion: v1}
  fieldref: {fieldpath: 'spec.ports[0].port'}
- name: DOMAIN
  objref: {kind: ConfigMap, name: settings, apiVersion: v1}
  fieldref: {fieldpath: data.domain}
- name: VERBOSE
  objref: {kind: ConfigMap, name: settings, apiVersion: v1}
  fieldref: {fieldpath: data.verbose}
`;

// One object per kind holding `$(HOST)` at every path any kind has in Kustomize's varReference table (all kinds'
// paths), plus one control field (`metadata.finalizers`, in no table) that must stay as written.
const LISTS = new Set([
  'containers',
  'initContainers',
  'env',
  'volumeMounts',
  'ports',
  'rules',
  'tls',
  'volumes',
  'volumeClaimTemplates',
]);
const LEAF_LISTS = new Set(['args', 'command', 'hosts']);
const KINDS = [
  'CronJob',
  'DaemonSet',
  'Deployment',
  'Job',
  'ReplicaSet',
  'StatefulSet',
  'Pod',
  'Ingress',
  'Service',
  'PersistentVolume',
];
const API: Record<string, string> = {
  CronJob: 'batch/v1',
  Job: 'batch/v1',
  Ingress: 'networking.k8s.io/v1',
  Pod: 'v1',
  Service: 'v1',
  PersistentVolume: 'v1',
};

function place(node: Record<string, unknown>, segments: string[]): void {
  const [head, ...rest] = segments as [string, ...string[]];
  if (rest.length === 0) {
    if (node[head] !== undefined) return;
    if (head === 'annotations' || head === 'labels') node[head] = { at: 'at-$(HOST)', whole: '$(HOST)' };
    else node[head] = LEAF_LISTS.has(head) ? ['$(HOST)', 'at-$(HOST)'] : head === 'port' ? '$(PORT)' : 'at-$(HOST)';
    return;
  }
  if (LISTS.has(head)) {
    const list = (node[head] ??= [{ name: 'x' }]) as Record<string, unknown>[];
    place(list[0]!, rest);
  } else place((node[head] ??= {}) as Record<string, unknown>, rest);
}

const TABLE_OBJECTS =
  KINDS.map((kind) => {
    const object: Record<string, unknown> = {
      apiVersion: API[kind] ?? 'apps/v1',
      kind,
      metadata: {
        name: kind.toLowerCase(),
        labels: { host: '$(HOST)' },
        annotations: { url: 'https://$(HOST)' },
        finalizers: ['$(HOST)'],
      },
    };
    // Every kind gets every path of the table: kubectl substitutes only where its table says, so a missing or an
    // extra entry in ours shows up as a difference.
    for (const path of new Set(VAR_REFERENCE_SPECS.map((s) => s.path))) place(object, path.split('/'));
    return stringify(object);
  }).join('---\n') +
  `---
apiVersion: v1
kind: ConfigMap
metadata: {name: endpoint}
data: {host: db.internal, port: "5432"}
`;

const TABLE_VARS = `
- name: HOST
  objref: {kind: ConfigMap, name: endpoint, apiVersion: v1}
  fieldref: {fieldpath: data.host}
- name: PORT
  objref: {kind: Service, name: service, apiVersion: v1}
  fieldref: {fieldpath: metadata.labels.host}
`;

describe.skipIf(!hasKubectl)('vars: parity with kubectl kustomize', { concurrent: true }, () => {
  if (!hasKubectl) console.warn('kubectl is not on PATH: vars parity tests skipped');

  it('substitutes $(VAR) in the varReference fields with the final (prefixed) values', async () => {
    const [expected, actual] = [await kubectl(APP, VARS, 'eu-'), ours(APP, VARS, 'eu-')];
    if (expected instanceof Error) throw new Error(`kubectl refused the case: ${expected.message}`);
    if (actual instanceof RenderError) throw new Error(`vars refused the case: ${actual.message}`);
    expect(byId(actual)).toEqual(byId(expected));
    expect(JSON.stringify(actual)).toContain('postgres://eu-postgres:5432/orders');
  });

  it('covers every default varReference field spec, and nothing outside them', async () => {
    const [expected, actual] = [await kubectl(TABLE_OBJECTS, TABLE_VARS, 'p-'), ours(TABLE_OBJECTS, TABLE_VARS, 'p-')];
    if (expected instanceof Error) throw new Error(`kubectl refused the case: ${expected.message}`);
    if (actual instanceof RenderError) throw new Error(`vars refused the case: ${actual.message}`);
    expect(byId(actual)).toEqual(byId(expected));
    const deployment = byId(actual)['Deployment/p-deployment'] as { spec: { template: { spec: unknown } } };
    expect(JSON.stringify(deployment.spec.template.spec)).toContain('"args":["db.internal","at-db.internal"]');
    expect(deployment.spec).toMatchObject({ rules: [{ host: 'at-$(HOST)' }] });
  });

  const errors: [string, string][] = [
    ['objref names no object', `- name: DB_HOST\n  objref: {kind: Service, name: mysql, apiVersion: v1}\n`],
    [
      'the same var twice',
      `- name: DB_HOST\n  objref: {kind: Service, name: postgres, apiVersion: v1}\n- name: DB_HOST\n  objref: {kind: ConfigMap, name: settings, apiVersion: v1}\n`,
    ],
    [
      'fieldref not in the object',
      `- name: DB_HOST\n  objref: {kind: Service, name: postgres, apiVersion: v1}\n  fieldref: {fieldpath: spec.clusterIP}\n`,
    ],
  ];
  it.each(errors)('refuses like Kustomize: %s', async (_name, vars) => {
    const [expected, actual] = [await kubectl(APP, vars, 'eu-'), ours(APP, vars, 'eu-')];
    expect(expected).toBeInstanceOf(Error);
    expect(actual).toBeInstanceOf(RenderError);
    expect((actual as RenderError).reason).toBe('invalid');
    expect((actual as RenderError).message).toContain('clusters/prod/kustomization.yaml');
  });
});
