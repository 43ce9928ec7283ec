import type { MatrixEntry } from './matrix.ts';
import { runKey } from './run-key.ts';

/**
 * The runs in the order to start them: longest first, ties in plan order.
 * With `jobs` workers taking the next run as they free up, the long runs then
 * overlap each other and the short ones fill the gaps at the end, instead of
 * one long run starting last while the other workers idle until it ends.
 *
 * A run's length is the last report's duration; a run the report lacks (or
 * every run, on a fresh clone) is estimated from its number of steps, at the
 * mean time per step of the runs the report has (any constant when it has
 * none: only the order matters). Pure; results are still reported in plan order.
 */
export function longestFirst<E extends MatrixEntry>(entries: E[], durations: Map<string, number>): E[] {
  const recorded = (e: E): number | undefined => durations.get(runKey(e.runbook.file, e.major));
  const known = entries.filter((e) => recorded(e) !== undefined);
  const steps = known.reduce((sum, e) => sum + e.runbook.steps.length, 0);
  const perStep = steps > 0 ? known.reduce((sum, e) => sum + recorded(e)!, 0) / steps : 1;
  return entries.map((entry, index) => ({ entry, index, ms: recorded(entry) ?? entry.runbook.steps.length * perStep }))
    .sort((a, b) => b.ms - a.ms || a.index - b.index)
    .map((x) => x.entry);
}
