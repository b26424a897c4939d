// A gate as GitHub check runs: the conclusion, the output within GitHub's limits, and line annotations in the
// batches of 50 the Checks API accepts. Pure: the adapter sends what this builds.
import type { Finding, GateStatus } from '../../core/types.js';
import { truncate } from '../../report/budget.js';
import type { GateReport } from '../types.js';

export const CHECK_LIMITS = {
  summaryChars: 65_535,
  titleChars: 255,
  annotationsPerCall: 50,
  annotationMessageChars: 60_000,
  /** More annotations than this only add API calls (each a throttled write); the comment lists every finding. */
  maxAnnotations: 250,
} as const;

type Conclusion = 'success' | 'failure' | 'action_required';

/**
 * `neutral` and `skipped` satisfy a required check, so a blocked gate is never either: problems are `failure`, and
 * approvals still to come are `action_required`.
 */
export function conclusionOf(state: GateStatus): Conclusion {
  if (state === 'pass') return 'success';
  return state === 'pending' ? 'action_required' : 'failure';
}

export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

const LEVEL = { error: 'failure', warning: 'warning', info: 'notice' } as const;

export function annotationOf(finding: Finding): CheckAnnotation | undefined {
  if (!finding.file || !finding.line) return undefined;
  const annotation: CheckAnnotation = {
    path: finding.file,
    start_line: finding.line,
    end_line: finding.line,
    annotation_level: LEVEL[finding.severity],
    message: truncate(finding.message, CHECK_LIMITS.annotationMessageChars),
    title: truncate(finding.rule, CHECK_LIMITS.titleChars),
  };
  if (finding.column) {
    annotation.start_column = finding.column;
    annotation.end_column = finding.column;
  }
  return annotation;
}

export interface CheckOutput {
  title: string;
  summary: string;
  annotations?: CheckAnnotation[];
}

export interface CheckRunPlan {
  /** The body of `POST /repos/{o}/{r}/check-runs` (owner, repo added by the adapter). */
  create: {
    name: string;
    head_sha: string;
    external_id: string;
    status: 'completed';
    conclusion: Conclusion;
    started_at?: string;
    completed_at: string;
    output: CheckOutput;
  };
  /** Further annotation batches, each one `PATCH …/check-runs/{id}` (annotations append). */
  updates: CheckOutput[];
}

export function planCheckRun(
  report: GateReport,
  options: { externalId: string; startedAt?: string; completedAt: string },
): CheckRunPlan {
  const annotatable = report.annotations.map(annotationOf).filter((a): a is CheckAnnotation => a !== undefined);
  const annotations = annotatable.slice(0, CHECK_LIMITS.maxAnnotations);
  const left = annotatable.length - annotations.length;
  const note = left > 0 ? `\n\n${left} more findings are not annotated here; the PR comment lists them all.` : '';
  const output: CheckOutput = {
    title: truncate(report.gate.title, CHECK_LIMITS.titleChars),
    summary: truncate(report.summary, CHECK_LIMITS.summaryChars - note.length) + note,
  };
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < annotations.length; i += CHECK_LIMITS.annotationsPerCall) {
    batches.push(annotations.slice(i, i + CHECK_LIMITS.annotationsPerCall));
  }
  if (batches.length > 0) output.annotations = batches[0];
  return {
    create: {
      name: report.name,
      head_sha: report.headSha,
      external_id: options.externalId,
      status: 'completed',
      conclusion: conclusionOf(report.gate.state),
      ...(options.startedAt ? { started_at: options.startedAt } : {}),
      completed_at: options.completedAt,
      output,
    },
    updates: batches.slice(1).map((batch) => ({ title: output.title, summary: output.summary, annotations: batch })),
  };
}
