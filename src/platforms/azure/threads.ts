// envgate's threads on a pull request: the summary thread (one, edited in place) and one line thread per error
// finding. Each starts with an invisible marker so it is found again on the next run. Azure DevOps may show HTML
// comments as text (its renderer is not bound to keep `<!-- -->` hidden), so markers are Markdown link reference
// definitions, `[//]: # (envgate:v1)`, which no CommonMark renderer outputs, with or without raw HTML.
// Only threads whose first comment envgate itself wrote count: anyone can paste a marker into their own comment.
import { createHash } from 'node:crypto';
import type { GitPullRequestCommentThread } from 'azure-devops-node-api/interfaces/GitInterfaces.js';
import type { Finding } from '../../core/types.js';
import { COMMENT_MARKER } from '../../report/markdown.js';
import { sameId } from './signals.js';

export const SUMMARY_MARKER = '[//]: # (envgate:v1)';
const FINDING_MARKER = /^\[\/\/\]: # \(envgate:finding:([0-9a-f]{16})\)/;

/** The shared comment body with its HTML-comment marker swapped for the Azure DevOps one. */
export function toAzureMarkdown(body: string, marker: string = COMMENT_MARKER): string {
  return body.startsWith(marker) ? `${SUMMARY_MARKER}${body.slice(marker.length)}` : `${SUMMARY_MARKER}\n${body}`;
}

function firstComment(thread: GitPullRequestCommentThread) {
  return thread.comments?.find((c) => !c.parentCommentId) ?? thread.comments?.[0];
}

function ownFirstComment(thread: GitPullRequestCommentThread, botId: string) {
  const comment = firstComment(thread);
  if (!comment || thread.isDeleted || comment.isDeleted || !sameId(comment.author?.id, botId)) return undefined;
  return comment;
}

/** envgate's summary thread (the oldest, should a race ever have made two). */
export function findSummaryThread(threads: readonly GitPullRequestCommentThread[], botId: string) {
  const own = threads
    .map((thread) => ({ thread, comment: ownFirstComment(thread, botId) }))
    .filter(({ comment }) => {
      const content = comment?.content ?? '';
      return content.startsWith(SUMMARY_MARKER) || content.startsWith(COMMENT_MARKER);
    })
    .sort((a, b) => (a.thread.id ?? 0) - (b.thread.id ?? 0));
  const found = own[0];
  return found?.thread.id !== undefined && found.comment?.id !== undefined
    ? { threadId: found.thread.id, commentId: found.comment.id, content: found.comment.content ?? '' }
    : undefined;
}

/** A finding's identity across runs: rule, file and message (not the line, which moves with every edit above it). */
export function findingKey(finding: Finding): string {
  return createHash('sha256')
    .update(`${finding.rule}\u0000${finding.file ?? ''}\u0000${finding.message}`)
    .digest('hex')
    .slice(0, 16);
}

export function findingComment(finding: Finding): string {
  const where = finding.line ? ` (line ${finding.line})` : '';
  return [
    `[//]: # (envgate:finding:${findingKey(finding)})`,
    `❌ **${finding.rule}**${where}: ${finding.message}`,
    '',
    '_envgate resolves this thread when the finding is gone._',
  ].join('\n');
}

/** envgate's finding threads by key. */
export function findFindingThreads(threads: readonly GitPullRequestCommentThread[], botId: string) {
  const byKey = new Map<string, { threadId: number; status: number | undefined }>();
  for (const thread of threads) {
    const comment = ownFirstComment(thread, botId);
    const key = FINDING_MARKER.exec(comment?.content ?? '')?.[1];
    if (key && thread.id !== undefined && !byKey.has(key)) {
      byKey.set(key, { threadId: thread.id, status: typeof thread.status === 'number' ? thread.status : undefined });
    }
  }
  return byKey;
}
