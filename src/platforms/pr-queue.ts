// Serialises work per pull request. Platforms redeliver and reorder events, and a review recomputes everything
// from scratch, so while one review runs only the latest waiting request matters: older waiting ones are dropped.

interface Lane {
  running: Promise<void>;
  waiting?: { job: () => Promise<void>; settle: { resolve: (ran: boolean) => void; reject: (e: unknown) => void } };
}

export class PullRequestQueue {
  private readonly lanes = new Map<string, Lane>();

  /** Number of pull requests with a review running. */
  get active(): number {
    return this.lanes.size;
  }

  /**
   * Runs `job` after the one running for `key` (if any). Resolves true when the job ran, false when a later
   * request for the same key replaced it before it started. Rejects with the job's error.
   */
  enqueue(key: string, job: () => Promise<void>): Promise<boolean> {
    const lane = this.lanes.get(key);
    if (!lane) {
      const running = this.start(key, job);
      return running.then(() => true);
    }
    return new Promise<boolean>((resolve, reject) => {
      lane.waiting?.settle.resolve(false); // superseded: its result would be stale anyway
      lane.waiting = { job, settle: { resolve, reject } };
    });
  }

  /** Resolves when nothing is running or waiting (tests, graceful shutdown). */
  async idle(): Promise<void> {
    while (this.lanes.size > 0) {
      await Promise.allSettled([...this.lanes.values()].map((lane) => lane.running));
    }
  }

  private start(key: string, job: () => Promise<void>): Promise<void> {
    const lane: Lane = { running: Promise.resolve() };
    this.lanes.set(key, lane);
    lane.running = job().finally(() => this.next(key, lane));
    return lane.running;
  }

  private next(key: string, lane: Lane): void {
    const waiting = lane.waiting;
    if (!waiting) {
      this.lanes.delete(key);
      return;
    }
    lane.waiting = undefined;
    lane.running = waiting
      .job()
      .then(
        () => waiting.settle.resolve(true),
        (error: unknown) => waiting.settle.reject(error),
      )
      .finally(() => this.next(key, lane));
  }
}
