import type { MatrixEntry, NotApplicable } from './matrix.ts';
import { runKey } from './run-key.ts';
import { assignShards, type Shard } from './shard.ts';

/**
 * A previous report's run durations by `runKey`, to balance shards. Pure:
 * takes the parsed report (or nothing, when there is none).
 */
export function recordedDurations(report: { runbooks: { file: string; major: number; durationMs: number }[] } | undefined): Map<string, number> {
  return new Map((report?.runbooks ?? []).map((r) => [runKey(r.file, r.major), r.durationMs]));
}

/**
 * This shard's part of the matrix: the entries `assignShards` gives it, and
 * the "n/a" pairs on shard 1 only, so that a merge counts each once. Pure.
 */
export function selectShard<E extends MatrixEntry>(
  planned: { entries: E[]; notApplicable: NotApplicable[] }, shard: Shard, durations: Map<string, number>,
): { entries: E[]; notApplicable: NotApplicable[] } {
  const keyOf = (e: MatrixEntry): string => runKey(e.runbook.file, e.major);
  const assignment = assignShards(planned.entries.map(keyOf), shard.count, (k) => durations.get(k));
  return {
    entries: planned.entries.filter((e) => assignment.get(keyOf(e)) === shard.index),
    notApplicable: shard.index === 1 ? planned.notApplicable : [],
  };
}
