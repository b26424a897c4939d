// RE2 (the regular expressions of CEL's `matches`, Kubernetes' `find`/`findAll`) on JavaScript's RegExp.
// Most RE2 syntax means the same in both. What differs is translated: leading flag groups `(?i)`, `(?s)`,
// `(?m)` become RegExp flags, `(?P<name>…)` becomes `(?<name>…)`, `\A` and `\z` become exact lookarounds, POSIX
// classes `[[:alpha:]]` become ranges, `\Q…\E` is quoted, `\pL` becomes `\p{L}` (with the `u` flag). What RE2
// rejects (look-around, backreferences) is rejected here too, so a policy that passes here does not break in a
// cluster. What cannot be translated (a flag group in the middle, `(?U)`, negated POSIX classes) is an error
// that says so, never a silently different match.

export class RegexSyntaxError extends Error {
  override name = 'RegexSyntaxError';
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const escapeLiteral = (text: string) => text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

export interface TranslatedRegex {
  source: string;
  flags: string;
}

/** RE2 pattern → RegExp source and flags. Throws RegexSyntaxError for what RE2 rejects or JS cannot express. */
export function translateRe2(pattern: string): TranslatedRegex {
  let flags = '';
  let rest = pattern;
  // Leading flag groups apply to the whole pattern: the only place JavaScript can take them.
  for (let m = /^\(\?([imsU]+)\)/.exec(rest); m; m = /^\(\?([imsU]+)\)/.exec(rest)) {
    for (const f of m[1]!) {
      if (f === 'U') throw new RegexSyntaxError('the RE2 flag (?U) (ungreedy) has no JavaScript equivalent');
      if (!flags.includes(f)) flags += f;
    }
    rest = rest.slice(m[0].length);
  }
  let out = '';
  let inClass = false;
  let unicode = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (c === '\\') {
      const next = rest[i + 1];
      if (next === undefined) throw new RegexSyntaxError('trailing backslash');
      if (next === 'Q') {
        const end = rest.indexOf('\\E', i + 2);
        const literal = rest.slice(i + 2, end === -1 ? undefined : end);
        out += escapeLiteral(literal);
        i = end === -1 ? rest.length : end + 1;
        continue;
      }
      if (!inClass && next === 'A') {
        out += '(?<![\\s\\S])';
        i++;
        continue;
      }
      if (!inClass && next === 'z') {
        out += '(?![\\s\\S])';
        i++;
        continue;
      }
      if (/[1-9]/.test(next)) throw new RegexSyntaxError(`backreference \\${next} is not RE2 syntax`);
      if (next === 'p' || next === 'P') {
        unicode = true;
        if (rest[i + 2] === '{') {
          const end = rest.indexOf('}', i + 3);
          if (end === -1) throw new RegexSyntaxError('unterminated \\p{…}');
          out += `\\${next}{${rest.slice(i + 3, end)}}`;
          i = end;
        } else {
          const cls = rest[i + 2];
          if (!cls) throw new RegexSyntaxError('\\p needs a class name');
          out += `\\${next}{${cls}}`;
          i += 2;
        }
        continue;
      }
      if (next === 'x' && rest[i + 2] === '{') {
        const end = rest.indexOf('}', i + 3);
        if (end === -1) throw new RegexSyntaxError('unterminated \\x{…}');
        unicode = true;
        out += `\\u{${rest.slice(i + 3, end)}}`;
        i = end;
        continue;
      }
      if (next === 'C') throw new RegexSyntaxError('\\C (any byte) has no JavaScript equivalent');
      if (next === 'Z') throw new RegexSyntaxError('\\Z is not RE2 syntax (use \\z or $)');
      // RE2 lets any punctuation be escaped; JavaScript (without `u`) agrees.
      out += c + next;
      i++;
      continue;
    }
    if (inClass) {
      if (c === '[' && rest[i + 1] === ':') {
        const end = rest.indexOf(':]', i + 2);
        if (end !== -1) {
          let name = rest.slice(i + 2, end);
          if (name.startsWith('^')) throw new RegexSyntaxError(`negated POSIX class [:${name}:] is not supported`);
          const range = POSIX_CLASSES[name];
          if (!range) throw new RegexSyntaxError(`unknown POSIX class [:${name}:]`);
          name = range;
          out += name;
          i = end + 1;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A `]` right after `[` or `[^` is a literal in RE2, and must be escaped in JavaScript.
      if (rest[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (rest[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (c === '(' && rest[i + 1] === '?') {
      const tail = rest.slice(i + 2);
      if (tail.startsWith('P<')) {
        out += '(?<';
        i += 3;
        continue;
      }
      if (/^(=|!|<=|<!)/.test(tail)) throw new RegexSyntaxError('look-around assertions are not RE2 syntax');
      if (/^[imsU-]+[:)]/.test(tail)) {
        throw new RegexSyntaxError('RE2 flag groups are only supported at the start of the pattern');
      }
    }
    out += c;
  }
  if (inClass) throw new RegexSyntaxError('missing closing ]');
  if (unicode) flags += 'u';
  return { source: out, flags };
}

const cache = new Map<string, RegExp>();
const CACHE_LIMIT = 2000;

/** The RegExp for an RE2 pattern, compiled once. Throws RegexSyntaxError with the reason. */
export function re2(pattern: string, global = false): RegExp {
  const key = global ? `g\u0000${pattern}` : pattern;
  let regex = cache.get(key);
  if (regex) {
    regex.lastIndex = 0;
    return regex;
  }
  const { source, flags } = translateRe2(pattern);
  try {
    regex = new RegExp(source, global ? `${flags}g` : flags);
  } catch (error) {
    throw new RegexSyntaxError((error as Error).message.replace(/^Invalid regular expression: /, ''));
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, regex);
  return regex;
}

/** RE2 FindAllString: successive non-overlapping matches; an empty match right after a match is skipped. */
export function findAll(text: string, pattern: string, limit = -1): string[] {
  const regex = re2(pattern, true);
  const found: string[] = [];
  let previousEnd = -1;
  for (const m of text.matchAll(regex)) {
    if (limit >= 0 && found.length >= limit) break;
    if (m[0] === '' && m.index === previousEnd) continue;
    found.push(m[0]);
    previousEnd = m.index + m[0].length;
  }
  return found;
}
