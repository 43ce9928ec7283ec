import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Report } from './format.ts';
import { toJUnit } from './junit.ts';

/** Writes atomically, so a reader (the site build, a CI reporter) never sees half a file. */
function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}

/** The JSON report, and the same results as JUnit XML when asked for (`--junit FILE`). */
export function writeReport(path: string, report: Report, junitPath?: string): void {
  writeAtomically(path, `${JSON.stringify(report, null, 2)}\n`);
  if (junitPath) writeAtomically(junitPath, toJUnit(report));
}
