// The secret rules for one document. First the object decides (a Secret holding values is a leak unless SOPS
// encrypted it; a SealedSecret must hold ciphertext; an ExternalSecret only references), then every string leaf is
// scanned for content that must never be in Git, Secret data base64-decoded first. Problems say where and what,
// with a masked hint — never the value.
import type { Problem } from '../schema/check.js';
import { formatPath, type Segment } from '../schema/errors.js';
import { SOPS_VALUE } from '../schema/check.js';
import { detectSecrets, isPlaceholder, mask, type SecretHit } from './detectors.js';

const isMapping = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(value: string): string | undefined {
  const clean = value.replace(/\s+/g, '');
  if (clean.length % 4 !== 0 || !BASE64.test(clean)) return undefined;
  return Buffer.from(clean, 'base64').toString('utf8');
}

/**
 * What kubeseal writes: base64 of a 2-byte length, the RSA-OAEP-encrypted session key of that length (256 or 512
 * bytes for the usual key sizes) and the AES-GCM ciphertext with its 16-byte tag. Plain base64 of a password, the
 * usual mistake, never has that shape.
 */
export function looksSealed(value: string): boolean {
  const clean = value.replace(/\s+/g, '');
  if (clean.length < 64 || clean.length % 4 !== 0 || !BASE64.test(clean)) return false;
  const bytes = Buffer.from(clean, 'base64');
  const keyLength = bytes.readUInt16BE(0);
  return keyLength >= 128 && keyLength <= 1024 && bytes.length >= 2 + keyLength + 16;
}

/** Keys whose literal value is a password: any non-placeholder value is a leak. */
const PASSWORD_KEY = /(?:password|passwd|passphrase)$|(?:^|[_.-])pwd$/i;
/** Keys whose value is a token or key: flagged when the value also looks random (entropy as a second signal). */
const TOKEN_KEY =
  /(?:secret|token|apikey|api[_-]key|accesskey|access[_-]key|privatekey|private[_-]key|credentials?|auth)$/i;
/** Kubernetes names and references (`checkout-db`, `vault-backend`) are never the secret itself. */
const NAME_LIKE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  for (const char of value) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

export function literalCredential(key: string, value: string): boolean {
  if (isPlaceholder(value) || /^(true|false|yes|no|on|off)$/i.test(value)) return false;
  if (PASSWORD_KEY.test(key)) return value.length >= 4 && !/^\/|^\w+:\/\/[^@]*$/.test(value);
  if (TOKEN_KEY.test(key)) {
    return value.length >= 16 && !NAME_LIKE.test(value) && !/^\//.test(value) && shannonEntropy(value) >= 3.5;
  }
  return false;
}

function problem(rule: string, path: Segment[], message: string): Problem {
  return { rule, severity: 'error', path, atKey: true, message: `${formatPath(path)}: ${message}` };
}

function hitProblem(path: Segment[], hit: SecretHit, where = ''): Problem {
  return problem(
    hit.rule,
    path,
    `${hit.what}${where}, ${hit.hint}; keep it out of Git: use a SealedSecret, an ExternalSecret or SOPS`,
  );
}

export function scanSecrets(value: unknown): Problem[] {
  if (!isMapping(value)) return Array.isArray(value) ? scanLeaves(value, [], new Set()) : [];
  const problems: Problem[] = [];
  const skip = new Set<string>(['sops']); // SOPS metadata: encrypted data keys, never plain values
  const kind = value.kind;
  const apiVersion = typeof value.apiVersion === 'string' ? value.apiVersion : '';
  if (kind === 'Secret' && apiVersion === 'v1') {
    problems.push(...secretObject(value));
    skip.add('data').add('stringData');
  } else if (kind === 'SealedSecret' && apiVersion.startsWith('bitnami.com/')) {
    problems.push(...sealedSecret(value));
    skip.add('spec.encryptedData');
  } else if (kind === 'ConfigMap' && apiVersion === 'v1' && isMapping(value.binaryData)) {
    for (const [key, data] of Object.entries(value.binaryData)) {
      const decoded = typeof data === 'string' ? decodeBase64(data) : undefined;
      if (decoded) for (const hit of detectSecrets(decoded)) problems.push(hitProblem(['binaryData', key], hit));
    }
    skip.add('binaryData');
  }
  if (kind === 'Config' && apiVersion === 'v1' && Array.isArray(value.users)) {
    // A kubeconfig committed as a file of its own.
    const users = value.users as unknown[];
    users.forEach((entry, index) => {
      const user = isMapping(entry) && isMapping(entry.user) ? entry.user : undefined;
      for (const field of ['token', 'password', 'client-key-data']) {
        const secret = user?.[field];
        if (typeof secret === 'string' && !isPlaceholder(secret)) {
          problems.push(
            problem('secret/kubeconfig', ['users', index, 'user', field], `kubeconfig credential ${mask(secret)}`),
          );
        }
      }
    });
    skip.add('users');
  }
  problems.push(...scanLeaves(value, [], skip, kind === 'Secret' || kind === 'SealedSecret'));
  return problems;
}

function isSops(object: Record<string, unknown>): boolean {
  return isMapping(object.sops) && typeof object.sops.mac === 'string';
}

function secretObject(secret: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const sops = isSops(secret);
  for (const field of ['data', 'stringData'] as const) {
    const values = secret[field];
    if (!isMapping(values)) continue;
    for (const [key, raw] of Object.entries(values)) {
      if (raw === null || raw === undefined || raw === '') continue;
      const path = [field, key];
      const text = typeof raw === 'string' ? raw : String(raw);
      if (sops) {
        if (!SOPS_VALUE.test(text)) {
          problems.push(
            problem(
              'secret/sops-unencrypted',
              path,
              `left in plain text in a SOPS-encrypted Secret ${mask(text)}; check encrypted_regex / unencrypted_suffix in .sops.yaml`,
            ),
          );
        }
        continue;
      }
      if (field === 'stringData' && isPlaceholder(text)) continue; // `${DB_PASSWORD}`: Flux postBuild substitution
      const decoded = field === 'data' ? decodeBase64(text) : text;
      const hits = detectSecrets(decoded ?? text);
      if (hits.length > 0) {
        for (const hit of hits) problems.push(hitProblem(path, hit, ' in a plain Secret'));
        continue;
      }
      const size = decoded !== undefined ? Buffer.byteLength(decoded) : text.length;
      problems.push(
        problem(
          'secret/plain-secret',
          path,
          `a Secret with a plain value (${size} bytes) is a secret in Git; commit a SealedSecret, an ExternalSecret or a SOPS-encrypted Secret instead`,
        ),
      );
    }
  }
  return problems;
}

function sealedSecret(object: Record<string, unknown>): Problem[] {
  const spec = isMapping(object.spec) ? object.spec : {};
  const encrypted = isMapping(spec.encryptedData) ? spec.encryptedData : {};
  const problems: Problem[] = [];
  for (const [key, raw] of Object.entries(encrypted)) {
    if (typeof raw !== 'string' || raw === '') continue;
    if (looksSealed(raw)) continue;
    const path = ['spec', 'encryptedData', key];
    const decoded = decodeBase64(raw);
    const hits = detectSecrets(decoded ?? raw);
    if (hits.length > 0) {
      for (const hit of hits) problems.push(hitProblem(path, hit, ' instead of sealed ciphertext'));
      continue;
    }
    problems.push(
      problem(
        'secret/sealed-secret-plaintext',
        path,
        `is not kubeseal ciphertext (${decoded !== undefined ? `base64 of ${Buffer.byteLength(decoded)} bytes` : `${raw.length} characters, not base64`}); seal the value with kubeseal`,
      ),
    );
  }
  return problems;
}

/** Every string leaf: content detectors, and credential-named keys holding literal values. */
function scanLeaves(node: unknown, path: Segment[], skip: Set<string>, quiet = false): Problem[] {
  const problems: Problem[] = [];
  const visit = (value: unknown, at: Segment[], key: string | undefined) => {
    if (typeof value === 'string') {
      if (SOPS_VALUE.test(value)) return;
      const hits = detectSecrets(value);
      const decoded =
        hits.length === 0 && /^(?:LS0tLS1CRUdJT|ey)[A-Za-z0-9+/=\s]{16,}$/.test(value)
          ? decodeBase64(value)
          : undefined;
      const allHits = decoded ? detectSecrets(decoded) : hits;
      for (const hit of allHits) problems.push(hitProblem(at, hit, decoded ? ' (base64-encoded)' : ''));
      if (allHits.length === 0 && key !== undefined && !quiet && literalCredential(key, value)) {
        problems.push(
          problem(
            'secret/literal-credential',
            at,
            `a literal value for a credential ${mask(value)}; reference a Secret (secretKeyRef, valueFrom) instead`,
          ),
        );
      }
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        // `env: [{name: DB_PASSWORD, value: …}]`: the entry's name is the key that says what the value is.
        if (isMapping(item) && typeof item.name === 'string' && typeof item.value === 'string') {
          visit(item.value, [...at, index, 'value'], item.name);
          for (const [k, v] of Object.entries(item)) if (k !== 'value') visit(v, [...at, index, k], k);
          return;
        }
        visit(item, [...at, index], key);
      });
      return;
    }
    if (isMapping(value)) {
      for (const [k, v] of Object.entries(value)) {
        const child = [...at, k];
        if (skip.has(child.join('.'))) continue;
        visit(v, child, k);
      }
    }
  };
  visit(node, path, undefined);
  return problems;
}
