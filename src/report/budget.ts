// Fitting a comment into a platform's size limit: the head and foot always fit, optional sections are packed
// greedily in priority order, and whatever did not fit is named in a note, never silently dropped.

export interface CommentSection {
  /** Short label used in the "left out" note, e.g. `prod · Deployment web/api`. */
  label: string;
  markdown: string;
  /** A shorter stand-in used when the full section does not fit (e.g. the summary line without the diff). */
  compact?: string;
  /**
   * Packing order, lowest first (default 0); the comment keeps the given order. Lets a per-resource diff (1) sit under
   * its environment's summary (0) without taking the room a later summary needs.
   */
  priority?: number;
}

export interface PackedComment {
  markdown: string;
  /** Labels of sections left out or shortened. */
  omitted: string[];
  shortened: string[];
}

/** Room kept for the omission note itself. */
const NOTE_RESERVE = 600;

export function packComment(
  head: string,
  sections: readonly CommentSection[],
  foot: string,
  limit: number,
  omittedNote: (labels: string[]) => string,
): PackedComment {
  const chosen = new Array<string | undefined>(sections.length);
  const outcome = new Array<'shortened' | 'omitted' | undefined>(sections.length);
  let used = head.length + foot.length + 4 + NOTE_RESERVE;
  const order = sections.map((_, i) => i).sort((a, b) => (sections[a]!.priority ?? 0) - (sections[b]!.priority ?? 0));
  for (const i of order) {
    const section = sections[i]!;
    const full = section.markdown.length + 2;
    if (used + full <= limit) {
      chosen[i] = section.markdown;
      used += full;
    } else if (section.compact !== undefined && used + section.compact.length + 2 <= limit) {
      chosen[i] = section.compact;
      used += section.compact.length + 2;
      outcome[i] = 'shortened';
    } else {
      outcome[i] = 'omitted';
    }
  }
  const parts = chosen.filter((part): part is string => part !== undefined);
  const shortened = sections.filter((_, i) => outcome[i] === 'shortened').map((s) => s.label);
  const omitted = sections.filter((_, i) => outcome[i] === 'omitted').map((s) => s.label);
  if (omitted.length > 0 || shortened.length > 0) {
    parts.push(truncate(omittedNote([...shortened.map((l) => `${l} (shortened)`), ...omitted]), NOTE_RESERVE));
  }
  // Blank lines between blocks: Markdown ends a table or an HTML block only at one.
  const body = [head, ...parts, foot].join('\n\n');
  // The head alone can exceed a tiny limit; cut rather than let the platform reject the whole comment.
  return { markdown: truncate(body, limit), omitted, shortened };
}

export function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const marker = '\n… (cut to fit)';
  return text.slice(0, Math.max(0, limit - marker.length)) + marker;
}
