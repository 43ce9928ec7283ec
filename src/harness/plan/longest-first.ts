import type { MatrixEntry } from './matrix.ts';
import { runKey } from './run-key.ts';

/**
 * The runs in the order to start them: longest first, by the durations of the
 * last report (runs it lacks first of all, as they may be long too), ties in
 * plan order. With `jobs` workers taking the next run as they free up, the
 * long runs then overlap each other and the short ones fill the gaps at the
 * end, instead of one long run starting last and the other workers idling
 * until it ends. Pure; results are still reported in plan order.
 */
export function longestFirst<E extends MatrixEntry>(entries: E[], durations: Map<string, number>): E[] {
  const known = (e: E): number => durations.get(runKey(e.runbook.file, e.major)) ?? Number.POSITIVE_INFINITY;
  return entries.map((entry, index) => ({ entry, index, ms: known(entry) }))
    .sort((a, b) => (b.ms === a.ms ? a.index - b.index : b.ms > a.ms ? 1 : -1))
    .map((x) => x.entry);
}
