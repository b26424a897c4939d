// The `envgate` command: dispatch, help, and the one place where errors become exit codes and one-line messages.
import { checkCommand } from './commands/check.js';
import { EXIT, InputError, UsageError, type CliIO, type Command } from './commands/command.js';
import { demoCommand } from './commands/demo.js';
import { createDiffCommand } from './commands/diff.js';
import { renderCommand } from './commands/render.js';
import { renderRoot } from './render/index.js';
import { policyTestCommand } from './commands/policy-test.js';
import { serveCommand } from './commands/serve.js';
import { validateCommand } from './commands/validate.js';
import { GitError } from './git/local.js';

export const COMMANDS: readonly Command[] = [
  checkCommand,
  createDiffCommand(renderRoot),
  renderCommand,
  validateCommand,
  policyTestCommand,
  demoCommand,
  serveCommand,
];

const USAGE = () => `envgate: a pull-request gate for GitOps repositories

Usage: envgate <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(14)}${c.summary}`).join('\n')}

Run \`envgate <command> --help\` for a command's options.
Exit codes: 0 passed, 1 the gate fails, 2 usage, config or internal error.
`;

function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  for (const command of COMMANDS) {
    const words = command.name.split(' ');
    if (words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout.write(USAGE());
    return argv.length === 0 ? EXIT.error : EXIT.passed;
  }
  const found = findCommand(argv);
  if (!found) {
    io.stderr.write(`envgate: unknown command "${argv.join(' ')}". Run envgate --help for the list.\n`);
    return EXIT.error;
  }
  const { command, rest } = found;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`Usage: ${command.usage}\n`);
    return EXIT.passed;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`envgate ${command.name}: ${error.message}. Run envgate ${command.name} --help for usage.\n`);
    } else if (error instanceof InputError || error instanceof GitError) {
      io.stderr.write(`envgate ${command.name}: ${error.message}\n`);
    } else {
      // Never a stack trace to the user unless they ask for one.
      const message = error instanceof Error ? error.message : String(error);
      io.stderr.write(`envgate ${command.name}: internal error: ${message.split('\n')[0]}\n`);
      if (io.env.ENVGATE_DEBUG) io.stderr.write(`${(error as Error).stack ?? ''}\n`);
    }
    return EXIT.error;
  }
}

function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}
