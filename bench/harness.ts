// Shared by every benchmark: timing with warm-up, medians over repeated runs, and the result rows that
// bench/run.ts writes to BENCHMARKS.md. Targets are ratios against a reference measured in the same run,
// because these machines are noisy.

export interface BenchRow {
  /** What was measured, e.g. `render: built-in engine, 1 root`. */
  name: string;
  /** Median of the samples, in the unit given. */
  median: number;
  unit: string;
  /** The target from the issue, in words, e.g. `≥ 20× faster than kubectl kustomize`. */
  target?: string;
  /** Whether the target was met in this run; undefined when the row has no target. */
  met?: boolean;
  note?: string;
}

export interface Benchmark {
  /** Section title in BENCHMARKS.md. */
  title: string;
  run(): Promise<BenchRow[]>;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Milliseconds per call of `fn`, median over `samples` runs after `warmup` unmeasured ones. */
export async function timeMs(
  fn: () => unknown,
  samples = 7,
  warmup = 2,
): Promise<{ median: number; samples: number[] }> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return { median: median(times), samples: times };
}

/** Operations per second of a synchronous `fn`, running it in batches for at least `minMs` per sample. */
export function opsPerSecond(fn: () => unknown, samples = 5, minMs = 200): number {
  const rates: number[] = [];
  for (let s = 0; s < samples + 1; s++) {
    let ops = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < minMs) {
      for (let i = 0; i < 100; i++) fn();
      ops += 100;
      elapsed = performance.now() - start;
    }
    if (s > 0) rates.push((ops / elapsed) * 1000); // the first sample warms the JIT
  }
  return median(rates);
}
