// Where @marcbachmann/cel-js differs from the cel-go that Kubernetes and Kyverno run, in ways real policies
// notice, replaced by our own implementations:
//
// - `.orValue(v)` / `.or(o)` on a value that is not optional. cel-go before v0.28 (the Kubernetes 1.3x and
//   Kyverno 1.14–1.15 releases policies were written against) returns the receiver unchanged; the CEL library
//   throws. Kyverno's published policies rely on the old behaviour (`c.securityContext.capabilities.add
//   .orValue([])`), so we keep it. A statically non-optional receiver (`[1].orValue(2)`) stays a type error.
// - `.matches(re)`: RE2 semantics on JavaScript's RegExp (see regex.ts), compiled once per pattern.
//
// The CEL library resolves a method macro by name and arity at parse time and takes the last one registered,
// so a macro registered on a receiver type nobody calls it on (`bytes`, `list`) replaces the built-in for every
// receiver; its type check then decides which receivers are allowed.
import type { Environment } from '@marcbachmann/cel-js';
import { EvaluationError, Optional } from '@marcbachmann/cel-js';
import { re2, RegexSyntaxError } from '../regex.js';

/** The parts of the CEL library's macro interface we use (untyped in its declarations). */
interface CelType {
  kind: string;
  name: string;
  valueType?: CelType;
  hasDynType?: boolean;
  unify(registry: unknown, other: CelType): CelType | undefined;
}
interface Checker {
  registry: unknown;
  dynType: CelType;
  boolType: CelType;
  stringType: CelType;
  check(node: unknown, ctx: unknown): CelType;
  getType(name: string): CelType;
  createError(code: string, message: string, node: unknown): Error;
}
interface Evaluator {
  run(node: unknown, ctx: unknown): unknown;
}
interface MacroInput {
  ast: unknown;
  args: unknown[];
  receiver: unknown;
}

const isDynLike = (t: CelType) => t.kind === 'dyn' || t.name === 'dyn';

function lenientOptionalMacro(name: 'orValue' | 'or') {
  return ({ ast, args, receiver }: MacroInput) => ({
    ast,
    receiver,
    arg: args[0],
    typeCheck(chk: Checker, macro: { receiver: unknown; arg: unknown; ast: unknown }, ctx: unknown): CelType {
      const receiverType = chk.check(macro.receiver, ctx);
      const argType = chk.check(macro.arg, ctx);
      if (receiverType.kind === 'optional') {
        if (name === 'or') return receiverType.unify(chk.registry, argType) ?? chk.getType('optional');
        return receiverType.valueType!.unify(chk.registry, argType) ?? chk.dynType;
      }
      if (isDynLike(receiverType)) return name === 'or' ? argType : chk.dynType;
      throw chk.createError(
        'no_matching_overload',
        `found no matching overload for '${receiverType.name}.${name}(${argType.name})'`,
        macro.ast,
      );
    },
    evaluate(ev: Evaluator, macro: { receiver: unknown; arg: unknown }, ctx: unknown): unknown {
      const value = ev.run(macro.receiver, ctx);
      if (!(value instanceof Optional)) return value; // cel-go < 0.28: a plain value is its own default
      if (value.hasValue()) return name === 'or' ? value : value.value();
      const fallback = ev.run(macro.arg, ctx);
      if (name === 'or' && !(fallback instanceof Optional)) {
        throw new EvaluationError('optional.or(optional) argument must be optional');
      }
      return fallback;
    },
  });
}

export function regexFor(pattern: string): RegExp {
  try {
    return re2(pattern);
  } catch (error) {
    if (error instanceof RegexSyntaxError) {
      throw new EvaluationError(`invalid regular expression ${JSON.stringify(pattern)}: ${error.message}`);
    }
    throw error;
  }
}

const matchesMacro = ({ ast, args, receiver }: MacroInput) => ({
  ast,
  receiver,
  arg: args[0],
  typeCheck(chk: Checker, macro: { receiver: unknown; arg: unknown; ast: unknown }, ctx: unknown): CelType {
    const receiverType = chk.check(macro.receiver, ctx);
    const argType = chk.check(macro.arg, ctx);
    const ok = (t: CelType) => t.name === 'string' || isDynLike(t);
    if (!ok(receiverType) || !ok(argType)) {
      throw chk.createError(
        'no_matching_overload',
        `found no matching overload for '${receiverType.name}.matches(${argType.name})'`,
        macro.ast,
      );
    }
    return chk.boolType;
  },
  evaluate(ev: Evaluator, macro: { receiver: unknown; arg: unknown }, ctx: unknown): boolean {
    const text = ev.run(macro.receiver, ctx);
    const pattern = ev.run(macro.arg, ctx);
    if (typeof text !== 'string' || typeof pattern !== 'string') {
      throw new EvaluationError(`no such overload: matches on ${typeof text} with ${typeof pattern}`);
    }
    return regexFor(pattern).test(text);
  },
});

export function registerCompat(env: Environment): void {
  env
    .registerFunction('list.orValue(ast): dyn', lenientOptionalMacro('orValue'))
    .registerFunction('list.or(ast): dyn', lenientOptionalMacro('or'))
    .registerFunction('bytes.matches(ast): bool', matchesMacro)
    .registerFunction('matches(string, string): bool', (text: string, pattern: string) => regexFor(pattern).test(text));
}
