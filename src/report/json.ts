// The machine-readable evidence: the whole Review, stable key order as built, two-space indent.
import type { Review } from '../core/types.js';

export function renderJson(review: Review): string {
  return `${JSON.stringify(review, null, 2)}\n`;
}
