// Slash commands in pull request comments: `/approve`, `/approve prod`, `/reject`, `/break-glass <reason>`. A command
// is a line of its own; quoted lines (`> /approve`) and fenced code are text, so quoting someone's approval never
// approves. Same grammar as on GitHub, so one habit works on both platforms.

export type Command = { kind: 'approve' | 'reject'; scope?: string[] } | { kind: 'break-glass'; reason: string };

const COMMAND_LINE = /^\/(approve|reject|break-glass)(?=\s|$)[ \t]*(.*)$/i;
const FENCE = /^(`{3,}|~{3,})/;

export function parseCommands(body: string): Command[] {
  const commands: Command[] = [];
  let fence: string | undefined;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    const opening = FENCE.exec(line)?.[1];
    if (opening) {
      if (fence === undefined) fence = opening[0];
      else if (opening[0] === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;
    const match = COMMAND_LINE.exec(line);
    if (!match) continue;
    const word = match[1]!.toLowerCase();
    const rest = match[2]!.trim();
    if (word === 'break-glass') {
      commands.push({ kind: 'break-glass', reason: rest });
    } else {
      const scope = rest.split(/[\s,]+/).filter(Boolean);
      const kind = word === 'approve' ? 'approve' : 'reject';
      commands.push(scope.length > 0 ? { kind, scope } : { kind });
    }
  }
  return commands;
}
