// Kubernetes' URL library: `url('https://…')`, `isURL`, and the parts of a parsed URL. A URL must be absolute
// (with a scheme) or an absolute path, as Go's url.ParseRequestURI requires.
import type { Environment } from '@marcbachmann/cel-js';
import { EvaluationError } from '@marcbachmann/cel-js';

export class KubeURL {
  constructor(
    readonly scheme: string,
    readonly host: string,
    readonly hostname: string,
    readonly port: string,
    readonly escapedPath: string,
    readonly query: string,
    readonly text: string,
  ) {}

  equals(other: unknown): boolean {
    return other instanceof KubeURL && other.text === this.text;
  }

  static parse(text: string): KubeURL {
    if (text.startsWith('/')) {
      if (/[\s]/.test(text.replace(/ /g, '')))
        throw new EvaluationError(`URL parse error during conversion from string: ${text}`);
      const parsed = new URL(text, 'http://placeholder.invalid');
      return new KubeURL('', '', '', '', parsed.pathname, parsed.search.slice(1), text);
    }
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text);
    if (!scheme) throw new EvaluationError(`URL parse error during conversion from string: ${text}`);
    let parsed: URL;
    try {
      parsed = new URL(text);
    } catch {
      throw new EvaluationError(`URL parse error during conversion from string: ${text}`);
    }
    const hasAuthority = text.slice(scheme[0].length).startsWith('//');
    const hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
    // WHATWG drops default ports (https://x:443/ → ''); Go keeps what was written.
    const written = hasAuthority ? /^[^/?#]*/.exec(text.slice(scheme[0].length + 2))![0].replace(/^.*@/, '') : '';
    const port = /:(\d+)$/.exec(written)?.[1] ?? '';
    const host = hasAuthority
      ? (parsed.hostname.includes(':') || written.startsWith('[') ? `[${hostname}]` : hostname) +
        (port ? `:${port}` : '')
      : '';
    const path =
      hasAuthority && parsed.pathname === '/' && !/^[^/?#]*\//.test(text.slice(scheme[0].length + 2))
        ? ''
        : parsed.pathname;
    return new KubeURL(scheme[1]!, host, hostname, port, hasAuthority ? path : '', parsed.search.slice(1), text);
  }
}

function queryMap(query: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!query) return out;
  for (const [k, v] of new URLSearchParams(query)) (out[k] ??= []).push(v);
  return out;
}

export function registerUrl(env: Environment): void {
  env
    .registerType('kubernetes.URL', KubeURL)
    .registerFunction('url(string): kubernetes.URL', (s: string) => KubeURL.parse(s))
    .registerFunction('isURL(string): bool', (s: string) => {
      try {
        KubeURL.parse(s);
        return true;
      } catch {
        return false;
      }
    })
    .registerFunction('kubernetes.URL.getScheme(): string', (u: KubeURL) => u.scheme)
    .registerFunction('kubernetes.URL.getHost(): string', (u: KubeURL) => u.host)
    .registerFunction('kubernetes.URL.getHostname(): string', (u: KubeURL) => u.hostname)
    .registerFunction('kubernetes.URL.getPort(): string', (u: KubeURL) => u.port)
    .registerFunction('kubernetes.URL.getEscapedPath(): string', (u: KubeURL) => u.escapedPath)
    .registerFunction('kubernetes.URL.getQuery(): map<string, list<string>>', (u: KubeURL) => queryMap(u.query))
    .registerOperator('kubernetes.URL == kubernetes.URL', (a: KubeURL, b: KubeURL) => a.equals(b));
}
