import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Io } from './main.ts';
import { HarnessError } from '../errors.ts';
import { mergeReports } from '../report/merge.ts';
import type { Report } from '../report/format.ts';
import { writeReport } from '../report/write.ts';
import { matrixTable, summary } from '../report/console.ts';

/** `runbooks merge shard1.json shard2.json … --report out.json` */
export function mergeCommand(paths: string[], out: string, io: Io, junitPath?: string): number {
  if (paths.length === 0) throw new HarnessError('Usage', 'merge needs the shard reports to combine');
  const reports = paths.map((path) => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as Report;
    } catch (error) {
      throw new HarnessError('Usage', `Cannot read the report ${path}: ${(error as Error).message}`);
    }
  });
  const merged = mergeReports(reports, new Date());
  writeReport(out, merged, junitPath);
  io.stdout(`merged ${reports.length} report(s)\n${matrixTable(merged)}\n${summary(merged, relative(io.cwd, out))}\n`);
  return merged.summary.failed === 0 && !merged.interrupted ? 0 : 1;
}
