import { relative } from 'node:path';
import type { Io } from './io.ts';
import { HarnessError } from '../errors.ts';
import { mergeReportFiles } from '../report/merge-files.ts';
import { matrixTable, summary } from '../report/console.ts';

/** `runbooks merge shard1.json shard2.json … --report out.json` */
export function mergeCommand(paths: string[], out: string, io: Io, junitPath?: string): number {
  if (paths.length === 0) throw new HarnessError('Usage', 'merge needs the shard reports to combine');
  const merged = mergeReportFiles(paths, out, junitPath, new Date());
  io.stdout(`merged ${paths.length} report(s)\n${matrixTable(merged)}\n${summary(merged, relative(io.cwd, out))}\n`);
  return merged.summary.failed === 0 && !merged.interrupted ? 0 : 1;
}
