// Service hooks carry no signature: a delivery proves itself with the basic auth and/or the shared-secret header
// configured on the subscription. Both are compared in constant time over equal-length digests, and every
// configured check runs whatever the outcome of the others, so timing says nothing about which part was wrong.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { WEBHOOK_SECRET_HEADER, type AzureDevOpsSettings } from './settings.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function sameSecret(given: string | undefined, expected: string): boolean {
  // Hashing first gives equal lengths, so timingSafeEqual never throws and the length leaks nothing.
  return timingSafeEqual(digest(given ?? ''), digest(expected)) && given !== undefined;
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? (value.length === 1 ? value[0] : undefined) : value;
}

/** True when the delivery carries every credential the settings require. */
export function isAuthenticDelivery(headers: IncomingHttpHeaders, settings: AzureDevOpsSettings): boolean {
  let ok = true;
  let checks = 0;
  if (settings.webhookUser && settings.webhookPassword) {
    checks += 1;
    const given = basicCredentials(single(headers.authorization));
    const userOk = sameSecret(given?.user, settings.webhookUser);
    const passwordOk = sameSecret(given?.password, settings.webhookPassword);
    ok = ok && userOk && passwordOk;
  }
  if (settings.webhookSecret) {
    checks += 1;
    const secretOk = sameSecret(single(headers[WEBHOOK_SECRET_HEADER]), settings.webhookSecret);
    ok = ok && secretOk;
  }
  return ok && checks > 0;
}
