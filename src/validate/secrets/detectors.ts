// Content detectors: does this string hold something that must never be in Git? Each detector knows one shape
// (a PEM private key, a kubeconfig with credentials, a vendor token with its documented prefix). A cheap combined
// pre-filter runs first, so the common string ("api", "8080", an image reference) costs one regex test.
// Detectors return where and what, and a masked hint; they never return the value.
import { parse as parseYaml } from 'yaml';

export interface SecretHit {
  rule: string;
  /** What was found, for the message: `GitHub token`, `PEM private key`. */
  what: string;
  /** A masked hint: the public prefix at most, and the length: `ghp_… (40 chars)`. */
  hint: string;
}

/** `ghp_… (40 chars)`; only documented, public prefixes are ever shown. */
export function mask(value: string, publicPrefix = ''): string {
  return `${publicPrefix ? `${publicPrefix}… ` : ''}(${value.length} chars)`;
}

const PLACEHOLDER =
  /^\s*(?:\$\{[^}]*\}|\$\([^)]*\)|\{\{.*\}\}|<[^<>]+>|%[sv]|\*+|[xX]{3,}|\.{3}|…|(?:change|replace)[-_]?me|todo|redacted|dummy|none|null|~|-)\s*$/i;

/** Templates and placeholders (`${DB_PASSWORD}`, `{{ .password }}`, `<password>`) are not secrets. */
export function isPlaceholder(value: string): boolean {
  return (
    value.trim() === '' ||
    PLACEHOLDER.test(value) ||
    /\{\{[\s\S]*\}\}|\$\{[A-Za-z_][\w.]*\}/.test(value) ||
    /^\$__(?:file|env|vault)\{[^}]+\}$/.test(value) // Grafana's indirections
  );
}

interface Detector {
  rule: string;
  what: string;
  /** Finds candidate values in the text; returns them with the public prefix to show. */
  find(text: string): { value: string; prefix?: string }[];
}

function regexDetector(rule: string, what: string, pattern: RegExp, prefix?: (value: string) => string): Detector {
  const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  return {
    rule,
    what,
    find(text) {
      const found: { value: string; prefix?: string }[] = [];
      for (const match of text.matchAll(global)) {
        const value = match[1] ?? match[0];
        if (isPlaceholder(value)) continue;
        found.push({ value, prefix: prefix?.(value) });
      }
      return found;
    },
  };
}

const lead = (n: number) => (value: string) => value.slice(0, n);

const PRIVATE_KEY =
  /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |ANY )?PRIVATE KEY(?: BLOCK)?)-----[\s\S]{32,}?-----END \1-----/;

const DETECTORS: Detector[] = [
  {
    rule: 'secret/private-key',
    what: 'private key',
    find(text) {
      const found: { value: string; prefix?: string }[] = [];
      for (const match of text.matchAll(new RegExp(PRIVATE_KEY.source, 'g'))) {
        found.push({ value: match[0], prefix: `-----BEGIN ${match[1]}-----` });
      }
      // A truncated key (no END line, or one line of a multi-line value) is still a key.
      if (found.length === 0) {
        const begin =
          /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----\s*[A-Za-z0-9+/=\s]{32,}/.exec(
            text,
          );
        if (begin) found.push({ value: begin[0], prefix: `-----BEGIN ${begin[1]}-----` });
      }
      if (/^PuTTY-User-Key-File-\d: /m.test(text) && /^Private-Lines: \d+/m.test(text)) {
        found.push({ value: text, prefix: 'PuTTY-User-Key-File' });
      }
      return found;
    },
  },
  {
    rule: 'secret/kubeconfig',
    what: 'kubeconfig with credentials',
    find(text) {
      if (!/\busers:/.test(text) || !/\b(clusters|contexts):/.test(text)) return [];
      let config: unknown;
      try {
        config = parseYaml(text, { version: '1.1' });
      } catch {
        return [];
      }
      return kubeconfigCredentials(config).map((value) => ({ value }));
    },
  },
  {
    rule: 'secret/docker-config',
    what: 'container registry credentials',
    find(text) {
      if (!/"auths?"\s*:/.test(text)) return [];
      let config: unknown;
      try {
        config = JSON.parse(text);
      } catch {
        return [];
      }
      return dockerCredentials(config).map((value) => ({ value }));
    },
  },
  {
    rule: 'secret/gcp-service-account',
    what: 'GCP service-account key',
    find(text) {
      if (!/"type"\s*:\s*"service_account"/.test(text)) return [];
      const key = /"private_key"\s*:\s*"(-----BEGIN[^"]{32,})"/.exec(text);
      return key ? [{ value: key[1]! }] : [];
    },
  },
  {
    rule: 'secret/connection-string',
    what: 'connection string with a password',
    find(text) {
      const found: { value: string; prefix?: string }[] = [];
      for (const match of text.matchAll(
        /\b([a-z][a-z0-9+.-]{1,30}):\/\/([^\s:@/?#"'`]{1,256}):([^\s@/?#"'`]{1,256})@[\w.[-]/gi,
      )) {
        const password = match[3]!;
        if (isPlaceholder(password) || isPlaceholder(match[2]!)) continue;
        found.push({ value: password, prefix: `${match[1]}://${'…'}` });
      }
      if (/;/.test(text) && /\b(server|data source|host|hostname|address|addr)\s*=/i.test(text)) {
        for (const match of text.matchAll(/(?:^|;)\s*(?:password|pwd)\s*=\s*([^;\s'"]{3,})/gi)) {
          if (!isPlaceholder(match[1]!)) found.push({ value: match[1]! });
        }
      }
      return found;
    },
  },
  // AWS documents its example keys with an EXAMPLE suffix (AKIAIOSFODNN7EXAMPLE); those are not credentials.
  regexDetector(
    'secret/aws-access-key',
    'AWS access key id',
    /\b((?:AKIA|ASIA|ABIA|ACCA)(?![A-Z2-7]{9}EXAMPLE)[A-Z2-7]{16})\b/,
    lead(4),
  ),
  regexDetector(
    'secret/aws-secret-key',
    'AWS secret access key',
    /aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])/i,
  ),
  regexDetector('secret/gcp-api-key', 'Google API key', /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/, lead(4)),
  regexDetector('secret/azure-storage-key', 'Azure storage account key', /AccountKey=([A-Za-z0-9+/]{86}==)/),
  regexDetector('secret/azure-sas-token', 'Azure shared access signature', /[?&]sig=([A-Za-z0-9%+/]{43,}(?:%3D|=)*)/),
  regexDetector(
    'secret/azure-client-secret',
    'Azure AD client secret',
    /(?:^|[^A-Za-z0-9_~.-])([A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])/,
  ),
  regexDetector('secret/github-token', 'GitHub token', /\b(gh[pousr]_[A-Za-z0-9]{36,251})\b/, lead(4)),
  regexDetector('secret/github-token', 'GitHub token', /\b(github_pat_[A-Za-z0-9_]{22,255})\b/, lead(11)),
  regexDetector(
    'secret/gitlab-token',
    'GitLab token',
    /\b((?:glpat|gldt|glrt|glptt|glcbt|glsoat|glffct|glimt|glagent|gloas)-[A-Za-z0-9_-]{20,})\b/,
    (v) => v.slice(0, v.indexOf('-') + 1),
  ),
  regexDetector(
    'secret/gitlab-token',
    'GitLab runner registration token',
    /\b(GR1348941[A-Za-z0-9_-]{20,})\b/,
    lead(9),
  ),
  regexDetector('secret/slack-token', 'Slack token', /\b(xox[abposr]-[A-Za-z0-9-]{10,})\b/, lead(5)),
  regexDetector(
    'secret/slack-webhook',
    'Slack incoming webhook',
    /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]{20,})/,
    () => 'https://hooks.slack.com/',
  ),
  regexDetector('secret/npm-token', 'npm token', /\b(npm_[A-Za-z0-9]{36})\b/, lead(4)),
  regexDetector('secret/npm-token', 'npm auth token', /_authToken\s*=\s*([^\s$][^\s]{8,})/),
  regexDetector('secret/stripe-key', 'Stripe live key', /\b([rs]k_live_[A-Za-z0-9]{20,})\b/, lead(8)),
  regexDetector(
    'secret/openai-key',
    'OpenAI API key',
    /\b(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,})\b/,
    lead(3),
  ),
  regexDetector(
    'secret/anthropic-key',
    'Anthropic API key',
    /\b(sk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_-]{80,})/,
    lead(7),
  ),
  regexDetector('secret/sendgrid-key', 'SendGrid API key', /\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})\b/, lead(3)),
  regexDetector('secret/vault-token', 'HashiCorp Vault token', /\b(hv[sb]\.[A-Za-z0-9_-]{90,})\b/, lead(4)),
  regexDetector(
    'secret/jwt',
    'JSON Web Token',
    /\b(eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,})/,
    lead(3),
  ),
  regexDetector(
    'secret/bootstrap-token',
    'Kubernetes bootstrap token',
    /(?:^|\btoken["']?\s*[:=]\s*["']?)([a-z0-9]{6}\.(?=[a-z0-9]*[0-9])(?=[a-z0-9]*[a-z])[a-z0-9]{16})(?![a-z0-9.])/,
  ),
];

/** One pass over the text that every detector's value needs; most strings stop here. */
const PREFILTER =
  /-----BEGIN|PuTTY-User|users:|"auths?"|service_account|:\/\/[^\s/@]*:[^\s/@]*@|(?:password|pwd)\s*=|AKIA|ASIA|ABIA|ACCA|aws_?secret|AIza|AccountKey=|sig=|\dQ~|gh[pousr]_|github_pat_|gl[a-z]{1,6}-|GR1348941|xox[abposr]-|hooks\.slack|npm_|_authToken|k_live_|sk-|SG\.|hv[sb]\.|eyJ|^[a-z0-9]{6}\.[a-z0-9]{16}$|token/i;

export function detectSecrets(text: string): SecretHit[] {
  if (text.length < 8 || !PREFILTER.test(text)) return [];
  const hits: SecretHit[] = [];
  const seen = new Set<string>();
  for (const detector of DETECTORS) {
    for (const found of detector.find(text)) {
      const key = `${detector.rule}|${found.value}`;
      if (seen.has(key)) continue;
      seen.add(key);
      hits.push({ rule: detector.rule, what: detector.what, hint: mask(found.value, found.prefix) });
    }
  }
  // A service-account key file is one finding, not also a "private key".
  if (hits.some((h) => h.rule === 'secret/gcp-service-account')) {
    return hits.filter((h) => h.rule !== 'secret/private-key');
  }
  return hits;
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Credential values of a kubeconfig (`users[].user`): tokens, passwords, client keys, auth-provider tokens. */
export function kubeconfigCredentials(config: unknown): string[] {
  if (!isMapping(config) || !Array.isArray(config.users)) return [];
  const values: string[] = [];
  for (const entry of config.users) {
    const user = isMapping(entry) && isMapping(entry.user) ? entry.user : undefined;
    if (!user) continue;
    for (const field of ['token', 'password', 'client-key-data']) {
      const value = user[field];
      if (typeof value === 'string' && !isPlaceholder(value)) values.push(value);
    }
    const provider = isMapping(user['auth-provider']) ? user['auth-provider'].config : undefined;
    if (isMapping(provider)) {
      for (const field of ['id-token', 'refresh-token', 'client-secret', 'access-token']) {
        const value = provider[field];
        if (typeof value === 'string' && !isPlaceholder(value)) values.push(value);
      }
    }
  }
  return values;
}

/** Registry credentials of a `.dockerconfigjson` (`auths`) or legacy `.dockercfg` (registry → entry). */
export function dockerCredentials(config: unknown): string[] {
  if (!isMapping(config)) return [];
  const registries = isMapping(config.auths) ? config.auths : config;
  const values: string[] = [];
  for (const entry of Object.values(registries)) {
    if (!isMapping(entry)) continue;
    for (const field of ['auth', 'password', 'identitytoken', 'registrytoken']) {
      const value = entry[field];
      if (typeof value === 'string' && value !== '' && !isPlaceholder(value)) values.push(value);
    }
  }
  return values;
}
