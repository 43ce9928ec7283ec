import type { Report } from './format.ts';
import { mergeReports } from './merge.ts';
import { readReport } from './read.ts';
import { writeReport } from './write.ts';

/**
 * `runbooks merge`: shard reports read from `paths`, merged, written to `out`
 * (and as JUnit XML to `junitPath` when given). Returns the merged report.
 */
export function mergeReportFiles(paths: string[], out: string, junitPath: string | undefined, now: Date): Report {
  const merged = mergeReports(paths.map(readReport), now);
  writeReport(out, merged, junitPath);
  return merged;
}
