import { describe, expect, it } from 'vitest';
import { longestFirst } from '../../src/harness/plan/longest-first.ts';
import { runKey } from '../../src/harness/plan/run-key.ts';
import { makeRunbook, makeStep } from './build.ts';

const entry = (file: string, major: number, steps = 1) => ({ runbook: makeRunbook(file, { steps: Array.from({ length: steps }, () => makeStep()) }), major });
const order = (entries: ReturnType<typeof entry>[]) => entries.map((e) => runKey(e.runbook.file, e.major));

describe('longestFirst', () => {
  it('starts the runs the last report says are longest first; ties keep plan order', () => {
    const entries = [entry('content/a.md', 15), entry('content/b.md', 15), entry('content/c.md', 15), entry('content/e.md', 17)];
    const durations = new Map([
      [runKey('content/a.md', 15), 1000], [runKey('content/b.md', 15), 9000], [runKey('content/c.md', 15), 1000], [runKey('content/e.md', 17), 5000],
    ]);
    expect(order(longestFirst(entries, durations))).toEqual(['content/b.md@15', 'content/e.md@17', 'content/a.md@15', 'content/c.md@15']);
  });

  it('places a run the report lacks by its steps, at the mean time per step of the runs it has', () => {
    // 2 s per step on record: the new 3-step page (~6 s) goes between the 9 s and the 2 s runs.
    const entries = [entry('content/a.md', 15, 1), entry('content/b.md', 15, 4), entry('content/new.md', 15, 3)];
    const durations = new Map([[runKey('content/a.md', 15), 1000], [runKey('content/b.md', 15), 9000]]);
    expect(order(longestFirst(entries, durations))).toEqual(['content/b.md@15', 'content/new.md@15', 'content/a.md@15']);
  });

  it('orders by steps alone on a fresh clone (no report), ties in plan order', () => {
    const entries = [entry('content/a.md', 13, 2), entry('content/b.md', 13, 9), entry('content/a.md', 15, 2)];
    expect(order(longestFirst(entries, new Map()))).toEqual(['content/b.md@13', 'content/a.md@13', 'content/a.md@15']);
  });
});
