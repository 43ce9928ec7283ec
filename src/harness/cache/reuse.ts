import type { RunbookResult } from '../model.ts';
import type { MatrixEntry } from '../plan/matrix.ts';
import { runKey } from '../plan/run-key.ts';

/** What the cache decided: passes to reuse (by `runKey`) and the entries left to run, in plan order. */
export interface CacheDecision<E extends MatrixEntry> {
  reused: Map<string, RunbookResult>;
  toRun: E[];
}

/**
 * Splits planned runs into those the cache answers and those to run. Pure:
 * `stored` looks an entry up (by its cache key) and `force` reuses nothing.
 * Only a stored result that records when it was verified counts; it gets
 * today's runbook object (same text, since the text is part of the key).
 */
export function decideReuse<E extends MatrixEntry>(entries: E[], stored: (entry: E) => RunbookResult | undefined, force: boolean): CacheDecision<E> {
  const reused = new Map<string, RunbookResult>();
  if (!force) {
    for (const entry of entries) {
      const hit = stored(entry);
      if (hit?.reused) reused.set(runKey(entry.runbook.file, entry.major), { ...hit, runbook: entry.runbook });
    }
  }
  return { reused, toRun: entries.filter((e) => !reused.has(runKey(e.runbook.file, e.major))) };
}

/** A fresh result as the cache keeps it: stamped with when it was verified, so a later reuse can say so. */
export function cacheRecord(result: RunbookResult, verifiedAt: Date): RunbookResult {
  return { ...result, reused: { verifiedAt: verifiedAt.toISOString() } };
}
