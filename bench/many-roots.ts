// A generated GitOps repository with many render roots, laid out as platform teams do: one base per app, one
// overlay per app and environment (namespace, images, replicas, a strategic-merge patch, a generated ConfigMap, a
// JSON 6902 patch in prod), and one shared component every overlay pulls in. Used by the diff benchmark and the
// engine integration tests; plain data, no I/O.
import type { ChangedPath } from '../src/core/types.js';

export const ENVIRONMENTS = ['dev', 'test', 'staging', 'prod'] as const;

export interface GeneratedRepo {
  base: Record<string, string>;
  head: Record<string, string>;
  changedPaths: ChangedPath[];
  roots: string[];
}

function base(app: string, port: number): Record<string, string> {
  const dir = `base/${app}`;
  return {
    [`${dir}/kustomization.yaml`]: [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      'labels:',
      '  - pairs:',
      `      app.kubernetes.io/name: ${app}`,
      '    includeSelectors: true',
      'resources:',
      '  - serviceaccount.yaml',
      '  - deployment.yaml',
      '  - service.yaml',
      'configMapGenerator:',
      `  - name: ${app}-config`,
      '    literals:',
      '      - LOG_FORMAT=json',
      '      - LOG_LEVEL=info',
      '',
    ].join('\n'),
    [`${dir}/serviceaccount.yaml`]: `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${app}\nautomountServiceAccountToken: false\n`,
    [`${dir}/service.yaml`]: [
      'apiVersion: v1',
      'kind: Service',
      'metadata:',
      `  name: ${app}`,
      'spec:',
      '  type: ClusterIP',
      '  ports:',
      '    - name: http',
      '      port: 80',
      '      targetPort: http',
      '',
    ].join('\n'),
    [`${dir}/deployment.yaml`]: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: ${app}`,
      'spec:',
      '  replicas: 1',
      '  revisionHistoryLimit: 5',
      '  template:',
      '    spec:',
      `      serviceAccountName: ${app}`,
      '      securityContext:',
      '        runAsNonRoot: true',
      '        seccompProfile:',
      '          type: RuntimeDefault',
      '      containers:',
      `        - name: ${app}`,
      `          image: ghcr.io/acme/${app}:1.0.0`,
      '          ports:',
      '            - name: http',
      `              containerPort: ${port}`,
      '          envFrom:',
      '            - configMapRef:',
      `                name: ${app}-config`,
      '          env:',
      '            - name: OTEL_SERVICE_NAME',
      `              value: ${app}`,
      '            - name: GOMAXPROCS',
      '              valueFrom:',
      '                resourceFieldRef:',
      '                  resource: limits.cpu',
      '          readinessProbe:',
      '            httpGet:',
      '              path: /healthz/ready',
      '              port: http',
      '          livenessProbe:',
      '            httpGet:',
      '              path: /healthz/live',
      '              port: http',
      '          resources:',
      '            requests:',
      '              cpu: 100m',
      '              memory: 128Mi',
      '            limits:',
      '              memory: 256Mi',
      '          securityContext:',
      '            allowPrivilegeEscalation: false',
      '            readOnlyRootFilesystem: true',
      '            capabilities:',
      '              drop: ["ALL"]',
      '',
    ].join('\n'),
  };
}

function overlay(app: string, env: (typeof ENVIRONMENTS)[number], a: number): Record<string, string> {
  const dir = `environments/${env}/${app}`;
  const replicas = env === 'prod' ? 3 : env === 'staging' ? 2 : 1;
  const prodPatch =
    env === 'prod'
      ? [
          '  - target:',
          '      kind: Deployment',
          `      name: ${app}`,
          '    patch: |-',
          '      - op: add',
          '        path: /spec/template/spec/topologySpreadConstraints',
          '        value:',
          '          - maxSkew: 1',
          '            topologyKey: topology.kubernetes.io/zone',
          '            whenUnsatisfiable: ScheduleAnyway',
        ]
      : [];
  return {
    [`${dir}/kustomization.yaml`]: [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `namespace: ${env}-${app}`,
      'resources:',
      '  - namespace.yaml',
      `  - ../../../base/${app}`,
      'components:',
      '  - ../../../components/observability',
      'images:',
      `  - name: ghcr.io/acme/${app}`,
      `    newTag: 1.${a % 7}.${env === 'prod' ? 0 : 1}`,
      'replicas:',
      `  - name: ${app}`,
      `    count: ${replicas}`,
      'patches:',
      '  - path: resources.yaml',
      ...prodPatch,
      'configMapGenerator:',
      `  - name: ${app}-config`,
      '    behavior: merge',
      '    literals:',
      `      - LOG_LEVEL=${env === 'dev' ? 'debug' : 'info'}`,
      `      - ENVIRONMENT=${env}`,
      '',
    ].join('\n'),
    [`${dir}/namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${env}-${app}\n  labels:\n    acme.io/environment: ${env}\n`,
    [`${dir}/resources.yaml`]: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  name: ${app}`,
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      `        - name: ${app}`,
      '          resources:',
      '            requests:',
      `              cpu: ${env === 'prod' ? '500m' : '200m'}`,
      `              memory: ${env === 'prod' ? '512Mi' : '256Mi'}`,
      '',
    ].join('\n'),
  };
}

const COMPONENT = (sidecar: string) => ({
  'components/observability/kustomization.yaml': [
    'apiVersion: kustomize.config.k8s.io/v1alpha1',
    'kind: Component',
    'commonAnnotations:',
    '  acme.io/owner: platform',
    'patches:',
    '  - path: otel-sidecar.yaml',
    '    target:',
    '      kind: Deployment',
    '',
  ].join('\n'),
  'components/observability/otel-sidecar.yaml': [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: any',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: otel-agent',
    `          image: ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector:${sidecar}`,
    '          args: ["--config=/etc/otel/config.yaml"]',
    '          resources:',
    '            requests:',
    '              cpu: 50m',
    '              memory: 64Mi',
    '',
  ].join('\n'),
});

/**
 * `roots` overlays (apps × the four environments). The PR: `change: 'component'` bumps the sidecar every overlay
 * shares (every root affected); `change: 'app'` raises one app's memory limit in its base and its prod replicas (four roots).
 */
export function generateManyRoots(roots = 100, change: 'component' | 'app' = 'component'): GeneratedRepo {
  const files: Record<string, string> = { ...COMPONENT('0.111.0') };
  const apps = Math.ceil(roots / ENVIRONMENTS.length);
  const rootPaths: string[] = [];
  for (let a = 0; a < apps; a++) {
    const app = `svc-${String(a).padStart(3, '0')}`;
    Object.assign(files, base(app, 8080 + (a % 10)));
    for (const env of ENVIRONMENTS) {
      if (rootPaths.length >= roots) break;
      Object.assign(files, overlay(app, env, a));
      rootPaths.push(`environments/${env}/${app}`);
    }
  }
  const head = { ...files };
  const changedPaths: ChangedPath[] = [];
  if (change === 'component') {
    Object.assign(head, COMPONENT('0.112.0'));
    changedPaths.push({ path: 'components/observability/otel-sidecar.yaml', status: 'modified' });
  } else {
    const deployment = 'base/svc-000/deployment.yaml';
    head[deployment] = files[deployment]!.replace('memory: 256Mi', 'memory: 384Mi');
    const prod = 'environments/prod/svc-000/kustomization.yaml';
    head[prod] = files[prod]!.replace('count: 3', 'count: 4');
    changedPaths.push({ path: deployment, status: 'modified' }, { path: prod, status: 'modified' });
  }
  return { base: files, head, changedPaths, roots: rootPaths.sort() };
}
