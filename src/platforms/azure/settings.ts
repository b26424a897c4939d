// Where envgate's Azure DevOps side talks to, and how deliveries prove they come from our service hooks. Everything
// here is read from the server's environment (DESIGN.md "Server settings"); nothing is ever taken from a payload.

export interface AzureDevOpsSettings {
  /** `https://dev.azure.com/acme`, `https://acme.visualstudio.com` or a Server collection URL. */
  orgUrl: string;
  /** Personal access token of envgate's identity. Never logged, never put in a message. */
  pat: string;
  /** Basic auth the service hook sends (consumer input `basicAuthUsername` / `basicAuthPassword`). */
  webhookUser?: string;
  webhookPassword?: string;
  /** Optional shared secret the service hook sends in the `X-Envgate-Webhook-Secret` header. */
  webhookSecret?: string;
}

/** The configured organisation, parsed once: where each API lives and how to recognise the same organisation. */
export interface Organization {
  /** The configured URL without a trailing slash: every Git and connection-data call goes here. */
  url: string;
  kind: 'services' | 'server';
  /** Organisation name (Services) or collection name (Server): the `[scope]` of collection-level groups. */
  collectionName: string;
  /** Base URL of the identities API: the vssps host on Services, the collection itself on Server. */
  identitiesUrl: string;
  /** Comparable key: two URLs name the same organisation when their keys are equal. */
  key: string;
}

export class SettingsError extends Error {
  override name = 'SettingsError';
}

export const WEBHOOK_SECRET_HEADER = 'x-envgate-webhook-secret';

/** Settings from the environment, or undefined when Azure DevOps is not configured at all (GitHub-only server). */
export function azureDevOpsSettingsFromEnv(env: Record<string, string | undefined>): AzureDevOpsSettings | undefined {
  const orgUrl = env.AZURE_DEVOPS_ORG_URL?.trim();
  const pat = env.AZURE_DEVOPS_PAT?.trim();
  if (!orgUrl && !pat) return undefined;
  if (!orgUrl) throw new SettingsError('AZURE_DEVOPS_PAT is set but AZURE_DEVOPS_ORG_URL is not');
  if (!pat) throw new SettingsError('AZURE_DEVOPS_ORG_URL is set but AZURE_DEVOPS_PAT is not');
  const settings: AzureDevOpsSettings = {
    orgUrl,
    pat,
    webhookUser: env.AZURE_DEVOPS_WEBHOOK_USER || undefined,
    webhookPassword: env.AZURE_DEVOPS_WEBHOOK_PASSWORD || undefined,
    webhookSecret: env.AZURE_DEVOPS_WEBHOOK_SECRET || undefined,
  };
  validateSettings(settings);
  return settings;
}

/** Refuses settings that would accept unauthenticated deliveries or point at something that is not an organisation. */
export function validateSettings(settings: AzureDevOpsSettings): Organization {
  const hasUser = Boolean(settings.webhookUser);
  const hasPassword = Boolean(settings.webhookPassword);
  if (hasUser !== hasPassword) {
    throw new SettingsError('AZURE_DEVOPS_WEBHOOK_USER and AZURE_DEVOPS_WEBHOOK_PASSWORD must be set together');
  }
  if (!hasPassword && !settings.webhookSecret) {
    throw new SettingsError(
      'Azure DevOps deliveries must be authenticated: set AZURE_DEVOPS_WEBHOOK_USER and AZURE_DEVOPS_WEBHOOK_PASSWORD ' +
        '(basic auth in the service hook) or AZURE_DEVOPS_WEBHOOK_SECRET (an X-Envgate-Webhook-Secret header)',
    );
  }
  if (!settings.pat) throw new SettingsError('AZURE_DEVOPS_PAT is empty');
  return parseOrganizationUrl(settings.orgUrl);
}

export function parseOrganizationUrl(raw: string): Organization {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingsError(`AZURE_DEVOPS_ORG_URL is not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new SettingsError(`AZURE_DEVOPS_ORG_URL must be an http(s) URL, not ${url.protocol}`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new SettingsError('AZURE_DEVOPS_ORG_URL must not carry credentials, a query or a fragment');
  }
  const host = url.hostname.toLowerCase();
  const segments = url.pathname.split('/').filter(Boolean);
  const base = `${url.protocol}//${url.host}${segments.length ? `/${segments.join('/')}` : ''}`;
  if (host === 'dev.azure.com') {
    const org = segments[0];
    if (!org || segments.length > 1) {
      throw new SettingsError('AZURE_DEVOPS_ORG_URL on Azure DevOps Services is https://dev.azure.com/<organization>');
    }
    return {
      url: base,
      kind: 'services',
      collectionName: org,
      identitiesUrl: `https://vssps.dev.azure.com/${org}`,
      key: `services:${org.toLowerCase()}`,
    };
  }
  const legacy = /^([a-z0-9][a-z0-9-]*)\.visualstudio\.com$/.exec(host);
  if (legacy) {
    const org = legacy[1]!;
    return {
      url: base,
      kind: 'services',
      collectionName: org,
      identitiesUrl: `https://${org}.vssps.visualstudio.com`,
      key: `services:${org}`,
    };
  }
  const collection = segments.at(-1);
  if (!collection) {
    throw new SettingsError(
      'AZURE_DEVOPS_ORG_URL on Azure DevOps Server is the collection URL, e.g. /tfs/DefaultCollection',
    );
  }
  return {
    url: base,
    kind: 'server',
    collectionName: decodeURIComponent(collection),
    identitiesUrl: base,
    key: `server:${host}:${url.port || (url.protocol === 'https:' ? '443' : '80')}/${segments.join('/').toLowerCase()}`,
  };
}

/** Whether a URL from a payload names the configured organisation; false for anything unparsable. */
export function isSameOrganization(org: Organization, payloadUrl: unknown): boolean {
  if (typeof payloadUrl !== 'string' || payloadUrl === '') return false;
  try {
    return parseOrganizationUrl(payloadUrl).key === org.key;
  } catch {
    return false;
  }
}
