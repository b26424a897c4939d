// Secrets in every shape people commit them, built at run time (a literal token in this file would trip push
// protection and teach scanners nothing), and the promise that no output ever carries one.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateFiles } from '../src/commands/validate.js';
import { defaultConfig, type LoadedConfig } from '../src/config/config.js';
import { detectSecrets, isPlaceholder } from '../src/validate/secrets/detectors.js';
import { looksSealed, scanSecrets } from '../src/validate/secrets/scan.js';
import { runCli } from './helpers/cli.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function random(length: number, alphabet = ALNUM): string {
  const bytes = randomBytes(length);
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}
const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');
const indent = (text: string, spaces: number) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => ' '.repeat(spaces) + line)
    .join('\n');

const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
  type: 'pkcs1',
  format: 'pem',
}) as string;
const openssh =
  ['-----BEGIN OPENSSH', 'PRIVATE KEY-----'].join(' ') +
  `\n${random(70)}\n${random(70)}\n-----END OPENSSH PRIVATE KEY-----\n`;
const planted = {
  pem,
  openssh,
  github: ['gh', 'p_', random(36)].join(''),
  githubFine: ['github', '_pat_', random(22), '_', random(59)].join(''),
  gitlab: ['gl', 'pat-', random(20)].join(''),
  slack: ['xo', 'xb-', random(12, '0123456789'), '-', random(13, '0123456789'), '-', random(24)].join(''),
  npm: ['np', 'm_', random(36)].join(''),
  awsKeyId: ['AK', 'IA', random(16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567')].join(''),
  awsSecret: random(40),
  dbPassword: random(18),
  dockerPassword: random(20),
  kubeToken: random(40),
  azureKey: `${random(86)}==`,
  bootstrap: `${random(6, 'abcdefghijklmnopqrstuvwxyz0123456789')}.${random(15, 'abcdefghijklmnopqrstuvwxyz')}7`,
  jwt: [
    b64url('{"alg":"RS256","kid":"k1"}'),
    b64url('{"sub":"system:serviceaccount:ci:deployer","exp":1893456000}'),
    random(43),
  ].join('.'),
  sealedPlain: random(14),
  envPassword: random(14),
  sopsLeftover: random(16),
  literal: random(12),
  templateLiteral: random(16),
};
const gcpKey = JSON.stringify({
  type: 'service_account',
  project_id: 'acme-prod',
  private_key_id: random(40, '0123456789abcdef'),
  private_key: planted.pem,
  client_email: 'deployer@acme-prod.iam.gserviceaccount.com',
});
const kubeconfig = `apiVersion: v1
kind: Config
clusters:
  - name: prod
    cluster: { server: https://10.0.0.1:6443 }
contexts:
  - name: prod
    context: { cluster: prod, user: deployer }
users:
  - name: deployer
    user:
      token: ${planted.kubeToken}
`;
const dockerconfig = JSON.stringify({ auths: { 'ghcr.io': { auth: b64(`deployer:${planted.dockerPassword}`) } } });
const sops = (value: string) =>
  `ENC[AES256_GCM,data:${b64(value)},iv:MTIzNDU2Nzg5MGFiY2RlZg==,tag:q83vEjRWeJASNFZ4kBI0Vg==,type:str]`;

/** Each shape, with the rule that must catch it and where. */
const SHAPES: { name: string; yaml: string; expect: [rule: string, line: number][] }[] = [
  {
    name: 'multi-line PEM key in stringData',
    yaml: `apiVersion: v1\nkind: Secret\nmetadata: { name: tls }\nstringData:\n  tls.key: |\n${indent(planted.pem, 4)}\n`,
    expect: [['secret/private-key', 5]],
  },
  {
    name: 'base64 PEM key in data',
    yaml: `apiVersion: v1\nkind: Secret\nmetadata: { name: tls }\ntype: kubernetes.io/tls\ndata:\n  tls.key: ${b64(planted.pem)}\n`,
    expect: [['secret/private-key', 6]],
  },
  {
    name: 'OpenSSH key in a ConfigMap',
    yaml: `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: git }\ndata:\n  id_ed25519: |\n${indent(planted.openssh, 4)}\n`,
    expect: [['secret/private-key', 5]],
  },
  {
    name: 'kubeconfig with a token in a ConfigMap',
    yaml: `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: deployer }\ndata:\n  config: |\n${indent(kubeconfig, 4)}\n`,
    expect: [['secret/kubeconfig', 5]],
  },
  {
    name: 'kubeconfig committed as a file',
    yaml: kubeconfig,
    expect: [['secret/kubeconfig', 12]],
  },
  {
    name: '.dockerconfigjson Secret',
    yaml: `apiVersion: v1\nkind: Secret\nmetadata: { name: pull }\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${b64(dockerconfig)}\n`,
    expect: [['secret/docker-config', 6]],
  },
  {
    name: 'connection string with a password in a ConfigMap',
    yaml: `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app }\ndata:\n  DATABASE_URL: postgres://app:${planted.dbPassword}@db.shop.svc:5432/app\n`,
    expect: [['secret/connection-string', 5]],
  },
  {
    name: 'AWS keys in container env',
    yaml: `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: uploader }\nspec:\n  selector: { matchLabels: { a: b } }\n  template:\n    spec:\n      containers:\n        - name: uploader\n          image: uploader:1\n          env:\n            - name: AWS_ACCESS_KEY_ID\n              value: ${planted.awsKeyId}\n            - name: AWS_SECRET_ACCESS_KEY\n              value: ${planted.awsSecret}\n`,
    expect: [
      ['secret/aws-access-key', 13],
      ['secret/literal-credential', 15],
    ],
  },
  {
    name: 'GitHub, GitLab, Slack and npm tokens in Helm values',
    yaml: `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: { name: ci }\nspec:\n  interval: 1h\n  values:\n    github: { token: ${planted.github} }\n    githubApp: ${planted.githubFine}\n    gitlab: ${planted.gitlab}\n    slackBot: ${planted.slack}\n    npmrc: "//registry.npmjs.org/:_authToken=${planted.npm}"\n`,
    expect: [
      ['secret/github-token', 7],
      ['secret/github-token', 8],
      ['secret/gitlab-token', 9],
      ['secret/slack-token', 10],
      ['secret/npm-token', 11],
    ],
  },
  {
    name: 'GCP service-account JSON in a ConfigMap',
    yaml: `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: gcp }\ndata:\n  key.json: ${JSON.stringify(gcpKey)}\n`,
    expect: [['secret/gcp-service-account', 5]],
  },
  {
    name: 'Azure storage connection string',
    yaml: `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: az }\ndata:\n  storage: "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${planted.azureKey};EndpointSuffix=core.windows.net"\n`,
    expect: [['secret/azure-storage-key', 5]],
  },
  {
    name: 'bootstrap token and a service-account JWT',
    yaml: `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: join }\ndata:\n  token: ${planted.bootstrap}\n  ci-token: ${planted.jwt}\n`,
    expect: [
      ['secret/bootstrap-token', 5],
      ['secret/jwt', 6],
    ],
  },
  {
    name: 'SealedSecret holding plain base64',
    yaml: `apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: { name: db }\nspec:\n  encryptedData:\n    password: ${b64(planted.sealedPlain)}\n`,
    expect: [['secret/sealed-secret-plaintext', 6]],
  },
  {
    name: 'SOPS Secret with a value left unencrypted',
    yaml: `apiVersion: v1\nkind: Secret\nmetadata: { name: db }\nstringData:\n  username: ${sops('app')}\n  password_unencrypted: ${planted.sopsLeftover}\nsops:\n  mac: ${sops('mac')}\n  version: 3.9.1\n`,
    expect: [['secret/sops-unencrypted', 6]],
  },
  {
    name: 'plain Secret with a password',
    yaml: `apiVersion: v1\nkind: Secret\nmetadata: { name: db }\ntype: Opaque\nstringData:\n  password: ${planted.envPassword}\n`,
    expect: [['secret/plain-secret', 6]],
  },
  {
    name: 'ExternalSecret template with a literal password',
    yaml: `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: { name: db }\nspec:\n  target:\n    template:\n      data:\n        password: ${planted.templateLiteral}\n        url: '{{ .url }}'\n`,
    expect: [['secret/literal-credential', 8]],
  },
  {
    name: 'secretGenerator literal in a kustomization',
    yaml: `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n  - name: db\n    literals:\n      - password=${planted.literal}\n      - username=\${DB_USER}\n`,
    expect: [['secret/plain-secret', 6]],
  },
];

const dir = mkdtempSync(join(tmpdir(), 'envgate-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DEFAULTS: LoadedConfig = { config: defaultConfig(), valid: true, findings: [] };

describe('secret rules catch every shape', () => {
  it.each(SHAPES.map((s, i) => [s.name, i] as const))('%s', (_name, i) => {
    const shape = SHAPES[i]!;
    const file = `shape-${i}.yaml`;
    writeFileSync(join(dir, file), shape.yaml);
    const findings = validateFiles([file], dir, DEFAULTS).filter((f) => f.rule.startsWith('secret/'));
    expect(findings.map((f) => [f.rule, f.line])).toEqual(shape.expect);
    expect(findings.every((f) => f.severity === 'error')).toBe(true);
    const output = JSON.stringify(findings);
    for (const value of Object.values(planted)) expect(output).not.toContain(value);
  });

  it('shows a masked hint with the public prefix only', () => {
    const [hit] = detectSecrets(`token: ${planted.github}`);
    expect(hit).toEqual({ rule: 'secret/github-token', what: 'GitHub token', hint: 'ghp_… (40 chars)' });
  });

  it('never prints a planted value, in text or JSON, on stdout or stderr', () => {
    const all = join(dir, 'all');
    mkdirSync(all, { recursive: true });
    SHAPES.forEach((shape, i) => writeFileSync(join(all, `shape-${i}.yaml`), shape.yaml));
    for (const format of ['text', 'json']) {
      const result = runCli(['validate', '--format', format, all]);
      expect(result.code).toBe(1);
      expect(result.stdout.split('\n').length).toBeGreaterThan(SHAPES.length);
      for (const value of Object.values(planted)) {
        expect(result.stdout).not.toContain(value);
        expect(result.stderr).not.toContain(value);
      }
    }
  });
});

describe('look-alikes that are not secrets', () => {
  it.each([
    ['a UUID', '123e4567-e89b-12d3-a456-426614174000'],
    ['a git SHA', '9fceb02d0ae598e95dc970b74767f19372d61af8'],
    ['an image digest', 'ghcr.io/acme/api@sha256:40111dfd0a42e5e1589ba3a83911a7be1779b50c24dd9cdd659082dae84f59c2'],
    ['an md5 checksum', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['base64 of a non-secret', b64('hello from the orders team')],
    ['a URL without credentials', 'https://user@git.acme.example/shop.git'],
    ['a templated URL', 'postgres://{{ .user }}:{{ .password }}@db/app'],
    ['a Flux substitution', 'postgres://app:${DB_PASSWORD}@db/app'],
    ['AWS documentation key', 'AKIAIOSFODNN7EXAMPLE'],
    [
      'a public certificate',
      '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUYz5yZ3J0c2VydmljZS1leGFtcGxl\n-----END CERTIFICATE-----',
    ],
    ['a DNS name with a dot', 'orders.svcclusterlocal01'],
  ])('%s', (_name, value) => {
    expect(detectSecrets(value)).toEqual([]);
  });

  it('accepts SOPS, SealedSecret and ExternalSecret objects', () => {
    const sealed = Buffer.concat([Buffer.from([2, 0]), randomBytes(512 + 40)]).toString('base64');
    expect(looksSealed(sealed)).toBe(true);
    expect(looksSealed(b64('hunter2hunter2'))).toBe(false);
    expect(
      scanSecrets({
        apiVersion: 'bitnami.com/v1alpha1',
        kind: 'SealedSecret',
        metadata: { name: 's' },
        spec: { encryptedData: { password: sealed } },
      }),
    ).toEqual([]);
    expect(
      scanSecrets({
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's' },
        stringData: { password: sops('x') },
        sops: {
          mac: sops('m'),
          age: [
            { recipient: 'age1x', enc: '-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----' },
          ],
        },
      }),
    ).toEqual([]);
    expect(
      scanSecrets({
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: 'e' },
        spec: {
          target: { template: { data: { password: '{{ .password }}' } } },
          data: [{ secretKey: 'password', remoteRef: { key: 'shop/db', property: 'password' } }],
        },
      }),
    ).toEqual([]);
  });

  it('treats templates and placeholders as placeholders', () => {
    for (const value of [
      '${DB_PASSWORD}',
      '{{ .Values.password }}',
      '<your-password>',
      '********',
      'changeme',
      '$__file{/x}',
    ]) {
      expect(isPlaceholder(value), value).toBe(true);
    }
    expect(isPlaceholder(planted.dbPassword)).toBe(false);
  });
});

describe('secrets.allow', () => {
  it('turns a matching finding into information with the reason, and leaves other rules and paths alone', () => {
    const allowDir = join(dir, 'allow');
    mkdirSync(join(allowDir, 'test-fixtures'), { recursive: true });
    mkdirSync(join(allowDir, 'apps'), { recursive: true });
    const secret = SHAPES.find((s) => s.name === 'plain Secret with a password')!.yaml;
    writeFileSync(join(allowDir, 'test-fixtures', 'db.yaml'), secret);
    writeFileSync(join(allowDir, 'apps', 'db.yaml'), secret);
    const config: LoadedConfig = {
      ...DEFAULTS,
      config: {
        ...defaultConfig(),
        secrets: {
          allow: [{ path: 'test-fixtures/**', rule: 'secret/plain-secret', reason: 'dummy data for the e2e tests' }],
        },
      },
    };
    const findings = validateFiles(['apps/db.yaml', 'test-fixtures/db.yaml'], allowDir, config);
    const message =
      'stringData.password: a Secret with a plain value (14 bytes) is a secret in Git; commit a SealedSecret, an ExternalSecret or a SOPS-encrypted Secret instead';
    expect(findings.map((f) => [f.file, f.severity, f.rule, f.message])).toEqual([
      ['apps/db.yaml', 'error', 'secret/plain-secret', message],
      [
        'test-fixtures/db.yaml',
        'info',
        'secret/plain-secret',
        `allowed by secrets.allow (dummy data for the e2e tests): ${message}`,
      ],
    ]);
  });
});
