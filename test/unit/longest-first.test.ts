import { describe, expect, it } from 'vitest';
import { longestFirst } from '../../src/harness/plan/longest-first.ts';
import { runKey } from '../../src/harness/plan/run-key.ts';
import { makeRunbook } from './build.ts';

const entry = (file: string, major: number) => ({ runbook: makeRunbook(file), major });

describe('longestFirst', () => {
  it('starts the runs the last report says are longest first; unknown runs before all; ties keep plan order', () => {
    const entries = [entry('content/a.md', 15), entry('content/b.md', 15), entry('content/c.md', 15), entry('content/d.md', 15), entry('content/e.md', 17)];
    const durations = new Map([
      [runKey('content/a.md', 15), 1000], [runKey('content/b.md', 15), 9000], [runKey('content/c.md', 15), 1000], [runKey('content/e.md', 17), 5000],
    ]);
    expect(longestFirst(entries, durations).map((e) => runKey(e.runbook.file, e.major)))
      .toEqual(['content/d.md@15', 'content/b.md@15', 'content/e.md@17', 'content/a.md@15', 'content/c.md@15']);
  });

  it('keeps plan order without a report', () => {
    const entries = [entry('content/a.md', 13), entry('content/a.md', 15)];
    expect(longestFirst(entries, new Map())).toEqual(entries);
  });
});
