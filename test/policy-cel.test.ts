import { describe, expect, it } from 'vitest';
import { compileExpression, CompileError } from '../src/policy/cel/expression.js';
import { findAll, RegexSyntaxError, translateRe2 } from '../src/policy/cel/regex.js';
import { toCel } from '../src/policy/cel/values.js';

/** Compiles as a policy expression would be, and evaluates with the given bindings (JSON → CEL values). */
function run(expression: string, bindings: Record<string, unknown> = {}): unknown {
  const compiled = compileExpression(expression, { field: 'test', expected: 'any' });
  const activation: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(bindings)) activation[k] = toCel(v);
  return compiled.run(activation);
}

function failure(expression: string, bindings: Record<string, unknown> = {}): string {
  try {
    run(expression, bindings);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${expression} did not fail`);
}

const container = (securityContext: unknown) => ({ spec: { containers: [{ name: 'app', securityContext }] } });

describe('CEL values', () => {
  it('types integral JSON numbers as int, so division is integer division and type() says int', () => {
    const object = { spec: { replicas: 3, ratio: 0.5 } };
    expect(run('object.spec.replicas / 2', { object })).toBe(1n);
    expect(run('type(object.spec.replicas) == int', { object })).toBe(true);
    expect(run('type(object.spec.ratio) == double', { object })).toBe(true);
    expect(run('object.spec.replicas > 2.5 && object.spec.replicas == 3.0', { object })).toBe(true);
  });
});

describe('optional values as cel-go before v0.28 evaluates them', () => {
  const added = container({ capabilities: { add: ['NET_BIND_SERVICE'] } });

  it('returns a present non-optional receiver of orValue() unchanged (Kyverno policies rely on it)', () => {
    const expr = 'object.spec.containers[0].securityContext.capabilities.add.orValue([]).size() == 1';
    expect(run(expr, { object: added })).toBe(true);
  });

  it('still errs when the receiver itself is missing', () => {
    expect(
      failure('object.spec.containers[0].securityContext.capabilities.add.orValue([])', { object: container({}) }),
    ).toMatch(/No such key: capabilities/);
  });

  it('chains optional selection and orValue as usual', () => {
    expect(run('object.spec.?initContainers.orValue([]).size()', { object: added })).toBe(0n);
    expect(
      run("object.spec.containers[0].?securityContext.?capabilities.?drop.orValue(['none'])", { object: added }),
    ).toEqual(['none']);
    expect(run('optional.none().or(optional.of(2)).value()')).toBe(2n);
    expect(run("{'a': 1}[?'b'].orValue(7)")).toBe(7n);
  });

  it('keeps orValue() on a statically non-optional receiver a type error, as cel-go does', () => {
    expect(() => compileExpression('[1].orValue(2)', { field: 'f', expected: 'any' })).toThrow(CompileError);
  });
});

describe('strings extension', () => {
  it('replace() replaces all, or the first n, occurrences', () => {
    expect(run("'registry.example.com/app'.replace('.', '-')")).toBe('registry-example-com/app');
    expect(run("'a.b.c'.replace('.', '-', 1)")).toBe('a-b.c');
    expect(run("'abc'.replace('', '-')")).toBe('-a-b-c-');
    expect(run("'abc'.replace('x', '-', -1)")).toBe('abc');
  });

  it('format() prints %s %d %f %e %x and %% as cel-go does', () => {
    expect(run("'%s has %d replicas'.format([dyn('web'), 3])")).toBe('web has 3 replicas');
    expect(run("'%.2f%%'.format([12.345])")).toBe('12.35%');
    expect(run("'%e'.format([1234.5])")).toBe('1.234500e+03');
    expect(run("'%x/%X'.format([255, 255])")).toBe('ff/FF');
    expect(run("'%s'.format([[1, 2]])")).toBe('[1, 2]');
    expect(failure("'%d'.format(['x'])")).toMatch(/%d needs an int/);
    expect(failure("'%s %s'.format(['x'])")).toMatch(/too few arguments/);
  });

  it('charAt(), reverse() and strings.quote()', () => {
    expect(run("'héllo'.charAt(1)")).toBe('é');
    expect(run("'héllo'.charAt(5)")).toBe('');
    expect(run("'abc'.reverse()")).toBe('cba');
    expect(run("strings.quote('a\"b\\n')")).toBe('"a\\"b\\n"');
  });
});

describe('regular expressions (RE2 on RegExp)', () => {
  it('translates what differs and keeps what is the same', () => {
    expect(translateRe2('(?i)^abc$')).toEqual({ source: '^abc$', flags: 'i' });
    expect(translateRe2('(?P<tag>[a-z]+)')).toEqual({ source: '(?<tag>[a-z]+)', flags: '' });
    expect(translateRe2('[[:alpha:]]+')).toEqual({ source: '[A-Za-z]+', flags: '' });
    expect(translateRe2('\\Qa.b\\E')).toEqual({ source: 'a\\.b', flags: '' });
    expect(translateRe2('\\pL+')).toEqual({ source: '\\p{L}+', flags: 'u' });
  });

  it('rejects what RE2 rejects and what JavaScript cannot express', () => {
    expect(() => translateRe2('(?=x)')).toThrow(/look-around/);
    expect(() => translateRe2('(a)\\1')).toThrow(/backreference/);
    expect(() => translateRe2('a(?i)b')).toThrow(/only supported at the start/);
    expect(() => translateRe2('(?U)a+')).toThrow(RegexSyntaxError);
  });

  it('matches() takes RE2 flags and \\A / \\z', () => {
    expect(run("'ABC'.matches('(?i)^abc$')")).toBe(true);
    expect(run("matches('line1\\nline2', '(?m)^line2$')")).toBe(true);
    expect(run("'ab\\n'.matches('b\\\\z')")).toBe(false);
    expect(run("'ab'.matches('\\\\Aa')")).toBe(true);
    expect(run('object.image.matches("^nginx")', { object: { image: 'nginx:1' } })).toBe(true);
  });

  it('reports an invalid pattern as a compile error when it is a literal, at evaluation otherwise', () => {
    expect(() => compileExpression("object.name.matches('(?=x)')", { field: 'f', expected: 'bool' })).toThrow(
      /invalid regular expression "\(\?=x\)": look-around/,
    );
    expect(failure('object.name.matches(object.pattern)', { object: { name: 'a', pattern: '[' } })).toMatch(
      /invalid regular expression/,
    );
  });

  it('find() and findAll() as the Kubernetes regex library', () => {
    expect(run("'abc 123 456'.find('[0-9]+')")).toBe('123');
    expect(run("'abc'.find('[0-9]+')")).toBe('');
    expect(run("'123 abc 456'.findAll('[0-9]+')")).toEqual(['123', '456']);
    expect(run("'123 abc 456'.findAll('[0-9]+', 1)")).toEqual(['123']);
    expect(findAll('ab', 'x*')).toEqual(['', '', '']);
  });
});

describe('Kubernetes libraries', () => {
  it('quantity: parses every suffix exactly and compares across them', () => {
    expect(run("quantity('1Gi').compareTo(quantity('1024Mi'))")).toBe(0n);
    expect(run("quantity('500m').isLessThan(quantity('1'))")).toBe(true);
    expect(run("quantity('1.5G').asInteger()")).toBe(1_500_000_000n);
    expect(run("quantity('200M').compareTo(quantity('0.2G'))")).toBe(0n);
    expect(run("quantity('50M').compareTo(quantity('50Mi'))")).toBe(-1n);
    expect(run("quantity('50k').add(20).sub(quantity('100k')).sub(-50000) == quantity('20')")).toBe(true);
    expect(run("quantity('1e3').asInteger()")).toBe(1000n);
    expect(run("quantity('-1').sign()")).toBe(-1n);
    expect(run("quantity('50000000G').isInteger()")).toBe(true);
    expect(run("quantity('9999999999999999999999999999999999999G').isInteger()")).toBe(false);
    expect(run("quantity('100m').asApproximateFloat()")).toBeCloseTo(0.1);
    for (const bad of ['200K', 'Mi', '1,3G', 'Three']) expect(run(`isQuantity('${bad}')`)).toBe(false);
    expect(failure("quantity('200K')")).toMatch(/suffix/);
  });

  it('url: parts of absolute URLs and absolute paths', () => {
    expect(run("url('https://example.com:80/path?k1=a&k2=b&k2=c').getQuery()")).toEqual({ k1: ['a'], k2: ['b', 'c'] });
    expect(run("url('https://[::1]:80/').getHost()")).toBe('[::1]:80');
    expect(run("url('https://[::1]:80/').getHostname()")).toBe('::1');
    expect(run("url('https://example.com:80/').getPort()")).toBe('80');
    expect(run("url('https://example.com/').getPort()")).toBe('');
    expect(run("url('https://example.com').getEscapedPath()")).toBe('');
    expect(run("url('https://example.com/path with spaces/').getEscapedPath()")).toBe('/path%20with%20spaces/');
    expect(run("url('/path').getScheme()")).toBe('');
    expect(run("url('https://Example.COM:443/a').getHost()")).toBe('Example.COM:443');
    expect(run("url('mailto:team@example.com').getEscapedPath()")).toBe('');
    expect(run("isURL('/path\\twith-a-tab')")).toBe(false);
    expect(run("isURL('../relative-path')")).toBe(false);
    expect(run("isURL('https://a:b:c/')")).toBe(false);
  });

  it('ip and cidr: families, kinds of address, containment, canonical forms', () => {
    expect(run("ip('127.0.0.1').family() == 4 && ip('::1').family() == 6")).toBe(true);
    expect(run("isIP('127.0.0.256') || isIP(':::1') || isIP('01.2.3.4') || isIP('::ffff:1.2.3.4')")).toBe(false);
    expect(run("ip('127.0.0.1').isLoopback() && ip('::1').isLoopback()")).toBe(true);
    expect(run("ip('169.254.169.254').isLinkLocalUnicast() && ip('fe80::1').isLinkLocalUnicast()")).toBe(true);
    expect(run("ip('224.0.0.1').isLinkLocalMulticast() && !ip('224.0.1.1').isLinkLocalMulticast()")).toBe(true);
    expect(run("ip('192.168.0.1').isGlobalUnicast() && !ip('255.255.255.255').isGlobalUnicast()")).toBe(true);
    expect(run("ip.isCanonical('2001:db8::abcd') && !ip.isCanonical('2001:DB8::ABCD')")).toBe(true);
    expect(
      run("cidr('192.168.0.0/24').containsIP('192.168.0.1') && !cidr('192.168.0.0/24').containsIP(ip('192.168.1.1'))"),
    ).toBe(true);
    expect(run("cidr('192.168.0.0/16').containsCIDR('192.168.10.0/24')")).toBe(true);
    expect(run("cidr('192.168.0.1/24').masked() == cidr('192.168.0.0/24')")).toBe(true);
    expect(run("cidr('::1/128').prefixLength()")).toBe(128n);
    expect(run("string(cidr('10.0.0.0/8').ip())")).toBe('10.0.0.0');
    expect(run("isCIDR('192.168.0.0/33')")).toBe(false);
  });

  it('sets and lists', () => {
    expect(run('sets.contains([1, 2, 3], [3, 1]) && !sets.contains([1], [2])')).toBe(true);
    expect(run('sets.equivalent([1, 2, 2], [2, 1]) && sets.intersects([1, 2], [2, 5])')).toBe(true);
    expect(run('[1, 2, 3].isSorted() && !["b", "a"].isSorted()')).toBe(true);
    expect(run('[1, 3].sum() + [1, 3].min() + [1, 3].max()')).toBe(8n);
    expect(run('[1, 2, 2, 3].indexOf(2) + [1, 2, 2, 3].lastIndexOf(2)')).toBe(3n);
    expect(run('[[1], [2, [3]]].flatten()')).toEqual([1n, 2n, [3n]]);
    expect(run('[3, 1, 2].sort().reverse().slice(0, 2)')).toEqual([3n, 2n]);
    expect(run('lists.range(3).distinct()')).toEqual([0n, 1n, 2n]);
    expect(run('[].first().hasValue()')).toBe(false);
    expect(failure('[].min()')).toMatch(/empty/);
  });

  it('format: named formats validate as the API server does', () => {
    expect(run("format.dns1123Label().validate('my-name').hasValue()")).toBe(false);
    expect(run("format.dns1123Label().validate('My_Name').value()[0]")).toMatch(/lowercase RFC 1123 label/);
    expect(run("format.named('dns1123Subdomain').value().validate('apiextensions.k8s.io').hasValue()")).toBe(false);
    expect(run("format.named('nope').hasValue()")).toBe(false);
    expect(run("format.qualifiedName().validate('example.com/MyName').hasValue()")).toBe(false);
    expect(run("format.uuid().validate('123e4567-e89b-12d3-a456-426614174000').hasValue()")).toBe(false);
    expect(run("format.date().validate('2021-02-30').hasValue()")).toBe(true);
    expect(run("format.labelValue().validate('').hasValue()")).toBe(false);
  });

  it('semver', () => {
    expect(run("semver('1.2.3').isLessThan(semver('1.10.0'))")).toBe(true);
    expect(run("semver('1.0.0-alpha').isLessThan(semver('1.0.0'))")).toBe(true);
    expect(run("isSemver('v1.2') || !isSemver('v1.2', true)")).toBe(false);
    expect(run("semver('v1.2', true).minor()")).toBe(2n);
  });
});

describe('compiling expressions', () => {
  const compile = (text: string, expected: 'bool' | 'string' | 'any' = 'bool', variables?: string[]) =>
    compileExpression(text, {
      field: 'spec.validations[0].expression',
      expected,
      variables: variables && new Set(variables),
    });

  it('names the problem: syntax, unknown variable or function, type errors', () => {
    expect(() => compile('object.spec.replicas <')).toThrow(/syntax error/);
    expect(() => compile('objekt.spec.replicas > 1')).toThrow(/Unknown variable: objekt/);
    expect(() => compile('sizeOf(object.spec) > 1')).toThrow(/no matching overload for 'sizeOf/);
    expect(() => compile("1 + 'a' == 2")).toThrow(/no such overload: int \+ string/);
    expect(() => compile("'x' + 'y'")).toThrow(/must evaluate to bool, but evaluates to string/);
    expect(() => compile('variables.later', 'any', ['earlier'])).toThrow(/undefined variable: variables.later/);
    expect(() => compile("resource.Get('v1', 'pods', 'ns', 'x') != null")).toThrow(
      /resource library .*not available offline/,
    );
  });

  it('accepts dynamic expressions and leaves authorizer to fail at evaluation', () => {
    expect(compile('object.spec.replicas > 1').field).toBe('spec.validations[0].expression');
    const authz = compile("authorizer.group('apps').resource('deployments').check('create').allowed()");
    expect(() => authz.run({})).toThrow(/authorizer is not available/);
  });
});
