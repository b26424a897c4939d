// A unified diff of two YAML texts for people: a few lines of context around each change, and every longer run of
// unchanged lines folded into one `@@ … N unchanged lines @@` marker, so a one-line image bump in a 200-line
// Deployment is a handful of lines.
import { structuredPatch } from 'diff';

export const CONTEXT_LINES = 3;

function fold(count: number): string {
  return `@@ … ${count} unchanged line${count === 1 ? '' : 's'} @@`;
}

function lines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

/** `before`/`after` are whole documents; undefined = the object is absent on that side. */
export function unifiedDiff(before: string | undefined, after: string | undefined, context = CONTEXT_LINES): string {
  if (before === undefined && after === undefined) return '';
  if (before === undefined)
    return lines(after!)
      .map((l) => `+${l}`)
      .join('\n');
  if (after === undefined)
    return lines(before)
      .map((l) => `-${l}`)
      .join('\n');
  const patch = structuredPatch('base', 'head', before, after, '', '', { context });
  const total = lines(before).length;
  const out: string[] = [];
  let nextOld = 1; // first base line not yet shown
  for (const hunk of patch.hunks) {
    // jsdiff numbers a pure insertion by the base line it comes before, so `oldStart` is always the next line.
    const start = hunk.oldStart;
    if (start > nextOld) out.push(fold(start - nextOld));
    out.push(...hunk.lines.filter((l) => !l.startsWith('\\')));
    nextOld = start + hunk.oldLines;
  }
  if (patch.hunks.length > 0 && nextOld <= total) out.push(fold(total - nextOld + 1));
  return out.join('\n');
}
