import { readFileSync } from 'node:fs';
import { HarnessError } from '../errors.ts';
import type { Report } from './format.ts';

/** A report written by `verify` or `merge`; one that cannot be read or parsed is a usage error naming it. */
export function readReport(path: string): Report {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Report;
  } catch (error) {
    throw new HarnessError('Usage', `Cannot read the report ${path}: ${(error as Error).message}`);
  }
}

/** The same, or undefined when there is none (yet) or it is unreadable: for what is only a hint, like shard balancing. */
export function readReportIfAny(path: string): Report | undefined {
  try {
    return readReport(path);
  } catch {
    return undefined;
  }
}
