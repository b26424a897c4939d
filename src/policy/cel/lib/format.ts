// Kubernetes' format library (1.31+): the named string formats of the API (DNS labels and subdomains, qualified
// names, label values, URI, UUID, base64, date, datetime). `format.dns1123Label().validate(s)` is optional.none()
// when `s` is valid, else the list of reasons, worded as the API server words them.
import type { Environment } from '@marcbachmann/cel-js';
import { Optional } from '@marcbachmann/cel-js';
import { KubeURL } from './url.js';

type Check = (s: string) => string[];

const regexError = (what: string, regex: string, ...examples: string[]) =>
  `${what} (e.g. ${examples.map((e) => `'${e}'`).join(',  or ')}, regex used for validation is '${regex}')`;

function pattern(source: string, max: number, message: string): Check {
  const regex = new RegExp(`^${source}$`);
  return (s) => {
    const errors: string[] = [];
    if (s.length > max) errors.push(`must be no more than ${max} characters`);
    if (!regex.test(s)) errors.push(message);
    return errors;
  };
}

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
const DNS1035 = '[a-z]([-a-z0-9]*[a-z0-9])?';
const QUALIFIED = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';

const dns1123Label = pattern(
  LABEL,
  63,
  regexError(
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
    LABEL,
    'my-name',
    '123-abc',
  ),
);
const dns1123Subdomain = pattern(
  SUBDOMAIN,
  253,
  regexError(
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
    SUBDOMAIN,
    'example.com',
  ),
);
const dns1035Label = pattern(
  DNS1035,
  63,
  regexError(
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
    DNS1035,
    'my-name',
    'abc-123',
  ),
);
const labelValue = pattern(
  `(${QUALIFIED})?`,
  63,
  regexError(
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    `(${QUALIFIED})?`,
    'MyValue',
    'my_value',
    '12345',
  ),
);

const qualifiedName: Check = (s) => {
  const parts = s.split('/');
  if (parts.length > 2) {
    return [
      regexError(
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        QUALIFIED,
        'MyName',
        'my.name',
        '123-abc',
      ) + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]!];
  const errors: string[] = [];
  if (prefix !== undefined) {
    if (prefix === '') errors.push('prefix part must be non-empty');
    else errors.push(...dns1123Subdomain(prefix).map((e) => `prefix part ${e}`));
  }
  if (name === '') errors.push('name part must be non-empty');
  else if (name!.length > 63) errors.push('name part must be no more than 63 characters');
  if (name !== '' && !new RegExp(`^${QUALIFIED}$`).test(name!)) {
    errors.push(
      `name part ${regexError("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character", QUALIFIED, 'MyName', 'my.name', '123-abc')}`,
    );
  }
  return errors;
};

/** generateName prefixes: a trailing dash is fine, the rest must be valid. */
const prefixed =
  (check: Check): Check =>
  (s) =>
    check(s.endsWith('-') ? `${s.slice(0, -1)}a` : s);

const FORMATS: Record<string, Check> = {
  dns1123Label,
  dns1123Subdomain,
  dns1035Label,
  qualifiedName,
  dns1123LabelPrefix: prefixed(dns1123Label),
  dns1123SubdomainPrefix: prefixed(dns1123Subdomain),
  dns1035LabelPrefix: prefixed(dns1035Label),
  labelValue,
  uri: (s) => {
    try {
      KubeURL.parse(s);
      return [];
    } catch {
      return ['invalid URI'];
    }
  },
  uuid: (s) =>
    /^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$/.test(s)
      ? []
      : ['does not match the UUID format'],
  byte: (s) => (/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s) ? [] : ['invalid base64']),
  date: (s) => (isDate(s) ? [] : ['invalid date']),
  datetime: (s) =>
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) && isDate(s.slice(0, 10))
      ? []
      : ['invalid datetime'],
};

function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export class NamedFormat {
  constructor(
    readonly name: string,
    readonly check: Check,
  ) {}

  equals(other: unknown): boolean {
    return other instanceof NamedFormat && other.name === this.name;
  }
}

class FormatNamespace {}

export function registerFormat(env: Environment): void {
  const F = 'kubernetes.NamedFormat';
  env
    .registerType(F, NamedFormat)
    .registerType('FormatNamespace', FormatNamespace)
    .registerConstant('format', 'FormatNamespace', new FormatNamespace())
    .registerFunction(`FormatNamespace.named(string): optional<${F}>`, (_ns: unknown, name: string) =>
      FORMATS[name] ? Optional.of(new NamedFormat(name, FORMATS[name])) : Optional.none(),
    )
    .registerFunction(`${F}.validate(string): optional<list<string>>`, (f: NamedFormat, s: string) => {
      const errors = f.check(s);
      return errors.length > 0 ? Optional.of(errors) : Optional.none();
    });
  for (const [name, check] of Object.entries(FORMATS)) {
    env.registerFunction(`FormatNamespace.${name}(): ${F}`, () => new NamedFormat(name, check));
  }
}
