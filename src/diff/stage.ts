// The diff stage: every rendered root's base and head objects → ResourceChange[] for the comment and the JSON
// report. A side that did not render is withheld, so a broken head never reads as "all resources removed".
import type { Stage } from '../core/review.js';
import { diffObjects } from './diff.js';

export const diffStage: Stage = {
  name: 'diff',
  run(ctx) {
    for (const root of ctx.rendered) {
      const { base, head } = root;
      if (base.status === 'error' || head.status === 'error') continue; // the render stage reported it
      const where = { root: root.path, ...(root.env ? { env: root.env } : {}) };
      ctx.diff.push(
        ...diffObjects(base.status === 'ok' ? base.objects : [], head.status === 'ok' ? head.objects : [], where),
      );
    }
  },
};
