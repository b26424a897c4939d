// What every CLI command shares: its help text, its argument parsing, and the errors that end in exit code 2.
import { parseArgs, type ParseArgsConfig } from 'node:util';

export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  cwd: string;
  env: Record<string, string | undefined>;
}

export interface Command {
  /** `check`, or two words for grouped commands: `policy test`. */
  name: string;
  summary: string;
  usage: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** Wrong or missing arguments: exit 2 with the message and a pointer to --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A problem the user can fix (unreadable file, invalid config): exit 2 with the message alone. */
export class InputError extends Error {
  override name = 'InputError';
}

export const EXIT = { passed: 0, gateFailed: 1, error: 2 } as const;

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs with its errors turned into UsageErrors, and `--help` recognised everywhere. */
export function parseCommandArgs<T extends Options>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/, ''));
  }
}

export function requireOption(value: string | undefined, name: string): string {
  if (value === undefined || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  name: string,
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(', ')} (got "${value}")`);
  }
  return value as T;
}
