import type { Report } from './format.ts';
import { toJUnit } from './junit.ts';
import { writeAtomically } from '../files/write-atomically.ts';

/** The JSON report, and the same results as JUnit XML when asked for (`--junit FILE`). */
export function writeReport(path: string, report: Report, junitPath?: string): void {
  writeAtomically(path, `${JSON.stringify(report, null, 2)}\n`);
  if (junitPath) writeAtomically(junitPath, toJUnit(report));
}
