import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunbookResult } from '../model.ts';
import { writeAtomically } from '../files/write-atomically.ts';

/**
 * Passed results by cache key, one JSON file each. Only passes are stored:
 * a failure is always run again. A corrupt or unreadable entry is a miss.
 */
export class ResultCache {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  get(key: string): RunbookResult | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8')) as RunbookResult;
    } catch {
      return undefined;
    }
  }

  put(key: string, result: RunbookResult): void {
    if (result.status !== 'passed') return;
    writeAtomically(join(this.dir, `${key}.json`), JSON.stringify(result));
  }
}
