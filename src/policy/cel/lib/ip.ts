// Kubernetes' IP and CIDR libraries (1.30+): parse addresses and prefixes as Go's net/netip does (no leading
// zeros, no zones, no IPv4-mapped IPv6), and ask what kind of address it is or whether a prefix holds it.
import { isIPv6 } from 'node:net';
import type { Environment } from '@marcbachmann/cel-js';
import { EvaluationError } from '@marcbachmann/cel-js';

const IPV4 = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?:\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$/;

export class IPAddr {
  constructor(
    /** 4 or 16 bytes. */
    readonly bytes: Uint8Array,
    readonly text: string,
  ) {}

  get family(): 4 | 6 {
    return this.bytes.length === 4 ? 4 : 6;
  }

  equals(other: unknown): boolean {
    return other instanceof IPAddr && other.text === this.text;
  }

  toString(): string {
    return this.text;
  }

  static parse(raw: string): IPAddr {
    const addr = parseAddr(raw);
    if (!addr) throw new EvaluationError(`IP Address "${raw}" parse error during conversion from string`);
    return addr;
  }
}

function parseAddr(raw: string): IPAddr | undefined {
  if (IPV4.test(raw)) return new IPAddr(Uint8Array.from(raw.split('.').map(Number)), raw);
  if (raw.includes('%') || !isIPv6(raw)) return undefined;
  const canonical = new URL(`http://[${raw}]/`).hostname.slice(1, -1);
  const bytes = ipv6Bytes(canonical);
  // ::ffff:a.b.c.d is an IPv4 address in disguise; Kubernetes refuses it.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return undefined;
  return new IPAddr(bytes, canonical);
}

function ipv6Bytes(canonical: string): Uint8Array {
  const [head, tail] = canonical.includes('::') ? canonical.split('::') : [canonical, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  });
  return bytes;
}

function bytesToAddr(bytes: Uint8Array): IPAddr {
  if (bytes.length === 4) return new IPAddr(bytes, bytes.join('.'));
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return parseAddr(groups.join(':'))!;
}

export class CIDR {
  constructor(
    readonly addr: IPAddr,
    readonly prefix: number,
  ) {}

  equals(other: unknown): boolean {
    return other instanceof CIDR && other.addr.equals(this.addr) && other.prefix === this.prefix;
  }

  toString(): string {
    return `${this.addr.text}/${this.prefix}`;
  }

  static parse(raw: string): CIDR {
    const slash = raw.lastIndexOf('/');
    const addr = slash > 0 ? parseAddr(raw.slice(0, slash)) : undefined;
    const bits = raw.slice(slash + 1);
    const prefix = /^(0|[1-9][0-9]*)$/.test(bits) ? Number(bits) : NaN;
    if (!addr || !(prefix <= addr.bytes.length * 8)) {
      throw new EvaluationError(`network address parse error during conversion from string: "${raw}"`);
    }
    return new CIDR(addr, prefix);
  }

  contains(ip: IPAddr): boolean {
    if (ip.family !== this.addr.family) return false;
    return maskBytes(ip.bytes, this.prefix).every((b, i) => b === maskBytes(this.addr.bytes, this.prefix)[i]);
  }

  masked(): CIDR {
    return new CIDR(bytesToAddr(maskBytes(this.addr.bytes, this.prefix)), this.prefix);
  }
}

function maskBytes(bytes: Uint8Array, prefix: number): Uint8Array {
  return bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - bits)) & 0xff);
  });
}

const inPrefix = (ip: IPAddr, cidr: string) => CIDR.parse(cidr).contains(ip);

const isLoopback = (ip: IPAddr) => (ip.family === 4 ? ip.bytes[0] === 127 : ip.text === '::1');
const isUnspecified = (ip: IPAddr) => ip.bytes.every((b) => b === 0);
const isMulticast = (ip: IPAddr) => (ip.family === 4 ? inPrefix(ip, '224.0.0.0/4') : ip.bytes[0] === 0xff);
const isLinkLocalUnicast = (ip: IPAddr) => inPrefix(ip, ip.family === 4 ? '169.254.0.0/16' : 'fe80::/10');
const isLinkLocalMulticast = (ip: IPAddr) =>
  ip.family === 4 ? inPrefix(ip, '224.0.0.0/24') : ip.bytes[0] === 0xff && (ip.bytes[1]! & 0x0f) === 0x02;
const isGlobalUnicast = (ip: IPAddr) =>
  !isUnspecified(ip) &&
  !isLoopback(ip) &&
  !isMulticast(ip) &&
  !isLinkLocalUnicast(ip) &&
  !(ip.family === 4 && ip.bytes.every((b) => b === 255));

class IPNamespace {}

const asIP = (v: IPAddr | string) => (v instanceof IPAddr ? v : IPAddr.parse(v));
const asCIDR = (v: CIDR | string) => (v instanceof CIDR ? v : CIDR.parse(v));

export function registerIp(env: Environment): void {
  const IP = 'net.IP';
  const C = 'net.CIDR';
  env
    .registerType(IP, IPAddr)
    .registerType(C, CIDR)
    .registerType('IPNamespace', IPNamespace)
    .registerConstant('ip', 'IPNamespace', new IPNamespace())
    .registerFunction(`ip(string): ${IP}`, (s: string) => IPAddr.parse(s))
    .registerFunction('isIP(string): bool', (s: string) => parseAddr(s) !== undefined)
    .registerFunction('IPNamespace.isCanonical(string): bool', (_ns: unknown, s: string) => IPAddr.parse(s).text === s)
    .registerFunction(`string(${IP}): string`, (ip: IPAddr) => ip.text)
    .registerFunction(`${IP}.family(): int`, (ip: IPAddr) => BigInt(ip.family))
    .registerFunction(`${IP}.isUnspecified(): bool`, isUnspecified)
    .registerFunction(`${IP}.isLoopback(): bool`, isLoopback)
    .registerFunction(`${IP}.isLinkLocalMulticast(): bool`, isLinkLocalMulticast)
    .registerFunction(`${IP}.isLinkLocalUnicast(): bool`, isLinkLocalUnicast)
    .registerFunction(`${IP}.isGlobalUnicast(): bool`, isGlobalUnicast)
    .registerOperator(`${IP} == ${IP}`, (a: IPAddr, b: IPAddr) => a.equals(b))
    .registerFunction(`cidr(string): ${C}`, (s: string) => CIDR.parse(s))
    .registerFunction('isCIDR(string): bool', (s: string) => {
      try {
        CIDR.parse(s);
        return true;
      } catch {
        return false;
      }
    })
    .registerFunction(`string(${C}): string`, (c: CIDR) => c.toString())
    .registerFunction(`${C}.containsIP(${IP}): bool`, (c: CIDR, ip: IPAddr) => c.contains(asIP(ip)))
    .registerFunction(`${C}.containsIP(string): bool`, (c: CIDR, ip: string) => c.contains(asIP(ip)))
    .registerFunction(`${C}.containsCIDR(${C}): bool`, (c: CIDR, o: CIDR) => containsCidr(c, asCIDR(o)))
    .registerFunction(`${C}.containsCIDR(string): bool`, (c: CIDR, o: string) => containsCidr(c, asCIDR(o)))
    .registerFunction(`${C}.ip(): ${IP}`, (c: CIDR) => c.addr)
    .registerFunction(`${C}.masked(): ${C}`, (c: CIDR) => c.masked())
    .registerFunction(`${C}.prefixLength(): int`, (c: CIDR) => BigInt(c.prefix))
    .registerOperator(`${C} == ${C}`, (a: CIDR, b: CIDR) => a.equals(b));
}

function containsCidr(outer: CIDR, inner: CIDR): boolean {
  return inner.prefix >= outer.prefix && outer.contains(inner.addr);
}
