/**
 * How far a `verify` run is, and how long it has left: "12/171 runs · ~4m10s
 * left". Pure: the clock comes in as `now` (ms), so tests need no timers.
 *
 * A run's expected duration is what the last report recorded for it (same
 * runbook, same major); a run the last report lacks is expected to take the
 * mean of the runs done so far, or before any is done, the mean of the
 * recorded ones. Runs go `jobs` at a time, so the work left is divided among
 * them, but the time left is never less than the longest single run left.
 */
export class ProgressEstimator {
  private readonly running = new Map<string, number>();
  private readonly done: number[] = [];
  private readonly waiting: Set<string>;
  private readonly recordedMean: number | undefined;
  private readonly total: number;
  private readonly recorded: ReadonlyMap<string, number>;
  private readonly jobs: number;

  /**
   * @param planned the keys (`runKey`) of the runs to do
   * @param recorded durations (ms) by key from the last report
   * @param jobs runs at once
   */
  constructor(planned: readonly string[], recorded: ReadonlyMap<string, number>, jobs: number) {
    this.total = planned.length;
    this.recorded = recorded;
    this.jobs = jobs;
    this.waiting = new Set(planned);
    this.recordedMean = mean([...recorded.values()]);
  }

  start(key: string, now: number): void {
    this.waiting.delete(key);
    this.running.set(key, now);
  }

  end(key: string, durationMs: number): void {
    this.waiting.delete(key);
    this.running.delete(key);
    this.done.push(durationMs);
  }

  private expected(key: string): number | undefined {
    return this.recorded.get(key) ?? mean(this.done) ?? this.recordedMean;
  }

  /** Runs done, runs in all, and the time left (undefined while nothing tells how long a run takes). */
  estimate(now: number): { done: number; total: number; leftMs?: number } {
    const base = { done: this.done.length, total: this.total };
    const left: number[] = [];
    for (const key of this.waiting) left.push(this.expected(key) ?? NaN);
    for (const [key, startedAt] of this.running) left.push(Math.max(0, (this.expected(key) ?? NaN) - (now - startedAt)));
    if (left.length === 0) return { ...base, leftMs: 0 };
    if (left.some(Number.isNaN)) return base;
    const work = left.reduce((a, b) => a + b, 0);
    return { ...base, leftMs: Math.max(work / Math.max(1, this.jobs), ...left) };
  }
}

function mean(values: number[]): number | undefined {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}

/** `~45s`, `~4m10s`, `~1h05m`: whole seconds, an estimate claims no more. */
export function formatLeft(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `~${s}s`;
  if (s < 3600) return `~${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `~${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "12/171 runs · ~4m10s left", or "12/171 runs" while no duration is known. */
export function progressText(estimate: { done: number; total: number; leftMs?: number }): string {
  const count = `${estimate.done}/${estimate.total} runs`;
  return estimate.leftMs === undefined ? count : `${count} · ${formatLeft(estimate.leftMs)} left`;
}
