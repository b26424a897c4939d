// When did the current head arrive on the PR? `/approve` comments given before that are stale. GitHub offers no
// reliable server-side push time: GraphQL `Commit.pushedDate` returns null since 2023, commit dates are whatever
// the pusher's git wrote (a backdated commit would make old approvals look fresh), the PR's `updated_at` moves with
// every comment and label, a commit's check suite is per repository (a commit pushed to another branch earlier is
// older than its arrival on this PR), and the timeline records force pushes only.
//
// So envgate records it itself, erring late: the time a head-moving event (opened, reopened, synchronize) reached
// this process (or the event's `pull_request.updated_at`, whichever is later), kept in memory here and persisted in
// the `started_at` of every envgate check run for that head (tagged with the PR number in `external_id`). A head
// envgate has no record of arrived "now". Every estimate is at or after the real push, so between the push and
// envgate seeing it an approval is counted stale, never the other way round.
import { LRUCache } from 'lru-cache';

export interface Arrival {
  sha: string;
  at: string;
}

export class HeadArrivals {
  private readonly arrivals = new LRUCache<string, Arrival>({ max: 10_000 });

  record(pr: string, sha: string, ...times: (string | null | undefined)[]): void {
    const at = latest(times);
    if (at) this.arrivals.set(pr, { sha, at });
  }

  /** The recorded arrival of `sha` on `pr`, if this process saw it arrive. */
  get(pr: string, sha: string): string | undefined {
    const arrival = this.arrivals.get(pr);
    return arrival?.sha === sha ? arrival.at : undefined;
  }
}

/** The latest of several ISO 8601 times (undefined when none parses). */
export function latest(times: readonly (string | null | undefined)[]): string | undefined {
  let best: number | undefined;
  for (const time of times) {
    const ms = time ? Date.parse(time) : NaN;
    if (!Number.isNaN(ms) && (best === undefined || ms > best)) best = ms;
  }
  return best === undefined ? undefined : new Date(best).toISOString();
}
