// One policy expression, compiled: parsed and type-checked in the policy environment, with the checks the
// API server makes at policy creation (variables defined before use, regex literals that compile, a bool
// where a bool is needed) so a broken policy is reported before any object is evaluated.
import { policyEnvironment } from './environment.js';
import { RegexSyntaxError, translateRe2 } from './regex.js';

export type ExpectedType = 'bool' | 'string' | 'any';

export interface CompiledExpression {
  /** Where it is in the policy: `spec.validations[0].expression`. */
  readonly field: string;
  readonly text: string;
  /** Throws (EvaluationError or ExpressionError) when the expression cannot be evaluated. */
  run(activation: Record<string, unknown>): unknown;
}

/** A problem that is the policy's, found at compile time. */
export class CompileError extends Error {
  override name = 'CompileError';
  constructor(
    readonly field: string,
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** An evaluation problem envgate raises itself (as opposed to the CEL library). */
export class ExpressionError extends Error {
  override name = 'ExpressionError';
}

/** Identifiers Kyverno binds to cluster access: they cannot work in a pull request. */
const CLUSTER_LIBRARIES: Record<string, string> = {
  resource: "Kyverno's resource library (reads the cluster)",
  http: "Kyverno's http library (calls services)",
  globalContext: "Kyverno's globalContext library (reads cached cluster data)",
  imageData: "Kyverno's imageData library (reads registries)",
  image: "Kyverno's image library",
};

interface Node {
  op: string;
  args: unknown;
}

const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && 'op' in v && 'args' in v;

function* walk(node: unknown): Iterable<Node> {
  if (Array.isArray(node)) {
    for (const child of node) yield* walk(child);
    return;
  }
  if (!isNode(node)) return;
  yield node;
  if (node.op === 'value' || node.op === 'id') return;
  yield* walk(node.args);
}

/** `summary` is the CEL library's one-line message; `message` adds a source excerpt over several lines. */
export function errorSummary(error: unknown): string {
  if (error && typeof error === 'object' && 'summary' in error && typeof error.summary === 'string') {
    return error.summary;
  }
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}

function checkAst(ast: unknown, field: string, text: string, earlier: ReadonlySet<string> | undefined): void {
  for (const node of walk(ast)) {
    if ((node.op === '.' || node.op === '.?') && Array.isArray(node.args)) {
      const [left, name] = node.args as [unknown, string];
      if (earlier && isNode(left) && left.op === 'id' && left.args === 'variables' && !earlier.has(name)) {
        throw new CompileError(field, text, `undefined variable: variables.${name}`);
      }
    }
    const regexArg =
      node.op === 'rcall' && ['matches', 'find', 'findAll'].includes((node.args as unknown[])[0] as string)
        ? ((node.args as unknown[])[2] as unknown[])[0]
        : node.op === 'call' && (node.args as unknown[])[0] === 'matches'
          ? ((node.args as unknown[])[1] as unknown[])[1]
          : undefined;
    if (isNode(regexArg) && regexArg.op === 'value' && typeof regexArg.args === 'string') {
      try {
        const { source, flags } = translateRe2(regexArg.args);
        new RegExp(source, flags);
      } catch (error) {
        const why = error instanceof RegexSyntaxError ? error.message : errorSummary(error);
        throw new CompileError(field, text, `invalid regular expression ${JSON.stringify(regexArg.args)}: ${why}`);
      }
    }
  }
}

const usesIdentifier = (ast: unknown, name: string) => [...walk(ast)].some((n) => n.op === 'id' && n.args === name);

export interface CompileOptions {
  field: string;
  expected: ExpectedType;
  /** Variable names this expression may use (`variables.x`); undefined = do not check. */
  variables?: ReadonlySet<string>;
}

export function compileExpression(text: string, options: CompileOptions): CompiledExpression {
  const { field, expected } = options;
  const env = policyEnvironment();
  let parsed: ReturnType<typeof env.parse>;
  try {
    parsed = env.parse(text);
  } catch (error) {
    throw new CompileError(field, text, `syntax error: ${errorSummary(error)}`);
  }
  checkAst(parsed.ast, field, text, options.variables);
  if (usesIdentifier(parsed.ast, 'authorizer')) {
    // The API server's authorizer answers "may this user do that"; a pull request has no such user.
    return {
      field,
      text,
      run() {
        throw new ExpressionError(
          'authorizer is not available: envgate evaluates policies before changes reach a cluster, so authorization checks cannot run',
        );
      },
    };
  }
  const checked = parsed.check();
  if (!checked.valid) {
    const summary = errorSummary(checked.error);
    const unknown = /^Unknown variable: (\w+)/.exec(summary)?.[1];
    const hint = unknown && CLUSTER_LIBRARIES[unknown] ? ` (${CLUSTER_LIBRARIES[unknown]}: not available offline)` : '';
    throw new CompileError(field, text, `${summary}${hint}`);
  }
  const type = checked.type ?? 'dyn';
  if (expected !== 'any' && type !== expected && type !== 'dyn') {
    throw new CompileError(field, text, `must evaluate to ${expected}, but evaluates to ${type}`);
  }
  const run = parsed as unknown as (activation: Record<string, unknown>) => unknown;
  return { field, text, run };
}
