// Text that goes inside Markdown the platforms render: one helper, so every section escapes the same way.

/** Keeps a value inside one table cell: no pipes, no newlines, no HTML. */
export function escapeCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r?\n/g, ' ');
}
