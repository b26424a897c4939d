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
    const fail = () => new EvaluationError(`URL parse error during conversion from string: ${text}`);
    // Go refuses control characters anywhere; a space in the path is escaped.
    if ([...text].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) throw fail();
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1];
    if (scheme === undefined && !text.startsWith('/')) throw fail();
    let parsed: URL;
    try {
      parsed = new URL(text, 'http://placeholder.invalid');
    } catch {
      throw fail();
    }
    const rest = scheme === undefined ? text : text.slice(scheme.length + 1);
    // The host as written (WHATWG lower-cases it and drops default ports; Go keeps both).
    const authority = rest.startsWith('//') ? /^\/\/([^/?#]*)/.exec(rest)![1]!.replace(/^.*@/, '') : undefined;
    const host = authority ?? '';
    const port = /^(?:\[[^\]]*\]|[^:]*):(\d*)$/.exec(host)?.[1] ?? '';
    const hostname = host.replace(/:\d*$/, '').replace(/^\[(.*)\]$/, '$1');
    const afterAuthority = authority === undefined ? rest : rest.slice(2 + rest.slice(2).search(/[/?#]|$/));
    // Absolute paths keep theirs; `scheme:opaque` URLs and `https://host` (no slash) have none.
    const path = afterAuthority.startsWith('/') ? parsed.pathname : '';
    return new KubeURL(scheme ?? '', host, hostname, port, path, parsed.search.slice(1), text);
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
