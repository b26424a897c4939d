// Slash commands in PR comments: `/approve`, `/approve prod`, `/reject`, `/break-glass <reason>`, `/envgate rerun`.
// A command is a line of its own; quoted lines (`> /approve`) and code blocks are text, not commands, so quoting
// someone's approval never approves. Nothing here depends on a platform.

export type Command =
  | { kind: 'approve' | 'reject'; scope?: string[] }
  | { kind: 'break-glass'; reason: string }
  | { kind: 'rerun' };

const COMMAND_LINE = /^\/(approve|reject|break-glass|envgate)(?=\s|$)[ \t]*(.*)$/i;
const FENCE = /^(`{3,}|~{3,})/;

export function parseCommands(body: string): Command[] {
  const commands: Command[] = [];
  let fence: string | undefined;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const opening = FENCE.exec(line)?.[1];
    if (opening) {
      if (fence === undefined) fence = opening[0]!;
      else if (opening[0] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const match = COMMAND_LINE.exec(line);
    if (!match) continue;
    const word = match[1]!.toLowerCase();
    const rest = match[2]!.trim();
    if (word === 'approve' || word === 'reject') {
      const scope = rest.split(/[\s,]+/).filter(Boolean);
      commands.push(scope.length > 0 ? { kind: word, scope } : { kind: word });
    } else if (word === 'break-glass') {
      commands.push({ kind: 'break-glass', reason: rest });
    } else if (/^rerun$/i.test(rest)) {
      commands.push({ kind: 'rerun' });
    }
  }
  return commands;
}

export function hasCommand(body: string | null | undefined): boolean {
  return parseCommands(body ?? '').length > 0;
}
